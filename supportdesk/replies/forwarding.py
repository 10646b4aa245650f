"""Forward a ticket or one of its messages, with its files, to anyone (a hardware partner, a
developer): the mail goes out from the support address, and the ticket keeps it as an
internal note. The partner's answer comes back as a note too (``mail.handlers``), never as
the customer's message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from supportdesk.lib.addresses import split_addresses
from supportdesk.outbox.compose import OutgoingAttachment, build_message
from supportdesk.outbox.services import outbox_enqueue
from supportdesk.policy import get_policy
from supportdesk.replies.files import check_attachments, stored_attachment_data
from supportdesk.replies.mailer import bare_subject
from supportdesk.replies.services import _require_agent, customer_zone
from supportdesk.tickets.models import Attachment, Message, Ticket
from supportdesk.tickets.services import AttachmentData, InvalidAction, ticket_add_message

PUBLIC_KINDS = (Message.Kind.INCOMING, Message.Kind.OUTGOING, Message.Kind.CALL)


def forward_ref(ticket: Ticket) -> str:
    """The outbox label of a forward: not "ticket:N", so a failure never flags the customer."""
    return f"forward:ticket:{ticket.pk}"


def forward_recipients(text: str) -> list[str]:
    to, bad = split_addresses(text)
    if bad:
        raise InvalidAction(gettext("Not an e-mail address: %(items)s. Separate addresses with commas.")
                            % {"items": ", ".join(f"“{b}”" for b in bad)})
    if not to:
        raise InvalidAction(gettext("Give the address to forward to."))
    own = {e.address.lower() for e in get_policy().emails}
    ours = [a for a in to if a in own]
    if ours:
        raise InvalidAction(gettext("%(address)s is our own support address: forward to a person.")
                            % {"address": ours[0]})
    return to


def _new_text(message: Message) -> str:
    text = message.body_text
    return (text[: message.quoted_start] if message.quoted_start is not None else text).strip()


def _sender_of(message: Message) -> str:
    if message.author_user is not None:
        return message.author_user.get_full_name() or message.author_user.get_username()
    name = message.author_customer.name if message.author_customer else ""
    return f"{name} <{message.from_addr}>" if name and message.from_addr else (message.from_addr or name)


def _block(message: Message, zone: str) -> str:
    from zoneinfo import ZoneInfo

    when = message.created_at.astimezone(ZoneInfo(zone)).strftime("%d.%m.%Y %H:%M")
    fields = [(gettext("From"), _sender_of(message)), (gettext("Date"), when), (gettext("Subject"), message.subject),
              (gettext("To"), message.to_addrs), (gettext("Cc"), message.cc_addrs)]
    lines = [f"{name}: {value}" for name, value in fields if value]
    return "\n".join(lines) + "\n\n" + _new_text(message)


def forward_text(*, ticket: Ticket, message: Message | None, comment: str) -> str:
    """The forward's text: the agent's words, then the message (or the ticket's public
    conversation, oldest first, each message once without its quoted history)."""
    zone = customer_zone(ticket)
    if message is not None:
        head = gettext("---------- Forwarded message ----------")
        body = _block(message, zone)
    else:
        head = gettext("---------- Ticket #%(n)s: %(subject)s ----------") % {"n": ticket.pk,
                                                                            "subject": ticket.subject}
        rows = (ticket.messages.filter(kind__in=PUBLIC_KINDS, is_automatic=False, is_robot=False)
                .select_related("author_user", "author_customer").order_by("created_at", "id"))
        body = "\n\n".join(_block(m, zone) for m in rows)
    return f"{comment.strip()}\n\n{head}\n{body}\n".lstrip()


def _forwarded_files(ticket: Ticket, message: Message | None) -> list[AttachmentData]:
    rows = Attachment.objects.filter(message__ticket=ticket, is_inline=False)
    rows = rows.filter(message=message) if message is not None else rows.filter(message__kind__in=PUBLIC_KINDS)
    return stored_attachment_data(rows.order_by("message__created_at", "id"))


def ticket_forward(*, ticket: Ticket, author: User, to_text: str, comment: str = "",
                   message: Message | None = None, with_files: bool = True,
                   attachments: Sequence[AttachmentData] = (), at: datetime | None = None) -> Message:
    """Forward the ticket (``message`` None) or one message of it to the addresses in
    ``to_text``: one mail from the support address ("Fwd: [#N] subject") with the forwarded
    files (``with_files``) plus any the agent added, recorded as an internal note that never
    touches the reply clock. Every check runs before anything is written: a bad address or a
    file over the limit sends nothing and records nothing."""
    _require_agent(author)
    to = forward_recipients(to_text)
    if message is not None and (message.ticket_id != ticket.pk or message.kind == Message.Kind.EVENT):
        raise InvalidAction(gettext("That message is not part of ticket #%(n)s.") % {"n": ticket.pk})
    files = [*(_forwarded_files(ticket, message) if with_files else []), *attachments]
    check_attachments(files)
    text = forward_text(ticket=ticket, message=message, comment=comment)
    policy = get_policy()
    sender = policy.support_email
    subject = f"Fwd: [#{ticket.pk}] {bare_subject(ticket)}"
    now = at or timezone.now()
    with transaction.atomic():
        message_id, raw = build_message(
            from_addr=sender, from_name=policy.support.name, to=to, subject=subject, text=text, reply_to=sender,
            language=ticket.language, attachments=[OutgoingAttachment(a.filename, a.content_type, a.content) for a in files])
        row = outbox_enqueue(kind="forward", ref=forward_ref(ticket), from_addr=sender, to_addrs=to,
                             subject=subject, raw=raw, message_id=message_id, is_automatic=False, created_at=now)
        return ticket_add_message(
            ticket=ticket, kind=Message.Kind.NOTE, channel="email", author_user=author, from_addr=sender,
            to_addrs=", ".join(to), subject=subject, body_text=text, event="forward", message_id=message_id,
            outgoing_id=row.pk, attachments=files, created_at=now,
            event_data={"forward": {"to": to, "message": message.pk if message is not None else None}})
