"""``supportdesk doctor`` against real services: the test database, Redis, an SMTP server with and
without STARTTLS, a TLS server whose certificate this host does not trust; and its verdicts."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import ssl
import tempfile
import threading
from collections.abc import Iterator
from io import StringIO
from pathlib import Path

import pytest
import trustme
from django.core.management import call_command
from django.test import override_settings

from supportdesk import doctor
from supportdesk.testing.net import LOOPBACK, free_port
from supportdesk.testing.servers import redis_available, redis_test_url
from supportdesk.testing.smtp import SmtpSink

NOW = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def test_disk_verdicts() -> None:
    assert doctor.disk_verdict("/d", free=100 * 1024**2, total=100 * 1024**3).status == doctor.FAIL
    low = doctor.disk_verdict("/d", free=1024**3, total=10 * 1024**3)
    assert low.status == doctor.WARN and "1.0 GiB free (10%)" in low.message
    assert doctor.disk_verdict("/d", free=4 * 1024**3, total=100 * 1024**3).status == doctor.WARN  # 4 %
    assert doctor.disk_verdict("/d", free=50 * 1024**3, total=100 * 1024**3).status == doctor.OK


def test_certificate_and_clock_verdicts() -> None:
    expired = doctor.certificate_verdict("smtp", "mx:25", NOW - dt.timedelta(days=1), now=NOW)
    assert expired.status == doctor.FAIL and "expired on 2026-12-03" in expired.message
    soon = doctor.certificate_verdict("smtp", "mx:25", NOW + dt.timedelta(days=10, hours=1), now=NOW)
    assert soon.status == doctor.WARN and "expires in 10 days" in soon.message
    assert doctor.certificate_verdict("smtp", "mx:25", NOW + dt.timedelta(days=90), now=NOW).status == doctor.OK
    assert doctor.clock_verdict(7.5, "the database").status == doctor.WARN
    assert doctor.clock_verdict(-0.4, "the database").status == doctor.OK


@pytest.mark.django_db
def test_database_policy_calendar_and_clock_pass_on_the_test_database() -> None:
    found = {f.check: f for f in doctor.run_checks([doctor.check_database, doctor.check_policy,
                                                    doctor.check_calendar, doctor.check_clock])}
    assert found["database"].status == doctor.OK and "all migrations applied" in found["database"].message
    assert found["policy"].status == doctor.OK
    assert found["calendar"].status == doctor.OK
    assert found["clock"].status == doctor.OK


def test_smtp_that_answers_and_one_that_does_not() -> None:
    with SmtpSink() as sink, override_settings(SMTP_HOST=LOOPBACK, SMTP_PORT=sink.port, SMTP_STARTTLS=False):
        finding = doctor.check_smtp()
        assert finding.status == doctor.OK and f"{LOOPBACK}:{sink.port} answers" in finding.message
    port = free_port()
    with override_settings(SMTP_HOST=LOOPBACK, SMTP_PORT=port):
        finding = doctor.check_smtp()
    assert finding.status == doctor.FAIL
    assert "cannot talk to the SMTP server" in finding.message and "outbox" in finding.message


@pytest.fixture
def ca_file() -> Iterator[tuple[trustme.CA, str]]:
    ca = trustme.CA()
    path = Path(tempfile.mkdtemp(prefix="doctor-ca-"), "ca.pem")
    ca.cert_pem.write_to_path(str(path))
    yield ca, str(path)


def test_smtp_starttls_certificate_about_to_expire_is_a_warning(ca_file: tuple[trustme.CA, str]) -> None:
    ca, path = ca_file
    leaf = ca.issue_cert(LOOPBACK, not_after=dt.datetime.now(dt.UTC) + dt.timedelta(days=5))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(context)
    with SmtpSink(tls_context=context) as sink, override_settings(
            SMTP_HOST=LOOPBACK, SMTP_PORT=sink.port, SMTP_STARTTLS=True, SMTP_CA_FILE=path):
        finding = doctor.check_smtp()
        assert finding.status == doctor.WARN and "expires in 4 days" in finding.message
        with override_settings(SMTP_CA_FILE=""):  # the system store does not know this CA
            refused = doctor.check_smtp()
    assert refused.status == doctor.FAIL and "was refused" in refused.message


def test_public_https_address_with_an_untrusted_certificate_fails(ca_file: tuple[trustme.CA, str]) -> None:
    ca, _ = ca_file
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    server = socket.create_server((LOOPBACK, 0))
    port = server.getsockname()[1]

    def serve() -> None:
        try:
            conn, _ = server.accept()
            with context.wrap_socket(conn, server_side=True):
                pass
        except (OSError, ssl.SSLError):
            pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        with override_settings(PUBLIC_URL=f"https://localhost:{port}", DEVELOPMENT=False):
            finding = doctor.check_public_url()
    finally:
        server.close()
    assert finding.status == doctor.FAIL and "was refused" in finding.message


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_broker_that_answers_and_one_that_does_not(worker_id: str) -> None:
    with override_settings(CELERY_BROKER_URL=redis_test_url(worker_id)):
        assert doctor.check_broker().status == doctor.OK
    with override_settings(CELERY_BROKER_URL=f"redis://:secret@{LOOPBACK}:{free_port()}/1"):
        finding = doctor.check_broker()
    assert finding.status == doctor.FAIL and "secret" not in finding.message and ":***@" in finding.message


def test_secret_key_file_readable_by_others_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPPORTDESK_SECRET_KEY", raising=False)
    key = tmp_path / "secret_key"
    key.write_text("k" * 60)
    key.chmod(0o644)
    with override_settings(DATA_DIR=tmp_path, DKIM_SELECTOR="mail", DKIM_DOMAIN="example.com",
                           DKIM_PRIVATE_KEY_FILE=str(tmp_path / "missing.key")):
        found = {f.check: f for f in doctor.check_secrets()}
    assert found["secret key"].status == doctor.FAIL and f"chmod 600 {key}" in found["secret key"].message
    assert found["DKIM key"].status == doctor.FAIL and "goes unsigned" in found["DKIM key"].message
    key.chmod(0o600)
    with override_settings(DATA_DIR=tmp_path):
        assert [f.status for f in doctor.check_secrets()] == [doctor.OK]


def test_a_check_that_breaks_is_reported_not_raised() -> None:
    def check_boom() -> doctor.Finding:
        raise RuntimeError("boom")

    [finding] = doctor.run_checks([check_boom])
    assert finding == doctor.Finding("boom", doctor.FAIL, "the check itself failed: RuntimeError('boom')")


@pytest.mark.django_db
def test_command_prints_json_and_exits_1_on_a_failure() -> None:
    out = StringIO()
    with override_settings(SMTP_HOST=LOOPBACK, SMTP_PORT=free_port()), pytest.raises(SystemExit) as exit_info:
        call_command("doctor", "--json", stdout=out)
    assert exit_info.value.code == 1
    findings = [json.loads(line) for line in out.getvalue().splitlines()]
    by_check = {f["check"]: f for f in findings}
    assert by_check["smtp"]["status"] == "failure"
    assert by_check["database"]["status"] == "ok"
    assert {"policy", "calendar", "clock", "broker", "disk", "secret key", "django checks"} <= set(by_check)
    assert os.environ.get("SUPPORTDESK_DEV") == "1"
