"""Issue 19 item 6: a Content-Security-Policy on every page, no caching of ticket pages,
a sign-in that lasts as long as the policy says."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from supportdesk.portal.services import access_link_issue
from supportdesk.test import PASSWORD, BaseTestCase


def csp_directives(response: HttpResponse) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    parts = [p.split() for p in header.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


class ContentSecurityPolicyTests(BaseTestCase):
    def assert_strict_csp(self, response: HttpResponse) -> None:
        directives = csp_directives(response)
        assert directives.get("default-src") == ["'self'"], response.headers
        assert directives["script-src"] == ["'self'"]
        assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]

    def test_agent_pages(self):
        ticket = self.make_ticket()
        self.client.force_login(self.alice)
        for url in (reverse("tickets:queue"), reverse("tickets:detail", args=[ticket.pk])):
            response = self.client.get(url)
            assert response.status_code == 200
            self.assert_strict_csp(response)

    def test_public_and_portal_pages(self):
        for url in ("/", reverse("portal:compose"), reverse("portal:lookup"), reverse("kb:list"), "/login/",
                    "/no-such-page/"):
            response = self.client.get(url)
            assert response.status_code in (200, 404), url
            self.assert_strict_csp(response)

    def test_admin_pages(self):
        admin = get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        self.assert_strict_csp(self.client.get("/admin/login/"))
        self.client.force_login(admin)
        for url in ("/admin/", "/admin/auth/user/", f"/admin/auth/user/{admin.pk}/change/"):
            response = self.client.get(url)
            assert response.status_code == 200, url
            self.assert_strict_csp(response)

    def test_pages_carry_no_inline_script_and_htmx_runs_without_eval(self):
        self.client.force_login(self.alice)
        queue = self.client.get(reverse("tickets:queue")).content.decode()
        assert """<meta name="htmx-config" content='{"allowEval":false,"allowScriptTags":false}'>""" in queue
        self.client.logout()
        for page in (queue, self.client.get("/").content.decode(),
                     self.client.get(reverse("portal:compose")).content.decode()):
            assert "<script>" not in page and "<script src=" in page


class PrivatePagesTests(BaseTestCase):
    def assert_no_store(self, response: HttpResponse) -> None:
        cache_control = {p.strip() for p in response.headers.get("Cache-Control", "").split(",")}
        assert {"private", "no-store"} <= cache_control, response.headers.get("Cache-Control")

    def test_agent_ticket_pages_are_not_stored(self):
        ticket = self.make_ticket()
        self.client.force_login(self.alice)
        self.assert_no_store(self.client.get(reverse("tickets:queue")))
        self.assert_no_store(self.client.get(reverse("tickets:detail", args=[ticket.pk])))

    def test_portal_ticket_page_is_not_stored_and_public_pages_stay_cacheable(self):
        ticket = self.make_ticket()
        public = self.client.get("/")
        assert "no-store" not in public.headers.get("Cache-Control", "")
        token = access_link_issue(ticket=ticket, email="ivanov@tv-sibir.ru")
        opened = self.client.post(reverse("portal:access", args=[token]))
        assert opened.status_code == 302
        page = self.client.get(opened["Location"])
        assert page.status_code == 200 and "Не выводятся титры" in page.content.decode()
        self.assert_no_store(page)


class SessionLifetimeTests(BaseTestCase):
    def test_agent_sign_in_lasts_the_policy_hours(self):
        response = self.client.post("/login/", {"username": "alice", "password": PASSWORD})
        assert response.status_code == 302
        expires = self.client.session.get_expiry_date()
        assert timedelta(hours=12) - timedelta(minutes=1) < expires - timezone.now() <= timedelta(hours=12)
        assert not self.client.session.get_expire_at_browser_close()
        # Work in the session (a change saved to it) does not move the end.
        session = self.client.session
        session["seen"] = 1
        session.save()
        assert self.client.get(reverse("tickets:queue")).status_code == 200
        assert self.client.session.get_expiry_date() == expires

    def test_admin_sign_in_too(self):
        get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        response = self.client.post("/admin/login/?next=/admin/", {"username": "root", "password": PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/admin/"
        assert timedelta(hours=11, minutes=59) < self.client.session.get_expiry_date() - timezone.now()
