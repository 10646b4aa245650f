"""A transaction's mark (``lib.txmark``) lasts exactly as long as its transaction, whatever
object opened it: a decorator's ``atomic`` is one object for every call."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import TransactionTestCase

from supportdesk.lib import txmark


class TransactionMarkTests(TransactionTestCase):
    def test_one_mark_per_transaction_even_through_one_atomic_object(self) -> None:
        self.assertIsNone(txmark.current())  # outside a transaction
        block = transaction.atomic()  # reused below, as a decorator's atomic is
        with block:
            first = txmark.current()
            self.assertIsNotNone(first)
            with transaction.atomic():  # a savepoint is the same transaction
                self.assertIs(txmark.current(), first)
            self.assertIs(txmark.current(), first)
        with block:  # committed: a new transaction through the same object
            second = txmark.current()
            self.assertIsNot(second, first)
            connection.set_rollback(True)
        with block:  # rolled back: again a new one
            self.assertIsNot(txmark.current(), second)

    def test_a_mark_made_in_a_savepoint_rolled_back_is_not_kept(self) -> None:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    inner = txmark.current()
                    raise RuntimeError("roll the savepoint back")
            except RuntimeError:
                pass
            # Its callback went with the savepoint: what was kept under it is read again.
            self.assertIsNot(txmark.current(), inner)
