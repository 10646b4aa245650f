"""``supportdesk doctor``: checks a deployment and says what is wrong in plain words.

Each check is a function returning one ``Finding`` (ok, warning or failure, with a sentence an
administrator can act on). The checks talk to the real services this installation is configured
for: the database, the Celery broker, the SMTP server (with TLS verified as the outbox does it),
the IMAP mailboxes, the public https address; and read the disk, the clock, the policy file, the
production calendar, the secret key and the DKIM key.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import smtplib
import socket
import ssl
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

OK, WARN, FAIL = "ok", "warning", "failure"
CONNECT_TIMEOUT = 5.0
CERT_WARN_DAYS = 21
DISK_WARN_BYTES = 2 * 1024**3
DISK_FAIL_BYTES = 200 * 1024**2
CLOCK_WARN_SECONDS = 5.0


@dataclass(frozen=True)
class Finding:
    check: str
    status: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


# ---- pure verdicts (unit-tested with numbers) ----------------------------------------------------

def disk_verdict(path: str, *, free: int, total: int) -> Finding:
    gib = free / 1024**3
    share = free / total if total else 0.0
    text = f"{path}: {gib:.1f} GiB free ({share:.0%})"
    if free < DISK_FAIL_BYTES:
        return Finding("disk", FAIL, f"{text}; incoming mail and attachments will fail to be stored — free some space")
    if free < DISK_WARN_BYTES or share < 0.05:
        return Finding("disk", WARN, f"{text}; less than 2 GiB or 5 % left — plan more space")
    return Finding("disk", OK, text)


def certificate_verdict(check: str, server: str, not_after: dt.datetime, *, now: dt.datetime) -> Finding:
    days = (not_after - now).total_seconds() / 86400
    when = not_after.strftime("%Y-%m-%d")
    if days < 0:
        return Finding(check, FAIL, f"the TLS certificate of {server} expired on {when}")
    if days < CERT_WARN_DAYS:
        return Finding(check, WARN, f"the TLS certificate of {server} expires in {int(days)} days ({when}) — renew it")
    return Finding(check, OK, f"TLS certificate of {server} valid until {when}")


def clock_verdict(skew_seconds: float, reference: str) -> Finding:
    if abs(skew_seconds) > CLOCK_WARN_SECONDS:
        return Finding("clock", WARN, f"this host's clock is {skew_seconds:+.1f} s off {reference}; due times and "
                                      "Date headers follow this clock — synchronise it (NTP)")
    return Finding("clock", OK, f"this host's clock agrees with {reference} ({skew_seconds:+.1f} s)")


# ---- the checks ----------------------------------------------------------------------------------

def check_database() -> Finding:
    vendor = connection.vendor
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if vendor == "sqlite":
            import sqlite3

            version = sqlite3.sqlite_version
        else:
            number = int(getattr(connection, "pg_version", 0))
            version = f"{number // 10000}.{number % 10000}"
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return Finding("database", FAIL, f"cannot use the {vendor} database: {str(exc).strip()}")
    where = settings.DATABASES["default"].get("NAME")
    if pending:
        return Finding("database", FAIL, f"{vendor} {version} ({where}): {len(pending)} migrations not applied — "
                                         "run `supportdesk migrate`")
    if vendor == "sqlite" and not connection.is_in_memory_db():  # type: ignore[attr-defined]
        with connection.cursor() as cursor:
            mode = cursor.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            return Finding("database", WARN, f"SQLite {version} ({where}) is in {mode} mode, not WAL: "
                                             "web pages will wait for mail intake")
    return Finding("database", OK, f"{vendor} {version} ({where}), all migrations applied")


def check_clock() -> Finding:
    if connection.vendor != "postgresql":
        return Finding("clock", OK, "no reference clock with an embedded database; "
                                    "make sure the host synchronises its clock (NTP)")
    before = dt.datetime.now(dt.UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        db_now = cursor.fetchone()[0]
    after = dt.datetime.now(dt.UTC)
    local = before + (after - before) / 2
    return clock_verdict((local - db_now).total_seconds(), "the database server's clock")


def check_broker() -> Finding:
    url = settings.CELERY_BROKER_URL
    scheme = urlsplit(url).scheme
    if scheme == "filesystem":
        folder = Path(settings.CELERY_FS_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        if not os.access(folder, os.W_OK):
            return Finding("broker", FAIL, f"the embedded task queue's folder {folder} is not writable")
        return Finding("broker", OK, f"embedded task queue on local disk ({folder})")
    from kombu import Connection

    safe = _without_password(url)
    try:
        with Connection(url, connect_timeout=CONNECT_TIMEOUT) as conn:
            conn.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT)
    except Exception as exc:  # kombu raises the transport's own errors
        return Finding("broker", FAIL, f"cannot reach the task broker {safe}: {exc} — background jobs "
                                       "(sending mail, the SLA watcher) do not run")
    return Finding("broker", OK, f"task broker {safe} answers")


def check_smtp() -> Finding:
    from supportdesk.lib.tls import TlsConfigError, tls_client_context, tls_failure_text

    server = f"{settings.SMTP_HOST}:{settings.SMTP_PORT}"
    try:
        with smtplib.SMTP(settings.SMTP_HOST, settings.SMTP_PORT, timeout=CONNECT_TIMEOUT) as smtp:
            smtp.ehlo()
            detail = "answers"
            if settings.SMTP_STARTTLS:
                context = tls_client_context(ca_file=settings.SMTP_CA_FILE)
                smtp.starttls(context=context)
                smtp.ehlo()
                cert = smtp.sock.getpeercert() if isinstance(smtp.sock, ssl.SSLSocket) else None
                detail = "answers over verified STARTTLS"
                if cert and "notAfter" in cert:
                    expiry = _cert_time(str(cert["notAfter"]))
                    verdict = certificate_verdict("smtp", server, expiry, now=dt.datetime.now(dt.UTC))
                    if verdict.status != OK:
                        return verdict
                    detail += f", certificate valid until {expiry:%Y-%m-%d}"
            if settings.SMTP_USER:
                smtp.login(settings.SMTP_USER, settings.SMTP_PASSWORD)
                detail += f", login as {settings.SMTP_USER} accepted"
    except TlsConfigError as exc:
        return Finding("smtp", FAIL, str(exc))
    except ssl.SSLError as exc:
        return Finding("smtp", FAIL, tls_failure_text(exc, server=server, setting="SUPPORTDESK_SMTP_CA_FILE"))
    except smtplib.SMTPAuthenticationError as exc:
        return Finding("smtp", FAIL, f"the SMTP server {server} refused the login of {settings.SMTP_USER}: "
                                     f"{exc.smtp_code} {exc.smtp_error!r}")
    except smtplib.SMTPNotSupportedError as exc:
        return Finding("smtp", FAIL, f"the SMTP server {server} does not offer what is configured: {exc}")
    except (OSError, smtplib.SMTPException) as exc:
        return Finding("smtp", FAIL, f"cannot talk to the SMTP server {server}: {exc or type(exc).__name__} — "
                                     "replies and acknowledgments wait in the outbox until it answers")
    return Finding("smtp", OK, f"SMTP server {server} {detail}")


def check_mailboxes() -> list[Finding]:
    from supportdesk.lib.tls import TlsConfigError, tls_client_context, tls_failure_text
    from supportdesk.mail.models import Mailbox

    findings: list[Finding] = []
    try:
        boxes = list(Mailbox.objects.filter(enabled=True, kind=Mailbox.Kind.IMAP).order_by("name"))
    except DatabaseError as exc:
        return [Finding("mailboxes", WARN, f"not checked: the mailbox table cannot be read ({str(exc).strip()})")]
    for box in boxes:
        port = box.port or (993 if box.use_ssl else 143)
        server = f"{box.host}:{port}"
        try:
            with socket.create_connection((box.host, port), timeout=CONNECT_TIMEOUT) as raw:
                if box.use_ssl:
                    context = tls_client_context(ca_file=box.ca_file)
                    with context.wrap_socket(raw, server_hostname=box.host) as tls:
                        greeting = tls.recv(200)
                else:
                    greeting = raw.recv(200)
        except TlsConfigError as exc:
            findings.append(Finding(f"mailbox {box.name}", FAIL, str(exc)))
            continue
        except ssl.SSLError as exc:
            findings.append(Finding(f"mailbox {box.name}", FAIL,
                                    tls_failure_text(exc, server=server, setting=f"the CA file of mailbox {box.name}")))
            continue
        except OSError as exc:
            findings.append(Finding(f"mailbox {box.name}", FAIL, f"cannot reach the IMAP server {server}: {exc}"))
            continue
        if not greeting.startswith(b"* OK"):
            findings.append(Finding(f"mailbox {box.name}", FAIL, f"{server} does not greet as an IMAP server"))
        else:
            findings.append(Finding(f"mailbox {box.name}", OK, f"IMAP server {server} answers"
                                    + (" over verified TLS" if box.use_ssl else " (no TLS)")))
    return findings


def check_public_url() -> Finding:
    from supportdesk.policy.public_url import configured_url, url_problem

    problem = url_problem()
    if problem:
        return Finding("public address", WARN if settings.DEVELOPMENT else FAIL, problem)
    url = configured_url()
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    try:
        context = ssl.create_default_context()
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT) as raw, \
                context.wrap_socket(raw, server_hostname=host) as tls:
            cert = tls.getpeercert()
    except ssl.SSLCertVerificationError as exc:
        return Finding("public address", FAIL, f"the certificate of {host}:{port} was refused: {exc.verify_message}")
    except OSError as exc:
        return Finding("public address", WARN, f"{url} cannot be reached from this host ({exc}); "
                                               "customers' links may still work from outside")
    expiry = _cert_time(str(cert["notAfter"])) if cert and "notAfter" in cert else None
    if expiry is None:
        return Finding("public address", OK, f"{url} answers over verified https")
    return certificate_verdict("public address", f"{host}:{port}", expiry, now=dt.datetime.now(dt.UTC))


def check_disk() -> list[Finding]:
    seen: set[int] = set()
    findings = []
    for path in (Path(settings.DATA_DIR), Path(settings.ATTACHMENT_ROOT)):
        existing = next((p for p in (path, *path.parents) if p.exists()), Path("/"))
        device = existing.stat().st_dev
        if device in seen:
            continue
        seen.add(device)
        usage = shutil.disk_usage(existing)
        findings.append(disk_verdict(str(path), free=usage.free, total=usage.total))
    return findings


def check_attachment_store() -> Finding:
    from supportdesk.lib.blobstore import _s3, blob_store_label, uses_s3

    label = blob_store_label()
    if uses_s3():
        try:
            storage = _s3()
            storage.connection.meta.client.head_bucket(Bucket=settings.S3_BUCKET)
        except Exception as exc:  # botocore's errors: no route, refused keys, no such bucket, TLS
            return Finding("attachments", FAIL, f"cannot use the {label}: {exc} — attachments can be neither "
                                                "stored nor downloaded")
        return Finding("attachments", OK, f"{label} answers")
    root = Path(settings.ATTACHMENT_ROOT)
    existing = next((p for p in (root, *root.parents) if p.exists()), None)
    if existing is None or not os.access(existing, os.W_OK):
        return Finding("attachments", FAIL, f"the attachment folder {root} is not writable by this user")
    return Finding("attachments", OK, f"attachment folder {root}")


def check_policy() -> Finding:
    from supportdesk.policy import PolicyError, reload_policy

    source = settings.SUPPORTDESK_POLICY_FILE or "the shipped default policy"
    try:
        policy = reload_policy()
    except PolicyError as exc:
        return Finding("policy", FAIL, f"{source}: {exc}")
    except OSError as exc:
        return Finding("policy", FAIL, f"cannot read the policy file {source}: {exc}")
    return Finding("policy", OK, f"{source} is valid (office {policy.office.timezone})")


def check_calendar() -> Finding:
    from supportdesk.calendar.production import CalendarDataError, ProductionCalendar
    from supportdesk.policy import get_policy

    try:
        calendar = ProductionCalendar.from_files(get_policy().calendar.data_file)
    except (CalendarDataError, OSError) as exc:
        return Finding("calendar", FAIL, f"the production calendar data cannot be read: {exc}")
    year = dt.datetime.now(dt.UTC).year
    missing = [y for y in (year, year + 1) if not calendar.is_verified(y)]
    if year in missing:
        return Finding("calendar", FAIL, f"the production calendar for {year} is not the official one: due times "
                                         "may fall on holidays — update SupportDesk or add the decree's dates")
    if missing:
        return Finding("calendar", WARN, f"the official production calendar for {year + 1} is not loaded yet "
                                         "(provisional dates in use until it is)")
    return Finding("calendar", OK, f"official production calendars for {year} and {year + 1}")


def check_secrets() -> list[Finding]:
    from supportdesk.lib.secret_key import secret_key_file

    findings = []
    if os.environ.get("SUPPORTDESK_SECRET_KEY"):
        findings.append(Finding("secret key", OK, "from SUPPORTDESK_SECRET_KEY"))
    else:
        path = secret_key_file(Path(settings.DATA_DIR))
        if not path.exists():
            findings.append(Finding("secret key", FAIL, f"no secret key: neither SUPPORTDESK_SECRET_KEY nor {path}"))
        elif stat.S_IMODE(path.stat().st_mode) & 0o077:
            findings.append(Finding("secret key", FAIL, f"{path} can be read by other users: chmod 600 {path}"))
        else:
            findings.append(Finding("secret key", OK, f"{path} (mode 0600)"))
    key_file = settings.DKIM_PRIVATE_KEY_FILE
    if settings.DKIM_SELECTOR or key_file:
        path = Path(key_file)
        if not key_file or not path.is_file():
            findings.append(Finding("DKIM key", FAIL, f"DKIM signing is configured but the key file {key_file!r} "
                                                      "does not exist: outgoing mail goes unsigned"))
        elif stat.S_IMODE(path.stat().st_mode) & 0o077:
            findings.append(Finding("DKIM key", WARN, f"{path} can be read by other users: chmod 600 {path}"))
        else:
            findings.append(Finding("DKIM key", OK, f"{path} for {settings.DKIM_SELECTOR}._domainkey.{settings.DKIM_DOMAIN}"))
    return findings


def check_django() -> list[Finding]:
    """Django's own deployment checks (``check --deploy``), one finding per message."""
    from django.core import checks

    messages = checks.run_checks(include_deployment_checks=not settings.DEVELOPMENT)
    serious = [m for m in messages if m.level >= checks.WARNING and not m.is_silenced()]
    if not serious:
        return [Finding("django checks", OK, "no problem found")]
    return [Finding("django checks", FAIL if m.level >= checks.ERROR else WARN, f"{m.id}: {m.msg}") for m in serious]


CHECKS: list[Callable[[], Finding | list[Finding]]] = [
    check_policy, check_calendar, check_database, check_clock, check_broker, check_smtp, check_mailboxes,
    check_public_url, check_attachment_store, check_disk, check_secrets, check_django,
]


def run_checks(checks: list[Callable[[], Finding | list[Finding]]] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    for check in checks or CHECKS:
        try:
            result = check()
        except Exception as exc:  # a check that breaks is itself a finding, never a traceback
            result = Finding(check.__name__.removeprefix("check_"), FAIL, f"the check itself failed: {exc!r}")
        findings.extend(result if isinstance(result, list) else [result])
    return findings


def _cert_time(value: str) -> dt.datetime:
    return dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(value), tz=dt.UTC)


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return parts._replace(netloc=netloc).geturl()
    return url
