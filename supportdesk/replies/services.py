"""What an agent does on a ticket: reply by e-mail, write an internal note, ask for
information, use a canned answer. The ticket page calls these; each is one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from supportdesk.accounts.roles import is_agent
from supportdesk.catalog.models import Release
from supportdesk.policy import get_policy
from supportdesk.replies.acknowledgment import missing_items
from supportdesk.replies.canned import UnknownPlaceholder, braced, canned_render, canned_visible
from supportdesk.replies.files import check_attachments
from supportdesk.replies.mailer import send_ticket_mail, ticket_mail_context
from supportdesk.replies.models import CannedResponse
from supportdesk.replies.placeholders import display_name, unfilled_placeholders
from supportdesk.replies.recipients import Recipients, new_contacts, reply_all
from supportdesk.replies.rendering import mail_language, render_mail
from supportdesk.replies.signatures import mail_signatures
from supportdesk.replies.timefmt import MomentText, format_day, moment_text
from supportdesk.tickets.models import Message, Status, Ticket
from supportdesk.tickets.services import (
    AttachmentData,
    InvalidAction,
    ticket_add_message,
    ticket_check_fresh,
    ticket_set_status,
)
from supportdesk.tickets.services_contacts import ticket_add_contacts

HISTORY_DEPTH = 3


@dataclass(frozen=True)
class HistoryEntry:
    when: MomentText
    who: str
    text: str
    quoted: str


def _require_agent(user: User) -> None:
    if not is_agent(user):
        raise PermissionDenied("only agents write on tickets")


def customer_zone(ticket: Ticket) -> str:
    return ticket.customer.timezone or get_policy().office.timezone


def quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.strip().splitlines())


def history(ticket: Ticket, *, language: str, depth: int = HISTORY_DEPTH) -> list[HistoryEntry]:
    """The latest public messages, newest first, each with only what was new in it (our
    replies stop before their signature): every message is quoted once."""
    rows = (ticket.messages.filter(kind__in=(Message.Kind.INCOMING, Message.Kind.OUTGOING), is_automatic=False)
            .select_related("author_user").order_by("-created_at", "-id")[:depth])
    zone = customer_zone(ticket)
    entries = []
    for m in rows:
        text = m.body_text[: m.quoted_start].strip() if m.quoted_start is not None else m.body_text.strip()
        if m.kind == Message.Kind.OUTGOING:
            who = display_name(m.author_user) or get_policy().support.name
        else:
            who = (m.author_customer.name if m.author_customer else "") or m.from_addr or ticket.contact_email
        entries.append(HistoryEntry(when=moment_text(m.created_at, zone, language), who=who, text=text,
                                    quoted=quote(text)))
    return entries


def _new_text_end(mail_text: str, text: str) -> int | None:
    """Where the agent's own words end in the rendered mail: the signature and the quoted
    history after them are not quoted again by the next reply."""
    body = text.strip()
    at = mail_text.find(body)
    return at + len(body) if body and at >= 0 else None


def canned_text(*, canned: CannedResponse, ticket: Ticket, author: User) -> str:
    """A canned answer's text for ``ticket``, ready to send: refused (naming them) when it has
    placeholders we do not know or the ticket has no value for; never sent with braces in."""
    rendered = canned_render(canned=canned, ticket=ticket, author=author)
    if rendered.unknown:
        raise UnknownPlaceholder(gettext("The canned answer “%(title)s” has an unknown placeholder %(names)s: "
                                         "fix the answer first.") % {
            "title": canned.title, "names": rendered.unknown_text})
    return rendered.text


def check_no_placeholders(text: str) -> None:
    """A reply still holding a placeholder (the ticket had no value for it) is not sent."""
    left = unfilled_placeholders(text)
    if left:
        raise InvalidAction(gettext("Replace %(names)s in the reply with the real value: this ticket has none "
                                    "to fill it with.") % {"names": braced(left)})


def _reply_context(ticket: Ticket, author: User, text: str, language: str) -> dict[str, Any]:
    return {
        **ticket_mail_context(ticket, language, automatic=False), "text": text.strip(), "agent_name": display_name(author),
        "history": history(ticket, language=language),
        **mail_signatures(ticket=ticket, author=author, language=language, automatic=False),
    }


def ticket_reply(
    *,
    ticket: Ticket,
    author: User,
    text: str,
    attachments: Sequence[AttachmentData] = (),
    canned: CannedResponse | None = None,
    at: datetime | None = None,
    seen: int | None = None,
    confirmed: bool = False,
    recipients: Recipients | None = None,
    time_spent: int | None = None,
) -> Message:
    """E-mail a reply to the customer and stop the reply clock.

    ``text`` empty with ``canned`` given sends the canned answer (placeholders filled).
    The outbox row and the conversation message are written in one transaction; the
    mail quotes the latest messages below the reply and has a text and an HTML part.
    ``recipients``: the To and Cc the agent chose (``recipients.check_recipients``); by default
    reply-all (``recipients.reply_all``). Everyone it goes to becomes a contact of the ticket.
    Files over the policy's limits are refused before anything is written.
    Raises PermissionDenied for non-agents, InvalidAction for an empty reply and
    NoEmailAddress when the ticket has no address. ``seen``: the newest conversation entry the
    agent's page showed; a reply, status change or customer message by someone else since then
    raises StaleSubmit unless ``confirmed`` (``ticket_check_fresh``).
    """
    _require_agent(author)
    check_attachments(attachments)
    if canned is not None and not canned_visible(user=author).filter(pk=canned.pk).exists():
        raise PermissionDenied("another agent's personal answer")
    if not text.strip() and canned is not None:
        text = canned_text(canned=canned, ticket=ticket, author=author)
    if not text.strip():
        raise InvalidAction(gettext("An empty reply cannot be sent."))
    check_no_placeholders(text)
    language = mail_language(ticket.language)
    with transaction.atomic():
        ticket = ticket_check_fresh(ticket=ticket, seen=seen, by_user=author, confirmed=confirmed)
        mail = render_mail("reply", language=language,
                           context=_reply_context(ticket, author, text, language))
        chosen = recipients if recipients is not None else reply_all(ticket)
        sent = send_ticket_mail(ticket=ticket, kind="reply", mail=mail, author=author, automatic=False,
                                attachments=attachments, at=at, quoted_start=_new_text_end(mail.text, text),
                                event_data={"canned": canned.pk, "canned_title": canned.title} if canned else None,
                                to=chosen.to or None, cc=chosen.cc, time_spent=time_spent)
        ticket_add_contacts(ticket=ticket, addresses=new_contacts(ticket, [*chosen.to, *chosen.cc]),
                            source="agent", at=at)
    assert sent.message is not None  # only automatic mail is ever suppressed
    return sent.message


def ticket_note(
    *,
    ticket: Ticket,
    author: User,
    text: str,
    attachments: Sequence[AttachmentData] = (),
    at: datetime | None = None,
    time_spent: int | None = None,
) -> Message:
    """An internal note: visible to agents only, never mailed, never touches the clocks."""
    _require_agent(author)
    check_attachments(attachments)
    if not text.strip() and not attachments:
        raise InvalidAction(gettext("An empty note cannot be added."))
    return ticket_add_message(ticket=ticket, kind=Message.Kind.NOTE, body_text=text.strip(), author_user=author,
                              channel=ticket.channel, attachments=attachments, created_at=at,
                              time_spent=time_spent)


def ticket_ask_for_information(
    *,
    ticket: Ticket,
    author: User,
    text: str,
    attachments: Sequence[AttachmentData] = (),
    at: datetime | None = None,
    seen: int | None = None,
    confirmed: bool = False,
    time_spent: int | None = None,
) -> Message:
    """Reply with a question and put the ticket in ``waiting_customer`` (the resolution
    clock pauses; reminders and auto-close count from here). ``seen``/``confirmed`` as for
    ``ticket_reply``."""
    when = at or timezone.now()
    with transaction.atomic():
        message = ticket_reply(ticket=ticket, author=author, text=text, attachments=attachments, at=when,
                               seen=seen, confirmed=confirmed, time_spent=time_spent)
        ticket_set_status(ticket=ticket, status=Status.WAITING_CUSTOMER, by_user=author,
                          reason="asked the customer for information", at=when)
    return message


def ticket_wait_for_release(*, ticket: Ticket, release: Release, author: User,
                            at: datetime | None = None) -> Ticket:
    """Put the ticket in ``waiting_release`` (the clocks pause) and tell the customer by mail,
    in their language, which release we wait for and when it is planned. A ticket without an
    e-mail address (or one that bounced) waits without mail: the agent calls."""
    _require_agent(author)
    when = at or timezone.now()
    with transaction.atomic():
        ticket = ticket_set_status(ticket=ticket, status=Status.WAITING_RELEASE, release=release, by_user=author,
                                   reason="waiting for a release", at=when)
        if ticket.contact_email and not ticket.unreachable_by_email:
            language = mail_language(ticket.language)
            context = _reply_context(ticket, author, "", language)
            context.update(customer_name=ticket.customer.name, release_name=str(release),
                           planned=format_day(release.planned_for, language, "acc") if release.planned_for else "")
            send_ticket_mail(ticket=ticket, kind="waiting_release", mail=render_mail(
                "waiting_release", language=language, context=context), author=author, automatic=False,
                at=when, event_data={"release": release.pk})
    return ticket


def ticket_missing_items_text(*, ticket: Ticket) -> str:
    """A ready-to-edit request for the checklist items still missing, with the product's hints,
    in the ticket's language (the agent's "ask for what is missing" button prefills this)."""
    language = mail_language(ticket.language)
    items = missing_items(ticket, language)
    if not items:
        return ""
    return render_mail("ask_missing", language=language, context={"ticket": ticket, "items": items}).text
