"""The agent's writing on a ticket: replies, notes, questions to the customer (ticket page forms)."""

from __future__ import annotations

from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.replies import services
from supportdesk.tickets import forms as f
from supportdesk.tickets.views import act_on_ticket


@agent_required
@require_POST
def ticket_reply(request: AgentRequest, pk: int) -> HttpResponseRedirect:
    return act_on_ticket(request, pk, f.ReplyForm, lambda t, d: services.ticket_reply(
        ticket=t, author=request.user, text=d["text"], canned=d.get("canned")), _("Reply sent."))


@agent_required
@require_POST
def ticket_note(request: AgentRequest, pk: int) -> HttpResponseRedirect:
    return act_on_ticket(request, pk, f.TextForm, lambda t, d: services.ticket_note(
        ticket=t, author=request.user, text=d["text"]), _("Note added."))


@agent_required
@require_POST
def ticket_ask(request: AgentRequest, pk: int) -> HttpResponseRedirect:
    return act_on_ticket(request, pk, f.TextForm, lambda t, d: services.ticket_ask_for_information(
        ticket=t, author=request.user, text=d["text"]), _("Question sent; the ticket waits for the customer."))
