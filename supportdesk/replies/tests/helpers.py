"""Raw customer mail for the tests, and reading what a real SMTP sink received."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from django.test import TestCase, override_settings

from supportdesk.testing.servers import SmtpSink

# The authserv-id of "our" receiving MTA in tests (settings.MAIL_AUTHSERV_IDS trusts it).
TRUSTED_MTA = "mx.test.softlab.tv"


def customer_mail(*, sender: str, name: str = "", subject: str, body: str, sent: datetime, charset: str = "utf-8",
                  message_id: str, in_reply_to: str = "", dmarc: str = "pass") -> bytes:
    """A plain 8-bit mail as a customer's client writes it (KOI8-R when asked), as our MTA
    delivers it: with its Authentication-Results (``dmarc``: its DMARC verdict, "" for none)."""
    head = [f"Authentication-Results: {TRUSTED_MTA}; dmarc={dmarc} header.from={sender.rpartition('@')[2]}"] if dmarc else []
    head += [
        f"From: {formataddr((name, sender), charset=charset)}" if name else f"From: {sender}",
        "To: forward@softlab.tv",
        f"Subject: =?{charset}?b?{_b64(subject, charset)}?=",
        f"Date: {format_datetime(sent)}",
        f"Message-ID: <{message_id}>",
        "MIME-Version: 1.0",
        f"Content-Type: text/plain; charset={charset}",
        "Content-Transfer-Encoding: 8bit",
    ]
    if in_reply_to:
        head.append(f"In-Reply-To: <{in_reply_to}>")
    return ("\r\n".join(head) + "\r\n\r\n").encode("ascii") + body.replace("\n", "\r\n").encode(charset)


def _b64(text: str, charset: str) -> str:
    import base64

    return base64.b64encode(text.encode(charset)).decode("ascii")


def parsed(data: bytes) -> EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)  # type: ignore[return-value]


def text_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content())


def html_part(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content())


def smtp_to(sink: SmtpSink) -> override_settings:
    return override_settings(SMTP_HOST=sink.host, SMTP_PORT=sink.port, SMTP_TIMEOUT=5)


def start_sink(test: TestCase) -> SmtpSink:
    """A real SMTP server for one test, with the outbox pointed at it; both undone after."""
    sink = SmtpSink().start()
    test.addCleanup(sink.stop)
    smtp = smtp_to(sink)
    smtp.enable()
    test.addCleanup(smtp.disable)
    return sink
