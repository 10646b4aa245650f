"""Canned answers, macros and signatures as an agent uses them, in a real browser, with the
sent mail read back from a real SMTP server."""

from __future__ import annotations

from django.test import override_settings
from playwright.sync_api import expect

from supportdesk.browser_tests.test_workspace import BrowserCase
from supportdesk.catalog.models import Brand, Release
from supportdesk.outbox.services import outbox_flush
from supportdesk.replies.models import CannedResponse, Signature
from supportdesk.replies.tests.helpers import html_part, parsed, text_part
from supportdesk.testing.servers import SmtpSink
from supportdesk.testing.smtp import sink_for_test
from supportdesk.tickets import services_checklist
from supportdesk.tickets.models import Status, Ticket


class CannedAnswerTests(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = sink_for_test(self)
        self.product = self.products["forward-ts"]
        Release.objects.create(product=self.product, version="6.10.0", status=Release.Status.PUBLISHED,
                               download_url="https://softlab.tv/download/6.10.0")

    def open_ticket(self, ticket: Ticket) -> None:
        self.login()
        self.page.goto(f"{self.live_server_url}/agent/tickets/{ticket.pk}/")
        self.page.wait_for_selector("#reply-form")

    def test_keyboard_picker_filters_and_inserts_the_filled_answer_which_is_sent(self):
        ticket = self.make_ticket(subject="Титры пропадают")
        services_checklist.ticket_set_product(ticket=ticket, product=self.product, version="6.2", by_user=self.alice)
        CannedResponse.objects.create(title="Обновите до текущей версии", body=(
            "{customer_name}, обновите {product} {version} до {current_release}: {download_link}"))
        CannedResponse.objects.create(title="Пришлите логи", body="Пришлите, пожалуйста, логи.")
        CannedResponse.objects.create(title="Чужой шаблон", body="не для Алисы", owner=self.sam)
        self.open_ticket(ticket)
        page = self.page
        page.click("#reply-text")
        page.keyboard.type("Добрый день! ")
        page.keyboard.press("Control+k")
        page.wait_for_selector("#canned-search:focus")
        page.wait_for_selector("#canned-results [data-canned]")
        titles = page.locator("#canned-results [data-canned] strong").all_inner_texts()
        assert "Чужой шаблон" not in titles and len(titles) == 2
        page.keyboard.type("обнов")
        expect(page.locator("#canned-results [data-canned]")).to_have_count(1)
        self.shot("canned-01-picker")
        page.keyboard.press("Enter")
        assert page.locator("#canned-picker").is_hidden()
        assert page.evaluate("document.activeElement.id") == "reply-text"
        expected = ("Добрый день! Иван Иванов, обновите Forward TS 6.2 до 6.10.0: https://softlab.tv/download/6.10.0"
                    .replace("Forward TS", self.product.name))
        assert page.input_value("#reply-text") == expected
        page.click("#send-reply")
        page.wait_for_selector(".messages li")
        outbox_flush()
        mail = parsed(self.sink.wait_for(1)[0].data)
        assert expected in text_part(mail)
        assert "https://softlab.tv/download/6.10.0" in html_part(mail)

    def test_escape_closes_the_picker_and_an_unfillable_answer_is_flagged(self):
        ticket = self.make_ticket()  # no product: {current_release} has no value
        CannedResponse.objects.create(title="Текущая версия", body="Текущая версия: {current_release}.")
        self.open_ticket(ticket)
        page = self.page
        page.keyboard.press("c")
        page.wait_for_selector("#canned-results [data-canned]")
        page.keyboard.press("Escape")
        assert page.locator("#canned-picker").is_hidden()
        page.click("#canned-open")
        page.wait_for_selector("#canned-results [data-canned]")
        page.keyboard.press("Enter")
        assert page.input_value("#reply-text") == "Текущая версия: {current_release}."
        assert "{current_release}" in page.locator("#canned-note").inner_text()
        page.click("#send-reply")
        error = page.wait_for_selector("#reply-error")
        assert "{current_release}" in error.inner_text()
        assert page.input_value("#reply-text") == "Текущая версия: {current_release}."  # the text is kept
        assert not ticket.messages.filter(kind="outgoing").exists()

    def test_a_macro_replies_and_changes_status_and_assignee_in_one_click(self):
        ticket = self.make_ticket(subject="Звук отстаёт")
        CannedResponse.objects.create(title="Решено: обновление", body="{customer_name}, исправлено в {product}.",
                                      set_status=CannedResponse.SetStatus.SOLVED, assign=CannedResponse.Assign.ME,
                                      set_product=self.product)
        self.open_ticket(ticket)
        page = self.page
        page.keyboard.press("Control+k")
        page.keyboard.type("решено")
        page.wait_for_selector("#canned-results [data-macro='1']")
        page.keyboard.press("Enter")
        assert page.locator("#macro-armed").is_visible()
        assert page.locator("#send-reply").is_hidden()
        assert "решено" in page.locator("#macro-actions").inner_text().lower()
        page.fill("#reply-text", page.input_value("#reply-text") + " Спасибо!")
        self.shot("canned-02-macro-armed")
        page.click("#send-macro")
        page.wait_for_selector(".messages li")
        assert page.locator("#ticket-status").inner_text() == "решено"
        self.shot("canned-03-macro-applied")
        ticket.refresh_from_db()
        assert ticket.status == Status.SOLVED and ticket.assignee == self.alice and ticket.product == self.product
        outbox_flush()
        mail = parsed(self.sink.wait_for(1)[0].data)
        assert f"Иван Иванов, исправлено в {self.product.name}. Спасибо!" in text_part(mail)


class SignatureTests(BrowserCase):
    def test_agent_and_brand_signatures_edited_in_the_app_are_in_both_parts_of_the_mail(self):
        sink = SmtpSink().start()
        self.addCleanup(sink.stop)
        product = self.products["forward-ts"]
        ticket = self.make_ticket(subject="Нет сигнала")
        services_checklist.ticket_set_product(ticket=ticket, product=product, version="6.2", by_user=self.alice)
        page = self.page
        # the supervisor writes the brand's signature
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", "sam")
        page.fill("#id_password", "correct horse battery staple")
        page.click("#login-submit")
        page.wait_for_selector("#queue")
        page.click("#nav-signatures")
        brand = Brand.objects.get(pk=product.brand_id)
        form = f"#signature-brand-{brand.pk}"
        page.fill(f"{form} textarea[name$='-text']", "Служба поддержки {product}\nhttps://softlab.tv/support")
        page.click(f"#save-brand-{brand.pk}")
        page.wait_for_selector(".messages li")
        # an unknown placeholder is refused, naming it
        page.fill("#signature-mine textarea[name='mine-text']", "{agent_nmae}")
        page.click("#save-mine")
        assert "{agent_nmae}" in page.wait_for_selector("#error-mine-text").inner_text()
        page.click("#logout")
        page.wait_for_url("**/login/")  # logged out before the next log-in's page is asked for
        # the agent writes her own, then replies
        self.login()
        page.click("#nav-signatures")
        page.fill("#signature-mine textarea[name='mine-text']", "{agent_name}, инженер\nтел. доб. 204")
        page.click("#save-mine")
        page.wait_for_selector(".messages li")
        self.shot("signature-01-page")
        assert Signature.objects.get(user=self.alice).text == "{agent_name}, инженер\nтел. доб. 204"
        page.goto(f"{self.live_server_url}/agent/tickets/{ticket.pk}/")
        with override_settings(SMTP_HOST=sink.host, SMTP_PORT=sink.port):
            page.fill("#reply-text", "Проверьте кабель SDI.")
            page.click("#send-reply")
            page.wait_for_selector(".messages li")
            outbox_flush()
            mail = parsed(sink.wait_for(1)[0].data)
        text, html = text_part(mail).replace("\r\n", "\n"), html_part(mail)
        assert f"Проверьте кабель SDI.\n\n--\nАлиса, инженер\nтел. доб. 204\nСлужба поддержки {product.name}\n" \
               "https://softlab.tv/support\n" in text
        assert "Алиса, инженер<br>тел. доб. 204" in html
        assert f"Служба поддержки {product.name}<br>" in html
        assert '<a href="https://softlab.tv/support"' in html
