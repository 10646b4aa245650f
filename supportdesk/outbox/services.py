"""The durable outbox: rows written in the caller's transaction, sent by a worker.

Guarantees: a mail enqueued in a committed transaction is never lost (it stays
``pending`` until an SMTP server accepts it), and it carries a stable Message-ID, so
a resend after a crash between the SMTP answer and our commit is detectable by the
receiver. Permanent (5xx) and temporary (4xx, network) failures are told apart.
"""

from __future__ import annotations

import logging
import smtplib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from supportdesk.outbox.models import OutgoingMail

log = logging.getLogger(__name__)

# Sent with the OutgoingMail as ``mail`` once it has failed permanently.
mail_failed_permanently = Signal()

CLAIM_SECONDS = 300
MAX_ATTEMPTS = 12
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600


class PermanentFailure(Exception):
    def __init__(self, code: int | None, text: str) -> None:
        super().__init__(text)
        self.code = code


class TemporaryFailure(Exception):
    def __init__(self, code: int | None, text: str) -> None:
        super().__init__(text)
        self.code = code


Transport = Callable[[OutgoingMail], None]


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def outbox_enqueue(*, kind: str, ref: str, from_addr: str, to_addrs: list[str], subject: str, raw: bytes,
                   message_id: str, is_automatic: bool, created_at: datetime | None = None) -> OutgoingMail:
    """Store one outgoing mail. Call inside the transaction that caused it."""
    now = created_at or timezone.now()
    mail = OutgoingMail.objects.create(
        message_id=message_id, kind=kind, ref=ref, from_addr=from_addr, to_addrs=", ".join(to_addrs),
        subject=subject[:300], raw=raw, is_automatic=is_automatic, next_attempt_at=now, created_at=now,
    )
    transaction.on_commit(_kick_worker)
    return mail


def _kick_worker() -> None:
    """Ask a worker to flush now; the periodic flush picks the row up anyway if this fails."""
    from supportdesk.outbox.tasks import outbox_flush

    try:
        outbox_flush.delay()
    except Exception:  # the broker may be down; the database still holds the mail
        log.warning("could not enqueue an outbox flush; the periodic flush will send it", exc_info=True)


def smtp_transport(mail: OutgoingMail) -> None:
    """Hand the mail to the configured SMTP server; classify failures."""
    from supportdesk.outbox.signing import sign_if_configured

    raw = sign_if_configured(bytes(mail.raw))
    recipients = [a.strip() for a in mail.to_addrs.split(",") if a.strip()]
    try:
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=settings.SMTP_TIMEOUT,
                          local_hostname=settings.MAIL_MESSAGE_ID_DOMAIN) as smtp:
            if settings.SMTP_STARTTLS:
                smtp.starttls()
            if settings.SMTP_USER:
                smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
            refused = smtp.sendmail(mail.from_addr, recipients, raw)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        text = "; ".join(f"{rcpt}: {code} {msg!r}" for rcpt, (code, msg) in exc.recipients.items())
        if all(code >= 500 for code in codes):
            raise PermanentFailure(max(codes), text) from exc
        raise TemporaryFailure(min(codes), text) from exc
    except smtplib.SMTPResponseException as exc:
        text = f"{exc.smtp_code} {exc.smtp_error!r}"
        if exc.smtp_code >= 500:
            raise PermanentFailure(exc.smtp_code, text) from exc
        raise TemporaryFailure(exc.smtp_code, text) from exc
    except (OSError, smtplib.SMTPException, socket.timeout) as exc:
        raise TemporaryFailure(None, f"{type(exc).__name__}: {exc}") from exc
    if refused:
        # Some recipients took it; the refused ones are reported but the mail counts as sent.
        log.warning("outbox %s: some recipients refused: %s", mail.message_id, refused)


@dataclass
class FlushResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def _claim(pk: int, now: datetime) -> bool:
    """Conditional UPDATE: only one worker wins a row, on every database."""
    claimable = OutgoingMail.objects.filter(pk=pk, next_attempt_at__lte=now).filter(
        state=OutgoingMail.State.PENDING
    ) | OutgoingMail.objects.filter(pk=pk, state=OutgoingMail.State.SENDING, claimed_until__lt=now)
    return OutgoingMail.objects.filter(pk__in=claimable.values("pk")).update(
        state=OutgoingMail.State.SENDING, claimed_until=now + timedelta(seconds=CLAIM_SECONDS)) == 1


def _due_ids(now: datetime, limit: int) -> list[int]:
    pending = OutgoingMail.objects.filter(state=OutgoingMail.State.PENDING, next_attempt_at__lte=now)
    stale = OutgoingMail.objects.filter(state=OutgoingMail.State.SENDING, claimed_until__lt=now)
    ids = list(pending.order_by("next_attempt_at", "id").values_list("id", flat=True)[:limit])
    ids += list(stale.values_list("id", flat=True)[:limit])
    return ids[:limit]


def outbox_send_one(mail: OutgoingMail, transport: Transport, now: datetime) -> str:
    """Send one claimed mail and record the outcome; returns the new state."""
    mail.attempts += 1
    try:
        transport(mail)
    except PermanentFailure as exc:
        mail.state, mail.smtp_code, mail.last_error = OutgoingMail.State.FAILED, exc.code, str(exc)[:2000]
    except TemporaryFailure as exc:
        mail.smtp_code, mail.last_error = exc.code, str(exc)[:2000]
        if mail.attempts >= MAX_ATTEMPTS:
            mail.state = OutgoingMail.State.FAILED
        else:
            mail.state, mail.next_attempt_at = OutgoingMail.State.PENDING, now + backoff(mail.attempts)
    else:
        mail.state, mail.sent_at, mail.last_error, mail.smtp_code = OutgoingMail.State.SENT, timezone.now(), "", 250
    mail.claimed_until = None
    with transaction.atomic():
        mail.save(update_fields=["state", "attempts", "smtp_code", "last_error", "next_attempt_at", "sent_at",
                                 "claimed_until"])
        if mail.state == OutgoingMail.State.FAILED:
            transaction.on_commit(lambda: mail_failed_permanently.send(sender=OutgoingMail, mail=mail))
    return mail.state


def outbox_flush(*, limit: int = 100, transport: Transport | None = None) -> FlushResult:
    """Send every due mail once. Safe to run from several workers at the same time."""
    send = transport or smtp_transport
    result = FlushResult()
    now = timezone.now()
    for pk in _due_ids(now, limit):
        if not _claim(pk, now):
            continue
        mail = OutgoingMail.objects.get(pk=pk)
        state = outbox_send_one(mail, send, now)
        if state == OutgoingMail.State.SENT:
            result.sent += 1
        elif state == OutgoingMail.State.FAILED:
            result.failed += 1
        else:
            result.retried += 1
    return result
