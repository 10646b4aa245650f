from __future__ import annotations

import email
import email.utils
import socket
import tempfile
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.test import TestCase, override_settings
from django.utils import timezone

from supportdesk.outbox import services
from supportdesk.outbox.checks import dkim_configuration, dkim_enabled
from supportdesk.outbox.compose import build_message, is_generated_id, stamp_date
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.signing import dkim_sign, header_names
from supportdesk.outbox.tests.dkimkeys import dns_answer, make_dkim_key, verifies
from supportdesk.testing.servers import SmtpSink


class Crash(BaseException):
    """A worker killed between SMTP's 250 and our commit (not an Exception: nothing catches it)."""


def enqueue(to: str = "ivanov@tv-sibir.ru", *, automatic: bool = False, suppressed: bool = False,
            subject: str = "[#1] Проверка") -> OutgoingMail:
    mid, raw = build_message(from_addr="forward@softlab.tv", to=[to], subject=subject, text="Текст",
                             html="<p>Текст</p>", automatic=automatic)
    return services.outbox_enqueue(kind="reply", ref="ticket:1", from_addr="forward@softlab.tv", to_addrs=[to],
                                   subject=subject, raw=raw, message_id=mid, is_automatic=automatic,
                                   suppressed=suppressed)


def later(seconds: float):
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(seconds=seconds))


class SinkTestCase(TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = SmtpSink(refuse=["nobody@tv-sibir.ru"]).start()
        self.addCleanup(self.sink.stop)
        smtp = override_settings(SMTP_HOST=self.sink.host, SMTP_PORT=self.sink.port, SMTP_TIMEOUT=5)
        smtp.enable()
        self.addCleanup(smtp.disable)


class OutboxSendingTests(SinkTestCase):
    def test_a_mail_is_sent_once_with_its_stored_message_id(self):
        mail = enqueue()
        assert services.outbox_flush().sent == 1
        assert services.outbox_flush().handled == 0
        [received] = self.sink.wait_for(1)
        assert email.message_from_bytes(received.data)["Message-ID"] == f"<{mail.message_id}>"
        assert received.rcpt_tos == ("ivanov@tv-sibir.ru",)
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENT and mail.attempts == 1 and mail.sent_at is not None

    def test_a_mail_queued_hours_ago_is_dated_when_sent_and_the_signature_covers_that_date(self):
        queued_at = timezone.now() - timedelta(hours=5)
        with mock.patch("django.utils.timezone.now", return_value=queued_at):
            mail = enqueue()
        stored = email.message_from_bytes(bytes(mail.raw))
        assert email.utils.parsedate_to_datetime(stored["Date"]) == queued_at.replace(microsecond=0)
        with tempfile.TemporaryDirectory() as tmp:
            key, record = make_dkim_key(Path(tmp))
            with override_settings(DKIM_SELECTOR="sd2026", DKIM_DOMAIN="softlab.tv", DKIM_PRIVATE_KEY_FILE=str(key)):
                before = timezone.now().replace(microsecond=0)
                assert services.outbox_flush().sent == 1
                after = timezone.now()
        [received] = self.sink.wait_for(1)
        sent = email.message_from_bytes(received.data)
        assert len(sent.get_all("Date")) == 1
        assert before <= email.utils.parsedate_to_datetime(sent["Date"]) <= after
        assert b"date" in sent["DKIM-Signature"].replace(" ", "").encode().split(b"h=")[1].split(b";")[0].split(b":")
        assert verifies(received.data, dns_answer("sd2026", "softlab.tv", record))
        assert sent["Message-ID"] == f"<{mail.message_id}>"
        assert received.data.split(b"\r\n\r\n", 1)[1] == bytes(mail.raw).split(b"\r\n\r\n", 1)[1]

    def test_ehlo_names_this_host_unless_configured(self):
        enqueue()
        assert services.outbox_flush().sent == 1
        with override_settings(SMTP_HELO="mx1.softlab.tv"):
            enqueue()
            assert services.outbox_flush().sent == 1
        first, second = self.sink.wait_for(2)
        # smtplib's default: the FQDN, or an address literal where the host has no dotted name
        fqdn = socket.getfqdn()
        assert first.helo == fqdn if "." in fqdn else first.helo.startswith("[")
        assert second.helo == "mx1.softlab.tv"

    def test_temporary_failure_is_retried_after_backoff(self):
        mail = enqueue()
        self.sink.tempfail(1)
        result = services.outbox_flush()
        assert (result.retried, result.sent) == (1, 0)
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.PENDING and mail.smtp_code == 451
        assert services.outbox_flush().handled == 0  # not due before the back-off
        with later(services.BACKOFF_BASE_SECONDS + 1):
            assert services.outbox_flush().sent == 1
        assert len(self.sink.messages) == 1

    def test_permanent_failure_fails_at_once_and_signals_after_commit(self):
        mail = enqueue("nobody@tv-sibir.ru")
        seen: list[OutgoingMail] = []

        def receiver(sender, mail, **kwargs):
            seen.append(mail)

        services.mail_failed_permanently.connect(receiver)
        self.addCleanup(services.mail_failed_permanently.disconnect, receiver)
        with self.captureOnCommitCallbacks(execute=True):
            assert services.outbox_flush().failed == 1
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.FAILED and mail.smtp_code == 550
        assert [m.pk for m in seen] == [mail.pk]
        assert self.sink.messages == []

    def test_crash_between_acceptance_and_commit_resends_the_same_message_id(self):
        mail = enqueue()

        def send_then_die(row: OutgoingMail) -> None:
            services.smtp_transport(row)
            raise Crash

        with pytest.raises(Crash):
            services.outbox_flush(transport=send_then_die)
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENDING  # nothing recorded the 250
        assert services.outbox_flush().handled == 0  # the claim still holds
        with later(settings.OUTBOX_CLAIM_SECONDS + 1):
            assert services.outbox_flush().sent == 1
        first, second = self.sink.wait_for(2)
        assert email.message_from_bytes(first.data)["Message-ID"] == \
            email.message_from_bytes(second.data)["Message-ID"] == f"<{mail.message_id}>"
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENT and mail.attempts == 2
        assert mail.last_error == services.RESENT_NOTE

    def test_outage_stops_the_round_and_loses_nothing(self):
        mails = [enqueue(f"c{i}@tv-sibir.ru") for i in range(3)]
        self.sink.stop()
        result = services.outbox_flush()
        assert result.unreachable and result.retried == 1  # one try, the rest not burnt
        assert OutgoingMail.objects.filter(state=OutgoingMail.State.PENDING).count() == 3
        self.sink.start()
        with later(3600):
            assert services.outbox_flush().sent == 3
        got = sorted(m.rcpt_tos[0] for m in self.sink.wait_for(3))
        assert got == sorted(m.recipient for m in mails)

    def test_a_mail_that_fails_on_its_own_does_not_hold_up_the_round(self):
        # An unexpected error is the mail's own (a bug it triggers), not the server's: the round
        # goes on; the mail is kept and retried later.
        poison, fine = enqueue("c1@tv-sibir.ru"), enqueue("c2@tv-sibir.ru")

        def transport(mail: OutgoingMail) -> None:
            if mail.pk == poison.pk:
                raise ValueError("a bug this mail triggers")
            services.smtp_transport(mail)

        result = services.outbox_flush(transport=transport)
        assert (result.sent, result.retried, result.unreachable) == (1, 1, False)
        assert [m.rcpt_tos for m in self.sink.wait_for(1)] == [(fine.recipient,)]
        poison.refresh_from_db()
        assert poison.state == OutgoingMail.State.PENDING and "a bug this mail triggers" in poison.last_error

    def test_temporary_failures_give_up_after_the_queue_lifetime(self):
        mail = enqueue()
        self.sink.stop()
        OutgoingMail.objects.filter(pk=mail.pk).update(created_at=timezone.now() - services.MAX_AGE)
        with self.captureOnCommitCallbacks(execute=True):
            assert services.outbox_flush().failed == 1

    def test_suppressed_mail_is_never_sent(self):
        enqueue(automatic=True, suppressed=True)
        assert services.outbox_flush().handled == 0
        assert self.sink.messages == []

    def test_only_one_worker_claims_a_row(self):
        mail = enqueue()
        now = timezone.now()
        assert services._claim(mail.pk, now) is not None
        assert services._claim(mail.pk, now) is None


class AutomaticCountTests(TestCase):
    def test_counts_automatic_mail_per_address_in_the_window(self):
        for _ in range(3):
            enqueue("Robot@Example.com", automatic=True)
        enqueue("robot@example.com", automatic=True, suppressed=True)
        enqueue("robot@example.com")
        enqueue("other@example.com", automatic=True)
        since = timezone.now() - timedelta(hours=24)
        assert services.outbox_automatic_count(address="ROBOT@example.com", since=since) == 3
        assert services.outbox_automatic_count(address="robot@example.com",
                                               since=timezone.now() + timedelta(seconds=1)) == 0

    def test_our_message_ids_are_recognised(self):
        mail = enqueue()
        assert services.outbox_is_ours(f"<{mail.message_id}>")
        assert not services.outbox_is_ours("<someone@else.example>")
        assert not services.outbox_is_ours("")


class ComposeTests(TestCase):
    def test_automatic_mail_carries_rfc3834_headers_and_threading(self):
        mid, raw = build_message(from_addr="forward@softlab.tv", from_name="Техподдержка", to=["a@b.ru"],
                                 subject="[#7] Напоминание", text="т", html="<p>т</p>", automatic=True,
                                 auto_submitted="auto-generated", in_reply_to="x@y", references=["w@y"])
        msg = email.message_from_bytes(raw)
        assert msg["Auto-Submitted"] == "auto-generated"
        assert msg["X-Auto-Response-Suppress"] == "All"
        assert msg["In-Reply-To"] == "<x@y>" and msg["References"] == "<w@y> <x@y>"
        assert msg["Message-ID"] == f"<{mid}>" and msg["Reply-To"] == "forward@softlab.tv"
        assert msg.get_content_type() == "multipart/alternative"
        assert header_names(raw) >= {b"from", b"date", b"message-id", b"auto-submitted"}


class MessageIdDomainTests(TestCase):
    def test_message_ids_are_at_the_senders_domain_unless_configured(self):
        mid, _ = build_message(from_addr="forward@softlab.tv", to=["a@b.ru"], subject="s", text="t")
        assert mid.endswith("@softlab.tv") and is_generated_id(mid, "forward@softlab.tv")
        assert not is_generated_id("CAF=x@mail.gmail.com", "forward@softlab.tv")
        with override_settings(MAIL_MESSAGE_ID_DOMAIN="mail.softlab.tv"):
            mid, _ = build_message(from_addr="forward@softlab.tv", to=["a@b.ru"], subject="s", text="t")
            assert mid.endswith("@mail.softlab.tv") and is_generated_id(mid, "forward@softlab.tv")

    def test_stamp_date_replaces_a_folded_date_and_keeps_the_rest(self):
        raw = b"From: a@b.ru\r\nDate: Mon, 1 Jan 2024\r\n 10:00:00 +0000\r\nSubject: s\r\n\r\nbody\r\n"
        when = timezone.now().replace(microsecond=0)
        out = stamp_date(raw, when)
        msg = email.message_from_bytes(out)
        assert msg.get_all("Date") == [email.utils.format_datetime(when)]
        assert msg["Subject"] == "s" and msg.get_payload() == "body\r\n" and b"10:00:00" not in out


class DkimTests(TestCase):
    def test_signed_mail_verifies_against_the_published_key(self):
        with tempfile.TemporaryDirectory() as tmp:
            key, record = make_dkim_key(Path(tmp))
            _, raw = build_message(from_addr="forward@softlab.tv", to=["a@b.ru"], subject="Тема по-русски",
                                   text="Привет\n", html="<p>Привет</p>")
            signed = dkim_sign(raw, selector="sd2026", domain="softlab.tv", private_key=key.read_bytes())
            assert signed.startswith(b"DKIM-Signature:")
            assert verifies(signed, dns_answer("sd2026", "softlab.tv", record))
            assert not verifies(signed.replace(b"Subject:", b"Subject: X"), dns_answer("sd2026", "softlab.tv",
                                                                                        record))
            assert not verifies(signed, dns_answer("other", "softlab.tv", record))

    def test_half_configured_dkim_is_a_system_check_error(self):
        with override_settings(DKIM_SELECTOR="sd", DKIM_DOMAIN="", DKIM_PRIVATE_KEY_FILE=""):
            ids = {m.id for m in dkim_configuration()}
        assert "outbox.E001" in ids
        with tempfile.TemporaryDirectory() as tmp, override_settings(
                DKIM_SELECTOR="sd", DKIM_DOMAIN="softlab.tv", DKIM_PRIVATE_KEY_FILE=str(Path(tmp) / "none.pem")):
            ids = {m.id for m in dkim_configuration()}
        assert "outbox.E002" in ids
        with override_settings(DKIM_SELECTOR="", DKIM_DOMAIN="", DKIM_PRIVATE_KEY_FILE=""):
            assert dkim_configuration() == [] and [m.id for m in dkim_enabled()] == ["outbox.W001"]


class WorkerKickTests(TestCase):
    """A bulk import commits an acknowledgment every few milliseconds: one flush task for all
    the mail committed within KICK_DELAY, never a mail left without a flush after it."""

    def test_one_delayed_flush_covers_the_commits_before_it_runs(self):
        clock = [1000.0]
        with mock.patch.object(services, "_next_flush", 0.0), \
                mock.patch("supportdesk.outbox.services.time.monotonic", side_effect=lambda: clock[0]), \
                mock.patch("supportdesk.outbox.tasks.outbox_flush.apply_async") as send:
            services._kick_worker()
            clock[0] += 0.5  # committed before the asked-for flush runs: covered by it
            services._kick_worker()
            assert send.call_count == 1 and send.call_args.kwargs == {"countdown": services.KICK_DELAY}
            clock[0] += 0.4  # within the margin of the flush's start: ask for another
            services._kick_worker()
            assert send.call_count == 2

    def test_a_broker_failure_does_not_silence_later_kicks(self):
        with mock.patch.object(services, "_next_flush", 0.0), \
                mock.patch("supportdesk.outbox.tasks.outbox_flush.apply_async",
                           side_effect=[ConnectionError("broker down"), None]) as send:
            services._kick_worker()
            services._kick_worker()
        assert send.call_count == 2
