"""PostgreSQL: parameters travel apart from the SQL and a statement run again and again is
prepared on the server once per connection (settings: SUPPORTDESK_DB_PREPARE_THRESHOLD)."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import NotSupportedError, connection, transaction
from django.test import TestCase, TransactionTestCase

from supportdesk.customers.models import Customer, CustomerEmail
from supportdesk.lib.db_prepared import STALE_PLAN, replan_after_schema_change
from supportdesk.testing.skips import database_only

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason=database_only("postgresql", "prepared statements are PostgreSQL's"))


def _prepared_statements() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE NOT from_sql")
        return [row[0] for row in cursor.fetchall()]


class PreparedStatementTests(TestCase):
    def test_a_statement_run_past_the_threshold_is_prepared_with_its_parameters_apart(self) -> None:
        options = connection.settings_dict["OPTIONS"]
        assert options["server_side_binding"] is True and options["prepare_threshold"] == 5
        with connection.cursor() as cursor:
            # A generic plan cannot see a LIMIT's value: the saved views' counts were 2.6x slower.
            cursor.execute("SHOW plan_cache_mode")
            assert cursor.fetchone()[0] == "force_custom_plan"
        customer = Customer.objects.create(name="Ольга")
        CustomerEmail.objects.create(customer=customer, address="olga@example.ru", is_primary=True)

        def lookup(address: str) -> Customer | None:
            found = CustomerEmail.objects.select_related("customer").filter(address=address).first()
            return found.customer if found else None

        for _ in range(4):
            assert lookup("nobody@example.ru") is None
        assert not [s for s in _prepared_statements() if "customers_customeremail" in s]
        # The fifth run prepares it; the answer is the same, whatever the address.
        assert lookup("o'brien@example.ru") is None
        assert lookup("olga@example.ru") == customer
        prepared = [s for s in _prepared_statements() if "customers_customeremail" in s]
        assert len(prepared) == 1
        # The parameter is a placeholder in the prepared text, never the value quoted into it.
        assert "$1" in prepared[0] and "example.ru" not in prepared[0]

    def test_a_value_that_looks_like_sql_stays_a_value(self) -> None:
        hostile = "x'); DROP TABLE customers_customer; --"
        for _ in range(7):
            Customer.objects.create(name=hostile)
        assert Customer.objects.filter(name=hostile).count() == 7


def _raw_connection() -> Any:
    settings = connection.settings_dict
    return psycopg.connect(host=settings["HOST"] or "127.0.0.1", port=settings["PORT"] or 5432,
                           user=settings["USER"], dbname=settings["NAME"], autocommit=True)


class SchemaChangeTests(TransactionTestCase):
    """A migration changes a column's type while this process holds prepared statements on it."""

    def setUp(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("CREATE TABLE prepared_probe (id integer, name varchar(10))")
            cursor.execute("INSERT INTO prepared_probe VALUES (1, 'a')")
        self.addCleanup(self._drop)

    def _drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS prepared_probe")

    def _read(self) -> list[tuple[int, str]]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id, name FROM prepared_probe WHERE id = %s", [1])
            return cursor.fetchall()

    def _change_type(self, new_type: str) -> None:
        with _raw_connection() as other:  # as `migrate` in another process would
            other.execute(f"ALTER TABLE prepared_probe ALTER COLUMN name TYPE {new_type}")

    def test_a_statement_outside_a_transaction_is_run_again_on_the_new_schema(self) -> None:
        for _ in range(7):
            assert self._read() == [(1, "a")]
        assert any("prepared_probe" in s for s in _prepared_statements())
        self._change_type("varchar(20)")
        assert self._read() == [(1, "a")]
        self._change_type("text")
        assert self._read() == [(1, "a")]

    def test_inside_a_transaction_it_fails_once_and_the_next_transaction_works(self) -> None:
        for _ in range(7):
            assert self._read() == [(1, "a")]
        self._change_type("varchar(30)")
        with pytest.raises(NotSupportedError, match=STALE_PLAN), transaction.atomic():
            self._read()
        with transaction.atomic():
            assert self._read() == [(1, "a")]

    def test_without_the_wrapper_the_error_stays(self) -> None:
        """What the wrapper is for: psycopg alone keeps the stale statement on this connection."""
        connection.execute_wrappers.remove(replan_after_schema_change)
        self.addCleanup(connection.execute_wrappers.append, replan_after_schema_change)
        for _ in range(7):
            self._read()
        self._change_type("varchar(40)")
        for _ in range(2):
            with pytest.raises(NotSupportedError, match=STALE_PLAN):
                self._read()
