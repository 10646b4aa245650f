"""Wiring: a customer's request is checked (and a new one acknowledged) in the intake's
transaction; a mail that failed for good flags its ticket like a bounce."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from supportdesk.checklist import AttachmentInfo
from supportdesk.customers.services import customer_email_bounced
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import mail_failed_permanently
from supportdesk.replies.acknowledgment import send_acknowledgment
from supportdesk.replies.completeness import apply_check, check_message
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.services import ticket_add_event, ticket_forget, ticket_mark_unreachable
from supportdesk.tickets.signals import request_received

log = logging.getLogger(__name__)


@receiver(request_received, dispatch_uid="replies.on_request_received")
def on_request_received(sender: Any, *, ticket: Ticket, message: Message, is_new_ticket: bool = False,
                        language: str = "", attachments: Sequence[AttachmentInfo] = (), channel: str = "",
                        **kwargs: Any) -> None:
    # Our bug in the check or the mail must not cost the customer's request: on the usual
    # path both run in one savepoint; if anything in it fails, each runs again in a savepoint
    # of its own, and a failure leaves an event for the agents instead of undoing the intake
    # (the ticket is read again: the rolled-back savepoint may have changed the instance).
    def check(t: Ticket) -> Ticket:
        return apply_check(ticket=t, result=check_message(message, attachments))

    def acknowledge(t: Ticket) -> Ticket:
        send_acknowledgment(ticket=t, message=message, language=language or t.language, opened_ticket=is_new_ticket)
        return t

    steps: list[tuple[str, str, Callable[[Ticket], Ticket]]] = [("completeness check", "checklist_failed", check)]
    if is_new_ticket and (channel or ticket.channel) == "email":
        steps.append(("acknowledgment", "ack_failed", acknowledge))
    try:
        with transaction.atomic():
            for _what, _event, step in steps:
                ticket = step(ticket)
        return
    except Exception:  # noqa: BLE001 - the one-by-one pass below logs what fails
        ticket = ticket_forget(ticket)
    for what, event, step in steps:
        try:
            with transaction.atomic():
                ticket = step(ticket)
        except Exception as exc:
            log.exception("%s failed on ticket %s", what, ticket.pk)
            ticket = ticket_forget(ticket)
            ticket_add_event(ticket=ticket, event=event, data={"error": repr(exc)[:300]})


@receiver(mail_failed_permanently, dispatch_uid="replies.on_mail_failed")
def on_mail_failed(sender: Any, *, mail: OutgoingMail, **kwargs: Any) -> None:
    kind, _, pk = mail.ref.partition(":")
    if kind == "forward":  # a partner's address failed: the agents learn it, the customer is not flagged
        pk = pk.removeprefix("ticket:")
        forwarded = Ticket.objects.filter(pk=int(pk)).first() if pk.isdigit() else None
        if forwarded is not None:
            ticket_add_event(ticket=forwarded, event="forward_failed", data={
                "to": mail.to_addrs, "reason": f"{mail.smtp_code or ''} {mail.last_error}".strip()[:300]})
        return
    if kind != "ticket" or not pk.isdigit():
        return
    ticket = Ticket.objects.filter(pk=int(pk)).first()
    if ticket is None:
        return
    reason = f"{mail.smtp_code or ''} {mail.last_error}".strip()
    customer_email_bounced(addresses=mail.to_addrs.split(","), at=timezone.now())
    ticket_mark_unreachable(ticket=ticket, reason=f"{mail.to_addrs}: {reason}"[:300])
