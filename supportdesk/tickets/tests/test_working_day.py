"""Issue 13 ("a working day without surprises"), the ticket items: ending a ticket nobody
answered, reopening, merging and publishing only after confirmation, waiting for a release
with the customer told, and a phone-only ticket's contacts and reply errors."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from supportdesk.catalog.models import Release
from supportdesk.customers.models import CustomerEmail, CustomerPhone
from supportdesk.customers.services import customer_for_phone
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_flush
from supportdesk.replies.services import ticket_reply, ticket_wait_for_release
from supportdesk.replies.tests.helpers import html_part, parsed, smtp_to, text_part
from supportdesk.test import PASSWORD, BaseTestCase
from supportdesk.testing.servers import SmtpSink
from supportdesk.tickets import services, services_checklist, services_merge
from supportdesk.tickets.models import Message, Status, StatusChange, Ticket


class EndingUnansweredTicketsTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket()
        self.client.login(username="alice", password=PASSWORD)

    def url(self, name: str, pk: int | None = None) -> str:
        return reverse(f"tickets:{name}", args=[pk or self.ticket.pk])

    def test_service_refuses_without_confirmation_and_reason(self):
        for status in (Status.SOLVED, Status.CLOSED):
            with pytest.raises(services.ConfirmationRequired):
                services.ticket_set_status(ticket=self.ticket, status=status, by_user=self.alice)
            with pytest.raises(services.ConfirmationRequired):
                services.ticket_set_status(ticket=self.ticket, status=status, by_user=self.alice, confirmed=True,
                                           reason="  ")
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.NEW
        services.ticket_set_status(ticket=self.ticket, status=Status.CLOSED, by_user=self.alice, confirmed=True,
                                   reason="the customer withdrew the request by phone")
        change = StatusChange.objects.filter(ticket=self.ticket).last()
        assert (change.to_status, change.reason) == (Status.CLOSED, "the customer withdrew the request by phone")

    def test_answered_ticket_closes_without_a_question(self):
        ticket_reply(ticket=self.ticket, author=self.alice, text="Исправлено в 6.3, обновитесь.")
        services.ticket_set_status(ticket=self.ticket, status=Status.SOLVED, by_user=self.alice)
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.SOLVED

    def test_close_button_shows_a_confirmation_page_then_records_the_reason(self):
        asked = self.client.post(self.url("status"), {"status": "closed"})
        assert asked.status_code == 200
        page = asked.content.decode()
        assert 'id="confirm-form"' in page and 'name="reason"' in page and 'name="status" value="closed"' in page
        assert "не было публичного ответа" in page  # Russian by default
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.NEW
        # Confirming without a reason is refused again, with the reason asked for.
        again = self.client.post(self.url("status"), {"status": "closed", "confirm": "1", "reason": ""})
        assert again.status_code == 200 and 'id="confirm-error"' in again.content.decode()
        done = self.client.post(self.url("status"), {"status": "closed", "confirm": "1", "reason": "дубль звонка"})
        assert done.status_code == 302
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.CLOSED
        assert StatusChange.objects.filter(ticket=self.ticket, to_status=Status.CLOSED, reason="дубль звонка").exists()

    def test_agent_reopens_a_closed_ticket_and_it_is_logged(self):
        services.ticket_set_status(ticket=self.ticket, status=Status.CLOSED, by_user=self.alice, confirmed=True,
                                   reason="closed by mistake")
        page = self.client.get(self.url("detail")).content.decode()
        assert 'id="reopen-form"' in page
        response = self.client.post(self.url("reopen"), {"reason": "закрыто по ошибке"})
        assert response.status_code == 302
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.OPEN and self.ticket.closed_at is None
        # The customer's message is still unanswered: the reply clock runs again.
        assert self.ticket.reply_due_at is not None
        event = self.ticket.messages.get(event="reopened")
        assert event.author_user == self.alice and event.event_data == {"from": "closed", "reason": "закрыто по ошибке"}
        assert StatusChange.objects.filter(ticket=self.ticket).last().to_status == Status.OPEN

    def test_an_open_or_merged_ticket_cannot_be_reopened(self):
        with pytest.raises(services.InvalidAction):
            services.ticket_reopen(ticket=self.ticket, by_user=self.alice)
        target = self.make_ticket(subject="основное")
        services_merge.ticket_merge(source=self.ticket, target=target, by_user=self.alice, confirmed=True)
        self.ticket = services.ticket_forget(self.ticket)  # the test's one transaction holds the old instance
        with pytest.raises(services.InvalidAction, match=f"#{target.pk}"):
            services.ticket_reopen(ticket=self.ticket, by_user=self.alice)

    def test_merge_asks_first(self):
        dup = self.make_ticket(subject="Дубль про титры")
        with pytest.raises(services.ConfirmationRequired):
            services_merge.ticket_merge(source=dup, target=self.ticket, by_user=self.alice)
        asked = self.client.post(self.url("merge", dup.pk), {"target": self.ticket.pk})
        assert asked.status_code == 200
        page = asked.content.decode()
        assert f'name="target" value="{self.ticket.pk}"' in page and "Дубль про титры" in page
        dup.refresh_from_db()
        assert dup.merged_into is None and dup.status == Status.NEW
        done = self.client.post(self.url("merge", dup.pk), {"target": self.ticket.pk, "confirm": "1"})
        assert done.status_code == 302
        dup.refresh_from_db()
        assert dup.merged_into == self.ticket


class WaitForReleaseTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.release = Release.objects.create(product=self.products["forward-ts"], version="6.3.0",
                                              planned_for=date(2026, 12, 14))

    def test_customer_is_told_which_release_and_when_in_their_language(self):
        ticket = self.make_ticket()
        self.client.login(username="alice", password=PASSWORD)
        self.client.post(reverse("replies:wait_release", args=[ticket.pk]), {"release": self.release.pk})
        ticket.refresh_from_db()
        assert ticket.status == Status.WAITING_RELEASE and ticket.waiting_release == self.release
        english = self.make_ticket(subject="No titles")
        Ticket.objects.filter(pk=english.pk).update(language="en")
        english.refresh_from_db()
        ticket_wait_for_release(ticket=english, release=self.release, author=self.alice)
        assert OutgoingMail.objects.filter(kind="waiting_release").count() == 2
        with SmtpSink() as sink, smtp_to(sink):
            outbox_flush()
            received = {m.rcpt_tos[0] + str(i): parsed(m.data) for i, m in enumerate(sink.wait_for(2))}
        by_subject = {str(m["Subject"]): m for m in received.values()}
        ru = next(m for s, m in by_subject.items() if f"[#{ticket.pk}]" in s)
        en = next(m for s, m in by_subject.items() if f"[#{english.pk}]" in s)
        assert "Forward TS 6.3.0" in text_part(ru) or "6.3.0" in text_part(ru)
        assert "14 декабря 2026" in text_part(ru) and "14 декабря 2026" in html_part(ru)
        assert "14 December 2026" in text_part(en) and "6.3.0" in text_part(en)
        # The notice is on the conversation, from the agent.
        notice = ticket.messages.get(kind=Message.Kind.OUTGOING)
        assert notice.author_user == self.alice and "6.3.0" in notice.body_text

    def test_phone_only_ticket_waits_without_mail(self):
        customer, _ = customer_for_phone(number="+7 383 222-33-44")
        ticket = services.ticket_create(customer=customer, subject="Звонок", channel="phone")
        ticket_wait_for_release(ticket=ticket, release=self.release, author=self.alice)
        ticket.refresh_from_db()
        assert ticket.status == Status.WAITING_RELEASE
        assert not OutgoingMail.objects.exists()


class PhoneOnlyTicketTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        customer, _ = customer_for_phone(number="+7 383 222-33-44", name="Пётр")
        self.ticket = services.ticket_create(customer=customer, subject="Звонок о титрах", channel="phone")
        self.client.login(username="alice", password=PASSWORD)

    def test_reply_error_is_translated_next_to_the_box_and_the_text_is_kept(self):
        response = self.client.post(reverse("replies:reply", args=[self.ticket.pk]),
                                    {"text": "Добрый день! Пришлите, пожалуйста, версию."})
        assert response.status_code == 200
        page = response.content.decode()
        assert 'id="reply-error"' in page and "нет адреса электронной почты" in page
        assert "has no e-mail address" not in page
        assert "Добрый день! Пришлите, пожалуйста, версию.</textarea>" in page
        assert not self.ticket.messages.filter(kind=Message.Kind.OUTGOING).exists()
        with translation.override("en"):
            with pytest.raises(services.InvalidAction, match="has no e-mail address"):
                ticket_reply(ticket=self.ticket, author=self.alice, text="Hello")

    def test_agent_adds_the_customer_email_and_phone_then_the_reply_goes_out(self):
        response = self.client.post(reverse("tickets:contacts", args=[self.ticket.pk]),
                                    {"email": "Petr@Example.RU", "phone": "8 (913) 555-66-77"})
        assert response.status_code == 302
        self.ticket.refresh_from_db()
        assert self.ticket.contact_email == "petr@example.ru"
        assert CustomerEmail.objects.get(address="petr@example.ru").customer_id == self.ticket.customer_id
        assert set(CustomerPhone.objects.filter(customer_id=self.ticket.customer_id)
                   .values_list("number", flat=True)) == {"+73832223344", "+79135556677"}
        assert self.ticket.messages.get(event="contacts").event_data == {"email": "petr@example.ru",
                                                                          "phone": "+79135556677"}
        ticket_reply(ticket=self.ticket, author=self.alice, text="Добрый день!")
        assert OutgoingMail.objects.get().to_addrs == ["petr@example.ru"] or \
            "petr@example.ru" in str(OutgoingMail.objects.get().to_addrs)

    def test_editing_a_phone_and_refusing_bad_input(self):
        phone = CustomerPhone.objects.get(customer_id=self.ticket.customer_id)
        self.client.post(reverse("tickets:contacts", args=[self.ticket.pk]),
                         {"email": "", "phone": "+7 383 222-33-45", "phone_id": phone.pk})
        phone.refresh_from_db()
        assert phone.number == "+73832223345"
        bad = self.client.post(reverse("tickets:contacts", args=[self.ticket.pk]),
                               {"email": "", "phone": "12"}, follow=True)
        assert bad.status_code == 200
        assert any("12" in str(m) for m in bad.context["messages"])
        taken = self.client.post(reverse("tickets:contacts", args=[self.ticket.pk]),
                                 {"email": "ivanov@tv-sibir.ru"}, follow=True)
        assert any("ivanov@tv-sibir.ru" in str(m) for m in taken.context["messages"])
        self.ticket.refresh_from_db()
        assert self.ticket.contact_email == ""


class RussianTicketPageTests(BaseTestCase):
    """Issue 13 item 15: evidence, events and the bounce banner are worded in the page's language."""

    def test_evidence_events_and_bounce_banner_in_russian(self):
        ticket = self.make_ticket()
        services_checklist.ticket_set_checklist(ticket=ticket, items={"settings": (True, "attachment: FDConfig2.xml")},
                                                source="auto")
        services_checklist.ticket_set_checklist(ticket=ticket, items={"steps": (True, "phone call"),
                                                            "description": (False, "")},
                                                source="agent", by_user=self.alice)
        services.ticket_mark_unreachable(ticket=ticket, reason="ivanov@tv-sibir.ru: Undelivered Mail")
        self.client.login(username="alice", password=PASSWORD)
        page = self.client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
        assert "вложение: FDConfig2.xml" in page and "attachment: FDConfig2.xml" not in page
        assert "сообщено по телефону" in page and ">phone call<" not in page
        assert "пошаговое описание действий, которые приводят к возникновению проблемы: есть" in page
        assert "описание проблемы: нет" in page and "steps: ✔" not in page
        assert "Наше письмо не доставлено: ivanov@tv-sibir.ru: Undelivered Mail" in page
        self.client.cookies["django_language"] = "en"
        english = self.client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
        assert "attachment: FDConfig2.xml" in english and "given in a phone call" in english
        assert "a description of the problem: missing" in english


def test_automatic_mail_events_are_worded_not_coded():
    from supportdesk.tickets.presenters import event_text

    with translation.override("ru"):
        assert event_text("auto_mail_suppressed", {"reason": "daily_limit"}) == (
            "автоматическое письмо не отправлено (исчерпан дневной лимит автоматических писем на этот адрес)")
        assert "от робота" in event_text("ack_skipped", {"reason": "robot"})
        assert "нет адреса эл. почты" in event_text("reminder_skipped", {"reason": "no_address"})
        assert "ошибка записана" in event_text("checklist_failed", {"error": "KeyError('x')"})


class CustomerWithoutPhoneTests(BaseTestCase):
    def test_contacts_form_renders_for_a_customer_without_a_phone(self):
        from supportdesk.customers.services import customer_for_email

        customer = customer_for_email(address="nophone@example.ru")
        ticket = self.make_ticket(customer=customer)
        self.client.login(username="alice", password=PASSWORD)
        response = self.client.get(reverse("tickets:detail", args=[ticket.pk]))
        assert response.status_code == 200
        assert 'id="contact-phone" value=""' in response.content.decode()
