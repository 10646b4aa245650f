from __future__ import annotations

from django.urls import reverse

from supportdesk.customers.models import CustomerPhone
from supportdesk.phone.models import Call
from supportdesk.phone.services import CallLog, call_log
from supportdesk.test import PASSWORD, BaseTestCase, office_time
from supportdesk.tickets.models import Message, Status, Ticket


class CallLogTests(BaseTestCase):
    def test_new_number_creates_customer_and_phone_ticket_with_checklist(self):
        log = CallLog(direction="in", number="8 (383) 222-33-44", name="Пётр", subject="Нет звука",
                      summary="Пропал звук на канале 2", checklist={"description": True, "steps": False,
                                                                   "version": True, "settings": False})
        call = call_log(agent=self.alice, log=log, at=office_time(2026, 3, 2, 11))
        ticket = call.ticket
        assert ticket.channel == "phone" and ticket.subject == "Нет звука"
        assert CustomerPhone.objects.get(number="+73832223344").customer == ticket.customer
        assert ticket.customer.name == "Пётр"
        ticket.refresh_from_db()
        assert ticket.reply_due_at is not None  # the request waits for an answer
        assert ticket.checklist["description"]["present"] and not ticket.checklist["steps"]["present"]
        assert ticket.checklist["version"]["source"] == "agent"
        assert call.after_hours is False

    def test_answered_call_stops_the_reply_clock(self):
        ticket = self.make_ticket(at=office_time(2026, 3, 2, 10))
        assert ticket.reply_due_at is not None
        call_log(agent=self.alice, ticket=ticket, at=office_time(2026, 3, 2, 12),
                 log=CallLog(direction="out", number="+7 913 123-45-67", summary="Объяснил настройку",
                             answered=True))
        ticket.refresh_from_db()
        assert ticket.reply_due_at is None and ticket.first_response_at == office_time(2026, 3, 2, 12)
        message = ticket.messages.get(kind=Message.Kind.CALL)
        assert message.answers_customer and message.body_text == "Объяснил настройку"

    def test_unanswered_incoming_call_reopens_a_waiting_ticket(self):
        ticket = self.make_ticket()
        from supportdesk.tickets.services import ticket_set_status
        ticket_set_status(ticket=ticket, status=Status.WAITING_CUSTOMER)
        call_log(agent=self.alice, ticket=ticket, log=CallLog(direction="in", number="+79131234567",
                                                              summary="Прислал версию по телефону: 7.2"))
        ticket.refresh_from_db()
        assert ticket.status == Status.OPEN and ticket.reply_due_at is not None

    def test_after_hours_call_is_marked(self):
        call = call_log(agent=self.alice, at=office_time(2026, 3, 7, 22),  # Saturday night
                        log=CallLog(direction="in", number="+79131234567", summary="Срочно"))
        assert call.after_hours is True
        assert call.ticket.customer == self.customer  # found by number
        first = call.ticket.messages.get(kind=Message.Kind.INCOMING)
        assert first.event_data["after_hours"] is True

    def test_a_call_is_logged_once(self):
        call = call_log(agent=self.alice, log=CallLog(direction="in", number="+79131234567", summary="x"))
        with self.assertRaises(ValueError):
            call_log(agent=self.alice, call=call, log=CallLog(direction="in", number="+79131234567", summary="y"))

    def test_log_a_call_page(self):
        self.client.login(username="alice", password=PASSWORD)
        assert self.client.get(reverse("phone:call_new")).status_code == 200
        response = self.client.post(reverse("phone:call_new"), {
            "direction": "in", "number": "не номер", "subject": "x"})
        assert response.status_code == 200 and Ticket.objects.count() == 0
        response = self.client.post(reverse("phone:call_new"), {
            "direction": "in", "number": "+7 913 123-45-67", "subject": "Вопрос по лицензии",
            "summary": "Спрашивает про ключ", "check_description": "on"})
        ticket = Ticket.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(f"/tickets/{ticket.pk}/")
        assert ticket.channel == "phone" and Call.objects.get().ticket == ticket

    def test_merging_tickets_moves_their_calls(self):
        from supportdesk.tickets.services_merge import ticket_merge

        target = self.make_ticket(subject="Нет звука", at=office_time(2026, 3, 2, 10))
        log = CallLog(direction="in", number="+7 913 123-45-67", subject="Нет звука (звонок)",
                      summary="Звонил по тому же вопросу", answered=True)
        call = call_log(agent=self.alice, log=log, at=office_time(2026, 3, 2, 11))
        duplicate = call.ticket
        assert duplicate.pk != target.pk and duplicate.customer_id == target.customer_id
        ticket_merge(source=duplicate, target=target, by_user=self.alice, confirmed=True)
        call.refresh_from_db()
        assert call.ticket_id == target.pk
        assert call.message.ticket_id == target.pk
