"""The queue's queries walk its indexes on SQLite (a plan test: the figures are in bench/b2)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.utils import timezone

from supportdesk.accounts.models import Team
from supportdesk.test import BaseTestCase
from supportdesk.testing.skips import database_only
from supportdesk.tickets import selectors, services_tags
from supportdesk.tickets.models import Tag, Ticket, TicketTag


class QueuePlanTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        if connection.vendor != "sqlite":
            pytest.skip(database_only("sqlite", "PostgreSQL's planner picks by statistics, not by the query's form"))

    def statistics_of_100k(self) -> None:
        """The planner's statistics of the B2 data set (100,000 tickets, a quarter open), so the
        tiny test table is planned as the real one is."""
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'tickets_ticket'")
            names = [row[0] for row in cursor.fetchall()]
            cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'tickets_ticket'")
            for name in names:
                stat = {"ticket_open_due_idx": "24662 6 1", "ticket_open_mine_idx": "24662 1175 3 1",
                        "ticket_open_team_idx": "24662 4932 3 1", "ticket_open_unrouted_idx": "4844 3 1"}.get(
                    name, "100000 100000" if "merged_into" in name or "follows_up" in name else "100000 300")
                cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tickets_ticket', %s, %s)", [name, stat])
            cursor.execute("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('tickets_ticket', NULL, '100000')")
            cursor.execute("ANALYZE sqlite_schema")  # reload the statistics

    def keys_plan(self, filters: selectors.QueueFilters) -> str:
        # A supervisor's queue (no team scope); an agent's adds "team IS NULL OR team IN (...)".
        base = selectors._base(self.sam, filters, timezone.now())
        return base.filter(reply_due_at__isnull=False).order_by("reply_due_at", "id").values_list("id")[:51].explain()

    def test_the_open_queue_walks_its_partial_index(self):
        # With status IN (?, ?, ?, ?) bound as parameters SQLite never proves the partial index's
        # condition and sorts every ticket instead.
        self.statistics_of_100k()
        plan = self.keys_plan(selectors.QueueFilters())
        assert "ticket_open_due_idx" in plan and "TEMP B-TREE" not in plan
        assert "ticket_open_mine_idx" in self.keys_plan(selectors.QueueFilters(view="unassigned"))

    def test_an_agents_queue_walks_the_team_index_per_team(self):
        # "team IS NULL OR team IN (...)" made SQLite leave the due-date index and sort every open
        # ticket: an agent's queue is walked per team (and once for the unrouted tickets).
        team = Team.objects.create(name="L1")
        team.members.add(self.alice)
        self.statistics_of_100k()
        parts = selectors._team_parts(self.alice, selectors.QueueFilters())
        assert parts is not None and len(parts) == 2
        for part in parts:
            base = selectors._base(self.alice, selectors.QueueFilters(), timezone.now(), visibility=part)
            plan = base.filter(reply_due_at__isnull=False).order_by("reply_due_at", "id").values_list("id")[:51].explain()
            assert ("ticket_open_team_idx" in plan or "ticket_open_unrouted_idx" in plan) and "TEMP B-TREE" not in plan, plan
        assert selectors._team_parts(self.sam, selectors.QueueFilters()) is None  # a supervisor: one walk

    def test_a_common_tag_is_probed_a_rare_one_drives(self):
        common = Tag.objects.create(name="common")
        ticket = self.make_ticket()
        services_tags.ticket_tag(ticket=ticket, add=["rare"], by_user=self.alice)
        # A fixture built in bulk (the planner only needs the rows): 1,001 tickets with "common".
        many = Ticket.objects.bulk_create([Ticket(subject="x", customer=self.customer, channel="email",
                                                  created_at=timezone.now()) for _ in range(selectors.SEARCH_LIMIT + 1)])
        TicketTag.objects.bulk_create([TicketTag(ticket=t, tag=common, added_at=timezone.now()) for t in many])
        self.statistics_of_100k()
        probed = self.keys_plan(selectors.QueueFilters(tags=("common",)))
        assert "ticket_open_due_idx" in probed and "CORRELATED" in probed
        driven = self.keys_plan(selectors.QueueFilters(tags=("rare",)))
        assert "tickettag_tag_idx" in driven
