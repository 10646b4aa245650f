"""A PostgreSQL restart under the intake: each worker's kept connection is dead, and its next
delivery used to fail on its first query (451, the MTA retries minutes later). Now the store is
done again on a new connection (``lib.db_retry``), waiting while the server refuses connections,
and the delivery is answered 250. A connection lost while the row was being committed (outcome
unknown) stays safe: the Message-ID dedupe makes the second row of the message a duplicate.
On a real PostgreSQL (backends ended with pg_terminate_backend) and the real LMTP server."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import TransactionTestCase

from supportdesk.lib import db_retry
from supportdesk.lib.db_outage import close_lost_connections
from supportdesk.mail import ingest
from supportdesk.mail.backends.lmtp import IntakeHandler, IntakeServer
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.ingest import inbound_process_stale, ingest_raw
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.outbox.models import OutgoingMail
from supportdesk.testing.outage import (
    database_refusing,
    end_backend_of_this_connection,
    statement_cut_by_timeout,
)
from supportdesk.testing.servers import free_port
from supportdesk.testing.skips import database_only
from supportdesk.tickets.models import Message, Ticket

State = InboundMail.State


def crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def deliver(port: int, raw: bytes, results: list[Any]) -> None:
    try:
        with smtplib.LMTP("127.0.0.1", port, timeout=60) as client:
            results.append(client.sendmail("mta@tv-sibir.ru", ["forward@softlab.tv"], crlf(raw)))
    except Exception as exc:  # noqa: BLE001 - asserted by the test
        results.append(exc)


def deliver_all(port: int, raws: list[bytes]) -> list[Any]:
    """One MTA connection per mail, all at once (each worker process gets some)."""
    results: list[Any] = []
    threads = [threading.Thread(target=deliver, args=(port, raw, results)) for raw in raws]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    return results


def end_other_backends() -> int:
    """End every other backend on the test database (the intake workers'), as a restart does."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return sum(1 for (ended,) in cursor.fetchall() if ended)


def acks_for(message_id: str) -> int:
    mail = InboundMail.objects.get(message_id=message_id, state=State.TICKETED)
    return OutgoingMail.objects.filter(kind="ack", ref=f"ticket:{mail.ticket_id}").count()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=database_only("postgresql", "ends server backends; the LMTP intake's worker processes"),
)
class IntakeThroughDatabaseRestartTests(TransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.addCleanup(close_lost_connections)  # a failed test must not leave the next one a dead connection

    def test_workers_whose_connections_were_ended_answer_250_and_register_each_mail_once(self) -> None:
        with IntakeServer(port=free_port(), handler=IntakeHandler(workers=2)) as server:
            assert server.handler.uses_processes
            warm = [
                make_mail(
                    subject=f"Прогрев {n}", message_id=f"warm-{n}@tv-sibir.ru", sender=f"warm{n}@tv-sibir.ru"
                )
                for n in range(4)
            ]
            assert all(isinstance(r, dict) and not r for r in deliver_all(server.port, warm))
            ended = end_other_backends()
            assert ended >= 2  # both workers held a connection, now dead
            raws = [
                make_mail(
                    subject=f"После рестарта {n}",
                    message_id=f"after-{n}@tv-sibir.ru",
                    sender=f"client{n}@tv-sibir.ru",
                )
                for n in range(4)
            ]
            results = deliver_all(server.port, raws)
        # sendmail returns the refused recipients: {} means 250 for the one recipient.
        assert results == [{}, {}, {}, {}], results
        for n in range(4):
            rows = InboundMail.objects.filter(message_id=f"after-{n}@tv-sibir.ru")
            assert [r.state for r in rows] == [State.TICKETED]
            assert acks_for(f"after-{n}@tv-sibir.ru") == 1
        assert Ticket.objects.count() == 8

    def test_a_delivery_waits_while_the_server_refuses_connections_then_is_stored(self) -> None:
        end_backend_of_this_connection()
        started = time.monotonic()
        with (
            database_refusing(for_seconds=1.5),
            self.assertLogs("supportdesk.lib.db_retry", "WARNING") as logs,
        ):
            result = ingest_raw(make_mail(message_id="refused@tv-sibir.ru"), source="lmtp")
        assert time.monotonic() - started >= 1.5
        assert result.outcome == Outcome.TICKETED
        assert any("done on a new database connection" in line for line in logs.output)
        assert [r.state for r in InboundMail.objects.filter(message_id="refused@tv-sibir.ru")] == [
            State.TICKETED
        ]
        assert acks_for("refused@tv-sibir.ru") == 1

    def test_a_database_that_stays_away_fails_the_delivery_after_the_retry_time(self) -> None:
        end_backend_of_this_connection()
        started = time.monotonic()
        with (
            mock.patch.object(db_retry, "RETRY_SECONDS", 1.0),
            database_refusing(),
            self.assertRaises(OperationalError),
        ):
            ingest_raw(make_mail(message_id="gone@tv-sibir.ru"), source="lmtp")
        assert 0.7 <= time.monotonic() - started < 5
        assert not InboundMail.objects.filter(message_id="gone@tv-sibir.ru").exists()

    def test_a_connection_lost_while_the_row_was_committed_registers_the_mail_once(self) -> None:
        """The INSERT is committed, then the connection dies before its answer is read: the
        store is done again (a second row of the same message), and the first row, left
        pending, ends as a duplicate when the stale-mail job finishes it."""
        lost: list[int] = []

        def commit_then_lose(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            result = execute(sql, params, many, context)
            if not lost and sql.startswith('INSERT INTO "mail_inboundmail"'):
                lost.append(1)  # autocommit: the row is committed now
                end_backend_of_this_connection()
                raise OperationalError("server closed the connection unexpectedly")
            return result

        with mock.patch.object(ingest, "RELATED_WAIT", 0.3), connection.execute_wrapper(commit_then_lose):
            result = ingest_raw(make_mail(message_id="unknown@tv-sibir.ru"), source="lmtp")
        assert lost and result.outcome == Outcome.TICKETED
        rows = InboundMail.objects.filter(message_id="unknown@tv-sibir.ru").order_by("pk")
        assert [r.state for r in rows] == [State.PENDING, State.TICKETED]
        messages = Message.objects.count()
        assert inbound_process_stale(older_than=timedelta(0)) == 1
        assert [r.state for r in rows.all()] == [State.DUPLICATE, State.TICKETED]
        assert Ticket.objects.count() == 1 and Message.objects.count() == messages
        assert acks_for("unknown@tv-sibir.ru") == 1

    def test_inside_a_transaction_a_lost_connection_is_not_retried(self) -> None:
        from django.db import transaction

        calls: list[int] = []

        def work() -> None:
            calls.append(1)
            end_backend_of_this_connection()
            InboundMail.objects.count()

        with self.assertRaises(OperationalError), transaction.atomic():
            db_retry.retry_on_lost_connection(work, what="test")
        assert calls == [1]

    def test_an_error_on_a_live_connection_is_not_retried(self) -> None:
        calls: list[int] = []

        def work() -> None:
            calls.append(1)
            statement_cut_by_timeout()

        with self.assertRaises(OperationalError):
            db_retry.retry_on_lost_connection(work, what="test")
        assert calls == [1]
