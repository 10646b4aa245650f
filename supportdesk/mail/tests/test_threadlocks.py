"""A thread-lock key taken once is not asked for again in that transaction (an import batch
takes its mails' keys at once, then each mail skips its own), and is in the next one, even
through the same ``atomic`` object (``lib.txmark``)."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from supportdesk.mail import threadlocks


class TakenKeysTests(TransactionTestCase):
    def test_a_key_taken_once_is_not_asked_for_again_in_that_transaction(self) -> None:
        self.assertEqual(threadlocks._taken(), set())  # outside a transaction: nothing kept
        block = transaction.atomic()
        for _ in range(2):  # two transactions through one atomic object
            with block, CaptureQueriesContext(connection) as queries:
                self.assertTrue(threadlocks.try_lock([11, 12]))
                self.assertTrue(threadlocks.try_lock([12, 11]))
                self.assertEqual(threadlocks._taken(), {11, 12} if threadlocks.applies() else set())
            asked = [q for q in queries.captured_queries if "pg_try_advisory_xact_lock" in q["sql"]]
            self.assertEqual(len(asked), 1 if connection.vendor == "postgresql" else 0)
