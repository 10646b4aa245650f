"""Build RFC 5322 messages that arrive: our Message-ID, threading headers, text + HTML,
Auto-Submitted on automatic mail, a correct Date, Reply-To the support address."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.utils import timezone

from supportdesk.lib.addresses import UndeliverableAddress, smtp_address
from supportdesk.outbox import mime

# One attachment type for both writers (the direct MIME writer and the stdlib fallback).
OutgoingAttachment = mime.Part


MESSAGE_ID_PREFIX = "sd."


def message_id_domain(from_addr: str) -> str:
    """SUPPORTDESK_MESSAGE_ID_DOMAIN, or else the sender's domain: a Message-ID at a domain
    that is not ours (or does not exist) counts against the mail in spam filters."""
    return settings.MAIL_MESSAGE_ID_DOMAIN or from_addr.rpartition("@")[2].lower()


def new_message_id(domain: str) -> str:
    """A globally unique Message-ID (without angle brackets)."""
    return f"{MESSAGE_ID_PREFIX}{int(time.time() * 1000):x}.{secrets.token_hex(8)}@{domain}"


def is_generated_id(message_id: str, from_addr: str) -> bool:
    """Whether a Message-ID has the form new_message_id gives mail from ``from_addr``."""
    mid = message_id.strip().strip("<>")
    local, _, domain = mid.rpartition("@")
    return local.startswith(MESSAGE_ID_PREFIX) and domain.lower() == message_id_domain(from_addr).lower()


MAX_REFERENCES = 20


def _angle(mid: str) -> str:
    mid = mid.strip()
    return mid if mid.startswith("<") else f"<{mid}>"


def build_message(
    *,
    from_addr: str,
    from_name: str = "",
    to: Sequence[str],
    subject: str,
    text: str,
    html: str | None = None,
    cc: Sequence[str] = (),
    reply_to: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    automatic: bool = False,
    auto_submitted: str = "auto-replied",
    language: str = "ru",
    attachments: Sequence[OutgoingAttachment] = (),
    extra_headers: dict[str, str] | None = None,
    thread_topic: str = "",
) -> tuple[str, bytes]:
    """Return (message_id, raw bytes).

    ``automatic`` marks mail no human wrote (RFC 3834): ``auto_submitted`` is
    "auto-replied" for an answer to a message, "auto-generated" for reminders and notices.
    ``thread_topic`` is the conversation's subject without prefixes (Outlook groups by it).
    """
    mid = message_id or new_message_id(message_id_domain(from_addr))
    fields = _fields(from_addr=from_addr, from_name=from_name, to=to, cc=cc, subject=subject, reply_to=reply_to,
                     message_id=mid, in_reply_to=in_reply_to, references=references, automatic=automatic,
                     auto_submitted=auto_submitted, thread_topic=thread_topic)
    raw = None if extra_headers else _lean(fields, text, html, language, attachments)
    if raw is None:
        raw = _stdlib(fields, text, html, language, attachments, extra_headers or {})
    return mid, raw


def _fields(*, from_addr: str, from_name: str, to: Sequence[str], subject: str, reply_to: str | None,
            cc: Sequence[str] = (),
            message_id: str, in_reply_to: str | None, references: Sequence[str], automatic: bool,
            auto_submitted: str, thread_topic: str = "") -> _Fields:
    return _Fields(from_addr=from_addr, from_name=from_name, to=", ".join(map(_header_address, to)),
                   cc=", ".join(map(_header_address, cc)), subject=subject,
                   date=format_datetime(timezone.now()), message_id=_angle(message_id),
                   reply_to=reply_to or from_addr, in_reply_to=_angle(in_reply_to) if in_reply_to else "",
                   references=" ".join(reference_chain(references, in_reply_to)), automatic=automatic,
                   auto_submitted=auto_submitted, thread_topic=thread_topic)


def _header_address(address: str) -> str:
    """A recipient as an ASCII header carries it (an internationalised domain in its IDNA form);
    an address SMTP cannot carry is written as given: the mailer suppresses automatic mail to it
    and the outbox fails it with the reason."""
    try:
        return smtp_address(address)
    except UndeliverableAddress:
        return address.strip()


def reference_chain(references: Sequence[str], in_reply_to: str | None, limit: int = MAX_REFERENCES) -> list[str]:
    """References as RFC 5322 §3.6.4 has them: the thread in order, ending with the message
    answered. A long thread keeps its root (clients thread on it) and the newest ids."""
    parent = _angle(in_reply_to) if in_reply_to else ""
    chain: list[str] = []
    for ref in references:
        mid = _angle(ref) if ref.strip() else ""
        if mid and mid != parent and mid not in chain:
            chain.append(mid)
    if parent:
        chain.append(parent)
    return chain if len(chain) <= limit else chain[:1] + chain[-(limit - 1):]


@dataclass(frozen=True)
class _Fields:
    from_addr: str
    from_name: str
    to: str
    subject: str
    date: str
    message_id: str
    reply_to: str
    in_reply_to: str
    references: str
    automatic: bool
    auto_submitted: str
    thread_topic: str = ""
    cc: str = ""

    @property
    def precedence(self) -> str:
        return "auto_reply" if self.auto_submitted == "auto-replied" else "bulk"


def _lean(f: _Fields, text: str, html: str | None, language: str,
          attachments: Sequence[OutgoingAttachment]) -> bytes | None:
    """The direct writer (supportdesk.outbox.mime); None when it does not handle the input."""
    try:
        headers = [
            mime.address_header("From", f.from_name, f.from_addr),
            mime.ascii_header("To", f.to),
            *([mime.ascii_header("Cc", f.cc)] if f.cc else []),
            mime.unstructured("Subject", f.subject),
            mime.ascii_header("Date", f.date),
            mime.ascii_header("Message-ID", f.message_id),
            mime.address_header("Reply-To", "", f.reply_to),
        ]
        if f.in_reply_to:
            headers.append(mime.ascii_header("In-Reply-To", f.in_reply_to))
        if f.references:
            headers.append(mime.ascii_header("References", f.references))
        if f.thread_topic:
            headers.append(mime.unstructured("Thread-Topic", f.thread_topic))
        if f.automatic:
            headers.append(mime.ascii_header("Auto-Submitted", f.auto_submitted))
            headers.append("X-Auto-Response-Suppress: All")
            headers.append(f"Precedence: {f.precedence}")
    except mime.Unsupported:
        return None
    return mime.build_raw(headers=headers, text=text, html=html, language=language, attachments=attachments)


def _stdlib(f: _Fields, text: str, html: str | None, language: str, attachments: Sequence[OutgoingAttachment],
            extra_headers: dict[str, str]) -> bytes:
    msg = EmailMessage()
    msg["From"] = formataddr((f.from_name, f.from_addr)) if f.from_name else f.from_addr
    msg["To"] = f.to
    if f.cc:
        msg["Cc"] = f.cc
    msg["Subject"] = f.subject
    msg["Date"] = f.date
    msg["Message-ID"] = f.message_id
    msg["Reply-To"] = f.reply_to
    if f.in_reply_to:
        msg["In-Reply-To"] = f.in_reply_to
    if f.references:
        msg["References"] = f.references
    if f.thread_topic:
        msg["Thread-Topic"] = f.thread_topic
    if f.automatic:
        msg["Auto-Submitted"] = f.auto_submitted
        # Exchange: do not answer this with out-of-office or other auto-replies.
        msg["X-Auto-Response-Suppress"] = "All"
        msg["Precedence"] = f.precedence
    for name, value in extra_headers.items():
        msg[name] = value
    msg.set_content(text, charset="utf-8", cte="quoted-printable")
    if html:
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for a in attachments:
        maintype, _, subtype = (a.content_type or "application/octet-stream").partition("/")
        msg.add_attachment(a.content, maintype=maintype, subtype=subtype or "octet-stream", filename=a.filename)
    # After the body: set_content() drops Content-* headers set before it.
    msg["Content-Language"] = language
    return msg.as_bytes(policy=SMTP)


def address_domain(address: str) -> str:
    return Address(addr_spec=address).domain


def stamp_date(raw: bytes, when: datetime) -> bytes:
    """``raw`` with its Date header set to ``when``: a mail is dated when it is sent, not when
    it was queued (a retry hours later would otherwise arrive dated in the past)."""
    end = raw.find(b"\r\n\r\n")
    head, body = (raw[:end + 2], raw[end + 2:]) if end >= 0 else (raw, b"")
    lines = head.split(b"\r\n")
    kept: list[bytes] = []
    skipping = False
    for line in lines:
        if skipping and line[:1] in (b" ", b"\t"):
            continue  # a folded continuation of the old Date
        skipping = line[:5].lower() == b"date:"
        if not skipping:
            kept.append(line)
    date = b"Date: " + format_datetime(when).encode("ascii")
    return b"\r\n".join([date, *kept]) + body
