"""Issue 13 in a real browser: ending an unanswered ticket, merging and publishing go through a
confirmation page; a reply on a phone-only ticket fails in the reply box, in Russian, with
the typed text kept, and the agent adds the address right there."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from supportdesk.browser_tests.test_workspace import BrowserCase
from supportdesk.catalog.models import Release
from supportdesk.customers.services import customer_for_phone
from supportdesk.outbox.models import OutgoingMail
from supportdesk.testing.servers import chromium_available
from supportdesk.tickets import services
from supportdesk.tickets.models import Message, Status, StatusChange, Ticket

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")


class ConfirmationTests(BrowserCase):
    def test_closing_an_unanswered_ticket_asks_for_a_reason(self):
        ticket = self.make_ticket(subject="Не выводятся титры")
        self.login()
        page = self.page
        page.goto(f"{self.live_server_url}/agent/tickets/{ticket.pk}/")
        assert "при решении или закрытии потребуется указать причину" in page.locator("#unanswered-note").inner_text()
        page.click("#close")
        page.wait_for_selector("#confirm-form")
        assert "не было публичного ответа" in page.locator("#confirm-question").inner_text()
        self.shot("13-close-confirm")
        assert Ticket.objects.get(pk=ticket.pk).status == Status.NEW  # nothing happened yet
        page.click("#confirm-yes")  # the browser refuses an empty required reason
        assert page.locator("#confirm-form").is_visible()
        page.fill("#confirm-reason", "Клиент сообщил по телефону, что вопрос снят")
        page.click("#confirm-yes")
        page.wait_for_selector("#reopen-form")
        assert page.locator("#ticket-status").inner_text() == "закрыто"
        change = StatusChange.objects.filter(ticket=ticket).last()
        assert (change.to_status, change.reason) == (Status.CLOSED, "Клиент сообщил по телефону, что вопрос снят")
        # The closed page has an action: reopen, logged.
        page.fill("#reopen-form input[name=reason]", "Клиент перезвонил")
        page.click("#reopen-closed")
        page.wait_for_selector("#reply-form")
        assert page.locator("#ticket-status").inner_text() == "в работе"
        assert "открыто заново" in page.locator("#conversation").inner_text()
        self.shot("14-reopened")

    def test_merge_asks_before_moving_messages(self):
        target = self.make_ticket(subject="Нет звука на выходе")
        duplicate = self.make_ticket(subject="Нет звука (повторно)")
        self.login()
        page = self.page
        page.goto(f"{self.live_server_url}/agent/tickets/{duplicate.pk}/")
        page.fill("#merge-form input[name=target]", str(target.pk))
        page.click("#merge-form button")
        page.wait_for_selector("#confirm-form")
        question = page.locator("#confirm-question").inner_text()
        assert f"#{duplicate.pk}" in question and f"#{target.pk}" in question and "отменить это нельзя" in question
        assert Ticket.objects.get(pk=duplicate.pk).merged_into_id is None
        page.click("#confirm-cancel")
        page.wait_for_selector("#merge-form")
        assert Ticket.objects.get(pk=duplicate.pk).merged_into_id is None
        page.fill("#merge-form input[name=target]", str(target.pk))
        page.click("#merge-form button")
        page.click("#confirm-yes")
        page.wait_for_selector(".messages li")
        assert Ticket.objects.get(pk=duplicate.pk).merged_into_id == target.pk
        assert f"/tickets/{target.pk}/" in page.url

    def test_publishing_a_release_shows_how_many_customers_are_mailed(self):
        release = Release.objects.create(product=self.products["forward-ts"], version="6.3.0",
                                         planned_for=date(2026, 12, 14))
        for subject in ("Титры", "Звук"):
            services.ticket_set_status(ticket=self.make_ticket(subject=subject), status=Status.WAITING_RELEASE,
                                       release=release, by_user=self.alice)
        self.page.goto(self.live_server_url + "/login/")
        self.page.fill("#id_username", "sam")
        self.page.fill("#id_password", "correct horse battery staple")
        self.page.click("#login-submit")
        self.page.wait_for_selector("#queue")
        self.page.goto(self.live_server_url + "/releases/")
        self.page.click("#releases form button")
        self.page.wait_for_selector("#confirm-form")
        question = self.page.locator("#confirm-question").inner_text()
        # Both tickets belong to one customer: one customer is mailed, once per ticket.
        assert "6.3.0" in question and "(2)" in question and "1 клиенту" in question
        release.refresh_from_db()
        assert release.status == Release.Status.PLANNED
        self.page.click("#confirm-yes")
        self.page.wait_for_selector(".messages li")
        release.refresh_from_db()
        assert release.status == Release.Status.PUBLISHED
        assert OutgoingMail.objects.filter(kind="release").count() == 2


class PhoneOnlyReplyTests(BrowserCase):
    def test_error_is_in_the_reply_box_in_russian_and_the_text_is_kept(self):
        customer, _ = customer_for_phone(number="+7 383 222-33-44", name="Пётр Сидоров")
        ticket = services.ticket_create(customer=customer, subject="Звонок: нет титров", channel="phone")
        self.login()
        page = self.page
        page.goto(f"{self.live_server_url}/agent/tickets/{ticket.pk}/")
        text = "Пётр, добрый день! Обновите, пожалуйста, драйвер до 4.2."
        page.fill("#reply-text", text)
        page.click("#send-reply")
        error = page.wait_for_selector("#reply-error")
        assert "нет адреса электронной почты" in error.inner_text()
        assert "has no e-mail address" not in page.content()
        assert page.input_value("#reply-text") == text
        # Shown where the agent is looking: the error is inside the visible viewport, next to the box.
        assert error.is_visible() and page.evaluate(
            "() => { const r = document.getElementById('reply-error').getBoundingClientRect();"
            " return r.top >= 0 && r.bottom <= window.innerHeight; }")
        self.shot("15-phone-only-reply-error")
        # The agent adds the address on the ticket page; the same text then goes out.
        page.fill("#contact-email", "sidorov@example.ru")
        page.click("#save-contacts")
        page.wait_for_selector(".messages li")
        assert Ticket.objects.get(pk=ticket.pk).contact_email == "sidorov@example.ru"
        page.fill("#reply-text", text)
        page.click("#send-reply")
        # The page being left says "Contacts saved." in a success message already.
        expect(page.locator(".messages li.success")).to_contain_text("Ответ отправлен")
        assert Message.objects.filter(ticket=ticket, kind=Message.Kind.OUTGOING, body_text__contains="4.2").exists()
