"""Raw test mails built with the stdlib, so every test states only what it is about."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from itertools import count

from supportdesk.test import office_time

_seq = count(1)


def make_mail(
    *,
    sender: str = "ivanov@tv-sibir.ru",
    name: str = "Иван Иванов",
    to: str = "forward@softlab.tv",
    subject: str = "Не выводятся титры",
    body: str = "Титры не выводятся на SDI 2 после обновления.",
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: str | None = None,
    headers: dict[str, str] | None = None,
    date: str | None = None,
    attachments: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{name} <{sender}>" if name else sender
    msg["To"] = to
    if subject:
        msg["Subject"] = subject
    msg["Date"] = date or format_datetime(office_time(2026, 3, 2, 10, 0))
    msg["Message-ID"] = f"<{message_id or f'm{next(_seq)}.test@tv-sibir.ru'}>"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
    if references:
        msg["References"] = references
    for key, value in (headers or {}).items():
        msg[key] = value
    msg.set_content(body)
    for filename, ctype, content in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


# A DSN for a mail to ivanov@tv-sibir.ru that had Message-ID <reply.1@supportdesk.local>.
BOUNCE = (
    b"From: MAILER-DAEMON@mx.tv-sibir.ru\nTo: forward@softlab.tv\nSubject: Undelivered Mail Returned to Sender\n"
    b"Message-ID: <bounce1@mx.tv-sibir.ru>\nMIME-Version: 1.0\n"
    b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
    b"--B\nContent-Type: text/plain\n\nmail to ivanov@tv-sibir.ru failed\n"
    b"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.tv-sibir.ru\n\n"
    b"Final-Recipient: rfc822; ivanov@tv-sibir.ru\nAction: failed\nStatus: 5.1.1\n"
    b"--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: <reply.1@supportdesk.local>\n"
    b"To: ivanov@tv-sibir.ru\n--B--\n"
)
