"""Placing one parsed mail: a customer's message, a robot's, or spam. Runs inside the
caller's transaction (see ``ingest.process_inbound``); raises on anything it cannot place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from supportdesk.checklist.model import AttachmentInfo
from supportdesk.customers.services import customer_email_bounced, customer_for_email, customer_learn_zone
from supportdesk.mail.parsing import ParsedAttachment, ParsedMail
from supportdesk.mail.parsing.charsets import decode_bytes
from supportdesk.mail.routing import Route, original_subject, route_customer_mail, route_robot_mail
from supportdesk.policy import get_policy
from supportdesk.tickets.models import OPEN_STATUSES, Message, Status, Ticket
from supportdesk.tickets.services import (
    AttachmentData,
    ticket_add_message,
    ticket_create,
    ticket_mark_unreachable,
)
from supportdesk.tickets.signals import request_received

# Attachments the completeness check reads as text (settings exports, logs).
TEXT_ATTACHMENT_MAX = 256 * 1024
_TEXT_SUFFIXES = (".txt", ".log", ".xml", ".ini", ".cfg", ".conf", ".json", ".reg", ".csv", ".yaml", ".yml")


class SenderError(ValueError):
    """The mail itself is unusable (the sender's fault, not our bug): kept in quarantine."""


class Outcome:
    TICKETED = "ticketed"  # opened a ticket
    THREADED = "threaded"  # added to an existing ticket
    ROBOT = "robot"
    SPAM = "spam"
    DUPLICATE = "duplicate"
    QUARANTINED = "quarantined"


@dataclass(frozen=True)
class Placement:
    state: str  # InboundMail.State value
    outcome: str
    ticket_id: int | None
    route: str
    opened_ticket: bool = False


def attachment_data(attachments: Sequence[ParsedAttachment]) -> list[AttachmentData]:
    return [AttachmentData(filename=a.filename, content_type=a.content_type, content=a.content,
                           content_id=a.content_id or "", is_inline=a.is_inline) for a in attachments]


def _is_text_like(a: ParsedAttachment) -> bool:
    name = a.filename.lower()
    return (a.content_type.startswith("text/") or a.content_type in ("application/xml", "application/json")
            or name.endswith(_TEXT_SUFFIXES))


def attachment_infos(attachments: Sequence[ParsedAttachment]) -> list[AttachmentInfo]:
    """What the completeness check sees: names, types, sizes and small text files decoded."""
    infos = []
    for a in attachments:
        text = None
        if a.size <= TEXT_ATTACHMENT_MAX and _is_text_like(a):
            text = decode_bytes(a.content)[0]
        infos.append(AttachmentInfo(filename=a.filename, content_type=a.content_type, size=a.size, text=text))
    return infos


def _message_fields(parsed: ParsedMail) -> dict[str, object]:
    return {
        "subject": parsed.subject,
        "body_text": parsed.text,
        "body_html": parsed.html_sanitised or "",
        "quoted_start": parsed.quoted_start,
        "from_addr": parsed.from_addr or "",
        "to_addrs": ", ".join((*parsed.to_addrs, *parsed.cc_addrs)),
        "message_id": parsed.message_id or "",
        "in_reply_to": parsed.in_reply_to or "",
        "references": " ".join(parsed.references),
        "channel": "email",
    }


def _own_addresses() -> set[str]:
    return {e.address.lower() for e in get_policy().emails}


def place_spam() -> Placement:
    return Placement(state="spam", outcome=Outcome.SPAM, ticket_id=None, route="spam")


def place_robot(*, parsed: ParsedMail, inbound_id: int, received_at: datetime) -> Placement:
    """Stored on the ticket it points to; never opens one; a bounce flags the ticket."""
    route = route_robot_mail(subject=parsed.subject, in_reply_to=parsed.in_reply_to,
                             references=parsed.references, bounced_message_id=parsed.bounced_message_id)
    ticket = route.ticket
    if parsed.is_bounce and ticket is None and parsed.bounced_recipient:
        ticket = (Ticket.objects.filter(contact_email=parsed.bounced_recipient, status__in=OPEN_STATUSES)
                  .order_by("-created_at", "-id").first())
    if ticket is not None:
        ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, is_robot=True, inbound_id=inbound_id,
                           attachments=attachment_data(parsed.attachments), created_at=received_at,
                           **_message_fields(parsed))  # type: ignore[arg-type]
    if parsed.is_bounce:
        recipient = parsed.bounced_recipient or (ticket.contact_email if ticket else "")
        if recipient:
            customer_email_bounced(addresses=[recipient], at=received_at)
        if ticket is not None:
            # Data, not a sentence: the ticket page words it in the reader's language.
            reason = f"{recipient or ticket.contact_email}: {parsed.subject}".strip()
            ticket_mark_unreachable(ticket=ticket, reason=reason)
    return Placement(state="robot", outcome=Outcome.ROBOT, ticket_id=ticket.pk if ticket else None,
                     route="bounce" if parsed.is_bounce else "auto_reply")


def place_customer_mail(*, parsed: ParsedMail, inbound_id: int, received_at: datetime) -> Placement:
    """A person wrote: thread it or open a ticket, then tell the receivers (ack, checklist)."""
    address = (parsed.from_addr or "").strip().lower()
    if not address or "@" not in address:
        raise SenderError("no usable sender address in From/Sender")
    policy = get_policy()
    language = parsed.language or "ru"
    customer = customer_for_email(address=address, name=parsed.from_name, language=language,
                                  utc_offset_minutes=parsed.utc_offset)
    customer_learn_zone(customer=customer, utc_offset_minutes=parsed.utc_offset)
    route: Route = route_customer_mail(
        subject=parsed.subject, in_reply_to=parsed.in_reply_to, references=parsed.references,
        customer=customer, address=address, now=received_at, subject_threading=policy.automation.subject_threading,
        subject_days=policy.automation.subject_threading_days,
        quoted=parsed.quoted_text,
    )
    ticket = route.ticket
    rule = route.rule
    follows_up = None
    if ticket is not None and ticket.status == Status.CLOSED:
        follows_up, ticket, rule = ticket, None, "follow_up"
    opened = ticket is None
    if ticket is None:
        # A follow-up takes the closed ticket's subject back, not "Re: [#13] Ваше обращение ...".
        subject = follows_up.subject if follows_up is not None else original_subject(parsed.subject)
        ticket = ticket_create(customer=customer, subject=subject, channel="email",
                               contact_email=address, language=language, created_at=received_at,
                               follows_up=follows_up)
    message = ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, author_customer=customer,
                                 inbound_id=inbound_id, attachments=attachment_data(parsed.attachments),
                                 created_at=received_at, **_message_fields(parsed))  # type: ignore[arg-type]
    ticket = message.ticket  # the row as the service locked and saved it
    request_received.send(sender=Message, ticket=ticket, message=message, is_new_ticket=opened,
                          language=language, utc_offset=parsed.utc_offset,
                          attachments=attachment_infos(parsed.attachments), channel="email")
    return Placement(state="ticketed", outcome=Outcome.TICKETED if opened else Outcome.THREADED,
                     ticket_id=ticket.pk, route=rule,
                     opened_ticket=opened)


def place(*, parsed: ParsedMail, inbound_id: int, received_at: datetime, not_spam: bool) -> Placement:
    if parsed.is_spam and not not_spam:
        return place_spam()
    if parsed.is_robot or (parsed.from_addr or "").lower() in _own_addresses():
        # Mail from our own address is a loop in the making: kept, never answered.
        return place_robot(parsed=parsed, inbound_id=inbound_id, received_at=received_at)
    return place_customer_mail(parsed=parsed, inbound_id=inbound_id, received_at=received_at)
