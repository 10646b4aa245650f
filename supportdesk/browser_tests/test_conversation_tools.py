"""Issue 16 items 3, 6 and 8 as an agent does them in Chromium: companies (create, contacts by
domain, search, merge), an outbound e-mail conversation, and splitting a message into a new
ticket. Sent mail is read back from the real SMTP test server, threading headers included."""

from __future__ import annotations

from email import message_from_bytes, policy
from email.message import EmailMessage

from django.test import override_settings
from playwright.sync_api import expect

from supportdesk.audit.models import AuditEntry
from supportdesk.browser_tests.test_workspace import BrowserCase
from supportdesk.customers.models import Company, Customer
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.tests.factory import make_mail
from supportdesk.outbox.services import outbox_flush
from supportdesk.phone.services import CallLog, call_log
from supportdesk.test import PASSWORD, office_time
from supportdesk.testing.servers import SmtpSink
from supportdesk.tickets.models import Message, Status, Ticket


class ConversationToolsTests(BrowserCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = SmtpSink().start()
        self.addCleanup(self.sink.stop)

    def login_as(self, username: str) -> None:
        page = self.page
        page.goto(self.live_server_url + "/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_selector("#queue")

    def flush(self, count: int) -> list[EmailMessage]:
        with override_settings(SMTP_HOST=self.sink.host, SMTP_PORT=self.sink.port):
            outbox_flush()
        received = self.sink.wait_for(count)
        return [message_from_bytes(r.data, policy=policy.default) for r in received]  # type: ignore[misc]

    def drain(self) -> None:
        """Send what the outbox holds (acknowledgments of the intake) and forget it."""
        with override_settings(SMTP_HOST=self.sink.host, SMTP_PORT=self.sink.port):
            outbox_flush()
        self.sink.clear()

    def notice(self, text: str) -> str:
        """The messages at the top of the page once they say ``text``: the page being left may
        show a message of the previous action in the same place."""
        expect(self.page.locator(".messages")).to_contain_text(text)
        return self.page.locator(".messages").inner_text()

    def test_companies_create_contacts_search_and_merge(self):
        ticket = self.make_ticket(subject="Не выводятся титры")  # ivanov@tv-sibir.ru
        self.login_as("sam")
        page = self.page
        page.click("#nav-companies")
        page.click("#company-new")
        page.fill("#id_name", "ТК Сибирь")
        page.fill("#id_domains", "gmail.com")
        page.click("#company-save")
        assert "gmail.com — общедоступная почтовая служба" in page.locator("#company-error").inner_text()
        page.fill("#id_domains", "tv-sibir.ru")
        page.fill("#id_contract_tier", "premium")
        page.fill("#id_notes", "Круглосуточный эфир, договор до 2027 года")
        page.click("#company-save")
        self.notice("Компания сохранена")
        company = Company.objects.get(name="ТК Сибирь")
        # the existing sender from the company's domain joined it, with their open ticket
        assert "ivanov@tv-sibir.ru" in page.locator("#contacts").inner_text()
        assert f"#{ticket.pk}" in page.locator("#open-tickets").inner_text()
        assert page.locator("#company-tier").inner_text() == "premium"
        self.shot("16-company")
        page.fill("#contact-value", "chief@gmail.com")
        page.fill("#contact-name", "Главный инженер")
        page.click("#add-contact")
        expect(page.locator("#contacts")).to_contain_text("Главный инженер")  # the page being left has #contacts too
        # a new sender from the domain joins by itself; one from a public domain never
        ingest_raw(make_mail(sender="petrov@tv-sibir.ru", subject="Звук отстаёт"), source="lmtp", source_uid="p")
        ingest_raw(make_mail(sender="stranger@gmail.com", subject="Вопрос"), source="lmtp", source_uid="s")
        page.reload()
        contacts = page.locator("#contacts").inner_text()
        assert "petrov@tv-sibir.ru" in contacts and "stranger@gmail.com" not in contacts

        page.goto(self.live_server_url + "/agent/companies/new/")
        page.fill("#id_name", "Сибирь ТВ (дубль)")
        page.fill("#id_domains", "sibir-tv.ru")
        page.click("#company-save")
        self.notice("Компания сохранена")
        page.goto(self.live_server_url + "/agent/companies/")
        page.fill("#company-q", "сибирь")
        page.keyboard.press("Enter")
        page.wait_for_url("**q=*")
        assert page.locator("#companies tbody tr").count() == 2
        page.click("text=Сибирь ТВ (дубль)")
        page.fill("#merge-target", "тк сибирь")
        page.click("#merge-company")
        page.wait_for_selector("text=отменить это нельзя")
        self.shot("17-company-merge-confirm")
        page.click("button[type=submit]:has-text('Объединить')")
        self.notice("Компании объединены")
        assert page.locator("#company-name").inner_text() == "ТК Сибирь"
        assert "sibir-tv.ru" in page.locator("#company-domains").inner_text()
        assert Company.objects.count() == 1
        assert AuditEntry.objects.filter(action=AuditEntry.Action.COMPANY_MERGE, actor_name="sam").count() == 1

        page.goto(self.live_server_url + f"/agent/tickets/{ticket.pk}/")
        side = page.locator("#ticket-company").inner_text()
        assert "ТК Сибирь" in side and "premium" in side
        page.click("#ticket-company a")
        page.wait_for_selector("#company-name")
        assert page.url.endswith(f"/agent/companies/{company.pk}/")

    def test_outbound_conversation_from_the_company_page_threads_the_answer(self):
        self.login_as("alice")
        page = self.page
        page.goto(self.live_server_url + "/agent/companies/new/")
        page.fill("#id_name", "ТК Сибирь")
        page.fill("#id_domains", "tv-sibir.ru")
        page.click("#company-save")
        self.notice("Компания сохранена")
        page.click("#company-write")
        page.fill("#id_to", "chief@tv-sibir.ru")
        page.fill("#id_name", "Главный инженер")
        page.fill("#id_subject", "Плановое обновление Forward TS 5.1")
        page.fill("#id_text", "Здравствуйте! Предлагаем обновить Forward TS до 5.1 в эту среду ночью.")
        self.shot("18-outbound")
        page.click("#outbound-send")
        self.notice("Письмо отправлено")
        ticket = Ticket.objects.get(subject="Плановое обновление Forward TS 5.1")
        assert page.url.endswith(f"/agent/tickets/{ticket.pk}/")
        assert page.locator("#ticket-status").inner_text() == "ждёт клиента"
        assert ticket.reply_due_at is None and ticket.reply_pending_since is None
        assert Customer.objects.get(emails__address="chief@tv-sibir.ru").company.name == "ТК Сибирь"

        [first] = self.flush(1)
        assert first["To"] == "chief@tv-sibir.ru" and first["In-Reply-To"] is None
        assert first["Subject"] == f"[#{ticket.pk}] Плановое обновление Forward TS 5.1"
        ours = first["Message-ID"].strip("<>")

        answer = make_mail(sender="chief@tv-sibir.ru", subject=f"Re: [#{ticket.pk}] Плановое обновление",
                           body="Согласны, в среду в 02:00.", message_id="answer.1@tv-sibir.ru",
                           in_reply_to=ours, references=f"<{ours}>")
        assert ingest_raw(answer, source="lmtp", source_uid="a1").ticket_id == ticket.pk
        page.reload()
        assert "Согласны, в среду в 02:00." in page.locator("#conversation").inner_text()
        ticket.refresh_from_db()
        assert ticket.status == Status.OPEN and ticket.reply_due_at is not None

        self.drain()
        page.fill("#reply-text", "Отлично, ждём вас на связи.")
        page.click("#send-reply")
        self.notice("Ответ отправлен")
        [reply] = self.flush(1)
        assert reply["In-Reply-To"].strip("<>") == "answer.1@tv-sibir.ru"
        assert ours in reply["References"] and "answer.1@tv-sibir.ru" in reply["References"]
        assert reply["Subject"] == f"Re: [#{ticket.pk}] Плановое обновление Forward TS 5.1"

    def test_outbound_from_a_phone_ticket(self):
        phone_ticket = self.make_ticket(subject="Звонок: нет звука")
        call_log(agent=self.alice, ticket=phone_ticket,
                 log=CallLog(direction="in", number="+7 913 123-45-67", summary="Нет звука"))
        self.login_as("alice")
        page = self.page
        page.goto(self.live_server_url + f"/agent/tickets/{phone_ticket.pk}/")
        page.click("#write-email")
        assert page.input_value("#id_to") == "ivanov@tv-sibir.ru"
        assert page.input_value("#id_subject") == "Звонок: нет звука"
        page.fill("#id_subject", "Инструкция по настройке звука")
        page.fill("#id_text", "Как договорились по телефону, высылаем инструкцию.")
        page.select_option("#id_after", "open")
        page.click("#outbound-send")
        self.notice("Письмо отправлено")
        new = Ticket.objects.get(subject="Инструкция по настройке звука")
        assert new.status == Status.OPEN and new.reply_due_at is None
        assert f"#{phone_ticket.pk}" in page.locator("#conversation .event-ticket").inner_text()
        page.click("#conversation .event-ticket")
        page.wait_for_url(f"**/agent/tickets/{phone_ticket.pk}/")
        assert f"#{new.pk}" in page.locator("#conversation").inner_text()
        [mail] = self.flush(1)
        assert mail["To"] == "ivanov@tv-sibir.ru" and mail["In-Reply-To"] is None

    def test_split_a_message_into_a_new_ticket(self):
        first = ingest_raw(make_mail(message_id="q1@tv-sibir.ru", subject="Не выводятся титры"),
                           source="lmtp", source_uid="q1", received_at=office_time(2026, 3, 2, 10))
        ticket = Ticket.objects.get(pk=first.ticket_id)
        ingest_raw(make_mail(message_id="q2@tv-sibir.ru", subject=f"Re: [#{ticket.pk}] Не выводятся титры",
                             in_reply_to="q1@tv-sibir.ru",
                             body="И ещё: в Forward TS 5.0.3 не сохраняется плейлист после перезапуска."),
                   source="lmtp", source_uid="q2", received_at=office_time(2026, 3, 2, 12))
        second = Message.objects.get(message_id="q2@tv-sibir.ru")
        self.login_as("alice")
        page = self.page
        page.goto(self.live_server_url + f"/agent/tickets/{ticket.pk}/")
        box = page.locator(f"#split-{second.pk}")
        box.locator("summary").click()
        box.locator("input[name=subject]").fill("Не сохраняется плейлист")
        self.shot("19-split")
        box.locator("button[type=submit]").click()
        self.notice("Сообщение выделено в обращение")
        new = Ticket.objects.get(subject="Не сохраняется плейлист")
        assert page.url.endswith(f"/agent/tickets/{new.pk}/")
        conversation = page.locator("#conversation").inner_text()
        assert "плейлист после перезапуска" in conversation and f"#{ticket.pk}" in conversation
        assert page.locator("#check-version .yes").count() == 1  # evaluated on the moved message
        assert new.reply_due_at is not None and new.reply_pending_since == office_time(2026, 3, 2, 12)

        # the only customer message of the new ticket cannot be split off again
        page.locator(f"#split-{second.pk} summary").click()
        page.locator(f"#split-{second.pk} button[type=submit]").click()
        self.notice("единственное сообщение клиента")
        assert Ticket.objects.count() == 2 and Message.objects.get(pk=second.pk).ticket_id == new.pk

        self.drain()
        page.fill("#reply-text", "Исправлено в 5.0.4, обновитесь, пожалуйста.")
        page.click("#send-reply")
        self.notice("Ответ отправлен")
        [reply] = self.flush(1)
        assert reply["In-Reply-To"].strip("<>") == "q2@tv-sibir.ru"
        assert reply["Subject"] == f"Re: [#{new.pk}] Не сохраняется плейлист"

        page.click("#conversation .event-ticket")
        page.wait_for_url(f"**/agent/tickets/{ticket.pk}/")
        assert f"#{new.pk}" in page.locator("#conversation").inner_text()
        assert "плейлист после перезапуска" not in page.locator("#conversation").inner_text()
