"""An optimistic attempt (``lib.optimistic``): savepoints off, and one ``attempt`` object per
outermost ``savepoints_off`` block, so values kept under it never outlive it."""

from __future__ import annotations

from django.db import connection, transaction
from django.test import TransactionTestCase

from supportdesk.lib import optimistic


class AttemptTests(TransactionTestCase):
    def test_one_attempt_per_outermost_block_and_none_outside(self) -> None:
        self.assertIsNone(optimistic.attempt())
        with transaction.atomic():
            self.assertIsNone(optimistic.attempt())  # a transaction with savepoints is no attempt
            with optimistic.savepoints_off():
                first = optimistic.attempt()
                self.assertIsNotNone(first)
                self.assertTrue(optimistic.active())
                with optimistic.savepoints_off():  # nested: the same attempt
                    self.assertIs(optimistic.attempt(), first)
                self.assertIs(optimistic.attempt(), first)
            self.assertIsNone(optimistic.attempt())
            self.assertFalse(optimistic.active())
            with optimistic.savepoints_off():  # the next one, in the same transaction, is another
                self.assertIsNot(optimistic.attempt(), first)
        self.assertTrue(connection.features.uses_savepoints)
