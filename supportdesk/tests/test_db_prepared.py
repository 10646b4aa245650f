"""PostgreSQL: parameters travel apart from the SQL and a statement run again and again is
prepared on the server once per connection (settings: SUPPORTDESK_DB_PREPARE_THRESHOLD)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import TestCase

from supportdesk.customers.models import Customer, CustomerEmail
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
