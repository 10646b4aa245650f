"""The pages work under the Content-Security-Policy (issue 19 item 6): in Chromium, the agent's
queue and ticket page (htmx polling included) and the portal run their scripts with no
`securitypolicyviolation` event and no CSP message on the console."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from playwright.sync_api import expect

from supportdesk.portal.services import access_link_issue
from supportdesk.test import PASSWORD, Personas
from supportdesk.testing.browser import ChromiumPerClass
from supportdesk.testing.servers import chromium_available

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")

HOLIDAY_NOON = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Asia/Novosibirsk"))
# Every violation the page sees, recorded before any of the page's own scripts runs.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


class PagesUnderCspTests(Personas, ChromiumPerClass, StaticLiveServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
        self.ticket = self.make_ticket(subject="Не выводятся титры", body="Титры не выводятся на SDI 2.")
        self.context = self.browser.new_context(locale="ru-RU")
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console: list[str] = []
        self.page.on("console", lambda message: self.console.append(message.text))

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def assert_no_violation(self) -> None:
        violations: Any = self.page.evaluate("window.__cspViolations")
        assert violations == [], violations
        assert not [m for m in self.console if "Content Security Policy" in m], self.console

    def test_agent_queue_and_ticket_with_htmx(self) -> None:
        page = self.page
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", "alice")
        page.fill("#id_password", PASSWORD)
        with page.expect_response(lambda r: "/agent/phone/popup/" in r.url) as polled:
            page.click("#login-submit")
        # htmx made the request (its header says so) and got the fragment.
        assert polled.value.status == 200
        assert polled.value.request.headers.get("hx-request") == "true"
        page.wait_for_selector("#queue")
        assert page.evaluate("htmx.config.allowEval") is False
        assert page.evaluate("htmx.config.allowScriptTags") is False
        self.assert_no_violation()
        # agent.js runs: the keyboard opens the selected ticket.
        page.keyboard.press("j")
        page.keyboard.press("Enter")
        page.wait_for_selector("#reply-form")
        assert f"[#{self.ticket.pk}]" in page.locator("h1").inner_text()
        with page.expect_response(lambda r: "/agent/phone/popup/" in r.url and r.status == 200):
            pass
        self.assert_no_violation()

    def test_portal_pages(self) -> None:
        page = self.page
        # Closed (the New Year days off): the contacts page's script adds the visitor's own time.
        with mock.patch("supportdesk.portal.views.timezone.now", return_value=HOLIDAY_NOON):
            page.goto(self.live_server_url + "/")
        page.wait_for_selector("#next-opening-local:not([hidden])")
        self.assert_no_violation()
        # The composer's script asks the preview endpoint and writes the mail as typed.
        page.goto(self.live_server_url + "/portal/compose/")
        with page.expect_response(lambda r: "/portal/compose/preview/" in r.url and r.status == 200):
            page.fill("#c-description", "Титры на SDI 2 пропадают")
        expect(page.locator("#mail-preview")).to_contain_text("Титры на SDI 2 пропадают")
        self.assert_no_violation()
        token = access_link_issue(ticket=self.ticket, email="ivanov@tv-sibir.ru")
        page.goto(f"{self.live_server_url}/portal/access/{token}/")
        page.click("#access-form button[type=submit]")
        page.wait_for_url(f"**/portal/ticket/{self.ticket.pk}/")
        assert "Титры не выводятся на SDI 2." in page.inner_text("body")
        self.assert_no_violation()

    def test_a_violation_would_be_seen(self) -> None:
        # The recorder works: an inline script the policy refuses is reported (the event is
        # dispatched asynchronously, hence the polling).
        page = self.page
        page.goto(self.live_server_url + "/")
        page.evaluate("""() => { const s = document.createElement("script");
                                 s.textContent = "window.__ran = 1"; document.body.appendChild(s); }""")
        for _ in range(50):
            if page.evaluate("window.__cspViolations.length"):
                break
            page.wait_for_timeout(100)
        assert page.evaluate("window.__ran") is None
        assert page.evaluate("window.__cspViolations") == ["script-src-elem inline"]
