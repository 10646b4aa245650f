"""The database goes away after the SMTP server took a mail (bench/topology.py's PostgreSQL restart
sent one acknowledgment twice): the worker records the send on a new connection instead of leaving
its claim to expire, so the mail is sent once. On a real PostgreSQL and a real SMTP server; a SQLite
whose write lock another connection holds is waited for the same way."""

from __future__ import annotations

import email
import sqlite3
import threading
from datetime import timedelta
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import TransactionTestCase, override_settings
from django.utils import timezone

from supportdesk.lib.db_outage import close_lost_connections
from supportdesk.outbox import services
from supportdesk.outbox.compose import build_message
from supportdesk.outbox.models import OutgoingMail
from supportdesk.testing.outage import database_refusing, end_backend_of_this_connection
from supportdesk.testing.skips import database_only
from supportdesk.testing.smtp import sink_for_test


def enqueue() -> OutgoingMail:
    mid, raw = build_message(from_addr="forward@softlab.tv", to=["ivanov@tv-sibir.ru"], subject="[#1] Проверка",
                             text="Текст", html="<p>Текст</p>", automatic=True)
    return services.outbox_enqueue(kind="ack", ref="ticket:1", from_addr="forward@softlab.tv",
                                   to_addrs=["ivanov@tv-sibir.ru"], subject="[#1] Проверка", raw=raw,
                                   message_id=mid, is_automatic=True)


class SinkTestCase(TransactionTestCase):
    """Each test sends to a started SMTP sink of its own."""

    def setUp(self) -> None:
        super().setUp()
        self.sink = sink_for_test(self)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason=database_only("postgresql", "ends a server backend, refuses connections"))
class SendRecordedThroughDatabaseRestartTests(SinkTestCase):

    def test_a_send_whose_connection_is_lost_is_recorded_on_a_new_one_and_sent_once(self) -> None:
        mail = enqueue()

        def smtp_then_restart(claimed: OutgoingMail) -> None:
            services.smtp_transport(claimed)  # the SMTP server says 250 ...
            end_backend_of_this_connection()  # ... and the database restarts before we record it

        with self.assertLogs("supportdesk.lib.db_retry", "WARNING") as logs:
            result = services.outbox_flush(transport=smtp_then_restart)
        assert result.sent == 1
        assert any(f"outbox {mail.message_id}: recording the attempt: done on a new database connection" in line
                   for line in logs.output)
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENT and mail.claimed_until is None and mail.attempts == 1
        # Long after the claim would have expired, nothing is due: no second copy.
        with override_settings(OUTBOX_CLAIM_SECONDS=0):
            assert services.outbox_flush().handled == 0
        [received] = self.sink.wait_for(1)
        assert email.message_from_bytes(received.data)["Message-ID"] == f"<{mail.message_id}>"
        assert len(self.sink.messages) == 1

    def test_a_database_that_stays_away_past_the_claim_is_given_up_and_the_claim_expires(self) -> None:
        mail = enqueue()

        def smtp_then_outage(claimed: OutgoingMail) -> None:
            services.smtp_transport(claimed)
            self.outage.__enter__()

        self.outage = database_refusing()
        # A short claim: the worker stops trying shortly before it ends, so no two workers both hold the row.
        with override_settings(OUTBOX_CLAIM_SECONDS=int(services.RECORD_MARGIN_SECONDS) + 2), \
                self.assertRaises(OperationalError):
            services.outbox_flush(transport=smtp_then_outage)
        gave_up = timezone.now()
        self.outage.__exit__(None, None, None)
        mail.refresh_from_db()
        # The claim stands (a later worker sends it again, same Message-ID) and the worker gave up
        # trying before it expired, after having tried for a while.
        assert mail.state == OutgoingMail.State.SENDING and mail.claimed_until is not None
        assert gave_up < mail.claimed_until
        assert gave_up >= mail.claimed_until - timedelta(seconds=services.RECORD_MARGIN_SECONDS + 2)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason=database_only("postgresql", "ends a server backend, refuses connections"))
class FlushThroughDatabaseRestartTests(SinkTestCase):
    """The sender's kept connection died while it waited (a restart): its next round finds the due
    mails and claims them on a new connection instead of failing until the next beat."""

    def setUp(self) -> None:
        super().setUp()
        self.addCleanup(close_lost_connections)  # a failed test must not leave the next one a dead connection

    def test_a_round_on_a_dead_connection_while_the_server_restarts_sends_every_due_mail(self) -> None:
        mail = enqueue()
        end_backend_of_this_connection()
        with database_refusing(for_seconds=1.0), self.assertLogs("supportdesk.lib.db_retry", "WARNING") as logs:
            result = services.outbox_flush()
        assert result.sent == 1
        assert any("outbox: the due mails: done on a new database connection" in line for line in logs.output)
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENT and mail.attempts == 1
        assert len(self.sink.wait_for(1)) == 1

    def test_a_claim_whose_commit_was_lost_is_not_sent_twice(self) -> None:
        """The claim's UPDATE is committed, then the connection dies before its answer is read:
        the claim tried again matches nothing, and the mail goes once its claim expires."""
        mail = enqueue()
        lost: list[int] = []

        def commit_then_lose(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            result = execute(sql, params, many, context)
            claimed = sql.startswith('UPDATE "outbox_outgoingmail"') and context["cursor"].rowcount == 1
            if not lost and claimed:  # autocommit: the claim is committed now
                lost.append(1)
                end_backend_of_this_connection()
                raise OperationalError("server closed the connection unexpectedly")
            return result

        with connection.execute_wrapper(commit_then_lose):
            result = services.outbox_flush()
        assert lost and result.handled == 0
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENDING and mail.attempts == 1
        with override_settings(OUTBOX_CLAIM_SECONDS=0):
            mail.claimed_until = timezone.now() - timedelta(seconds=1)
            mail.save(update_fields=["claimed_until"])
            assert services.outbox_flush().sent == 1
        assert services.outbox_flush().handled == 0
        assert len(self.sink.wait_for(1)) == 1
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENT and mail.attempts == 2


@pytest.mark.skipif(connection.vendor != "sqlite",
                    reason=database_only("sqlite", "a second connection holds SQLite's write lock"))
class SendRecordedWhileSQLiteIsLockedTests(SinkTestCase):
    """Another connection holds SQLite's write lock after the SMTP server took a mail (a long
    import, a backup): the worker waits to record the send instead of leaving the claim to expire."""

    def test_a_send_recorded_once_the_database_is_free_is_sent_once(self) -> None:
        mail = enqueue()
        name = connection.settings_dict["NAME"]
        holder = sqlite3.connect(name, uri=str(name).startswith("file:"), isolation_level=None,
                                 check_same_thread=False)
        self.addCleanup(holder.close)
        # Past this wait for the lock the write fails with "database is locked" (in production
        # after 10 s; here 0.1 s, so that the 0.5 s the lock is held outlasts it).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout=100")
        self.addCleanup(connection.close)

        def smtp_then_locked(claimed: OutgoingMail) -> None:
            services.smtp_transport(claimed)  # the SMTP server says 250 ...
            holder.execute("BEGIN EXCLUSIVE")  # ... and another connection takes the write lock
            release = threading.Timer(0.5, holder.execute, ("COMMIT",))
            release.start()
            self.addCleanup(release.join)

        with self.assertLogs("supportdesk.lib.db_retry", "WARNING") as logs:
            result = services.outbox_flush(transport=smtp_then_locked)
        assert result.sent == 1
        assert f"outbox {mail.message_id}: recording the attempt: database busy" in logs.output[0]
        mail.refresh_from_db()
        assert mail.state == OutgoingMail.State.SENT and mail.claimed_until is None and mail.attempts == 1
        with override_settings(OUTBOX_CLAIM_SECONDS=0):
            assert services.outbox_flush().handled == 0
        assert len(self.sink.wait_for(1)) == 1
