"""The ticket page's presence poll: report "here (typing)", get who else is here and what
changed since the page was loaded."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.lib.params import parse_positive_int
from supportdesk.presence.models import TicketPresence
from supportdesk.presence.services import presence_beat, presence_leave, presence_others
from supportdesk.tickets import selectors
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.presenters import change_lines


def _ticket(request: AgentRequest, pk: int) -> Ticket:
    try:
        return selectors.ticket_for_agent(user=request.user, pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


@agent_required
@require_POST
def beat(request: AgentRequest, pk: int) -> HttpResponse:
    ticket = _ticket(request, pk)
    box = request.POST.get("typing", "")
    seen_text = request.POST.get("seen", "")
    if box not in TicketPresence.Box.values:
        return HttpResponseBadRequest(_("Unknown reply box."), content_type="text/plain; charset=utf-8")
    try:
        seen = parse_positive_int(seen_text) if seen_text not in ("", "0") else 0
    except ValueError:
        return HttpResponseBadRequest(_("The page marker is not a number."), content_type="text/plain; charset=utf-8")
    presence_beat(ticket=ticket, user=request.user, typing_box=box)
    changes = selectors.ticket_changes_since(ticket=ticket, seen=seen, user=request.user) if seen else []
    return render(request, "presence/_box.html", {
        "ticket": ticket, "others": presence_others(ticket=ticket, user=request.user),
        "changes": change_lines(changes),
    })


@agent_required
@require_POST
def leave(request: AgentRequest, pk: int) -> HttpResponse:
    presence_leave(ticket=_ticket(request, pk), user=request.user)
    return HttpResponse(status=204)
