"""Outbound tickets (issue 16 item 6): our mail is the first message, no reply clock runs until
the customer answers, and the answer threads into the ticket."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from supportdesk.customers.companies import CompanyData, company_save
from supportdesk.customers.models import Customer
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.tests.factory import make_mail
from supportdesk.outbox.models import OutgoingMail
from supportdesk.phone.services import CallLog, call_log
from supportdesk.replies.outbound import Outbound, ticket_start_outbound
from supportdesk.test import BaseTestCase
from supportdesk.tickets.models import Message, Status, Ticket
from supportdesk.tickets.services import InvalidAction


class OutboundTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.enterContext(translation.override("en"))

    def draft(self, **fields) -> Outbound:
        values = {"to": "chief@tv-sibir.ru", "subject": "Обновление 5.1 для вашего эфира",
                  "text": "Здравствуйте! Вышла версия 5.1, в ней исправлены титры."} | fields
        return Outbound(**values)

    def test_first_message_is_ours_and_no_clock_runs_until_the_customer_answers(self):
        company = company_save(company=None, data=CompanyData(name="ТК Сибирь"), by_user=self.alice)
        ticket = ticket_start_outbound(author=self.alice, draft=self.draft(name="Главный инженер"), company=company)
        assert ticket.status == Status.WAITING_CUSTOMER and ticket.channel == "email"
        assert ticket.reply_pending_since is None and ticket.reply_due_at is None
        assert ticket.contact_email == "chief@tv-sibir.ru"
        chief = Customer.objects.get(emails__address="chief@tv-sibir.ru")
        assert chief.name == "Главный инженер" and chief.company == company
        first = ticket.messages.exclude(kind=Message.Kind.EVENT).get()
        assert first.kind == Message.Kind.OUTGOING and first.author_user == self.alice and not first.in_reply_to
        mail = OutgoingMail.objects.get(ref=f"ticket:{ticket.pk}")
        parsed = message_from_bytes(bytes(mail.raw), policy=policy.default)
        assert parsed["Subject"] == f"[#{ticket.pk}] Обновление 5.1 для вашего эфира"  # no "Re:"
        assert parsed["In-Reply-To"] is None and parsed["References"] is None
        assert mail.to_addrs == "chief@tv-sibir.ru" and not mail.is_automatic

        answer = make_mail(sender="chief@tv-sibir.ru", subject=f"Re: [#{ticket.pk}] Обновление 5.1",
                           body="Спасибо, обновим ночью.", in_reply_to=mail.message_id,
                           references=f"<{mail.message_id}>")
        result = ingest_raw(answer, source="lmtp", source_uid="answer-1")
        assert result.ticket_id == ticket.pk and not result.opened_ticket
        ticket.refresh_from_db()
        assert ticket.status == Status.OPEN and ticket.reply_pending_since is not None
        assert ticket.reply_due_at is not None

    def test_threads_by_message_id_alone(self):
        ticket = ticket_start_outbound(author=self.alice, draft=self.draft(), customer=self.customer)
        mail = OutgoingMail.objects.get(ref=f"ticket:{ticket.pk}")
        answer = make_mail(sender="chief@tv-sibir.ru", subject="Re: обновление", body="Ок.",
                           in_reply_to=mail.message_id)
        assert ingest_raw(answer, source="lmtp", source_uid="answer-2").ticket_id == ticket.pk

    def test_from_a_phone_ticket(self):
        phone_ticket = self.make_ticket(subject="Звонок: нет звука")
        call_log(agent=self.alice, ticket=phone_ticket,
                 log=CallLog(direction="in", number="+7 913 123-45-67", summary="Нет звука на выходе"))
        ticket = ticket_start_outbound(author=self.alice, draft=self.draft(to="ivanov@tv-sibir.ru", wait_for_customer=False),
                                       customer=self.customer, from_ticket=phone_ticket)
        assert ticket.status == Status.OPEN and ticket.reply_due_at is None and ticket.customer == self.customer
        assert ticket.messages.get(event="outbound_from").event_data == {"ticket": phone_ticket.pk}
        assert phone_ticket.messages.get(event="outbound_started").event_data["ticket"] == ticket.pk

    def test_a_new_address_of_a_phone_customer_becomes_theirs(self):
        caller = Customer.objects.create(name="Звонивший")
        ticket = ticket_start_outbound(author=self.alice, draft=self.draft(to="caller@mail.ru"), customer=caller)
        assert ticket.customer == caller and caller.emails.get().address == "caller@mail.ru"
        assert caller.company is None

    def test_refusals_write_nothing(self):
        before = (Ticket.objects.count(), OutgoingMail.objects.count())
        for fields, message in (({"to": "not-an-address"}, "To: “not-an-address” is not an e-mail address"),
                                ({"to": "forward@softlab.tv"}, "To: forward@softlab.tv is our own address"),
                                ({"subject": "  "}, "Subject: an e-mail needs a subject"),
                                ({"text": ""}, "Text: an empty e-mail cannot be sent")):
            with pytest.raises(InvalidAction, match=message):
                ticket_start_outbound(author=self.alice, draft=self.draft(**fields))
        with pytest.raises(PermissionDenied):
            ticket_start_outbound(author=self.bob, draft=self.draft())
        assert (Ticket.objects.count(), OutgoingMail.objects.count()) == before
