from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from supportdesk.catalog.models import Release
from supportdesk.test import BaseTestCase
from supportdesk.tickets import services
from supportdesk.tickets.lifecycle import TRANSITIONS, IllegalTransition
from supportdesk.tickets.models import Status, StatusChange, Ticket

ALL = [s.value for s in Status]
EXPECTED_ALLOWED = {
    ("new", "open"), ("new", "waiting_customer"), ("new", "waiting_release"), ("new", "solved"), ("new", "closed"),
    ("open", "waiting_customer"), ("open", "waiting_release"), ("open", "solved"), ("open", "closed"),
    ("waiting_customer", "open"), ("waiting_customer", "waiting_release"), ("waiting_customer", "solved"),
    ("waiting_customer", "closed"),
    ("waiting_release", "open"), ("waiting_release", "waiting_customer"), ("waiting_release", "solved"),
    ("waiting_release", "closed"),
    ("solved", "open"), ("solved", "closed"),
}


def test_table_matches_the_spec():
    table = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert table == EXPECTED_ALLOWED


class LifecycleServiceTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.release = Release.objects.create(product=self.products["forward-ts"], version="6.3.0")

    def _ticket_in(self, status: str) -> Ticket:
        """Walk a fresh ticket to ``status`` through legal transitions only."""
        ticket = self.make_ticket()
        path = {"new": [], "open": ["open"], "waiting_customer": ["waiting_customer"],
                "waiting_release": ["waiting_release"], "solved": ["solved"], "closed": ["closed"]}[status]
        for step in path:
            services.ticket_set_status(ticket=ticket, status=step, by_user=self.alice, release=self.release,
                                       confirmed=True, reason="test walk")
        ticket.refresh_from_db()
        assert ticket.status == status
        return ticket

    def test_every_pair_is_allowed_or_refused_as_the_table_says(self):
        for from_status, to_status in itertools.product(ALL, ALL):
            with self.subTest(f"{from_status} -> {to_status}"):
                ticket = self._ticket_in(from_status)
                if (from_status, to_status) in EXPECTED_ALLOWED:
                    services.ticket_set_status(ticket=ticket, status=to_status, by_user=self.alice,
                                               release=self.release, confirmed=True, reason="test")
                    ticket.refresh_from_db()
                    assert ticket.status == to_status
                    last = StatusChange.objects.filter(ticket=ticket).last()
                    assert (last.from_status, last.to_status) == (from_status, to_status)
                else:
                    with pytest.raises(IllegalTransition) as err:
                        services.ticket_set_status(ticket=ticket, status=to_status, by_user=self.alice,
                                                   release=self.release, confirmed=True, reason="test")
                    assert f"cannot go from '{from_status}' to '{to_status}'" in str(err.value)
                    ticket.refresh_from_db()
                    assert ticket.status == from_status

    def test_closed_to_waiting_release_is_refused_with_a_clear_error(self):
        ticket = self._ticket_in("closed")
        with pytest.raises(IllegalTransition, match="the ticket is final"):
            services.ticket_set_status(ticket=ticket, status="waiting_release", release=self.release)

    def test_unknown_status_is_refused(self):
        ticket = self.make_ticket()
        with pytest.raises(IllegalTransition):
            services.ticket_set_status(ticket=ticket, status="escalated")

    def test_waiting_release_needs_a_planned_release(self):
        ticket = self.make_ticket()
        with pytest.raises(services.InvalidAction, match="needs the release"):
            services.ticket_set_status(ticket=ticket, status="waiting_release")
        published = Release.objects.create(product=self.products["forward-ts"], version="6.2.1",
                                           status=Release.Status.PUBLISHED, published_at=timezone.now())
        with pytest.raises(services.InvalidAction, match="already published"):
            services.ticket_set_status(ticket=ticket, status="waiting_release", release=published)
        services.ticket_set_status(ticket=ticket, status="waiting_release", release=self.release)
        ticket.refresh_from_db()
        assert ticket.waiting_release == self.release
        services.ticket_set_status(ticket=ticket, status="open")
        ticket.refresh_from_db()
        assert ticket.waiting_release is None

    def test_history_records_every_change_in_order(self):
        ticket = self.make_ticket(at=timezone.now() - timedelta(hours=3))
        for status in ("open", "waiting_customer", "open", "solved", "closed"):
            services.ticket_set_status(ticket=ticket, status=status, by_user=self.alice, confirmed=True,
                                       reason="test walk")
        assert list(StatusChange.objects.filter(ticket=ticket).values_list("to_status", flat=True)) == [
            "new", "open", "waiting_customer", "open", "solved", "closed"]
        ticket.refresh_from_db()
        assert ticket.closed_at is not None and ticket.resolution_business_seconds is not None
