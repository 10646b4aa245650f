"""Placing one parsed mail, in one direction: classify (spam, robot, customer) → route (one
decision: which ticket, or a new one) → place (one lock of that one ticket, the services
on it). Runs inside the caller's transaction (see ``ingest.process_inbound``); raises on
anything it cannot place."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User

from supportdesk.accounts.roles import is_agent
from supportdesk.checklist.model import AttachmentInfo
from supportdesk.customers.models import Customer
from supportdesk.customers.services import (
    customer_email_bounced,
    customer_for_email,
    customer_learn_zone,
    customers_by_email,
)
from supportdesk.lib.addresses import is_robot_address
from supportdesk.mail.parsing import ParsedAttachment, ParsedMail
from supportdesk.mail.parsing.authresults import SenderAuth, sender_authentication
from supportdesk.mail.parsing.away import away_until, is_out_of_office
from supportdesk.mail.parsing.charsets import decode_bytes
from supportdesk.mail.routing import (
    KnownIds,
    Route,
    forwarded_ticket,
    internal_mail_ticket,
    is_forward_recipient,
    original_subject,
    reference_ids,
    route_customer_mail,
    route_robot_mail,
    ticket_by_tag,
)
from supportdesk.policy import get_policy
from supportdesk.tickets.history import is_history
from supportdesk.tickets.models import OPEN_STATUSES, Message, Status, Ticket
from supportdesk.tickets.services import (
    AttachmentData,
    ticket_add_event,
    ticket_add_message,
    ticket_lock,
    ticket_mark_unreachable,
    ticket_open,
)
from supportdesk.tickets.services_contacts import ticket_add_contacts
from supportdesk.tickets.signals import request_received

log = logging.getLogger(__name__)

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
    DEFERRED = "deferred"  # kept pending: the disk or the database failed for a moment; retried later


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
        "to_addrs": ", ".join(parsed.to_addrs),
        "cc_addrs": ", ".join(parsed.cc_addrs),
        "message_id": parsed.message_id or "",
        "in_reply_to": parsed.in_reply_to or "",
        "references": " ".join(parsed.references),
        "channel": "email",
    }


def _own_addresses() -> set[str]:
    return {e.address.lower() for e in get_policy().emails}


def own_mail_domains() -> set[str]:
    """Our support addresses' domains and the Message-ID domain: nobody there is a customer."""
    domains = {e.address.rpartition("@")[2].lower() for e in get_policy().emails}
    return domains | {d.lower() for d in (settings.MAIL_MESSAGE_ID_DOMAIN, settings.DKIM_DOMAIN) if d}


class Kind:
    SPAM = "spam"
    ROBOT = "robot"
    CUSTOMER = "customer"


def _sent_from(parsed: ParsedMail, addresses: set[str]) -> bool:
    return (parsed.from_addr or "").lower() in addresses


def classify(parsed: ParsedMail, *, not_spam: bool, own_addresses: set[str]) -> str:
    """Who wrote: spam (the MTA's verdict, unless an agent overrode it), a robot (auto-replies,
    bounces, and mail from our own address: a loop in the making, kept and never answered),
    or a customer."""
    if parsed.is_spam and not not_spam:
        return Kind.SPAM
    if parsed.is_robot or _sent_from(parsed, own_addresses):
        return Kind.ROBOT
    return Kind.CUSTOMER


@dataclass(frozen=True)
class Decision:
    """Where a mail goes: the ticket it threads into (unlocked, as routing read it), or a new
    ticket (None), following up ``follows_up`` when it answers a closed one."""

    ticket: Ticket | None
    route: str
    follows_up: Ticket | None = None


def _open_ticket_of(address: str) -> Ticket | None:
    """The newest open ticket we write to at ``address``."""
    return (Ticket.objects.filter(contact_email=address.strip().lower(), status__in=OPEN_STATUSES)
            .order_by("-created_at", "-id").first())


def _is_away(parsed: ParsedMail) -> bool:
    return not parsed.is_bounce and is_out_of_office(parsed.subject, parsed.text)


def route_robot(parsed: ParsedMail) -> Decision:
    """A robot's mail goes only where it explicitly points; a bounce without a reference to
    ours goes to the newest open ticket of the address that bounced, an out-of-office reply
    (a vacation responder writes no references) to the sender's. Never opens a ticket."""
    route = route_robot_mail(subject=parsed.subject, in_reply_to=parsed.in_reply_to,
                             references=parsed.references, bounced_message_id=parsed.bounced_message_id)
    ticket = route.ticket
    if parsed.is_bounce and ticket is None and parsed.bounced_recipient:
        ticket = _open_ticket_of(parsed.bounced_recipient)
    elif ticket is None and parsed.from_addr and _is_away(parsed):
        ticket = _open_ticket_of(parsed.from_addr)
    return Decision(ticket, "bounce" if parsed.is_bounce else "auto_reply")


def route_customer(parsed: ParsedMail, *, customer: Customer, address: str, received_at: datetime,
                   known: KnownIds | None = None) -> Decision:
    """SPEC §5 threading; a reply to a closed ticket opens a new one that follows it up."""
    automation = get_policy().automation
    route: Route = route_customer_mail(
        subject=parsed.subject, in_reply_to=parsed.in_reply_to, references=parsed.references,
        customer=customer, address=address, now=received_at, subject_threading=automation.subject_threading,
        subject_days=automation.subject_threading_days, quoted=parsed.quoted_text, known=known,
    )
    if route.ticket is not None and route.ticket.status == Status.CLOSED:
        return Decision(None, "follow_up", follows_up=route.ticket)
    return Decision(route.ticket, route.rule)


def place_spam() -> Placement:
    return Placement(state="spam", outcome=Outcome.SPAM, ticket_id=None, route="spam")


def place_robot(*, parsed: ParsedMail, decision: Decision, inbound_id: int, received_at: datetime) -> Placement:
    """Stored on the ticket it points to, under that ticket's one lock; a bounce flags the
    ticket; an out-of-office reply on an open ticket leaves a "customer away until …" event
    (a robot's message starts no clock)."""
    recipient = parsed.bounced_recipient or (decision.ticket.contact_email if decision.ticket else "")
    failed = parsed.is_bounce and not parsed.bounce_delayed  # a delay warning: the address still works
    if failed and recipient and not is_history():  # an old bounce says nothing of the address today
        customer_email_bounced(addresses=[recipient], at=received_at)
    if decision.ticket is not None:
        with ticket_lock(pk=decision.ticket.pk, read=decision.ticket) as ticket:
            ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, is_robot=True, inbound_id=inbound_id,
                               attachments=attachment_data(parsed.attachments), created_at=received_at,
                               **_message_fields(parsed))  # type: ignore[arg-type]
            # A copy to a colleague or a forward to a partner that bounced does not make the
            # customer unreachable: only their reply address does.
            if failed and recipient.strip().lower() in ("", ticket.contact_email.strip().lower()):
                # Data, not a sentence: the ticket page words it in the reader's language.
                reason = f"{recipient or ticket.contact_email}: {parsed.subject}".strip()
                ticket_mark_unreachable(ticket=ticket, reason=reason)
            if ticket.is_open and _is_away(parsed):
                until = away_until(parsed.text, received_at)
                ticket_add_event(ticket=ticket, event="customer_away", at=received_at,
                                 data={"until": until.isoformat() if until else None, "from": parsed.from_addr or ""})
    return Placement(state="robot", outcome=Outcome.ROBOT, ticket_id=decision.ticket.pk if decision.ticket else None,
                     route=decision.route)


@contextmanager
def _held(decision: Decision, **create: Any) -> Iterator[tuple[Ticket, Decision]]:
    """The decided ticket, locked (its one lock), or a new ticket; held for the block."""
    if decision.ticket is not None:
        with ticket_lock(pk=decision.ticket.pk, read=decision.ticket) as ticket:
            if ticket.status != Status.CLOSED:
                yield ticket, decision
                return
        # Closed (or merged, which closes) between routing's read and this lock: follow it up.
        decision = Decision(None, "follow_up", follows_up=ticket)
    if decision.follows_up is not None:
        # A follow-up takes the closed ticket's subject back, not "Re: [#13] Ваше обращение ...".
        create = {**create, "subject": decision.follows_up.subject}
    with ticket_open(**create, follows_up=decision.follows_up) as ticket:
        yield ticket, decision


def sender_auth(parsed: ParsedMail, address: str) -> SenderAuth:
    """Whether the From address is proven, by our trusted MTAs' Authentication-Results."""
    return sender_authentication(parsed.auth_results, trusted_ids=settings.MAIL_AUTHSERV_IDS,
                                 from_domain=address.rpartition("@")[2])


def place_customer_mail(*, parsed: ParsedMail, customer: Customer, address: str, language: str,
                        decision: Decision, inbound_id: int, received_at: datetime,
                        looked_up: Mapping[str, Customer | None] | None = None) -> Placement:
    """A person wrote: the message goes on the decided ticket (or a new one), with the verdict on
    its sender (automatic mail reads it), then the receivers (checklist, acknowledgment) run on
    the same held ticket."""
    auth = sender_auth(parsed, address)
    with _held(decision, customer=customer, subject=original_subject(parsed.subject), channel="email",
               contact_email=address, language=language, created_at=received_at) as (ticket, decision):
        message = ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, author_customer=customer,
                                     inbound_id=inbound_id, attachments=attachment_data(parsed.attachments),
                                     created_at=received_at,
                                     event_data=_customer_event_data(parsed, auth),
                                     **_message_fields(parsed))  # type: ignore[arg-type]
        opened = decision.ticket is None
        people = copied_people(parsed, address)
        if people:
            ticket_add_contacts(ticket=ticket, addresses=people, source="mail", at=received_at, opened=opened,
                                looked_up=looked_up)
        request_received.send(sender=Message, ticket=ticket, message=message, is_new_ticket=opened,
                              language=language, utc_offset=parsed.utc_offset,
                              attachments=attachment_infos(parsed.attachments), channel="email")
    return Placement(state="ticketed", outcome=Outcome.TICKETED if opened else Outcome.THREADED,
                     ticket_id=ticket.pk, route=decision.route, opened_ticket=opened)


def _customer_event_data(parsed: ParsedMail, auth: SenderAuth) -> dict[str, object]:
    """What a customer's message records of its mail: the sender verdict; the discussion list
    that relayed it (automatic mail never answers a list's post)."""
    data: dict[str, object] = {"sender_auth": {"verdict": auth.verdict, "detail": auth.detail}}
    if parsed.via_list is not None:
        data["via_list"] = parsed.via_list
    return data


def copied_people(parsed: ParsedMail, sender: str) -> list[str]:
    """The people a customer wrote to or copied besides us (a chief engineer in Cc), and the
    sender: they become contacts of the ticket, and customers of ours, so reply-all reaches
    them and their own answers count as the customer's. Never our addresses, never robots."""
    own = own_mail_domains()
    people = [a.strip().lower() for a in (sender, *parsed.to_addrs, *parsed.cc_addrs)]
    return [a for a in people if "@" in a and a.rpartition("@")[2] not in own and not is_robot_address(a)]


def _author(parsed: ParsedMail) -> tuple[str, str]:
    """(name, address) of the person who wrote: the sender, or the person behind a post that a
    discussion list re-sent under its own address."""
    if parsed.list_author is not None:
        return parsed.list_author
    return parsed.from_name, (parsed.from_addr or "").strip().lower()


def _sender(parsed: ParsedMail, looked_up: dict[str, Customer | None]) -> tuple[Customer, str, str]:
    """The customer who wrote, the address and the language; raises SenderError without an
    address. ``looked_up`` (``customers_by_email``) gets the sender's customer when it is new."""
    name, address = _author(parsed)
    if not address or "@" not in address:
        raise SenderError("no usable sender address in From/Sender")
    language = parsed.language or "ru"
    customer = customer_for_email(address=address, name=name, language=language,
                                  utc_offset_minutes=parsed.utc_offset, looked_up=looked_up)
    looked_up[address] = customer
    customer_learn_zone(customer=customer, utc_offset_minutes=parsed.utc_offset)
    return customer, address, language


def place_internal_answer(*, parsed: ParsedMail, inbound_id: int, received_at: datetime,
                          ticket_id: int | None) -> Placement:
    """An answer to an alert we sent our agents ("Беру в работу, позвоню клиенту"): an
    agent's internal note on the ticket, never a customer message (it would be quoted to the
    customer in the next reply). From anyone else it is kept here and logged, not filed."""
    address = (parsed.from_addr or "").strip().lower()
    author = next((u for u in User.objects.filter(email__iexact=address, is_active=True) if is_agent(u)), None)
    ticket = Ticket.objects.filter(pk=ticket_id).first() if ticket_id is not None else None
    if author is None or ticket is None:
        log.warning("inbound %s answers internal mail (ticket %s) from %r, not an agent: not filed",
                    inbound_id, ticket_id, address)
        return Placement(state="robot", outcome=Outcome.ROBOT, ticket_id=ticket.pk if ticket else None,
                         route="internal_dropped")
    fields = {**_message_fields(parsed), "channel": ticket.channel}
    ticket_add_message(ticket=ticket, kind=Message.Kind.NOTE, author_user=author, inbound_id=inbound_id,
                       attachments=attachment_data(parsed.attachments), created_at=received_at,
                       event_data={"via": "alert_reply"}, **fields)  # type: ignore[arg-type]
    return Placement(state="ticketed", outcome=Outcome.THREADED, ticket_id=ticket.pk, route="internal")


def _forward_answered(parsed: ParsedMail, known: KnownIds) -> Ticket | None:
    """The ticket a third party's answer to our forward belongs to; None for anyone else's
    mail. The ticket's own people (its reply address, its contacts) always speak as the
    customer, even when they answer in the forward's thread."""
    address = (parsed.from_addr or "").strip().lower()
    ticket = forwarded_ticket(known)
    if ticket is None:
        tagged = ticket_by_tag(parsed.subject)
        ticket = tagged if tagged is not None and is_forward_recipient(tagged, address) else None
    if ticket is None or address == ticket.contact_email or ticket.contacts.filter(email=address).exists():
        return None
    return ticket


def place_forward_answer(*, parsed: ParsedMail, ticket: Ticket, inbound_id: int, received_at: datetime) -> Placement:
    """A third party (a hardware partner) answered a forward: an internal note for the agents,
    never the customer's message, so the reply clock neither starts nor stops."""
    with ticket_lock(pk=ticket.pk) as held:
        fields = {**_message_fields(parsed), "channel": held.channel}
        ticket_add_message(ticket=held, kind=Message.Kind.NOTE, inbound_id=inbound_id, event="forward_reply",
                           attachments=attachment_data(parsed.attachments), created_at=received_at,
                           event_data={"via": "forward_reply"}, **fields)  # type: ignore[arg-type]
    return Placement(state="ticketed", outcome=Outcome.THREADED, ticket_id=ticket.pk, route="forward_reply")


def place_our_old_reply(*, parsed: ParsedMail, ticket: Ticket, inbound_id: int, received_at: datetime) -> Placement:
    """History (``tickets.history``): a team's old mailbox holds its own answers too (a Sent
    folder imported with the inbox). One from our address that threads onto a ticket is our
    reply of the time, recorded as sent (automatic when it was marked so), not a robot's mail."""
    automatic = parsed.is_robot  # our old acknowledgments carried Auto-Submitted
    with ticket_lock(pk=ticket.pk, read=ticket) as held:
        ticket_add_message(ticket=held, kind=Message.Kind.OUTGOING, is_automatic=automatic,
                           answers_customer=not automatic, inbound_id=inbound_id,
                           attachments=attachment_data(parsed.attachments), created_at=received_at,
                           event_data={"via": "history"}, **_message_fields(parsed))  # type: ignore[arg-type]
    return Placement(state="ticketed", outcome=Outcome.THREADED, ticket_id=ticket.pk, route="our_reply")


def place(*, parsed: ParsedMail, inbound_id: int, received_at: datetime, not_spam: bool) -> Placement:
    """One parsed mail, top to bottom: classify, route (one decision), place (one lock of one ticket)."""
    own = _own_addresses()
    kind = classify(parsed, not_spam=not_spam, own_addresses=own)
    if kind == Kind.SPAM:
        return place_spam()
    known = KnownIds(reference_ids(parsed.in_reply_to, parsed.references))  # read once, asked three times
    internal, ticket_id = internal_mail_ticket(known)
    if internal:  # an answer to mail we sent our agents: never a customer's message
        return place_internal_answer(parsed=parsed, inbound_id=inbound_id, received_at=received_at,
                                     ticket_id=ticket_id)
    if kind == Kind.ROBOT:
        decision = route_robot(parsed)
        if is_history() and decision.ticket is not None and _sent_from(parsed, own):
            return place_our_old_reply(parsed=parsed, ticket=decision.ticket, inbound_id=inbound_id,
                                       received_at=received_at)
        return place_robot(parsed=parsed, decision=decision, inbound_id=inbound_id, received_at=received_at)
    forwarded = _forward_answered(parsed, known)
    if forwarded is not None:
        return place_forward_answer(parsed=parsed, ticket=forwarded, inbound_id=inbound_id, received_at=received_at)
    # The sender and everyone copied, looked up in one query (the copied become contacts).
    looked_up = customers_by_email([_author(parsed)[1], *copied_people(parsed, "")])
    customer, address, language = _sender(parsed, looked_up)
    decision = route_customer(parsed, customer=customer, address=address, received_at=received_at, known=known)
    return place_customer_mail(parsed=parsed, customer=customer, address=address, language=language,
                               decision=decision, inbound_id=inbound_id, received_at=received_at,
                               looked_up=looked_up)
