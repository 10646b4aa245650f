"""Tokens, scopes, errors, team scope and the ticket operations, through HTTP."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from supportdesk.api.models import ApiToken
from supportdesk.api.tests.base import ApiPersonas
from supportdesk.api.tokens import token_authenticate, token_issue, token_revoke
from supportdesk.audit.models import AuditEntry
from supportdesk.testing.servers import redis_available, redis_test_url
from supportdesk.tickets.models import Message, Ticket


class ApiTestCase(ApiPersonas, TestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.make_api_world()

    def assert_error(self, response, status: int, code: str) -> dict:
        self.assertEqual(response.status_code, status, response.content)
        self.assertEqual(response["Content-Type"], "application/json")
        body = response.json()
        self.assertEqual(set(body), {"error"})
        self.assertEqual(set(body["error"]), {"code", "message", "fields"})
        self.assertEqual(body["error"]["code"], code)
        self.assertTrue(body["error"]["message"])
        return body["error"]


class TokenTests(ApiTestCase):
    def test_the_secret_is_stored_hashed_and_shown_once(self) -> None:
        issued = token_issue(name="Bug tracker", user=self.alice, scopes="tickets:read", by_user=self.sam)
        row = ApiToken.objects.get(pk=issued.token.pk)
        secret = issued.clear.split("_", 2)[2]  # the secret itself may hold '_'
        self.assertGreaterEqual(len(secret), 40)
        self.assertNotIn(secret, row.secret_sha256)
        self.assertEqual(len(row.secret_sha256), 64)
        self.assertTrue(issued.clear.startswith(f"sdk_{row.prefix}_"))
        self.assertTrue(AuditEntry.objects.filter(action=AuditEntry.Action.API_TOKEN, details__token=row.prefix).exists())

    def test_a_secret_holding_underscores_and_dashes_authenticates(self) -> None:
        # token_urlsafe draws '_' and '-' too: about every second secret holds one
        for _ in range(40):
            issued = token_issue(name="CI", user=self.alice, scopes="tickets:read", by_user=self.sam)
            if "_" in issued.clear.split("_", 2)[2]:
                break
        else:
            self.fail("no secret with '_' in 40 tokens")
        self.assertEqual(token_authenticate(issued.clear), issued.token)
        self.assertIsNone(token_authenticate(issued.clear.rsplit("_", 1)[0]))

    def test_no_token_wrong_token_and_revoked_token_are_401(self) -> None:
        self.assert_error(self.api().get("/api/v1/tickets/"), 401, "not_authenticated")
        wrong = self.bea_token[:-3] + "xyz"
        self.assert_error(self.api(wrong).get("/api/v1/tickets/"), 401, "not_authenticated")
        self.assertEqual(self.api(self.bea_token).get("/api/v1/tickets/").status_code, 200)
        token_revoke(token=ApiToken.objects.get(user=self.bea), by_user=self.sam)
        error = self.assert_error(self.api(self.bea_token).get("/api/v1/tickets/"), 401, "not_authenticated")
        self.assertIn("отозван", error["message"])

    def test_scopes_read_and_write_per_resource(self) -> None:
        reader = token_issue(name="Dashboard", user=self.bea, scopes="tickets:read", by_user=None).clear
        self.assertEqual(self.api(reader).get("/api/v1/tickets/").status_code, 200)
        error = self.assert_error(self.api(reader).post(f"/api/v1/tickets/{self.ticket_b.pk}/notes/",
                                                        {"text": "x"}, content_type="application/json"),
                                  403, "forbidden")
        self.assertIn("tickets:write", error["message"])
        self.assert_error(self.api(reader).get("/api/v1/customers/"), 403, "forbidden")
        self.assertFalse(Message.objects.filter(ticket=self.ticket_b, kind=Message.Kind.NOTE).exists())

    def test_a_token_may_act_only_as_an_agent(self) -> None:
        from supportdesk.api.tokens import TokenError
        with self.assertRaises(TokenError):
            token_issue(name="x", user=self.bob, scopes="all", by_user=None)
        with self.assertRaises(TokenError):
            token_issue(name="x", user=self.alice, scopes="tickets:fly", by_user=None)

    def test_rate_limit_answers_429_with_retry_after(self) -> None:
        slow = token_issue(name="Slow", user=self.bea, scopes="all", by_user=None, rate_per_minute=3).clear
        client = self.api(slow)
        for _ in range(3):
            self.assertEqual(client.get("/api/v1/tickets/").status_code, 200)
        response = client.get("/api/v1/tickets/")
        self.assert_error(response, 429, "rate_limited")
        self.assertGreaterEqual(int(response["Retry-After"]), 1)
        # Another token has its own budget.
        self.assertEqual(self.api(self.bea_token).get("/api/v1/tickets/").status_code, 200)

    def test_every_call_is_audited_naming_the_token(self) -> None:
        prefix = ApiToken.objects.get(user=self.bea).prefix
        self.api(self.bea_token).get(f"/api/v1/tickets/{self.ticket_b.pk}/")
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.API_CALL).latest("id")
        self.assertEqual(entry.details["token"], prefix)
        self.assertEqual(entry.details["token_name"], "CRM")
        self.assertEqual(entry.details["status"], 200)
        self.assertEqual(entry.actor_name, "bea")
        self.assertEqual(entry.target, f"GET /api/v1/tickets/{self.ticket_b.pk}/")

    def test_management_command_issues_and_revokes(self) -> None:
        from io import StringIO
        out = StringIO()
        call_command("api_token", "issue", "Nightly", "--user", "alice", "--scopes", "tickets:*", stdout=out,
                     stderr=StringIO())
        clear = out.getvalue().strip()
        self.assertEqual(self.api(clear).get("/api/v1/tickets/").status_code, 200)
        call_command("api_token", "revoke", clear, stdout=StringIO())
        self.assertEqual(self.api(clear).get("/api/v1/tickets/").status_code, 401)

    def test_admin_page_issues_shows_once_and_revokes(self) -> None:
        from django.contrib.auth import get_user_model

        from supportdesk.test import PASSWORD
        get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        page = self.client
        page.login(username="alice", password=PASSWORD)
        self.assertEqual(page.get("/agent/api-tokens/").status_code, 403)
        page.login(username="root", password=PASSWORD)
        response = page.post("/agent/api-tokens/", {"name": "CRM 2", "user": "alice",
                                                   "scopes": ["tickets:read"], "rate_per_minute": 60})
        self.assertEqual(response.status_code, 200)
        clear = response.context["issued"].clear
        self.assertContains(response, clear)
        self.assertNotContains(page.get("/agent/api-tokens/"), clear)
        token = ApiToken.objects.get(name="CRM 2")
        page.post(f"/agent/api-tokens/{token.pk}/revoke/")
        token.refresh_from_db()
        self.assertIsNotNone(token.revoked_at)


class ErrorShapeTests(ApiTestCase):
    def test_messages_follow_accept_language_russian_by_default(self) -> None:
        ru = self.assert_error(self.api(self.bea_token).get("/api/v1/tickets/999999/"), 404, "not_found")
        en = self.assert_error(self.api(self.bea_token).get("/api/v1/tickets/999999/",
                                                            headers={"Accept-Language": "en-GB,en;q=0.8"}),
                               404, "not_found")
        self.assertIn("Обращения №999999 нет", ru["message"])
        self.assertIn("There is no ticket", en["message"])

    def test_bad_input_is_4xx_with_fields(self) -> None:
        client = self.api(self.bea_token)
        error = self.assert_error(client.get("/api/v1/tickets/?view=everything&page_size=0"), 400, "invalid")
        self.assertIn("view", error["fields"])
        self.assertIn("page_size", error["fields"])
        self.assert_error(client.get("/api/v1/tickets/?cursor=garbage"), 400, "invalid")
        for other in ("calls", "customers", "companies", "kb/articles", "releases"):
            self.assertIn("cursor", self.assert_error(client.get(f"/api/v1/{other}/?cursor=garbage"),
                                                      400, "invalid")["fields"], other)
        self.assert_error(client.post("/api/v1/tickets/", "{not json", content_type="application/json"),
                          400, "malformed_request")
        self.assert_error(client.post("/api/v1/tickets/", "a=b", content_type="text/plain"),
                          415, "unsupported_media_type")
        self.assert_error(client.delete(f"/api/v1/tickets/{self.ticket_b.pk}/"), 405, "method_not_allowed")
        self.assert_error(client.get("/api/v1/tickets/", headers={"Accept": "text/csv"}), 406, "not_acceptable")
        self.assert_error(client.get("/api/v1/no/such/thing/"), 404, "not_found")
        self.assert_error(client.get("/api/v1/tickets/?q=a%00b"), 400, "malformed_request")
        self.assert_error(client.get("/api/v1/tickets/99999999999999999999/"), 404, "not_found")
        # A newline in the path (schemathesis sent one in a KB slug) still gets the JSON answer.
        self.assert_error(client.get("/api/v1/kb/articles/a%0Ab/"), 404, "not_found")
        error = self.assert_error(client.post(f"/api/v1/tickets/{self.ticket_b.pk}/replies/", {"text": "  "},
                                              content_type="application/json"), 400, "invalid")
        self.assertIn("text", error["fields"])


class ListQueryTests(ApiTestCase):
    def test_the_list_costs_the_same_queries_for_two_rows_as_for_eight(self) -> None:
        client = self.api(self.sam_token)

        def queries() -> tuple[int, int]:
            with CaptureQueriesContext(connection) as captured:
                rows = client.get("/api/v1/tickets/?page_size=50&sort=newest").json()["results"]
            return len(rows), len(captured)

        rows, few = queries()
        for n in range(6):
            self.make_ticket(subject=f"Ещё обращение {n}")
        more_rows, many = queries()
        self.assertEqual((rows, more_rows), (2, 8))
        self.assertEqual(few, many)  # no query per row (a deferred field read per ticket)


class TeamScopeTests(ApiTestCase):
    def test_another_teams_ticket_is_404_and_never_listed(self) -> None:
        client = self.api(self.bea_token)
        listed = client.get("/api/v1/tickets/?page_size=100").json()
        ids = [t["id"] for t in listed["results"]]
        self.assertIn(self.ticket_b.pk, ids)
        self.assertNotIn(self.ticket_a.pk, ids)
        for suffix, body in (("", None), ("status/", {"status": "open"}), ("notes/", {"text": "x"}),
                             ("assign/", {"assignee": "bea"}), ("priority/", {"priority": "high"}),
                             ("tags/", {"add": ["x"]}), ("replies/", {"text": "x"})):
            url = f"/api/v1/tickets/{self.ticket_a.pk}/{suffix}"
            response = client.get(url) if body is None else client.post(url, body, content_type="application/json")
            self.assert_error(response, 404, "not_found")
        self.ticket_a.refresh_from_db()
        self.assertEqual(self.ticket_a.priority, "normal")
        # A supervisor's token sees every team.
        self.assertEqual(self.api(self.sam_token).get(f"/api/v1/tickets/{self.ticket_a.pk}/").status_code, 200)
        # Calls logged on A's ticket are not listed for B either.
        self.api(self.sam_token).post("/api/v1/calls/", {"number": "+7 913 123-45-67", "ticket": self.ticket_a.pk,
                                                          "summary": "перезвонил"}, content_type="application/json")
        calls = client.get("/api/v1/calls/").json()["results"]
        self.assertNotIn(self.ticket_a.pk, [c["ticket"] for c in calls])


class TicketOperationTests(ApiTestCase):
    def test_channel_rule_refuses_with_422_naming_the_official_channels(self) -> None:
        before = Ticket.objects.count()
        error = self.assert_error(self.api(self.bea_token).post("/api/v1/tickets/", {
            "channel": "telegram", "email": "petrov@tv.ru", "subject": "s", "text": "t"},
            content_type="application/json"), 422, "channel_not_accepted")
        self.assertIn("telegram", error["message"])
        self.assertIn("email", error["message"])
        self.assertIn("phone", error["message"])
        self.assertEqual(error["fields"]["channel"], ["email", "phone"])
        self.assertEqual(Ticket.objects.count(), before)

    def test_create_read_and_work_a_ticket(self) -> None:
        client = self.api(self.sam_token)
        created = client.post("/api/v1/tickets/", {"channel": "email", "email": "petrov@tv.ru", "name": "Пётр",
                                                   "subject": "Нет сигнала", "text": "Пропал сигнал на входе."},
                              content_type="application/json")
        self.assertEqual(created.status_code, 201, created.content)
        pk = created.json()["id"]
        self.assertEqual(created.json()["messages"][0]["kind"], "incoming")
        self.assertEqual(client.post(f"/api/v1/tickets/{pk}/priority/", {"priority": "high"},
                                     content_type="application/json").json()["priority"], "high")
        self.assertEqual(client.post(f"/api/v1/tickets/{pk}/assign/", {"assignee": "sam"},
                                     content_type="application/json").json()["assignee"]["username"], "sam")
        self.assertEqual(client.post(f"/api/v1/tickets/{pk}/tags/", {"add": ["Эфир", "sdi"]},
                                     content_type="application/json").json()["tags"], ["sdi", "эфир"])
        reply = client.post(f"/api/v1/tickets/{pk}/replies/", {
            "text": "Проверьте кабель.", "files": [SimpleUploadedFile("log.txt", b"line 1\n", "text/plain")]})
        self.assertEqual(reply.status_code, 201, reply.content)
        self.assertEqual(reply.json()["attachments"][0]["filename"], "log.txt")
        note = client.post(f"/api/v1/tickets/{pk}/notes/", {"text": "Кабель", "time_spent": 5},
                           content_type="application/json")
        self.assertEqual(note.status_code, 201, note.content)
        read = client.get(f"/api/v1/tickets/{pk}/").json()
        self.assertEqual(read["status"], "open")
        kinds = [m["kind"] for m in read["messages"]]
        self.assertIn("outgoing", kinds)
        self.assertIn("note", kinds)

    def test_lifecycle_refusal_is_409_with_the_reason(self) -> None:
        client = self.api(self.bea_token)
        url = f"/api/v1/tickets/{self.ticket_b.pk}/status/"
        # Solving a ticket nobody answered needs a confirmation and a reason.
        error = self.assert_error(client.post(url, {"status": "solved"}, content_type="application/json"),
                                  409, "confirmation_required")
        self.assertIn("причину", error["message"])
        ok = client.post(url, {"status": "closed", "confirmed": True, "reason": "дубль"},
                         content_type="application/json")
        self.assertEqual(ok.json()["status"], "closed")
        error = self.assert_error(client.post(url, {"status": "open"}, content_type="application/json"),
                                  409, "illegal_transition")
        self.assertEqual(error["fields"]["status"], [])

    def test_log_a_call_creates_a_phone_ticket(self) -> None:
        response = self.api(self.bea_token).post("/api/v1/calls/", {
            "number": "+7 383 363-04-99", "name": "Сидоров", "subject": "Звонок: нет звука",
            "summary": "Нет звука на выходе", "answered": True}, content_type="application/json")
        self.assertEqual(response.status_code, 201, response.content)
        ticket = Ticket.objects.get(pk=response.json()["ticket"])
        self.assertEqual(ticket.channel, "phone")
        self.assert_error(self.api(self.bea_token).post("/api/v1/calls/", {"number": "not a number", "summary": "x"},
                                                        content_type="application/json"), 422, "refused")

    def test_cursor_pages_cover_the_queue_once(self) -> None:
        for i in range(5):
            self.make_ticket(subject=f"Заявка {i}")
        client = self.api(self.sam_token)
        seen: list[int] = []
        url = "/api/v1/tickets/?page_size=2"
        while url:
            page = client.get(url).json()
            seen += [t["id"] for t in page["results"]]
            url = page["next"]
        self.assertEqual(len(seen), len(set(seen)))
        self.assertEqual(len(seen), Ticket.objects.count())


class SharedCacheRateLimitTests(ApiTestCase):
    """The per-token counter lives in Django's configured cache: with Redis (scaled out), every web
    process counts the same token together."""

    @pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
    def test_redis_cache_counts_the_token_across_processes(self) -> None:
        url = redis_test_url(os.environ.get("PYTEST_XDIST_WORKER", "master"))
        token = token_issue(name="Busy", user=self.bea, scopes="tickets:read", by_user=None, rate_per_minute=2)
        redis_cache = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
        with override_settings(CACHES=redis_cache):
            from django.core.cache import cache as shared
            shared.delete(f"sd:api:throttle:token:{token.token.pk}")
            try:
                self.assertEqual(self.api(token.clear).get("/api/v1/tickets/").status_code, 200)
                # Another "process": a cache client of its own on the same Redis database.
                other = RedisCache(url, {})
                self.assertEqual(len(other.get(f"sd:api:throttle:token:{token.token.pk}", version=1)), 1)
                self.assertEqual(self.api(token.clear).get("/api/v1/tickets/").status_code, 200)
                self.assert_error(self.api(token.clear).get("/api/v1/tickets/"), 429, "rate_limited")
            finally:
                shared.delete(f"sd:api:throttle:token:{token.token.pk}")
