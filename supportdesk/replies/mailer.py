"""Mail about a ticket: threading headers, loop protection, and the outbox row and the
ticket message written in one transaction."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection, transaction
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from supportdesk.lib.addresses import undeliverable_reason
from supportdesk.lib.html import sanitize_html
from supportdesk.outbox.compose import (
    MESSAGE_ID_PREFIX,
    OutgoingAttachment,
    build_message,
    is_generated_id,
    reference_chain,
)
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_automatic_count, outbox_enqueue, outbox_is_ours
from supportdesk.policy import get_policy
from supportdesk.policy.public_url import public_url
from supportdesk.replies.rendering import RenderedMail
from supportdesk.replies.signatures import mail_signatures
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.services import AttachmentData, InvalidAction, ticket_add_event, ticket_add_message

_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|ответ)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_TICKET_TAG = re.compile(r"\s*\[#\d+\]\s*")
WINDOW = timedelta(hours=24)


class NoEmailAddress(InvalidAction):
    """The ticket has no address to write to (a phone ticket): call instead."""


@dataclass(frozen=True)
class SentMail:
    mail: OutgoingMail
    # The conversation entry; None when the mail was suppressed (it never left).
    message: Message | None

    @property
    def suppressed(self) -> bool:
        return self.mail.state == OutgoingMail.State.SUPPRESSED


def ticket_ref(ticket: Ticket) -> str:
    return f"ticket:{ticket.pk}"


def bare_subject(ticket: Ticket) -> str:
    """The request's subject without reply prefixes and ticket tags: the thread's topic."""
    return _TICKET_TAG.sub(" ", _REPLY_PREFIX.sub("", ticket.subject)).strip() or "—"


def ticket_subject(ticket: Ticket, *, reply: bool = True) -> str:
    """ "Re: [#12] Не выводятся титры": the one subject of every mail to the customer about a
    ticket (one thread in every client); the number is how the customer's answer finds it."""
    return f"{'Re: ' if reply else ''}[#{ticket.pk}] {bare_subject(ticket)}"


_SENDER_AUTH_MEMO: ContextVar[dict[int, dict[str, str]] | None] = ContextVar("sender_auth_memo", default=None)


@contextmanager
def sender_auth_memo(known: dict[int, dict[str, str]] | None = None) -> Iterator[None]:
    """Within the block ``sender_auth_of`` reads each ticket's verdict once (one mail being
    rendered and sent asks three times; no customer mail is added meanwhile). ``known``: the
    verdicts the caller holds already (ticket id -> verdict), which are then not read at all."""
    token = _SENDER_AUTH_MEMO.set(dict(known or {}))
    try:
        yield
    finally:
        _SENDER_AUTH_MEMO.reset(token)


def sender_auth_of(ticket: Ticket) -> dict[str, str]:
    """The verdict on the sender of the ticket's latest e-mail ({"verdict", "detail"}); {} for a
    ticket that never had one (phone, portal form)."""
    memo = _SENDER_AUTH_MEMO.get()
    if memo is not None and ticket.pk in memo:
        return dict(memo[ticket.pk])
    data = (ticket.messages.filter(kind=Message.Kind.INCOMING, channel="email", is_robot=False)
            .order_by("-created_at", "-id").values_list("event_data", flat=True).first())
    auth = sender_auth_in(data)
    if memo is not None:
        memo[ticket.pk] = auth
    return dict(auth)


def is_customer_mail(message: Message) -> bool:
    """A message ``sender_auth_of`` may take the ticket's verdict from."""
    return message.kind == Message.Kind.INCOMING and message.channel == "email" and not message.is_robot


def sender_auth_in(event_data: dict | None) -> dict[str, str]:
    """The verdict the intake stored on a customer mail ({} when it stored none)."""
    return dict((event_data or {}).get("sender_auth") or {})


def sender_unproven(ticket: Ticket) -> bool:
    """Automatic mail must not repeat what this sender wrote (the subject, their display name):
    the address may be forged, and we would be carrying the forger's words (a spam URL)."""
    auth = sender_auth_of(ticket)
    return bool(auth) and auth.get("verdict") != "pass"


_lookup_paths: dict[tuple[object, str, str | None], str] = {}


def _lookup_path() -> str:
    """The portal's look-up page, reversed once per URLconf, script prefix and language (every
    acknowledgment names it; reversing it was a tenth of building one)."""
    key = (get_urlconf(), get_script_prefix(), translation.get_language())
    path = _lookup_paths.get(key)
    if path is None:
        path = _lookup_paths[key] = reverse("portal:lookup")
    return path


def ticket_mail_context(ticket: Ticket, language: str, *, automatic: bool = True) -> dict[str, Any]:
    """What every mail to the customer about a ticket names: the ticket, its one subject,
    who we are, the phone for urgent cases and the portal look-up. Automatic mail to an
    unauthenticated sender uses neutral wording: no subject of theirs, no name (``topic``
    and ``customer_name`` are then empty)."""
    policy = get_policy()
    subject, topic, name = ticket_subject(ticket), bare_subject(ticket), ticket.customer.name
    if automatic and sender_unproven(ticket):
        with translation.override(language):
            subject = f"[#{ticket.pk}] {gettext('Your request to technical support')}"
        topic = name = ""
    return {
        "ticket": ticket, "number": ticket.pk, "subject": subject, "topic": topic, "customer_name": name,
        "support": policy.support,
        "support_name": policy.support.name_en if language == "en" else policy.support.name,
        "phone": policy.main_phone.number, "phone_uri": policy.main_phone.tel_uri,
        "lookup_url": public_url(_lookup_path()),
        **mail_signatures(ticket=ticket, author=None, language=language, automatic=automatic),
    }


def own_domains() -> set[str]:
    policy = get_policy()
    domains = {e.address.rpartition("@")[2].lower() for e in policy.emails}
    domains |= {d.lower() for d in (settings.MAIL_MESSAGE_ID_DOMAIN, settings.DKIM_DOMAIN) if d}
    return domains


def is_own_address(address: str) -> bool:
    """Our support addresses and anything at our own domains: never auto-answered."""
    return address.strip().lower().rpartition("@")[2] in own_domains()


def is_own_message_id(message_id: str) -> bool:
    mid = message_id.strip().strip("<>")
    if not mid:
        return False
    if is_generated_id(mid, get_policy().support_email):
        return True
    # Every id the outbox stores has our form; one at another domain (the support address or
    # MAIL_MESSAGE_ID_DOMAIN changed since) is looked up. A customer's own id costs no query.
    return mid.startswith(MESSAGE_ID_PREFIX) and outbox_is_ours(mid)


def thread_headers(ticket: Ticket) -> tuple[str, list[str]]:
    """(In-Reply-To, References): the customer's last message, and the conversation up to it
    (RFC 5322: the parent's ancestry, ending with the parent; the first message, the root,
    is kept however long the thread)."""
    rows = list(ticket.messages.filter(kind__in=(Message.Kind.INCOMING, Message.Kind.OUTGOING))
                .exclude(message_id="").order_by("created_at", "id").values_list("kind", "message_id"))
    if not rows:
        return "", []
    last_incoming = max((i for i, (kind, _) in enumerate(rows) if kind == Message.Kind.INCOMING), default=len(rows) - 1)
    chain = [mid for _, mid in rows[: last_incoming + 1]]
    return chain[-1], reference_chain(chain, chain[-1])


def answer_headers(message: Message) -> tuple[str, list[str]]:
    """(In-Reply-To, References) of a mail answering ``message`` (RFC 5322 §3.6.4): its
    References followed by its own Message-ID."""
    if not message.message_id:
        return "", []
    return message.message_id, reference_chain(message.references.split(), message.message_id)


_LOCK_CUSTOMER = 'SELECT 1 FROM "customers_customer" WHERE id = %s FOR UPDATE'


def _lock_address(ticket: Ticket) -> None:
    """Serialise automatic mail per customer, so two workers cannot both pass the daily limit."""
    if not connection.features.has_select_for_update:
        return  # SQLite: no row locks; the write transaction (BEGIN IMMEDIATE) already serialises
    # Written out: it runs for every acknowledgment, and building the ORM's query and a model
    # from its row cost more than the lock.
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_CUSTOMER, [ticket.customer_id])


def _suppression_reason(ticket: Ticket, address: str, now: datetime) -> tuple[str, str]:
    """(reason, detail) not to send automatic mail; ("", "") to send it."""
    if is_own_address(address):
        return "own_address", ""
    unusable = undeliverable_reason(address)
    if unusable:  # a broken From header: nothing could deliver it, and the agent sees why
        return "undeliverable_address", unusable
    auth = sender_auth_of(ticket)
    if auth.get("verdict") == "fail":  # forged, most likely: no backscatter to whoever was named
        return "sender_not_authenticated", auth.get("detail", "")
    limit = get_policy().automation.auto_mails_per_address_per_day
    if outbox_automatic_count(address=address, since=now - WINDOW) >= limit:
        return "daily_limit", ""
    return "", ""


def send_ticket_mail(
    *,
    ticket: Ticket,
    kind: str,
    mail: RenderedMail,
    author: User | None = None,
    automatic: bool,
    auto_submitted: str = "auto-replied",
    attachments: Sequence[AttachmentData] = (),
    event_data: dict | None = None,
    at: datetime | None = None,
    thread: tuple[str, list[str]] | None = None,
    quoted_start: int | None = None,
    to: Sequence[str] | None = None,
    cc: Sequence[str] = (),
    time_spent: int | None = None,
    sent_event: tuple[str, dict] | None = None,
) -> SentMail:
    """Compose, store in the outbox and record on the ticket, in one transaction.

    Automatic mail over the per-address daily limit, or to our own addresses, is stored
    as suppressed (never sent) and leaves an event on the ticket instead of a message.
    ``thread`` = (In-Reply-To, References) when the caller knows which mail it answers;
    otherwise the ticket's conversation gives them. ``quoted_start``: where the mail's text
    stops being new (signature and quoted history follow), as for incoming mail. ``to`` and
    ``cc``: the recipients an agent chose (reply-all); by default the ticket's reply address.
    ``sent_event``: (event, data) recorded with the message when the mail is sent (not
    suppressed), its data completed with the outbox row ("outgoing") and its "message_id".
    """
    recipients = [a.strip() for a in (to if to is not None else [ticket.contact_email]) if a.strip()]
    copies = [a.strip() for a in cc if a.strip() and a.strip() not in recipients]
    if not recipients:
        raise NoEmailAddress(gettext("Ticket #%(n)s has no e-mail address: call the customer, or add "
                                     "their address under “Customer”.") % {"n": ticket.pk})
    policy = get_policy()
    now = at or timezone.now()
    sender = policy.support_email
    sender_name = policy.support.name_en if mail.language == "en" else policy.support.name
    with transaction.atomic(savepoint=False):  # nothing in here is caught: no savepoint needed
        reason, detail = "", ""
        if automatic:
            _lock_address(ticket)
            reason, detail = _suppression_reason(ticket, recipients[0], now)
        in_reply_to, references = thread if thread is not None else thread_headers(ticket)
        message_id, raw = build_message(
            from_addr=sender, from_name=sender_name, to=recipients, cc=copies, subject=mail.subject, text=mail.text,
            html=mail.html, reply_to=sender, in_reply_to=in_reply_to or None, references=references,
            automatic=automatic, auto_submitted=auto_submitted, language=mail.language,
            thread_topic="" if automatic and sender_unproven(ticket) else bare_subject(ticket),
            attachments=[OutgoingAttachment(a.filename, a.content_type, a.content) for a in attachments],
        )
        row = outbox_enqueue(kind=kind, ref=ticket_ref(ticket), from_addr=sender, to_addrs=[*recipients, *copies],
                             subject=mail.subject, raw=raw, message_id=message_id, is_automatic=automatic,
                             created_at=now, suppressed=bool(reason))
        if reason:
            ticket_add_event(ticket=ticket, event="auto_mail_suppressed", at=now,
                             data={"kind": kind, "to": recipients[0], "reason": reason, "detail": detail, "outgoing": row.pk})
            return SentMail(mail=row, message=None)
        message = ticket_add_message(
            ticket=ticket, kind=Message.Kind.OUTGOING, channel="email", body_text=mail.text,
            body_html=sanitize_html(mail.html), subject=mail.subject, author_user=author, from_addr=sender,
            to_addrs=", ".join(recipients), cc_addrs=", ".join(copies), is_automatic=automatic, message_id=message_id, in_reply_to=in_reply_to,
            references=" ".join(reference_chain(references, in_reply_to)), outgoing_id=row.pk,
            attachments=attachments, event_data=event_data, created_at=now, quoted_start=quoted_start,
            time_spent=time_spent,
            events=[(sent_event[0], {"outgoing": row.pk, "message_id": row.message_id, **sent_event[1]})]
            if sent_event else (),
        )
    return SentMail(mail=row, message=message)
