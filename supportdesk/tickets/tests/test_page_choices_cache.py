"""The ticket page's teams, products and planned releases are configuration kept per process
(``lib.configcache``, tickets.selectors.ticket_page_choices): a page reads none of those tables
once kept, and a change committed anywhere is on the next page.

Committing tests (TransactionTestCase), as mail/tests/test_intake_config_cache.py: "another
process" is this one with the values it kept before the change put back."""

from __future__ import annotations

from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from supportdesk.accounts import services as team_services
from supportdesk.catalog.models import Release
from supportdesk.lib import configcache
from supportdesk.test import PASSWORD, Personas

# The choices' own queries (the ticket's product, team and awaited release come with the ticket).
CHOICE_QUERIES = ('FROM "accounts_team" ORDER BY', 'FROM "catalog_product" ORDER BY', 'FROM "catalog_release"')


class TicketPageChoicesCacheTests(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.make_personas()
        self.team = team_services.team_save(by_user=self.sam, name="Вещание")
        self.product = next(iter(self.products.values()))
        Release.objects.create(product=self.product, version="7.0")
        self.ticket = self.make_ticket()
        self.client.login(username="alice", password=PASSWORD)
        self.url = reverse("tickets:detail", args=[self.ticket.pk])

    def page(self) -> str:
        response = self.client.get(self.url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def as_another_process(self, kept: dict[str, tuple[str, float, object]]) -> None:
        configcache._values.clear()
        configcache._values.update(kept)

    def test_a_page_reads_no_choice_table_once_kept(self) -> None:
        self.page()
        with CaptureQueriesContext(connection) as queries:
            body = self.page()
        read = [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in CHOICE_QUERIES)]
        self.assertEqual(read, [])
        self.assertIn(f">{self.product.name} 7.0</option>", body)
        self.assertIn(f'<option value="{self.team.pk}">Вещание</option>', body)

    def test_a_release_team_or_product_changed_elsewhere_is_on_the_next_page(self) -> None:
        self.page()
        kept = dict(configcache._values)
        self.assertIn("tickets.page_choices", kept)
        Release.objects.create(product=self.product, version="7.1")
        self.as_another_process(kept)
        self.assertIn(f">{self.product.name} 7.1</option>", self.page())
        kept = dict(configcache._values)
        team_services.team_save(by_user=self.sam, team=self.team, name="Титры")
        self.as_another_process(kept)
        self.assertIn(f'<option value="{self.team.pk}">Титры</option>', self.page())
        kept = dict(configcache._values)
        self.product.name = "Переименован"
        self.product.save()
        self.as_another_process(kept)
        body = self.page()
        self.assertIn(">Переименован 7.1</option>", body)
        self.assertIn(f'<option value="{self.product.pk}">Переименован</option>', body)
