"""A worker killed between the SMTP server's 250 and its record (bench/topology.py kills a Celery
worker with kill -9): the claim expires and the next worker sends the same bytes again, same
Message-ID, noted on the row. The topology harness counts that as one acknowledgment delivered
twice, not as two acknowledgments (it failed on it: 301 mails, one "acknowledged twice");
two different acknowledgments of one mail still fail it. On a real SMTP server."""

from __future__ import annotations

import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import TransactionTestCase, override_settings

from supportdesk.outbox import services
from supportdesk.outbox.compose import build_message
from supportdesk.outbox.models import OutgoingMail
from supportdesk.testing.acks import tally_acks
from supportdesk.testing.skips import database_only
from supportdesk.testing.smtp import sink_for_test

ROOT = Path(__file__).resolve().parents[3]
ANSWERED = "topology-7@channel7.example.ru"


class Killed(BaseException):
    """kill -9 of the worker: nothing after it runs (``outbox_send_one`` catches Exception only)."""


def enqueue_ack() -> OutgoingMail:
    mid, raw = build_message(from_addr="forward@softlab.tv", to=["customer7@channel7.example.ru"],
                             subject="[#7] Ваше обращение", text="Текст", html="<p>Текст</p>", automatic=True,
                             in_reply_to=ANSWERED, references=[ANSWERED])
    return services.outbox_enqueue(kind="ack", ref="ticket:7", from_addr="forward@softlab.tv",
                                   to_addrs=["customer7@channel7.example.ru"], subject="[#7] Ваше обращение",
                                   raw=raw, message_id=mid, is_automatic=True)


class InterruptedSendTests(TransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = sink_for_test(self)

    def received(self) -> list[tuple[str, str]]:
        parsed = [email.message_from_bytes(m.data) for m in self.sink.messages]
        return [(str(m["In-Reply-To"]), str(m["Message-ID"])) for m in parsed]

    def resent_ids(self) -> list[str]:
        return list(OutgoingMail.objects.filter(last_error=services.RESENT_NOTE).values_list("message_id", flat=True))

    def test_a_send_killed_after_the_servers_250_is_sent_again_and_counted_as_one_acknowledgment(self) -> None:
        mail = enqueue_ack()

        def accepted_then_killed(claimed: OutgoingMail) -> None:
            services.smtp_transport(claimed)  # the SMTP server says 250 ...
            raise Killed  # ... and the worker dies before recording it

        # A claim that has already run out by the next flush (the harness: 60 s later).
        with override_settings(OUTBOX_CLAIM_SECONDS=0), self.assertRaises(Killed):
            services.outbox_flush(transport=accepted_then_killed)
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENDING
        assert services.outbox_flush().sent == 1
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENT and mail.last_error == services.RESENT_NOTE
        # The sink holds two copies of the one mail, same Message-ID.
        received = self.received()
        assert received == [(f"<{ANSWERED}>", f"<{mail.message_id}>")] * 2
        tally = tally_acks(received, self.resent_ids())
        assert (tally.acks, tally.mails_with_one_ack, tally.several, tally.unexplained) == (1, 1, {}, {})
        assert tally.resent == {mail.message_id: 2}

    @pytest.mark.skipif(connection.vendor != "postgresql",
                        reason=database_only("postgresql", "a second process shares the test database"))
    def test_a_sender_process_killed_after_the_servers_250_leaves_one_acknowledgment_sent_twice(self) -> None:
        mail = enqueue_ack()
        db = connection.settings_dict
        env = dict(os.environ, SUPPORTDESK_DEV="1", DJANGO_SETTINGS_MODULE="supportdesk.settings",
                   CELERY_BROKER_URL="memory://", PYTHONPATH=str(ROOT),
                   DATABASE_URL=f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
                   SUPPORTDESK_SMTP_HOST=self.sink.host, SUPPORTDESK_SMTP_PORT=str(self.sink.port),
                   SUPPORTDESK_OUTBOX_CLAIM_SECONDS="1")
        sender = subprocess.run([sys.executable, "-m", "supportdesk.outbox.tests.killed_sender"], env=env, cwd=ROOT,
                                capture_output=True, timeout=120, check=False)
        assert sender.returncode == -signal.SIGKILL, sender.stderr.decode()[-2000:]
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENDING and len(self.sink.messages) == 1
        time.sleep(1.5)  # the killed sender's claim runs out
        assert services.outbox_flush().sent == 1
        mail.refresh_from_db()
        assert mail.last_error == services.RESENT_NOTE and mail.attempts == 2
        received = self.received()
        assert received == [(f"<{ANSWERED}>", f"<{mail.message_id}>")] * 2
        tally = tally_acks(received, self.resent_ids())
        assert (tally.acks, tally.mails_with_one_ack, tally.resent, tally.unexplained) == (1, 1, {mail.message_id: 2}, {})

    def test_a_copy_the_outbox_did_not_note_as_resent_is_unexplained(self) -> None:
        mail = enqueue_ack()
        assert services.outbox_flush().sent == 1
        OutgoingMail.objects.filter(pk=mail.pk).update(state=OutgoingMail.State.PENDING)  # sent again by a bug
        assert services.outbox_flush().sent == 1
        tally = tally_acks(self.received(), self.resent_ids())
        assert tally.acks == 1 and tally.resent == {}
        assert tally.unexplained == {mail.message_id: 2}

    def test_two_acknowledgments_of_one_mail_are_two_whatever_the_notes(self) -> None:
        first, second = enqueue_ack(), enqueue_ack()
        OutgoingMail.objects.filter(pk=second.pk).update(last_error=services.RESENT_NOTE)
        assert services.outbox_flush().sent == 2
        tally = tally_acks(self.received(), [first.message_id, second.message_id])
        assert tally.acks == 2 and tally.mails_with_one_ack == 0
        assert tally.several == {ANSWERED: sorted([first.message_id, second.message_id])}
