"""The agent queue shows each reply clock's state, ordered by time left to the reply limit."""

from __future__ import annotations

import re
from unittest import mock

from django.urls import reverse

from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services
from supportdesk.tickets.models import Status

NOW = office_time(2026, 5, 13, 12, 0)  # Wednesday noon, office time


class QueueBadgeTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Friday 10:00 (a shortened day): target Tuesday 11:00, limit Wednesday 11:00.
        self.breached = self.make_ticket(subject="Просрочена", at=office_time(2026, 5, 8, 10, 0))
        # Tuesday 10:00: target Wednesday 10:00, limit Thursday 10:00.
        self.warning = self.make_ticket(subject="Предупреждение", at=office_time(2026, 5, 12, 10, 0))
        # Wednesday 10:00: target Thursday 10:00.
        self.on_time = self.make_ticket(subject="Вовремя", at=office_time(2026, 5, 13, 10, 0))
        self.paused = self.make_ticket(subject="Ждём клиента", at=office_time(2026, 5, 12, 9, 0))
        services.ticket_set_status(ticket=self.paused, status=Status.WAITING_CUSTOMER, by_user=self.alice,
                                   at=office_time(2026, 5, 12, 9, 30))

    def queue_html(self) -> str:
        self.client.force_login(self.alice)
        with mock.patch("supportdesk.tickets.views.timezone.now", return_value=NOW):
            response = self.client.get(reverse("tickets:queue"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_badges_and_order(self) -> None:
        html = self.queue_html()
        rows = re.findall(r"<tr\b[^>]*>(.*?)</tr>", html, re.S)
        expected = [(self.breached, "breached"), (self.warning, "warning"), (self.on_time, "on_time"),
                    (self.paused, "paused")]
        positions = []
        for ticket, state in expected:
            [row] = [r for r in rows if ticket.subject in r]
            badges = re.findall(r'class="badge ([a-z_]+)"', row)
            self.assertEqual(badges, [state], ticket.subject)
            positions.append(rows.index(row))
        # Most urgent first; a paused ticket owes no reply, so it comes last.
        self.assertEqual(positions, sorted(positions))
