"""The indexes nothing needs are gone after migrating (each write of the intake no longer
updates them), the ones that serve the same look-ups stay, and migrating back rebuilds them."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from supportdesk.lib.redundant_indexes import pattern_ops_indexes, single_column_indexes

# (table, column) whose single-column index went, and the composite index that serves it
SERVED = {("tickets_message", "ticket_id"): "message_ticket_idx",
          ("tickets_ticketcontact", "ticket_id"): "ticket_contact_unique",
          ("tickets_statuschange", "ticket_id"): "status_ticket_idx",
          ("tickets_ticket", "customer_id"): "ticket_customer_idx",
          ("outbox_outgoingmail", "state"): "outbox_due_idx"}
UNREAD = [("mail_inboundmail", "content_hash")]
PATTERN_OPS = [("tickets_message", "message_id"), ("tickets_ticket", "sla_tier"), ("mail_inboundmail", "message_id"),
               ("mail_inboundmail", "dedupe_key"), ("mail_inboundmail", "state"), ("outbox_outgoingmail", "message_id"),
               ("outbox_outgoingmail", "ref"), ("customers_customeremail", "address")]
BEFORE = [("tickets", "0013_report_indexes"), ("mail", "0006_verbose_names"), ("outbox", "0003_verbose_names"),
          ("customers", "0005_company_name_key")]


def _indexes(table: str) -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, table)


def _single(table: str, column: str) -> list[str]:
    return single_column_indexes(connection, table, column)


def _pattern_ops(table: str, column: str) -> list[str]:
    return pattern_ops_indexes(connection, table, column)


@pytest.mark.django_db
def test_redundant_indexes_are_gone_and_their_composites_stay():
    for (table, column), composite in SERVED.items():
        assert _single(table, column) == [], (table, column)
        assert composite in _indexes(table), composite
    for table, column in UNREAD:
        assert _single(table, column) == []
    for table, column in PATTERN_OPS:
        assert _pattern_ops(table, column) == [], (table, column)
    # the plain indexes on those varchar columns stay (looked up by equality)
    assert _single("mail_inboundmail", "message_id") and _single("mail_inboundmail", "dedupe_key")
    assert _single("outbox_outgoingmail", "ref")


@pytest.mark.django_db(transaction=True)
def test_migrating_back_rebuilds_the_indexes():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        for table, column in [*SERVED, *UNREAD]:
            assert _single(table, column), (table, column)
        if connection.vendor == "postgresql":
            for table, column in [*PATTERN_OPS, ("mail_inboundmail", "content_hash")]:
                assert _pattern_ops(table, column), (table, column)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    for table, column in [*SERVED, *UNREAD]:
        assert _single(table, column) == [], (table, column)
    for table, column in PATTERN_OPS:
        assert _pattern_ops(table, column) == [], (table, column)
