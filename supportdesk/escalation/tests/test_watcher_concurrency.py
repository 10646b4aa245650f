"""Two watchers at once never notify twice (the acceptance test of issue 3).

Both watchers are made to read the same list of due tickets before either marks one, so every
ticket is contended; then each claims, writes its event and enqueues its mail in its own
transaction. PostgreSQL only: SQLite serialises every writer (IMMEDIATE transactions, one at a
time), so two watchers cannot race there.
"""

from __future__ import annotations

import threading
import unittest
from collections import Counter
from datetime import datetime

from django.db import connection, connections
from django.test import TransactionTestCase

from supportdesk.escalation import watcher
from supportdesk.outbox.models import OutgoingMail
from supportdesk.test import Personas, office_time
from supportdesk.testing.skips import database_only
from supportdesk.tickets.models import Message

TICKETS = 12
RECEIVED = office_time(2026, 5, 12, 10, 0)
AT_TARGET = office_time(2026, 5, 13, 10, 0)
AT_LIMIT = office_time(2026, 5, 14, 10, 0)


@unittest.skipUnless(connection.vendor == "postgresql",
                     database_only("postgresql", "SQLite serialises writers: two watchers cannot race"))
class ConcurrentWatchersTests(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.make_personas()
        self.tickets = [self.make_ticket(subject=f"Вопрос {i}", at=RECEIVED) for i in range(TICKETS)]

    def run_two_watchers(self, now: datetime) -> list[watcher.WatchResult]:
        barrier = threading.Barrier(2, timeout=30)
        original = watcher._candidates

        def candidates_then_wait(kind: str, moment: datetime, limit: int) -> list[int]:
            found = original(kind, moment, limit)
            barrier.wait()  # both have the same list before either claims anything
            return found

        results: list[watcher.WatchResult] = []
        errors: list[BaseException] = []

        def run() -> None:
            try:
                results.append(watcher.sla_watch(now, sync=lambda _now: None))
            except BaseException as exc:  # reported in the main thread
                errors.append(exc)
            finally:
                connections.close_all()

        watcher._candidates = candidates_then_wait  # type: ignore[assignment]
        try:
            threads = [threading.Thread(target=run) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        finally:
            watcher._candidates = original  # type: ignore[assignment]
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 2)
        return results

    def assert_once_each(self, kind: str, results: list[watcher.WatchResult], attr: str) -> None:
        ids = sorted(t.pk for t in self.tickets)
        marked = [pk for r in results for pk in getattr(r, attr)]
        self.assertEqual(sorted(marked), ids)  # every ticket marked, by exactly one of the two
        mails = Counter(OutgoingMail.objects.filter(kind=kind).values_list("ref", flat=True))
        self.assertEqual(mails, Counter({f"internal:ticket:{pk}": 1 for pk in ids}))
        events = Counter(Message.objects.filter(event=kind).values_list("ticket_id", flat=True))
        self.assertEqual(events, Counter({pk: 1 for pk in ids}))

    def test_two_watchers_send_each_warning_and_breach_once(self) -> None:
        self.assert_once_each("sla_warning", self.run_two_watchers(AT_TARGET), "warned")
        self.assert_once_each("sla_breach", self.run_two_watchers(AT_LIMIT), "breached")
