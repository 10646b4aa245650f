"""Which database errors are a lost connection (run the work again on a new one), which a busy
SQLite (only when the caller asks), and which neither: told by the error itself, produced for real
against PostgreSQL (a backend ended by pg_terminate_backend from a second connection, a refused
port, an idle session's timeout, a cancelled statement) and SQLite (a file locked by a second
connection). And the retry's budget: a deadline on the clock, the tries' own time included."""

from __future__ import annotations

import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper
from django.test import SimpleTestCase, TransactionTestCase

from supportdesk.lib import db_retry
from supportdesk.lib.db_outage import BUSY, LOST, database_outage, error_outage
from supportdesk.lib.db_retry import next_pause, retry_on_lost_connection
from supportdesk.testing.outage import (
    database_refusing,
    database_silent,
    end_backend_of_this_connection,
    statement_cut_by_timeout,
)
from supportdesk.testing.skips import database_only


def error_of(work: Callable[[], Any]) -> DatabaseError:
    """The database error ``work()`` raises (the test fails if it raises none)."""
    try:
        work()
    except DatabaseError as exc:
        return exc
    raise AssertionError("no database error")


def query(sql: str = "SELECT 1") -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql)


on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                   reason=database_only("postgresql", "ends server backends, refuses connections"))


@on_postgresql
class PostgreSQLErrorTests(TransactionTestCase):
    def tearDown(self) -> None:
        connection.close()  # the next test starts on a new connection whatever this one did to it
        super().tearDown()

    def test_a_backend_ended_by_the_administrator_is_lost_by_its_sqlstate(self) -> None:
        end_backend_of_this_connection()
        exc = error_of(query)
        assert getattr(exc.__cause__, "sqlstate", None) == "57P01"  # AdminShutdown, wrapped by Django
        assert error_outage(exc) == LOST
        # The same connection used again: the driver's words, no SQLSTATE.
        again = error_of(query)
        assert getattr(again.__cause__, "sqlstate", "none") is None
        assert "the connection is closed" in str(again) and error_outage(again) == LOST

    def test_a_refused_port_is_lost_by_the_drivers_words(self) -> None:
        with database_refusing():
            exc = error_of(query)
        assert getattr(exc.__cause__, "sqlstate", "none") is None and "Connection refused" in str(exc)
        assert error_outage(exc) == LOST

    def test_a_server_that_never_answers_is_given_up_on_after_the_connect_timeout(self) -> None:
        """Without a connect timeout libpq waits for such a server as long as the kernel keeps the
        connection: a retry's deadline could not hold. The settings always give one."""
        assert connection.settings_dict["OPTIONS"]["connect_timeout"] == 5  # SUPPORTDESK_DB_CONNECT_TIMEOUT
        started = time.monotonic()
        with database_silent(connect_timeout=1):
            exc = error_of(query)
        assert 0.9 <= time.monotonic() - started < 3.0
        assert "timeout expired" in str(exc) and error_outage(exc) == LOST

    def test_an_idle_session_ended_by_the_server_is_lost(self) -> None:
        query("SET idle_session_timeout = 100")
        time.sleep(0.4)
        exc = error_of(query)
        assert getattr(exc.__cause__, "sqlstate", None) == "57P05" and error_outage(exc) == LOST

    def test_a_cancelled_statement_on_a_working_connection_is_not_lost(self) -> None:
        exc = error_of(statement_cut_by_timeout)
        assert isinstance(exc, OperationalError) and getattr(exc.__cause__, "sqlstate", None) == "57014"
        assert error_outage(exc) is None and database_outage(exc) is None

    def test_the_sqlstate_decides_over_the_words(self) -> None:
        """An error the server sent with a SQLSTATE that is not a connection's, whatever it says."""
        exc = error_of(lambda: query(
            "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = '57014', "
            "MESSAGE = 'server closed the connection unexpectedly'; END $$"))
        assert isinstance(exc, OperationalError) and "server closed the connection" in str(exc)
        assert error_outage(exc) is None

    def test_a_connection_lost_inside_the_works_own_atomic_block_is_run_again(self) -> None:
        """Django opens a new connection when an ``atomic()`` block ends on a dead one: asked
        afterwards, the connection looks fine; the error still says lost, and the work runs again
        (the outbox's record of a sent mail is such work)."""
        tries: list[int] = []

        def save() -> int:
            with transaction.atomic():
                if not tries:
                    end_backend_of_this_connection()
                tries.append(1)
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 41 + 1")
                    return int(cursor.fetchone()[0])

        after: list[tuple[str | None, bool]] = []

        def asking_the_connection() -> int:
            try:
                return save()
            except OperationalError as exc:
                after.append((getattr(exc.__cause__, "sqlstate", None),
                              connection.connection is not None and connection.is_usable()))
                raise

        with self.assertLogs("supportdesk.lib.db_retry", "WARNING") as logs:
            assert retry_on_lost_connection(asking_the_connection, what="record") == 42
        assert len(tries) == 2 and after == [("57P01", True)]
        assert "record: done on a new database connection after 2 tries" in logs.output[-1]

    def test_a_refused_database_is_tried_until_the_explicit_deadline(self) -> None:
        tries: list[float] = []

        def work() -> None:
            tries.append(time.monotonic())
            query()

        started = time.monotonic()
        with database_refusing(), self.assertRaises(OperationalError), \
                self.assertLogs("supportdesk.lib.db_retry", "WARNING") as logs:
            retry_on_lost_connection(work, what="refused", deadline=started + 0.5)
        gave_up = time.monotonic()
        assert 0.5 <= gave_up - started < 1.0
        assert len(tries) >= 3 and tries[-1] >= started + 0.5  # the last try at the deadline
        assert "refused: giving up after" in logs.output[-1]

    def test_the_time_of_the_tries_counts_against_the_budget(self) -> None:
        """Tries of 0.4 s with a 1 s budget: given up after about 1.4 s, not after the pauses
        alone add up to it (which would take 2.3 s here)."""
        def slow_then_refused() -> None:
            time.sleep(0.4)
            query()

        started = time.monotonic()
        with mock.patch.object(db_retry, "RETRY_SECONDS", 1.0), database_refusing(), self.assertRaises(OperationalError), \
                self.assertLogs("supportdesk.lib.db_retry", "WARNING"):
            retry_on_lost_connection(slow_then_refused, what="slow")
        assert 1.0 <= time.monotonic() - started < 1.8

    def test_a_lost_connection_is_not_retried_when_the_deadline_has_passed(self) -> None:
        end_backend_of_this_connection()
        calls: list[int] = []

        def work() -> None:
            calls.append(1)
            query()

        with self.assertRaises(OperationalError), self.assertLogs("supportdesk.lib.db_retry", "WARNING"):
            retry_on_lost_connection(work, what="late", deadline=time.monotonic())
        assert calls == [1]


class SQLiteBusyTests(TransactionTestCase):
    """A SQLite file whose write lock a second connection holds, as another process would: on
    every test run, through Django's own SQLite backend (a connection of its own, a short busy
    timeout instead of the production's 10 s)."""

    def setUp(self) -> None:
        super().setUp()
        path = Path(self.enterContext(tempfile.TemporaryDirectory())) / "locked.sqlite3"
        self.django_conn = SQLiteWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3",
                                          "NAME": str(path), "OPTIONS": {"timeout": 0.05}}, alias="locked")
        self.addCleanup(self.django_conn.close)
        with self.django_conn.cursor() as cursor:
            cursor.execute("CREATE TABLE note (text TEXT)")
        self.holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.addCleanup(self.holder.close)
        self.holder.execute("BEGIN EXCLUSIVE")

    def insert(self) -> None:
        with self.django_conn.cursor() as cursor:
            cursor.execute("INSERT INTO note VALUES ('x')")

    def test_a_locked_database_is_busy_never_lost(self) -> None:
        exc = error_of(self.insert)
        assert isinstance(exc, OperationalError) and "database is locked" in str(exc)
        assert getattr(exc.__cause__, "sqlite_errorname", None) == "SQLITE_BUSY"
        assert error_outage(exc) == BUSY

    def test_a_busy_database_is_not_retried_by_default(self) -> None:
        calls: list[int] = []

        def work() -> None:
            calls.append(1)
            self.insert()

        with self.assertRaises(OperationalError), self.assertNoLogs("supportdesk.lib.db_retry", "WARNING"):
            retry_on_lost_connection(work, what="busy")
        assert calls == [1]

    def test_a_busy_database_is_waited_for_when_the_caller_asks(self) -> None:
        release = threading.Timer(0.3, self.holder.execute, ("COMMIT",))
        release.start()
        self.addCleanup(release.join)
        with self.assertLogs("supportdesk.lib.db_retry", "WARNING") as logs:
            retry_on_lost_connection(self.insert, what="busy", busy_too=True)
        with self.django_conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM note")
            assert cursor.fetchone()[0] == 1
        assert "busy: database busy" in logs.output[0] and "on a new connection" not in logs.output[0]
        assert "busy: done once the database was free after" in logs.output[-1]


class ClassificationTests(SimpleTestCase):
    def test_the_drivers_words_tell_a_lost_connection_only_without_a_sqlstate(self) -> None:
        # Raised by tests that simulate a COMMIT whose answer never came (no driver error behind it).
        assert error_outage(OperationalError("server closed the connection unexpectedly")) == LOST
        assert error_outage(OperationalError("canceling statement due to statement timeout")) is None
        assert error_outage(ValueError("connection refused")) is None
        assert error_outage(None) is None

    def test_the_pauses_double_up_to_the_longest_and_stop_at_the_deadline(self) -> None:
        waits = [next_pause(tries, 100.0) for tries in range(1, 8)]
        assert waits[:5] == [0.1, 0.2, 0.4, 0.8, 1.6] and waits[5:] == [db_retry.MAX_PAUSE] * 2
        assert next_pause(6, 0.5) == 0.5  # cut to what is left: the last try comes at the deadline
        assert next_pause(1, 0.0) is None and next_pause(3, -1.0) is None
