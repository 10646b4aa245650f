"""Personas for the API tests: team A (Alice) and team B (Bea), a ticket of each, tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from supportdesk.accounts.models import Team
from supportdesk.accounts.roles import ensure_groups
from supportdesk.api.tokens import token_issue
from supportdesk.test import PASSWORD, Personas
from supportdesk.tickets import services
from supportdesk.tickets.models import Ticket


class ApiPersonas(Personas):
    def make_api_world(self) -> None:
        self.make_personas()
        agents, _supervisors = ensure_groups()
        self.bea = get_user_model().objects.create_user("bea", "bea@softlab.tv", PASSWORD, first_name="Беата")
        self.bea.groups.add(agents)
        self.team_a = Team.objects.create(name="Team A")
        self.team_b = Team.objects.create(name="Team B")
        self.team_a.members.add(self.alice)
        self.team_b.members.add(self.bea)
        self.ticket_a: Ticket = self.make_ticket(subject="Секрет команды A: эфир падает")
        services.ticket_set_team(ticket=self.ticket_a, team=self.team_a, by_user=None)
        self.ticket_b: Ticket = self.make_ticket(subject="Команда B: нет звука")
        services.ticket_set_team(ticket=self.ticket_b, team=self.team_b, by_user=None)
        self.bea_token = token_issue(name="CRM", user=self.bea, scopes="all", by_user=None).clear
        self.sam_token = token_issue(name="Scripts", user=self.sam, scopes="all", by_user=None).clear

    def api(self, token: str | None = None) -> Client:
        headers: dict[str, Any] = {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return Client(headers=headers)
