"""The agent's writing on a ticket: replies, notes, questions to the customer, forwards, the
release notice (ticket page forms). A refused reply is shown in its box with the text kept."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.replies import forwarding, services
from supportdesk.replies.files import check_file_size, ticket_files
from supportdesk.replies.forms import ReplyForm
from supportdesk.replies.recipients import check_recipients
from supportdesk.tickets import forms as f
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.services import AttachmentData, InvalidAction
from supportdesk.tickets.views import act_on_ticket, compose_on_ticket

# Types a browser names for files it cannot tell apart; stored as the generic type.
_GENERIC = "application/octet-stream"


def uploaded_files(request: HttpRequest) -> list[AttachmentData]:
    """The files of the form's file input (``files``), each checked against the policy's limit
    before it is read into memory."""
    files = []
    for upload in request.FILES.getlist("files"):
        name = (upload.name or "attachment").replace("\\", "/").rsplit("/", 1)[-1][:255] or "attachment"
        check_file_size(name, upload.size or 0)
        content_type = (upload.content_type or _GENERIC).split(";")[0].strip().lower()[:120] or _GENERIC
        files.append(AttachmentData(filename=name, content_type=content_type, content=upload.read()))
    return files


def _files(request: HttpRequest, ticket: Ticket, data: dict[str, Any]) -> list[AttachmentData]:
    reused = ticket_files(ticket=ticket, ids=[a.pk for a in data.get("reuse") or ()])
    return [*reused, *uploaded_files(request)]


@agent_required
@require_POST
def ticket_reply(request: AgentRequest, pk: int) -> HttpResponse:
    def reply(ticket: Ticket, data: dict[str, Any]) -> Message:
        recipients = None
        if "to" in request.POST or "cc" in request.POST:  # the page's reply box; API callers get reply-all
            recipients = check_recipients(to_text=data["to"], cc_text=data["cc"])
        return services.ticket_reply(ticket=ticket, author=request.user, text=data["text"], canned=data.get("canned"),
                                     attachments=_files(request, ticket, data), recipients=recipients,
                                     time_spent=data.get("minutes"))

    return compose_on_ticket(request, pk, "reply", reply, _("Reply sent."), form_class=ReplyForm)


@agent_required
@require_POST
def ticket_note(request: AgentRequest, pk: int) -> HttpResponse:
    return compose_on_ticket(request, pk, "note", lambda t, d: services.ticket_note(
        ticket=t, author=request.user, text=d["text"], attachments=_files(request, t, d),
        time_spent=d.get("minutes")), _("Note added."), form_class=f.NoteForm)


@agent_required
@require_POST
def ticket_ask(request: AgentRequest, pk: int) -> HttpResponse:
    return compose_on_ticket(request, pk, "ask", lambda t, d: services.ticket_ask_for_information(
        ticket=t, author=request.user, text=d["text"], time_spent=d.get("minutes")), _("Question sent; the ticket waits for the customer."))


@agent_required
@require_POST
def ticket_forward(request: AgentRequest, pk: int) -> HttpResponse:
    def forward(ticket: Ticket, data: dict[str, Any]) -> Message:
        message = None
        if data.get("message"):
            message = ticket.messages.filter(pk=data["message"]).first()
            if message is None:
                raise InvalidAction(_("That message is not part of ticket #%(n)s.") % {"n": ticket.pk})
        return forwarding.ticket_forward(ticket=ticket, author=request.user, to_text=data["to"],
                                         comment=data["text"], message=message, with_files=data["with_files"],
                                         attachments=_files(request, ticket, data))

    return compose_on_ticket(request, pk, "forward", forward, _("Forwarded; the ticket keeps a copy as a note."),
                             form_class=f.ForwardForm)


@agent_required
@require_POST
def ticket_wait_release(request: AgentRequest, pk: int) -> HttpResponse:
    return act_on_ticket(request, pk, f.WaitReleaseForm, lambda t, d: services.ticket_wait_for_release(
        ticket=t, release=d["release"], author=request.user),
        _("The ticket waits for the release; the customer was told by e-mail when there is an address."))
