"""IMAP intake against a real Dovecot: fetch, flag/move only after commit, UIDVALIDITY, IDLE."""

from __future__ import annotations

import os
import threading
import time
from datetime import timedelta
from email.utils import format_datetime
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from supportdesk.mail.backends.imap import ImapConfigError, ImapSource
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.models import InboundMail, Mailbox
from supportdesk.mail.polling import poll_mailbox
from supportdesk.mail.tests.factory import make_mail
from supportdesk.outbox.models import OutgoingMail
from supportdesk.test import BaseTestCase, office_time
from supportdesk.testing.servers import DovecotServer, dovecot_available
from supportdesk.tickets.models import Message, Status, Ticket

pytestmark = pytest.mark.skipif(not dovecot_available(), reason="dovecot missing or not root")
USER, PASSWORD, PASSWORD_ENV = "support", "imap-secret", "SUPPORTDESK_IMAP_TEST_PASSWORD"


class ImapIntakeTests(BaseTestCase):
    server: DovecotServer

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.server = DovecotServer({USER: PASSWORD}, mailboxes=("Archive",)).start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()
        super().tearDownClass()

    def setUp(self) -> None:
        super().setUp()
        os.environ[PASSWORD_ENV] = PASSWORD
        self.folder = "T" + self._testMethodName[-30:]  # one folder per test: the server is shared
        self.mailbox = Mailbox.objects.create(
            name=self.folder, kind=Mailbox.Kind.IMAP, host=self.server.host, port=self.server.port, use_ssl=False,
            username=USER, password_env=PASSWORD_ENV, folder=self.folder)

    def append(self, **kw: Any) -> int:
        return self.server.append(USER, PASSWORD, make_mail(**kw), folder=kw.pop("folder", self.folder))

    def unseen(self, folder: str | None = None) -> list[bytes]:
        client = self.server.connect(USER, PASSWORD)
        try:
            client.select(f'"{folder or self.folder}"')
            return client.uid("SEARCH", "UNSEEN")[1][0].split()
        finally:
            client.logout()

    def count(self, folder: str) -> int:
        client = self.server.connect(USER, PASSWORD)
        try:
            return int(client.select(f'"{folder}"')[1][0])
        finally:
            client.logout()

    def test_fetch_ingests_and_flags_seen(self) -> None:
        self.append(message_id="i1@x.ru", subject="Первое")
        uid = self.append(message_id="i2@x.ru", subject="Второе")
        summary = poll_mailbox(self.mailbox)
        self.assertEqual(summary.as_dict()[Outcome.TICKETED], 2)
        self.assertEqual(self.unseen(), [])
        self.mailbox.refresh_from_db()
        self.assertEqual(self.mailbox.last_uid, uid)
        self.assertIsNotNone(self.mailbox.uidvalidity)
        self.assertEqual(poll_mailbox(self.mailbox).total, 0)
        row = InboundMail.objects.get(message_id="i2@x.ru")
        self.assertEqual((row.source, row.source_uid), ("imap", f"{self.mailbox.pk}:{self.mailbox.uidvalidity}:{uid}"))

    def test_the_old_desks_mail_in_the_folder_is_history(self) -> None:
        # Pointed at the old desk's inbox: its old mail is the record, the new one is answered.
        now = timezone.now()
        self.mailbox.history_before = now - timedelta(days=1)
        self.mailbox.save()
        self.append(message_id="hist1@x.ru", subject="Давний вопрос", sender="old@tv-sibir.ru",
                    date=format_datetime(office_time(2025, 5, 5, 10)))
        self.append(message_id="hist2@x.ru", subject="Свежий вопрос", sender="new@tv-sibir.ru",
                    date=format_datetime(now - timedelta(hours=1)))
        summary = poll_mailbox(self.mailbox)
        assert summary.as_dict()[Outcome.TICKETED] == 2 and summary.history_closed == 1
        old = Ticket.objects.get(messages__message_id="hist1@x.ru")
        new = Ticket.objects.get(messages__message_id="hist2@x.ru")
        assert (old.status, old.created_at, old.reply_due_at) == (Status.CLOSED, office_time(2025, 5, 5, 10), None)
        assert InboundMail.objects.get(message_id="hist1@x.ru").history
        assert new.status == Status.NEW and new.reply_due_at is not None
        assert list(OutgoingMail.objects.filter(kind="ack").values_list("ref", flat=True)) == [f"ticket:{new.pk}"]
        assert self.unseen() == []  # both done
        assert poll_mailbox(self.mailbox).history_closed == 0

    def test_nothing_is_flagged_before_its_commit(self) -> None:
        self.append(message_id="c1@x.ru")
        self.append(message_id="c2@x.ru")
        real = poll_mailbox.__globals__["ingest_raw"]
        calls = []

        def second_fails(raw: bytes, **kw: Any) -> Any:
            calls.append(kw["source_uid"])
            if len(calls) == 2:
                raise ConnectionError("database went away")
            return real(raw, **kw)

        with mock.patch("supportdesk.mail.polling.ingest_raw", side_effect=second_fails), \
                self.assertRaises(ConnectionError):
            poll_mailbox(self.mailbox)
        self.assertEqual(len(self.unseen()), 1)  # the second one stays for the next poll
        self.assertIn("database went away", Mailbox.objects.get(pk=self.mailbox.pk).last_error)
        poll_mailbox(Mailbox.objects.get(pk=self.mailbox.pk))
        self.assertEqual(self.unseen(), [])
        self.assertEqual(Message.objects.filter(message_id__in=["c1@x.ru", "c2@x.ru"]).count(), 2)

    def test_crash_after_commit_before_flag_refetches_as_duplicate(self) -> None:
        self.append(message_id="d1@x.ru")
        with mock.patch.object(ImapSource, "mark_done", side_effect=OSError("connection reset")), \
                self.assertRaises(OSError):
            poll_mailbox(self.mailbox)
        self.assertEqual(len(self.unseen()), 1)
        summary = poll_mailbox(Mailbox.objects.get(pk=self.mailbox.pk))
        self.assertEqual(summary.as_dict()[Outcome.DUPLICATE], 1)
        self.assertEqual(self.unseen(), [])
        self.assertEqual(Message.objects.filter(message_id="d1@x.ru").count(), 1)

    def test_done_folder_moves_processed_mail(self) -> None:
        self.mailbox.done_folder = "Archive"
        self.mailbox.save()
        before = self.count("Archive")
        self.append(message_id="m1@x.ru")
        poll_mailbox(self.mailbox)
        self.assertEqual(self.count(self.folder), 0)
        self.assertEqual(self.count("Archive"), before + 1)

    def test_uidvalidity_change_rereads_the_folder_without_doubles(self) -> None:
        self.append(message_id="u1@x.ru")
        poll_mailbox(self.mailbox)
        self.mailbox.refresh_from_db()
        old_validity = self.mailbox.uidvalidity
        client = self.server.connect(USER, PASSWORD)
        client.delete(f'"{self.folder}"')
        client.logout()
        time.sleep(1.1)  # Dovecot derives UIDVALIDITY from the clock
        self.append(message_id="u1@x.ru")  # the same message, renumbered
        self.append(message_id="u2@x.ru")
        summary = poll_mailbox(self.mailbox)
        self.mailbox.refresh_from_db()
        self.assertNotEqual(self.mailbox.uidvalidity, old_validity)
        self.assertEqual((summary.as_dict()[Outcome.DUPLICATE], summary.as_dict()[Outcome.TICKETED]), (1, 1))
        self.assertEqual(Message.objects.filter(message_id="u1@x.ru").count(), 1)

    def test_idle_wakes_up_on_new_mail(self) -> None:
        self.append(message_id="w0@x.ru")  # creates the folder
        with ImapSource(self.mailbox) as source:
            source.select_folder()
            self.assertTrue(source.supports_idle)
            timer = threading.Timer(0.5, lambda: self.append(message_id="w1@x.ru"))
            timer.start()
            started = time.monotonic()
            woke = source.wait_for_mail(timeout=20)
            timer.join()
        self.assertTrue(woke)
        self.assertLess(time.monotonic() - started, 15)

    def test_password_comes_from_the_environment(self) -> None:
        del os.environ[PASSWORD_ENV]
        with self.assertRaisesRegex(ImapConfigError, PASSWORD_ENV):
            ImapSource(self.mailbox).connect()
