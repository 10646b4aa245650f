"""The agent's writing on a ticket: replies, notes, questions to the customer, the release
notice (ticket page forms). A refused reply is shown in its box with the text kept."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.replies import services
from supportdesk.replies.forms import ReplyForm
from supportdesk.tickets import forms as f
from supportdesk.tickets.views import act_on_ticket, compose_on_ticket


@agent_required
@require_POST
def ticket_reply(request: AgentRequest, pk: int) -> HttpResponse:
    return compose_on_ticket(request, pk, "reply", lambda t, d: services.ticket_reply(
        ticket=t, author=request.user, text=d["text"], canned=d.get("canned"), time_spent=d.get("minutes")),
        _("Reply sent."),
        form_class=ReplyForm)


@agent_required
@require_POST
def ticket_note(request: AgentRequest, pk: int) -> HttpResponse:
    return compose_on_ticket(request, pk, "note", lambda t, d: services.ticket_note(
        ticket=t, author=request.user, text=d["text"], time_spent=d.get("minutes")), _("Note added."))


@agent_required
@require_POST
def ticket_ask(request: AgentRequest, pk: int) -> HttpResponse:
    return compose_on_ticket(request, pk, "ask", lambda t, d: services.ticket_ask_for_information(
        ticket=t, author=request.user, text=d["text"], time_spent=d.get("minutes")), _("Question sent; the ticket waits for the customer."))


@agent_required
@require_POST
def ticket_wait_release(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.WaitReleaseForm, lambda t, d: services.ticket_wait_for_release(
        ticket=t, release=d["release"], author=request.user),
        _("The ticket waits for the release; the customer was told by e-mail when there is an address."))
