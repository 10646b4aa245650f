"""Build RFC 5322 messages that arrive: our Message-ID, threading headers, text + HTML,
Auto-Submitted on automatic mail, a correct Date, Reply-To the support address."""

from __future__ import annotations

import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class OutgoingAttachment:
    filename: str
    content_type: str
    content: bytes


def new_message_id(domain: str | None = None) -> str:
    """A globally unique Message-ID (without angle brackets)."""
    host = domain or settings.MAIL_MESSAGE_ID_DOMAIN
    return f"sd.{int(time.time() * 1000):x}.{secrets.token_hex(8)}@{host}"


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
    reply_to: str | None = None,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    automatic: bool = False,
    auto_submitted: str = "auto-replied",
    language: str = "ru",
    attachments: Sequence[OutgoingAttachment] = (),
    extra_headers: dict[str, str] | None = None,
) -> tuple[str, bytes]:
    """Return (message_id, raw bytes).

    ``automatic`` marks mail no human wrote (RFC 3834): ``auto_submitted`` is
    "auto-replied" for an answer to a message, "auto-generated" for reminders and notices.
    """
    mid = message_id or new_message_id()
    msg = EmailMessage()
    msg["From"] = formataddr((from_name, from_addr)) if from_name else from_addr
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(timezone.now())
    msg["Message-ID"] = _angle(mid)
    msg["Reply-To"] = reply_to or from_addr
    if in_reply_to:
        msg["In-Reply-To"] = _angle(in_reply_to)
    refs = [_angle(r) for r in references if r]
    if in_reply_to and _angle(in_reply_to) not in refs:
        refs.append(_angle(in_reply_to))
    if refs:
        msg["References"] = " ".join(refs[-20:])
    if automatic:
        msg["Auto-Submitted"] = auto_submitted
        # Exchange: do not answer this with out-of-office or other auto-replies.
        msg["X-Auto-Response-Suppress"] = "All"
        msg["Precedence"] = "auto_reply" if auto_submitted == "auto-replied" else "bulk"
    for name, value in (extra_headers or {}).items():
        msg[name] = value
    msg.set_content(text, charset="utf-8", cte="quoted-printable")
    if html:
        msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    for a in attachments:
        maintype, _, subtype = (a.content_type or "application/octet-stream").partition("/")
        msg.add_attachment(a.content, maintype=maintype, subtype=subtype or "octet-stream", filename=a.filename)
    # After the body: set_content() drops Content-* headers set before it.
    msg["Content-Language"] = language
    return mid, msg.as_bytes(policy=SMTP)


def address_domain(address: str) -> str:
    return Address(addr_spec=address).domain
