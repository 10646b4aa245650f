"""The agent's writing on a ticket: replies, notes, questions to the customer, forwards, the
release notice (ticket page forms). A refused reply is shown in its box with the text kept."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.lib.confirm import is_confirmed
from supportdesk.replies import forwarding, outbound, services
from supportdesk.replies import outbound_forms as rf
from supportdesk.replies import split as split_service
from supportdesk.replies.files import check_file_size, ticket_files
from supportdesk.replies.forms import ReplyForm
from supportdesk.replies.recipients import check_recipients
from supportdesk.tickets import forms as f
from supportdesk.tickets import selectors
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
        # The page's reply box sends To and Cc; left both empty (a ticket with no address, as a phone
        # ticket) the service answers with reply-all, or says the ticket has no e-mail address.
        if data["to"].strip() or data["cc"].strip():
            recipients = check_recipients(to_text=data["to"], cc_text=data["cc"])
        return services.ticket_reply(ticket=ticket, author=request.user, text=data["text"], canned=data.get("canned"),
                                     attachments=_files(request, ticket, data), recipients=recipients,
                                     seen=data.get("seen"), confirmed=is_confirmed(request),
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
        ticket=t, author=request.user, text=d["text"], seen=d.get("seen"), confirmed=is_confirmed(request),
        time_spent=d.get("minutes")), _("Question sent; the ticket waits for the customer."), form_class=f.ComposeForm)


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


@agent_required
@require_POST
def message_split(request: AgentRequest, pk: int) -> HttpResponse:
    # Another team's message is 404, like a missing one.
    visible = Message.objects.filter(ticket__in=selectors.visible_tickets(user=request.user))
    message = get_object_or_404(visible.select_related("ticket"), pk=pk)
    back = reverse("tickets:detail", args=[message.ticket_id]) + f"#m{message.pk}"
    form = rf.SplitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not split: %(errors)s") % {"errors": rf.form_errors(form)})
        return redirect(back)
    try:
        ticket = split_service.ticket_split_message(message=message, subject=form.cleaned_data["subject"],
                                                    by_user=request.user)
    except InvalidAction as exc:
        messages.error(request, _("Not split: %(error)s") % {"error": exc})
        return redirect(back)
    messages.success(request, _("The message is now ticket #%(n)s.") % {"n": ticket.pk})
    return redirect("tickets:detail", ticket.pk)


@agent_required
@require_http_methods(["GET", "POST"])
def outbound_new(request: AgentRequest) -> HttpResponse:
    """A new e-mail conversation: prefilled from a company (?company=), a customer (?customer=)
    or a phone ticket (?ticket=); sent, it opens the new ticket."""
    source = rf.OutboundSourceForm(request.POST if request.method == "POST" else request.GET)
    context = source.context() if source.is_valid() else {}
    form = rf.OutboundForm(request.POST) if request.method == "POST" else rf.OutboundForm(initial=context.get("initial"))
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            ticket = outbound.ticket_start_outbound(
                author=request.user, draft=form.draft(), customer=context.get("customer"),
                company=context.get("company"), from_ticket=context.get("ticket"))
        except InvalidAction as exc:
            error = str(exc)
        else:
            messages.success(request, _("E-mail sent; it is the first message of ticket #%(n)s.") % {"n": ticket.pk})
            return redirect("tickets:detail", ticket.pk)
    elif request.method == "POST":
        error = rf.form_errors(form)
    return render(request, "replies/outbound.html", {"form": form, "error": error, **context})
