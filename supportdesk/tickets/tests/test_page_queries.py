"""The queue and the ticket page read the products, teams and agents for their filters and
forms with one query each, however many there are (measured for the code review: 3 of the
queue's 15 queries and 3 of the ticket page's 21, about 0.15 ms on SQLite, not worth a cache
with invalidation). This keeps it that way: the query count does not grow with those lists."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supportdesk.accounts import services as team_services
from supportdesk.accounts.roles import ensure_groups
from supportdesk.catalog.models import Brand, Product
from supportdesk.test import PASSWORD, BaseTestCase


class NavigationQueryTests(BaseTestCase):
    def counts(self) -> dict[str, int]:
        found = {}
        for name, url in (("queue", reverse("tickets:queue")), ("ticket", reverse("tickets:detail", args=[self.pk]))):
            self.client.get(url)  # the session's first-request work (presence, notifications) out of the way
            with CaptureQueriesContext(connection) as queries:
                self.assertEqual(self.client.get(url).status_code, 200)
            found[name] = len(queries)
        return found

    def test_more_products_teams_and_agents_add_no_queries(self) -> None:
        self.pk = self.make_ticket().pk
        self.client.force_login(self.alice)
        before = self.counts()
        agents, _ = ensure_groups()
        brand = Brand.objects.first()
        new_agents = []
        for n in range(12):
            user = get_user_model().objects.create_user(f"agent{n}", f"agent{n}@softlab.tv", PASSWORD)
            user.groups.add(agents)
            new_agents.append(user)
        for n in range(6):
            team = team_services.team_save(by_user=self.sam, name=f"Команда {n}")
            team_services.team_set_members(by_user=self.sam, team=team, members=new_agents[2 * n:2 * n + 2])
        for n in range(20):
            Product.objects.create(name=f"Продукт {n}", key=f"product-{n}", brand=brand)
        after = self.counts()
        self.assertEqual(after, before)
        page = self.client.get(reverse("tickets:queue")).content.decode()
        self.assertIn("Продукт 19", page)
        self.assertIn("Команда 5", page)
