"""Self-tests of the real-server helpers: each one is started and spoken to for real."""

from __future__ import annotations

import smtplib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from imap_tools import MailBoxUnencrypted, MailMessageFlags

from supportdesk.testing.celery_worker import REDIS_TEST_DB, redis_db_number
from supportdesk.testing.servers import (
    REDIS_TEST_URL,
    CeleryWorker,
    DovecotServer,
    SmtpSink,
    StaticHttpServer,
    chromium_available,
    chromium_launch_args,
    dovecot_available,
    flush_redis_db,
    free_port,
    port_open,
    postgres_available,
    redis_available,
    redis_test_url,
    wait_port,
)

needs_dovecot = pytest.mark.skipif(not dovecot_available(), reason="dovecot missing or not root")
needs_redis = pytest.mark.skipif(not redis_available(REDIS_TEST_URL), reason="no Redis on 127.0.0.1:6379")
needs_chromium = pytest.mark.skipif(not chromium_available(), reason="/usr/bin/chromium missing")


def message(subject: str, body: str = "body") -> bytes:
    return f"From: a@example.test\nTo: alice@example.test\nSubject: {subject}\n\n{body}\n".encode()


@pytest.fixture(scope="module")
def imap() -> Iterator[DovecotServer]:
    if not dovecot_available():
        pytest.skip("dovecot missing or not root")
    with DovecotServer({"alice": "alicepw", "bob": "bobpw"}) as server:
        yield server


def login(server: DovecotServer, user: str, password: str) -> MailBoxUnencrypted:
    mailbox = MailBoxUnencrypted(server.host, server.port).login(user, password, "INBOX")
    # imaplib keeps the pre-login capabilities (no MOVE); without a refresh
    # imap-tools falls back to COPY + \Deleted + EXPUNGE.
    mailbox.client.capabilities = tuple(mailbox.client.capability()[1][0].decode().upper().split())
    return mailbox


# ---- ports and probes ---------------------------------------------------------------


def test_free_port_is_bindable_and_closed() -> None:
    port = free_port()
    assert 1024 < port < 65536
    assert not port_open("127.0.0.1", port)


def test_wait_port_fails_fast_when_the_process_dies() -> None:
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="exited with 3"):
        wait_port("127.0.0.1", free_port(), proc, timeout=10)
    assert time.monotonic() - started < 5


def test_wait_port_times_out_when_nothing_listens() -> None:
    with pytest.raises(TimeoutError):
        wait_port("127.0.0.1", free_port(), timeout=0.2)


def test_probes_tell_live_servers_from_closed_ports() -> None:
    closed = free_port()
    assert not redis_available(f"redis://127.0.0.1:{closed}/0")
    assert not postgres_available(port=closed)
    if not (redis_available() and postgres_available()):
        pytest.skip("local Redis/PostgreSQL not running")
    assert redis_available(REDIS_TEST_URL)


def test_servers_module_does_not_import_pytest() -> None:
    code = "import sys, supportdesk.testing.servers; print('pytest' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# ---- Dovecot ------------------------------------------------------------------------


@needs_dovecot
def test_dovecot_append_fetch_flag_move(imap: DovecotServer) -> None:
    first = imap.append("alice", "alicepw", message("first", "body 0"))
    second = imap.append("alice", "alicepw", message("second"))
    assert second > first
    with login(imap, "alice", "alicepw") as mailbox:
        assert "MOVE" in mailbox.client.capabilities
        fetched = {m.subject: m for m in mailbox.fetch(mark_seen=False)}
        assert fetched["first"].text == "body 0\r\n"  # imaplib turned LF into CRLF
        assert fetched["first"].uid == str(first)
        mailbox.flag(str(first), MailMessageFlags.FLAGGED, True)
        mailbox.move(str(first), "Archive")
        assert [m.subject for m in mailbox.fetch(mark_seen=False)] == ["second"]
        mailbox.folder.set("Archive")
        archived = list(mailbox.fetch(mark_seen=False))
    assert [m.subject for m in archived] == ["first"]
    assert MailMessageFlags.FLAGGED in archived[0].flags


@needs_dovecot
def test_dovecot_idle_sees_a_new_message(imap: DovecotServer) -> None:
    with login(imap, "bob", "bobpw") as mailbox, mailbox.idle as idle:
        imap.append("bob", "bobpw", message("during idle"))
        responses = idle.poll(timeout=10)
    assert any(line.endswith(b"EXISTS") for line in responses), responses


@needs_dovecot
def test_dovecot_user_added_while_running_logs_in_at_once(imap: DovecotServer) -> None:
    with pytest.raises(Exception, match="AUTHENTICATIONFAILED"):
        imap.connect("carol", "carolpw")
    imap.add_user("carol", "carolpw")
    uid = imap.append("carol", "carolpw", message("hello carol"), folder="Support/New")
    assert uid == 1
    started = time.monotonic()
    with pytest.raises(Exception, match="AUTHENTICATIONFAILED"):
        imap.connect("carol", "wrong")
    imap.connect("carol", "carolpw").logout()
    assert time.monotonic() - started < 1.0  # no failure delay, no anvil penalty


@needs_dovecot
def test_dovecot_outage_keeps_mail_and_uids() -> None:
    server = DovecotServer({"dave": "davepw"}).start()
    try:
        uid = server.append("dave", "davepw", message("before outage"))
        server.stop(remove=False)
        with pytest.raises(ConnectionRefusedError):
            server.connect("dave", "davepw")
        server.start()
        assert server.append("dave", "davepw", message("after outage")) == uid + 1
    finally:
        server.stop()
    assert not Path(server.dir).exists()


# ---- SMTP and LMTP ------------------------------------------------------------------


def test_smtp_sink_records_envelopes_and_refuses_recipients() -> None:
    def greylist(address: str) -> str | None:
        return "451 4.7.1 Greylisted" if address.startswith("grey@") else None

    with SmtpSink(refuse=["nobody@example.test"], recipient_policy=greylist) as sink:
        raw = message("ticket 1").replace(b"\n", b"\r\n")
        with smtplib.SMTP(sink.host, sink.port, local_hostname="client.test") as client:
            refused = client.sendmail(
                "a@example.test", ["b@example.test", "nobody@example.test", "grey@example.test"], raw
            )
        received = sink.wait_for(1, timeout=5)
    assert refused["nobody@example.test"][0] == 550
    assert refused["grey@example.test"][0] == 451
    assert received[0].mail_from == "a@example.test"
    assert received[0].rcpt_tos == ("b@example.test",)
    assert received[0].data == raw
    assert received[0].peer == "127.0.0.1"


def test_smtp_sink_outage_then_restart_on_the_same_port() -> None:
    sink = SmtpSink().start()
    try:
        port = sink.port
        sink.stop()
        with pytest.raises(ConnectionRefusedError):
            smtplib.SMTP(sink.host, port, local_hostname="client.test", timeout=2)
        sink.start()
        assert sink.port == port
        with smtplib.SMTP(sink.host, port, local_hostname="client.test") as client:
            client.sendmail("a@example.test", ["b@example.test"], b"Subject: back\r\n\r\nup\r\n")
        assert sink.wait_for(1, timeout=5)[0].data.endswith(b"up\r\n")
    finally:
        sink.stop()


def test_smtp_sink_tempfail_then_accepts() -> None:
    with SmtpSink() as sink, smtplib.SMTP(sink.host, sink.port, local_hostname="client.test") as client:
        sink.tempfail(times=1)
        with pytest.raises(smtplib.SMTPDataError) as failure:
            client.sendmail("a@example.test", ["b@example.test"], b"Subject: 1\r\n\r\nx\r\n")
        assert failure.value.smtp_code == 451
        assert sink.messages == []
        client.sendmail("a@example.test", ["b@example.test"], b"Subject: 2\r\n\r\nx\r\n")
        assert len(sink.wait_for(1, timeout=5)) == 1


def test_smtp_sink_requires_auth_when_given_credentials() -> None:
    with SmtpSink(credentials={"outbox": "secret"}) as sink:
        with smtplib.SMTP(sink.host, sink.port, local_hostname="client.test") as client:
            with pytest.raises(smtplib.SMTPSenderRefused):
                client.sendmail("a@example.test", ["b@example.test"], b"x\r\n")
            with pytest.raises(smtplib.SMTPAuthenticationError):
                client.login("outbox", "wrong")
            client.login("outbox", "secret")
            client.sendmail("a@example.test", ["b@example.test"], b"Subject: ok\r\n\r\nx\r\n")
        assert sink.wait_for(1, timeout=5)[0].login == "outbox"


def test_lmtp_conversation() -> None:
    with SmtpSink(lmtp=True, refuse=["nobody@example.test"]) as sink:
        with smtplib.SMTP(sink.host, sink.port, local_hostname="client.test") as smtp_client:
            assert smtp_client.ehlo()[0] == 500  # LMTP speaks LHLO only
        with smtplib.LMTP(sink.host, sink.port, local_hostname="client.test") as client:
            refused = client.sendmail(
                "a@example.test", ["alice@example.test", "nobody@example.test"], b"Subject: l\r\n\r\nx\r\n"
            )
        received = sink.wait_for(1, timeout=5)
    assert refused == {"nobody@example.test": (550, b"5.1.1 No such user")}
    assert received[0].rcpt_tos == ("alice@example.test",)


# ---- Celery on Redis ----------------------------------------------------------------


def test_redis_test_urls_are_distinct_per_xdist_worker() -> None:
    assert redis_test_url("master") == REDIS_TEST_URL
    assert [redis_db_number(redis_test_url(f"gw{i}")) for i in range(3)] == [REDIS_TEST_DB - i for i in range(3)]
    with pytest.raises(ValueError):
        redis_test_url(f"gw{REDIS_TEST_DB}")


def test_flush_refuses_database_zero() -> None:
    assert redis_db_number(REDIS_TEST_URL) == REDIS_TEST_DB
    with pytest.raises(ValueError, match="database 0"):
        flush_redis_db("redis://127.0.0.1:6379/0")


@needs_redis
def test_celery_worker_runs_tasks_including_one_queued_before_start(tmp_path: Path) -> None:
    flush_redis_db(REDIS_TEST_URL)
    from supportdesk.testing.tests import celery_probe_app as probe

    trace = tmp_path / "trace.txt"
    probe.touch.delay(str(trace), "queued while no worker ran")
    worker = CeleryWorker("supportdesk.testing.tests.celery_probe_app", REDIS_TEST_URL, {"PROBE": "1"})
    with worker:
        assert worker.ping()
        assert probe.add.delay(2, 3).get(timeout=10) == 5
        deadline = time.monotonic() + 10
        while not trace.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert trace.read_text() == "queued while no worker ran"
        assert worker.stop() == 0
    assert not worker.running
    flush_redis_db(REDIS_TEST_URL)


# ---- Chromium through Playwright ------------------------------------------------------

PAGE = """<!doctype html>
<html><head><title>Probe</title></head><body>
<button id="btn" onclick="document.getElementById('msg').textContent='Clicked!'">Go</button>
<p id="msg">waiting</p></body></html>
"""


@needs_chromium
def test_chromium_clicks_and_screenshots_a_served_page(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text(PAGE)
    shot = tmp_path / "shot.png"
    with StaticHttpServer(site) as http, sync_playwright() as pw:
        browser = pw.chromium.launch(**chromium_launch_args())
        try:
            page = browser.new_page()
            page.goto(f"{http.url}/index.html")
            assert page.title() == "Probe"
            page.click("#btn")
            expect(page.locator("#msg")).to_have_text("Clicked!")
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert shot.stat().st_size > 1000
