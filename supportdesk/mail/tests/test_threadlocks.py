"""The thread-lock keys a transaction holds are remembered for that transaction only (an
import batch takes its mails' keys at once, then each mail skips its own), whatever object
opened the transaction: a decorator's ``atomic`` is one object for every call."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from supportdesk.mail import threadlocks


class TakenKeysTests(TransactionTestCase):
    def test_keys_are_remembered_within_one_transaction_only(self) -> None:
        self.assertEqual(threadlocks._taken(), set())  # outside a transaction: nothing kept
        block = transaction.atomic()  # reused below, as a decorator's atomic is
        with block:
            threadlocks._taken().update({1, 2})
            self.assertEqual(threadlocks._taken(), {1, 2})
        with block:  # a new transaction opened by the same object
            self.assertEqual(threadlocks._taken(), set())
            threadlocks._taken().add(3)
            connection.set_rollback(True)
        with block:  # after a rollback too
            self.assertEqual(threadlocks._taken(), set())

    def test_a_key_taken_once_is_not_asked_for_again_in_that_transaction(self) -> None:
        block = transaction.atomic()
        for _ in range(2):  # two transactions through one atomic object
            with block, CaptureQueriesContext(connection) as queries:
                self.assertTrue(threadlocks.try_lock([11, 12]))
                self.assertTrue(threadlocks.try_lock([12, 11]))
            asked = [q for q in queries.captured_queries if "pg_try_advisory_xact_lock" in q["sql"]]
            self.assertEqual(len(asked), 1 if connection.vendor == "postgresql" else 0)
