"""A database restart under the web tier (bench/topology.py saw 500s): on a real PostgreSQL, the
backend of the request's connection is ended from another connection (pg_terminate_backend, as a
restart ends it) or the server refuses connections. A GET runs once more on a new connection; a
POST, and a database that does not come back, get the 503 page that says to retry."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, TransactionTestCase, override_settings
from django.urls import path

from supportdesk.lib import db_outage
from supportdesk.test import Personas
from supportdesk.testing.outage import (
    database_refusing,
    end_backend_of_this_connection,
    statement_cut_by_timeout,
)
from supportdesk.testing.skips import database_only
from supportdesk.tickets.models import Message
from supportdesk.urls import urlpatterns as project_urls


def slow_query(request: HttpRequest) -> HttpResponse:
    """A statement cut by statement_timeout: an OperationalError on a connection that still works."""
    statement_cut_by_timeout(sleep=2)
    return HttpResponse("never")


urlpatterns = [path("test-slow-query/", slow_query), *project_urls]


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason=database_only("postgresql", "ends a server backend, refuses connections"))
class DatabaseRestartTests(Personas, TransactionTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
        self.ticket = self.make_ticket(subject="Нет звука на выходе SDI")
        # The test client re-raises any exception a view raised, even one the retry recovered from.
        self.client = Client(raise_request_exception=False)
        self.client.force_login(self.alice)

    def test_health_checks_are_on_for_every_server_database(self) -> None:
        for alias, db in settings.DATABASES.items():
            if db["ENGINE"] != "django.db.backends.sqlite3":
                assert db.get("CONN_HEALTH_CHECKS") is True, alias
        assert settings.MIDDLEWARE[0] == "supportdesk.lib.db_outage.DatabaseOutageMiddleware"

    def test_a_get_whose_connection_was_ended_runs_again_and_succeeds(self) -> None:
        assert self.client.get("/agent/").status_code == 200
        end_backend_of_this_connection()
        with self.assertLogs("supportdesk.lib.db_outage", "WARNING") as logs:
            response = self.client.get(f"/agent/tickets/{self.ticket.pk}/")
        assert response.status_code == 200
        assert "Нет звука на выходе SDI" in response.content.decode()
        assert "running it once more" in logs.output[0]
        # and the connection it opened serves the next request as usual
        assert self.client.get("/agent/").status_code == 200

    def test_a_post_whose_connection_was_ended_gets_the_503_page_and_can_be_sent_again(self) -> None:
        self.client.get("/agent/")
        end_backend_of_this_connection()
        with self.assertLogs("supportdesk.lib.db_outage", "WARNING"):
            response = self.client.post(f"/agent/tickets/{self.ticket.pk}/note/", {"text": "Проверить кабель"})
        assert response.status_code == 503
        assert response["Retry-After"] == str(db_outage.RETRY_AFTER_SECONDS)
        page = response.content.decode()
        assert "База данных ненадолго недоступна: повторите попытку" in page
        assert "могло не сохраниться" in page
        assert not Message.objects.filter(ticket=self.ticket, kind=Message.Kind.NOTE).exists()
        response = self.client.post(f"/agent/tickets/{self.ticket.pk}/note/", {"text": "Проверить кабель"})
        assert response.status_code == 302
        assert Message.objects.filter(ticket=self.ticket, kind=Message.Kind.NOTE).count() == 1

    def test_a_get_waits_for_a_restarting_database(self) -> None:
        self.client.get("/agent/")
        with database_refusing(for_seconds=1.0), self.assertLogs("supportdesk.lib.db_outage", "WARNING"):
            response = self.client.get(f"/agent/tickets/{self.ticket.pk}/")
        assert response.status_code == 200
        assert "Нет звука на выходе SDI" in response.content.decode()

    def test_a_database_that_stays_away_is_a_503_for_pages_and_the_api(self) -> None:
        self.client.get("/agent/")
        with database_refusing(), self.assertLogs("supportdesk.lib.db_outage", "WARNING") as logs:
            page = self.client.get("/agent/")
            api = self.client.get("/api/v1/tickets/")
        assert page.status_code == 503 and "повторите попытку" in page.content.decode()
        assert page["Cache-Control"] == "no-store"
        assert api.status_code == 503
        assert api.json()["error"]["code"] == "database_unavailable"
        assert "503" in logs.output[-1]
        assert self.client.get("/agent/").status_code == 200  # the server is back

    @override_settings(ROOT_URLCONF=__name__)
    def test_an_error_of_a_working_connection_stays_a_500(self) -> None:
        with self.assertNoLogs("supportdesk.lib.db_outage", "WARNING"):
            response = self.client.get("/test-slow-query/")
        assert response.status_code == 500
