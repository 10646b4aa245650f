"""Releases (create, publish → the waiting tickets reopen and are mailed), reports, the knowledge
base, customers and companies through the API."""

from __future__ import annotations

from django.core.cache import cache
from django.test import TestCase

from supportdesk.api.tests.base import ApiPersonas
from supportdesk.api.tokens import token_issue
from supportdesk.catalog.models import Release
from supportdesk.kb.models import Article
from supportdesk.outbox.models import OutgoingMail
from supportdesk.tickets.models import Status


class ResourceTests(ApiPersonas, TestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.make_api_world()
        self.sam_api = self.api(self.sam_token)

    def test_release_create_and_publish_reopens_and_mails_the_waiting_tickets(self) -> None:
        created = self.sam_api.post("/api/v1/releases/", {"product": "forward-tt", "version": "7.2.0",
                                                          "notes": "Исправлен вывод титров.",
                                                          "download_url": "https://www.softlab.tv/download/ftt"},
                                    content_type="application/json")
        self.assertEqual(created.status_code, 201, created.content)
        release = Release.objects.get(pk=created.json()["id"])
        self.assertEqual(release.status, Release.Status.PLANNED)
        again = self.sam_api.post("/api/v1/releases/", {"product": "forward-tt", "version": "7.2.0"},
                                  content_type="application/json")
        self.assertEqual(again.status_code, 422)
        self.assertEqual(self.api(self.bea_token).post("/api/v1/releases/", {"product": "forward-tt", "version": "9"},
                                                       content_type="application/json").status_code, 403)
        status = self.sam_api.post(f"/api/v1/tickets/{self.ticket_b.pk}/status/",
                                   {"status": "waiting_release", "release": release.pk},
                                   content_type="application/json")
        self.assertEqual(status.json()["status"], "waiting_release")
        url = f"/api/v1/releases/{release.pk}/publish/"
        ask = self.sam_api.post(url, {}, content_type="application/json")
        self.assertEqual(ask.status_code, 409)
        self.assertEqual(ask.json()["error"]["code"], "confirmation_required")
        mails_before = OutgoingMail.objects.count()
        done = self.sam_api.post(url, {"confirmed": True}, content_type="application/json")
        self.assertEqual(done.status_code, 200, done.content)
        self.assertEqual(done.json()["reopened"], [self.ticket_b.pk])
        self.assertEqual(done.json()["release"]["status"], "published")
        self.ticket_b.refresh_from_db()
        self.assertEqual(self.ticket_b.status, Status.OPEN)
        self.assertEqual(OutgoingMail.objects.count(), mails_before + 1)
        self.assertEqual(self.sam_api.post(url, {"confirmed": True}, content_type="application/json").status_code, 422)

    def test_reports_give_the_figures_of_the_reports_section(self) -> None:
        response = self.sam_api.get("/api/v1/reports/load/?start=2026-01-01&end=2026-01-31")
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(body["kind"], "load")
        self.assertTrue(body["tables"])
        self.assertEqual(self.sam_api.get("/api/v1/reports/nothing/").status_code, 404)
        self.assertEqual(self.sam_api.get("/api/v1/reports/load/?start=2026-02-01&end=2026-01-01").status_code, 400)
        reader = token_issue(name="BI", user=self.sam, scopes="reports:read", by_user=None).clear
        self.assertEqual(self.api(reader).get("/api/v1/reports/promise/").status_code, 200)
        self.assertEqual(self.api(reader).get("/api/v1/tickets/").status_code, 403)

    def test_knowledge_base_read_search_and_suggest(self) -> None:
        Article.objects.create(slug="titry", title="Титры не выводятся на SDI", body="Проверьте настройки вывода титров.",
                               state="published")
        Article.objects.create(slug="draft", title="Черновик", body="Текст", state="draft")
        listed = self.sam_api.get("/api/v1/kb/articles/").json()["results"]
        self.assertEqual([a["slug"] for a in listed], ["titry"])
        self.assertEqual(self.sam_api.get("/api/v1/kb/articles/titry/").json()["title"], "Титры не выводятся на SDI")
        self.assertEqual(self.sam_api.get("/api/v1/kb/articles/draft/").status_code, 404)
        self.assertEqual(self.sam_api.get("/api/v1/kb/search/").status_code, 400)
        search = self.sam_api.get("/api/v1/kb/search/?q=титр")
        self.assertEqual(search.status_code, 200, search.content)
        suggest = self.sam_api.post("/api/v1/kb/suggest/", {"text": "Не выводятся титры на SDI"},
                                    content_type="application/json")
        self.assertEqual(suggest.status_code, 200, suggest.content)
        self.assertIsInstance(suggest.json(), list)

    def test_customers_and_companies(self) -> None:
        found = self.sam_api.get("/api/v1/customers/?email=IVANOV@tv-sibir.ru").json()["results"]
        self.assertEqual([c["id"] for c in found], [self.customer.pk])
        self.assertIn("ivanov@tv-sibir.ru", found[0]["emails"])
        self.assertEqual(self.sam_api.get(f"/api/v1/customers/{self.customer.pk}/").json()["name"], "Иван Иванов")
        self.assertEqual(self.sam_api.get("/api/v1/customers/0/").status_code, 404)
        self.assertEqual(self.sam_api.get("/api/v1/companies/").status_code, 200)
        self.assertEqual(self.sam_api.get("/api/v1/companies/999/").status_code, 404)
