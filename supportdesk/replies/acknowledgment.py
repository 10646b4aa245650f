"""The acknowledgment of a new e-mail request (rules 5 and 6): what is missing from this
request and when this customer, in their own time zone, will hear from us."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from supportdesk.catalog.models import Release, version_sort_key
from supportdesk.kb.suggest import kb_suggest
from supportdesk.policy import get_policy
from supportdesk.policy.model import DEFAULT_SLA_KEY
from supportdesk.replies.mailer import (
    SentMail,
    answer_headers,
    is_customer_mail,
    is_own_address,
    is_own_message_id,
    send_ticket_mail,
    sender_auth_in,
    sender_auth_memo,
    ticket_mail_context,
)
from supportdesk.replies.rendering import mail_language, render_mail
from supportdesk.replies.timefmt import MomentText, hours_in_zone, moment_text, zone_label
from supportdesk.tickets.clocks import ticket_calendar
from supportdesk.tickets.history import is_history
from supportdesk.tickets.models import CHECKLIST_ITEMS, Message, Ticket
from supportdesk.tickets.services import ticket_add_event

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MissingItem:
    key: str
    title: str
    hint: str
    product_hint: str


@dataclass(frozen=True)
class Moment:
    office: MomentText
    customer: MomentText


def missing_items(ticket: Ticket, language: str) -> list[MissingItem]:
    """The checklist items not present, in the rules' order, with the policy's hints."""
    policy = get_policy()
    en = language == "en"
    product = policy.product(ticket.product.key) if ticket.product else None
    items = []
    for key in CHECKLIST_ITEMS:
        if (ticket.checklist or {}).get(key, {}).get("present"):
            continue
        item = policy.request_item(key)
        product_hint = ""
        if product and key == "version":
            product_hint = product.version_hint_en if en else product.version_hint
        elif product and key == "settings":
            product_hint = product.settings_hint_en if en else product.settings_hint
        items.append(MissingItem(key=key, title=item.title_en if en else item.title,
                                 hint=item.hint_en if en else item.hint, product_hint=product_hint))
    return items


def _moment(at: datetime, office_zone: str, zone: str, language: str) -> Moment:
    return Moment(office=moment_text(at, office_zone, language), customer=moment_text(at, zone, language))


def outdated_release(ticket: Ticket) -> Release | None:
    """The product's current published release when the reported version is older."""
    if ticket.product is None or not ticket.reported_version:
        return None
    current = ticket.product.current_release()
    if current is None or version_sort_key(ticket.reported_version) >= current.version_key:
        return None
    return current


def suggested_articles(ticket: Ticket, text: str, language: str) -> list[Any]:
    """Rule 3: the best three knowledge-base articles for this request (never blocks the mail)."""
    try:
        return list(kb_suggest(f"{ticket.subject}\n{text}", language=language, product=ticket.product, limit=3))
    except Exception:  # a search failure must not cost the customer the acknowledgment
        log.exception("knowledge-base suggestions failed for ticket %s", ticket.pk)
        return []


def ack_context(ticket: Ticket, received: datetime, language: str, text: str = "") -> dict[str, Any]:
    policy = get_policy()
    office_zone = policy.office.timezone
    zone = ticket.customer.timezone or office_zone
    # The ticket's SLA calendar: an urgent ticket on a 24/7 contract is worked now, not at opening.
    calendar = ticket_calendar(priority=ticket.priority, tier=ticket.sla_tier)
    opens = None if calendar.is_open(received) else calendar.next_opening(received)
    release = outdated_release(ticket)
    return {
        **ticket_mail_context(ticket, language), "support_email": policy.support_email,
        "same_zone": zone == office_zone,
        "received": _moment(received, office_zone, zone, language),
        "target": _moment(ticket.reply_target_at, office_zone, zone, language) if ticket.reply_target_at else None,
        "limit": _moment(ticket.reply_due_at, office_zone, zone, language) if ticket.reply_due_at else None,
        # A priority or contract SLA other than the standard 1–2 business days: the mail says
        # the request was taken as urgent rather than quoting the standard rule.
        "urgent_sla": ticket.priority in ("high", "urgent")
        and policy.sla.policy_for(priority=ticket.priority, tier=ticket.sla_tier).key != DEFAULT_SLA_KEY,
        "opens": _moment(opens, office_zone, zone, language) if opens else None,
        "office_zone_name": zone_label(office_zone, language, received),
        "office_hours": hours_in_zone(policy.office.hours, office_zone, office_zone, language, received.date()),
        "customer_hours": hours_in_zone(policy.office.hours, office_zone, zone, language, received.date()),
        "missing": missing_items(ticket, language),
        "reported_version": ticket.reported_version,
        "product": ticket.product,
        "release": release,
        "download_url": (release.download_url or ticket.product.download_url) if release and ticket.product else "",
        "articles": suggested_articles(ticket, text, language),
    }


def should_acknowledge(ticket: Ticket, message: Message) -> str:
    """Why not to acknowledge this message ("" = do acknowledge): never robots or our own mail,
    never an old request imported as history (``tickets.history``)."""
    if is_history():
        return "history"
    if message.is_robot:
        return "robot"
    if (message.event_data or {}).get("via_list"):
        return "mailing_list"  # RFC 3834: never an automatic answer to a list (its members would all get it)
    if not ticket.contact_email:
        return "no_address"
    if is_own_address(ticket.contact_email) or (message.from_addr and is_own_address(message.from_addr)):
        return "own_address"
    if message.message_id and is_own_message_id(message.message_id):
        return "own_message"
    return ""


def send_acknowledgment(*, ticket: Ticket, message: Message, language: str | None = None,
                        opened_ticket: bool = False) -> SentMail | None:
    """Render and enqueue the acknowledgment, with an "ack_sent" event; None when skipped.

    ``ticket`` is the row as the caller's transaction holds it (the ticket services return it
    so, and a caller whose savepoint rolled back reads it again with ``ticket_forget``).
    ``opened_ticket``: ``message`` opened the ticket, so it is the ticket's one customer mail
    and its sender verdict is the ticket's (not read back from the database)."""
    known = {ticket.pk: sender_auth_in(message.event_data)} if opened_ticket and is_customer_mail(message) else None
    with sender_auth_memo(known):
        return _send_acknowledgment(ticket=ticket, message=message, language=language)


def _send_acknowledgment(*, ticket: Ticket, message: Message, language: str | None) -> SentMail | None:
    reason = should_acknowledge(ticket, message)
    if reason:
        ticket_add_event(ticket=ticket, event="ack_skipped", data={"reason": reason})
        return None
    lang = mail_language(language or ticket.language)
    context = ack_context(ticket, message.created_at, lang, message.body_text)
    # The "ack_sent" event is written with the acknowledgment's message (one INSERT), when sent.
    sent_event = ("ack_sent", {
        "language": lang,
        "missing": [i.key for i in context["missing"]],
        "articles": [a.slug for a in context["articles"]],
        "reply_target_at": ticket.reply_target_at.isoformat() if ticket.reply_target_at else None,
        "reply_due_at": ticket.reply_due_at.isoformat() if ticket.reply_due_at else None,
        "customer_zone": ticket.customer.timezone or get_policy().office.timezone,
    })
    return send_ticket_mail(ticket=ticket, kind="ack", mail=render_mail("ack", language=lang, context=context),
                            automatic=True, auto_submitted="auto-replied", thread=answer_headers(message),
                            sent_event=sent_event)
