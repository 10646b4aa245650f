"""The agent's day in a real browser (Debian's Chromium driven by Playwright).

One scenario per test keeps the screenshots of the main screens in artifacts/screenshots/
(git-ignored) for a human to look at; the assertions check what an agent would see.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings
from playwright.sync_api import expect

from supportdesk.outbox.services import outbox_flush
from supportdesk.phone.models import Call
from supportdesk.phone.services import integration_create
from supportdesk.test import PASSWORD, Personas
from supportdesk.testing.browser import ChromiumPerClass
from supportdesk.testing.servers import SmtpSink, chromium_available
from supportdesk.tickets.models import Message, Status, Ticket

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
# The project's own static folder (supportdesk/static) is not an app's: name it for the finders.
PACKAGE_STATIC = Path(__file__).resolve().parents[1] / "static"

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")


@override_settings(STATICFILES_DIRS=[PACKAGE_STATIC])
class BrowserCase(Personas, ChromiumPerClass, StaticLiveServerTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
        self.context = self.browser.new_context(viewport={"width": 1360, "height": 900}, locale="ru-RU")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        SHOTS.mkdir(parents=True, exist_ok=True)

    def tearDown(self) -> None:
        self.context.close()
        super().tearDown()

    def shot(self, name: str) -> None:
        self.page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    def login(self) -> None:
        self.page.goto(self.live_server_url + "/login/")
        self.page.fill("#id_username", "alice")
        self.page.fill("#id_password", PASSWORD)
        self.page.click("#login-submit")
        self.page.wait_for_selector("#queue")


class AgentDayTests(BrowserCase):
    def test_queue_reply_ask_for_information_and_language(self):
        urgent = self.make_ticket(subject="Не выводятся титры на SDI 2",
                                  body="Добрый день!\nТитры не выводятся на SDI 2 после обновления.")
        self.make_ticket(subject="Вопрос по лицензии", body="Сколько стоит вторая лицензия?")
        sink = SmtpSink().start()
        self.addCleanup(sink.stop)
        self.login()
        page = self.page
        assert page.locator("#view-open .count").inner_text() == "2"
        assert "Очередь" in page.content()
        self.shot("01-queue")
        # keyboard: j selects the first (most urgent) row, Enter opens it
        page.keyboard.press("j")
        page.keyboard.press("Enter")
        page.wait_for_selector("#reply-form")
        assert f"[#{urgent.pk}]" in page.locator("h1").inner_text()
        self.shot("02-ticket")

        with override_settings(SMTP_HOST=sink.host, SMTP_PORT=sink.port):
            page.fill("#reply-text", "Здравствуйте! Обновите драйвер платы до версии 4.2.")
            page.click("#send-reply")
            page.wait_for_selector(".messages li")
            assert "Ответ отправлен" in page.locator(".messages").inner_text()
            outbox_flush()
            received = sink.wait_for(1)
        assert received[0].rcpt_tos == ("ivanov@tv-sibir.ru",)
        assert b"4.2" in received[0].data
        urgent.refresh_from_db()
        assert urgent.reply_due_at is None and urgent.status == Status.OPEN

        page.fill("#ask-text", "Пришлите, пожалуйста, файл настроек FDConfig2.")
        page.click("#send-ask")
        # The page being left shows "Reply sent." in the same place.
        expect(page.locator(".messages")).to_contain_text("Вопрос отправлен")
        expect(page.locator("#ticket-status")).to_have_text("ждёт клиента")
        assert Ticket.objects.get(pk=urgent.pk).status == Status.WAITING_CUSTOMER
        self.shot("03-ticket-after-ask")

        page.click("#lang-en")
        page.wait_for_selector("#lang-ru")
        expect(page.locator("#ticket-status")).to_have_text("waiting for the customer")
        page.goto(self.live_server_url + "/agent/")
        assert page.locator("#view-open").inner_text().startswith("All open")
        self.shot("04-queue-en")
        page.click("#lang-ru")
        page.wait_for_selector("#lang-en")
        expect(page.locator("#view-open")).to_have_text(re.compile(r"^Все открытые"))


class CtiPopupTests(BrowserCase):
    def test_ringing_call_pops_up_and_is_logged_in_one_click(self):
        ticket = self.make_ticket(subject="Звук отстаёт от видео")
        _integration, token = integration_create(name="office-pbx")
        self.login()
        request = urllib.request.Request(  # noqa: S310 - the PBX posting a ringing call to loopback
            self.live_server_url + "/cti/office-pbx/events",
            data=json.dumps({"event": "newCall", "call_id": "pbx-77", "direction": "in",
                             "caller": "8 (913) 123-45-67", "callee": "+73833630462"}).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            assert response.status == 200
        call = Call.objects.get(external_id="pbx-77")
        popup = self.page.wait_for_selector(f"#popup-call-{call.pk}", timeout=10_000)
        assert "Иван Иванов" in popup.inner_text()
        assert f"#{ticket.pk}" in popup.inner_text()
        self.shot("05-cti-popup")
        self.page.click(f"#log-to-{ticket.pk}")
        self.page.wait_for_selector("#conversation")
        call.refresh_from_db()
        assert call.ticket_id == ticket.pk and call.message_id is not None
        assert Message.objects.get(pk=call.message_id).channel == "phone"
        assert "Звонок записан" in self.page.locator(".messages").inner_text()
        self.shot("06-ticket-with-call")
        self.page.goto(self.live_server_url + "/agent/phone/calls/new/?number=%2B73832223344")
        self.shot("07-log-a-call")
