"""The durable outbox: rows written in the caller's transaction, sent by a worker.

Guarantees: a mail enqueued in a committed transaction is never lost (it stays
``pending`` — or ``sending`` with an expiring claim — until an SMTP server accepts it),
and it carries a stable Message-ID in its stored bytes, so a resend after a crash
between the SMTP answer and our commit repeats the same Message-ID: receivers (and
our own intake) can tell it is the same mail. A re-claimed row is counted in
``attempts`` and noted in ``last_error``, so we can tell too. Permanent (5xx) and
temporary (4xx, network) failures are told apart.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.dispatch import Signal
from django.utils import timezone

from supportdesk.lib.addresses import UndeliverableAddress, smtp_address
from supportdesk.lib.db_retry import retry_on_lost_connection
from supportdesk.lib.tls import TlsConfigError, tls_client_context, tls_failure_text
from supportdesk.outbox.compose import stamp_date
from supportdesk.outbox.models import OutgoingMail

log = logging.getLogger(__name__)

# Sent with the OutgoingMail as ``mail`` once it has failed permanently (after the commit).
mail_failed_permanently = Signal()

BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
# Temporary failures are retried for as long as an MTA keeps a message queued
# (Postfix's maximal_queue_lifetime); an SMTP outage of hours loses nothing.
MAX_AGE = timedelta(days=5)
INTERRUPTED_NOTE = "the previous attempt was interrupted after the claim; sending again (same Message-ID)"
RESENT_NOTE = "sent again after an interrupted attempt (same Message-ID): the receiver may see it twice"


class PermanentFailure(Exception):
    def __init__(self, code: int | None, text: str) -> None:
        super().__init__(text)
        self.code = code


class TemporaryFailure(Exception):
    """``code`` None means we did not reach an SMTP answer (network, our relay down);
    ``unreachable`` False: the failure was this mail's own (a bug it triggers), not the server's."""

    def __init__(self, code: int | None, text: str, *, unreachable: bool = True) -> None:
        super().__init__(text)
        self.code = code
        self.unreachable = code is None and unreachable


Transport = Callable[[OutgoingMail], None]

# The ``ref`` of mail to our own people (alerts): an answer to it is never a customer's message.
INTERNAL_REF_PREFIX = "internal:"


def internal_ref(ref: str) -> str:
    return f"{INTERNAL_REF_PREFIX}{ref}"


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def outbox_enqueue(*, kind: str, ref: str, from_addr: str, to_addrs: Sequence[str], subject: str, raw: bytes,
                   message_id: str, is_automatic: bool, created_at: datetime | None = None,
                   suppressed: bool = False) -> OutgoingMail:
    """Store one outgoing mail. Call inside the transaction that caused it.

    ``suppressed`` stores the mail as a record only (loop protection): it is never sent.
    """
    now = created_at or timezone.now()
    recipients = [a.strip() for a in to_addrs if a.strip()]
    mail = OutgoingMail.objects.create(
        message_id=message_id.strip("<>"), kind=kind, ref=ref, from_addr=from_addr,
        to_addrs=", ".join(recipients), recipient=(recipients[0].lower() if recipients else "")[:254],
        subject=subject[:300], raw=raw, is_automatic=is_automatic, next_attempt_at=now, created_at=now,
        state=OutgoingMail.State.SUPPRESSED if suppressed else OutgoingMail.State.PENDING,
    )
    if not suppressed and _should_kick():
        transaction.on_commit(_kick_worker)
    return mail


_AUTOMATIC_COUNT = ('SELECT COUNT(*) FROM "outbox_outgoingmail"'
                    " WHERE is_automatic = %s AND recipient = %s AND created_at >= %s AND state <> %s")


def outbox_automatic_count(*, address: str, since: datetime) -> int:
    """Automatic mails stored for ``address`` since ``since``, suppressed ones excluded.
    Written out: it runs for every acknowledgment, and building the ORM's query cost more than
    counting."""
    with connection.cursor() as cursor:
        cursor.execute(_AUTOMATIC_COUNT, [True, address.strip().lower(), connection.ops.adapt_datetimefield_value(since),
                                          OutgoingMail.State.SUPPRESSED.value])
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def outbox_is_ours(message_id: str) -> bool:
    """Whether a Message-ID is one this outbox generated (loop detection)."""
    mid = message_id.strip().strip("<>")
    return bool(mid) and OutgoingMail.objects.filter(message_id=mid).exists()


def _should_kick() -> bool:
    """Kick a Celery worker only when one listens on a real broker.

    In the embedded mode (broker on local disk) the jobs loop flushes the outbox every few
    seconds; kicks there would pile up as files that nobody reads.
    """
    return not settings.CELERY_BROKER_URL.startswith("filesystem://")


# One flush for all the mail committed within this many seconds (a bulk import commits an
# acknowledgment every few milliseconds; one task each would flood the broker).
KICK_DELAY = 1.0
_KICK_MARGIN = 0.2  # the worker's clock may run a little ahead of ours
_next_flush = 0.0  # time.monotonic() at which the flush already asked for runs


def _kick_worker() -> None:
    """Ask a worker to flush in KICK_DELAY seconds, unless a flush already asked for runs
    after this commit anyway; the periodic flush picks the row up if this fails."""
    global _next_flush
    from supportdesk.outbox.tasks import outbox_flush

    now = time.monotonic()
    if now < _next_flush - _KICK_MARGIN:
        return
    _next_flush = now + KICK_DELAY
    try:
        outbox_flush.apply_async(countdown=KICK_DELAY)
    except Exception:  # the broker may be down; the database still holds the mail
        _next_flush = 0.0
        log.warning("could not enqueue an outbox flush; the periodic flush will send it", exc_info=True)


def smtp_transport(mail: OutgoingMail) -> None:
    """Hand the mail to the configured SMTP server; classify failures."""
    from supportdesk.outbox.signing import sign_if_configured

    # Dated now, then signed: the signature covers the Date the receiver sees.
    raw = sign_if_configured(stamp_date(bytes(mail.raw), timezone.now()))
    recipients, unusable = [], []
    for address in (a.strip() for a in mail.to_addrs.split(",") if a.strip()):
        try:
            recipients.append(smtp_address(address))
        except UndeliverableAddress as exc:
            unusable.append(str(exc))
    if not recipients:
        raise PermanentFailure(None, "; ".join(unusable) or "no recipient")
    try:
        envelope_from = smtp_address(mail.from_addr)
    except UndeliverableAddress as exc:
        raise PermanentFailure(None, f"sender: {exc}") from exc
    server = f"{settings.SMTP_HOST}:{settings.SMTP_PORT}"
    try:
        tls = tls_client_context(ca_file=settings.SMTP_CA_FILE) if settings.SMTP_STARTTLS else None
    except TlsConfigError as exc:
        raise TemporaryFailure(None, f"SUPPORTDESK_SMTP_CA_FILE: {exc}") from exc
    try:
        # EHLO names this host (its FQDN unless SUPPORTDESK_SMTP_HELO says otherwise): receivers
        # check it against our address, and a made-up name scores as spam.
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=settings.SMTP_TIMEOUT,
                          local_hostname=settings.SMTP_HELO or None) as smtp:
            if tls is not None:
                smtp.starttls(context=tls)
            if settings.SMTP_USER:
                smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
            refused = smtp.sendmail(envelope_from, recipients, raw)
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
    except ssl.SSLError as exc:  # the mail waits until the server's certificate is trusted
        raise TemporaryFailure(None, tls_failure_text(exc, server=server, setting="SUPPORTDESK_SMTP_CA_FILE")) from exc
    except (OSError, smtplib.SMTPException) as exc:  # TimeoutError is an OSError
        raise TemporaryFailure(None, f"{type(exc).__name__}: {exc}") from exc
    if refused or unusable:
        # Some recipients took it; the refused ones are reported but the mail counts as sent.
        log.warning("outbox %s: some recipients refused: %s", mail.message_id, [*map(str, refused.items()), *unusable])


@dataclass
class FlushResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    # The SMTP server could not be reached: the round stopped early, the rest waits.
    unreachable: bool = False

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed


def _due(now: datetime) -> Q:
    return Q(state=OutgoingMail.State.PENDING, next_attempt_at__lte=now)


def _stale(now: datetime) -> Q:
    # A worker that died after claiming (possibly after SMTP accepted the mail) leaves
    # the row in ``sending``; once its claim expires the mail is sent again, same bytes.
    return Q(state=OutgoingMail.State.SENDING, claimed_until__lt=now)


def _claim(pk: int, now: datetime) -> OutgoingMail | None:
    """Conditional UPDATE: only one worker wins a row, on every database.

    A stale claim is taken over with a note, so the resend is recorded on the row.
    """
    claim = {"state": OutgoingMail.State.SENDING, "claimed_until": now + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS),
             "attempts": F("attempts") + 1}
    won = OutgoingMail.objects.filter(_stale(now), pk=pk).update(**claim, last_error=INTERRUPTED_NOTE)
    if not won:
        won = OutgoingMail.objects.filter(_due(now), pk=pk).update(**claim)
    return OutgoingMail.objects.get(pk=pk) if won == 1 else None


def _due_ids(now: datetime, limit: int) -> list[int]:
    rows = OutgoingMail.objects.filter(_due(now) | _stale(now)).order_by("next_attempt_at", "id")
    return list(rows.values_list("id", flat=True)[:limit])


# How long before its claim expires a worker gives up recording a send (another worker may then
# take the row over).
RECORD_MARGIN_SECONDS = 5.0


def _record(mail: OutgoingMail, fields: list[str], *, retry_until: datetime | None = None) -> None:
    """Write the outcome of an attempt.

    The SMTP server may already hold the mail when the database goes away (a restart, a
    failover): giving up here would leave the claim to expire and the mail to be sent again.
    So a lost connection is retried on a new one until ``retry_until`` (shortly before the
    claim expires, when another worker could take the row over); without it, once. A SQLite
    locked past its busy timeout is waited for the same way: a second copy of the mail costs more
    than the wait. Outside a transaction only: inside one, the caller's work is lost with the
    connection anyway.
    """

    def save() -> None:
        with transaction.atomic():
            mail.save(update_fields=fields)
            if mail.state == OutgoingMail.State.FAILED:
                transaction.on_commit(lambda: mail_failed_permanently.send(sender=OutgoingMail, mail=mail))

    left = (retry_until - timezone.now()).total_seconds() if retry_until is not None else 0.0
    retry_on_lost_connection(save, what=f"outbox {mail.message_id}: recording the attempt",
                             deadline=time.monotonic() + left, busy_too=True)


def outbox_send_one(mail: OutgoingMail, transport: Transport, now: datetime) -> TemporaryFailure | None:
    """Send one claimed mail and record the outcome in ``mail.state``.

    Returns the temporary failure, if any, so the caller can tell "server down" apart.
    """
    resent = mail.last_error == INTERRUPTED_NOTE
    claim_ends = mail.claimed_until
    failure: TemporaryFailure | None = None
    try:
        transport(mail)
    except PermanentFailure as exc:
        mail.state, mail.smtp_code, mail.last_error = OutgoingMail.State.FAILED, exc.code, str(exc)[:2000]
    except TemporaryFailure as exc:
        failure = exc
    except Exception as exc:  # a bug or a misconfiguration (DKIM key): keep the mail, retry later
        log.exception("outbox %s: unexpected error while sending", mail.message_id)
        failure = TemporaryFailure(None, f"{type(exc).__name__}: {exc}", unreachable=False)
    else:
        mail.state, mail.sent_at, mail.smtp_code = OutgoingMail.State.SENT, timezone.now(), 250
        mail.last_error = RESENT_NOTE if resent else ""
    if failure is not None:
        mail.smtp_code, mail.last_error = failure.code, str(failure)[:2000]
        if now - mail.created_at >= MAX_AGE:
            mail.state = OutgoingMail.State.FAILED
        else:
            mail.state, mail.next_attempt_at = OutgoingMail.State.PENDING, now + backoff(mail.attempts)
    mail.claimed_until = None
    retry_until = claim_ends - timedelta(seconds=RECORD_MARGIN_SECONDS) if claim_ends else None
    _record(mail, ["state", "smtp_code", "last_error", "next_attempt_at", "sent_at", "claimed_until"],
            retry_until=retry_until)
    return failure


def outbox_flush(*, limit: int = 100, transport: Transport | None = None) -> FlushResult:
    """Send every due mail once. Safe to run from several workers at the same time."""
    send = transport or smtp_transport
    result = FlushResult()
    now = timezone.now()
    # A sender's kept connection found dead (the database restarted) is replaced and the query
    # run again (lib.db_retry). A claim is safe to try twice: if the first one was committed
    # after all (the connection died during its COMMIT), the second matches nothing, and the
    # row waits in ``sending`` until its claim expires (then it is sent, once).
    due = retry_on_lost_connection(lambda: _due_ids(now, limit), what="outbox: the due mails")
    for pk in due:
        mail = retry_on_lost_connection(partial(_claim, pk, now), what=f"outbox: claiming #{pk}")
        if mail is None:
            continue
        if mail.last_error == INTERRUPTED_NOTE:
            log.warning("outbox %s: %s", mail.message_id, INTERRUPTED_NOTE)
        failure = outbox_send_one(mail, send, now)
        if mail.state == OutgoingMail.State.SENT:
            result.sent += 1
        elif mail.state == OutgoingMail.State.FAILED:
            result.failed += 1
        else:
            result.retried += 1
        if failure is not None and failure.unreachable:
            # The server is unreachable: trying the other rows now only burns their attempts.
            # A mail that fails on its own (a bug it triggers) does not hold up the others.
            result.unreachable = True
            break
    return result
