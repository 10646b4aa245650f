"""Ticket look-up: number + e-mail → a one-time link by mail → the conversation."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.lib.client_ip import client_ip
from supportdesk.portal import services
from supportdesk.portal.selectors_lookup import granted_ticket, public_conversation
from supportdesk.tickets.services import TicketClosed


def lookup(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, "portal/lookup.html", {})
    try:
        services.access_link_request(ticket_number=request.POST.get("number", "")[:20],
                                     email=request.POST.get("email", "")[:254], ip=client_ip(request))
    except services.RateLimited:
        return render(request, "portal/lookup.html", {"limited": True}, status=429)
    # The same page whether or not the pair exists.
    return render(request, "portal/lookup.html", {"sent": True})


def access(request: HttpRequest, token: str) -> HttpResponse:
    """GET only confirms (mail scanners prefetch links); the POST uses the link up."""
    if request.method != "POST":
        link = services.access_link_peek(token=token)
        return render(request, "portal/access.html", {"valid": link is not None, "token": token},
                      status=200 if link else 410)
    link = services.access_link_redeem(token=token)
    if link is None:
        return render(request, "portal/access.html", {"valid": False}, status=410)
    grants = dict(request.session.get(services.SESSION_KEY, {}))
    grants[str(link.ticket_id)] = {"email": link.email,
                                   "until": (timezone.now() + services.SESSION_TTL).isoformat()}
    request.session[services.SESSION_KEY] = grants
    request.session.cycle_key()
    return redirect("portal:ticket", pk=link.ticket_id)


def ticket(request: HttpRequest, pk: int) -> HttpResponse:
    found = granted_ticket(request.session, pk, timezone.now())
    if found is None:
        raise Http404("no access to this ticket")
    ticket_obj, _email = found
    return render(request, "portal/ticket.html", {"ticket": ticket_obj, "messages_list": public_conversation(ticket_obj)})


@require_POST
def ticket_add(request: HttpRequest, pk: int) -> HttpResponse:
    found = granted_ticket(request.session, pk, timezone.now())
    if found is None:
        raise Http404("no access to this ticket")
    ticket_obj, email = found
    text = request.POST.get("text", "").strip()
    error = ""
    if not text:
        error = _("Please write something to add.")
    else:
        try:
            services.portal_add_message(ticket=ticket_obj, email=email, text=text)
        except TicketClosed:
            error = _("This request is closed. Please write a new e-mail; we will link it to this one.")
        else:
            return redirect("portal:ticket", pk=pk)
    return render(request, "portal/ticket.html", {"ticket": ticket_obj, "error": error, "text": text,
                                                  "messages_list": public_conversation(ticket_obj)}, status=400)
