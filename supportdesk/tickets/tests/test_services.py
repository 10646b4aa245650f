from __future__ import annotations

import pytest

from supportdesk.catalog.models import Release
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services, services_checklist
from supportdesk.tickets.models import Message, Status, Ticket


class ChannelTests(BaseTestCase):
    def test_only_official_channels_register_a_ticket(self):
        for channel in ("web", "telegram", "whatsapp"):
            with self.subTest(channel), pytest.raises(services.ChannelNotAccepted) as err:
                services.ticket_create(customer=self.customer, subject="x", channel=channel)
            assert "requests are registered only from: email, phone" in str(err.value)
        assert Ticket.objects.count() == 0
        for channel in ("email", "phone"):
            services.ticket_create(customer=self.customer, subject="x", channel=channel)
        assert Ticket.objects.count() == 2


class ReplyClockTests(BaseTestCase):
    def test_customer_message_starts_the_clock_on_the_business_calendar(self):
        # Friday 2026-05-08 is a shortened day (closes 17:00); Monday 2026-05-11 is a day off.
        ticket = self.make_ticket(at=office_time(2026, 5, 8, 16, 30))
        assert ticket.status == Status.NEW
        assert ticket.reply_pending_since == office_time(2026, 5, 8, 16, 30)
        assert ticket.reply_target_at == office_time(2026, 5, 12, 17, 30)
        assert ticket.reply_due_at == office_time(2026, 5, 13, 17, 30)

    def test_agent_reply_stops_the_clock_automatic_mail_does_not(self):
        ticket = self.make_ticket(at=office_time(2026, 5, 12, 10, 0))
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Заявка принята",
                                    is_automatic=True, created_at=office_time(2026, 5, 12, 10, 1))
        ticket.refresh_from_db()
        assert ticket.reply_due_at is not None and ticket.first_response_at is None
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, created_at=office_time(2026, 5, 12, 11, 0))
        ticket.refresh_from_db()
        assert ticket.reply_due_at is None and ticket.reply_pending_since is None
        assert ticket.first_response_at == office_time(2026, 5, 12, 11, 0)
        assert ticket.status == Status.OPEN

    def test_a_call_that_answered_stops_the_clock(self):
        ticket = self.make_ticket(at=office_time(2026, 5, 12, 10, 0))
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.CALL, body_text="Перезвонили, объяснили",
                                    author_user=self.alice, answers_customer=True,
                                    created_at=office_time(2026, 5, 12, 12, 0))
        ticket.refresh_from_db()
        assert ticket.reply_due_at is None

    def test_oldest_unanswered_message_sets_the_deadline(self):
        ticket = self.make_ticket(at=office_time(2026, 5, 12, 10, 0))
        due = ticket.reply_due_at
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Ещё деталь",
                                    author_customer=self.customer, created_at=office_time(2026, 5, 13, 10, 0))
        ticket.refresh_from_db()
        assert ticket.reply_due_at == due

    def test_customer_reply_reopens_a_waiting_ticket_and_starts_a_clock(self):
        ticket = self.make_ticket(at=office_time(2026, 5, 12, 10, 0))
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Пришлите версию",
                                    author_user=self.alice, created_at=office_time(2026, 5, 12, 11, 0))
        services.ticket_set_status(ticket=ticket, status=Status.WAITING_CUSTOMER, by_user=self.alice,
                                   at=office_time(2026, 5, 12, 11, 0))
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Версия 6.2.1",
                                    author_customer=self.customer, created_at=office_time(2026, 5, 14, 9, 0))
        ticket.refresh_from_db()
        assert ticket.status == Status.OPEN
        assert ticket.reply_target_at == office_time(2026, 5, 14, 18, 0)

    def test_robot_mail_neither_reopens_nor_starts_a_clock(self):
        ticket = self.make_ticket(at=office_time(2026, 5, 12, 10, 0))
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, at=office_time(2026, 5, 12, 12, 0),
                                   confirmed=True, reason="fixed")
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="I am out of office",
                                    is_robot=True, created_at=office_time(2026, 5, 12, 13, 0))
        ticket.refresh_from_db()
        assert ticket.status == Status.SOLVED and ticket.reply_due_at is None

    def test_customer_message_on_a_closed_ticket_is_refused(self):
        ticket = self.make_ticket()
        services.ticket_set_status(ticket=ticket, status=Status.CLOSED, confirmed=True, reason="duplicate")
        with pytest.raises(services.TicketClosed):
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="Снова я",
                                        author_customer=self.customer)


class ResolutionClockTests(BaseTestCase):
    def test_pause_in_waiting_customer_moves_the_figure_by_the_paused_business_time(self):
        # Created Monday 2026-06-01 09:00; paused Tuesday 09:00 .. Friday 09:00 (3 business days).
        ticket = self.make_ticket(at=office_time(2026, 6, 1, 9, 0))
        services.ticket_set_status(ticket=ticket, status=Status.WAITING_CUSTOMER, at=office_time(2026, 6, 2, 9, 0))
        services.ticket_set_status(ticket=ticket, status=Status.OPEN, at=office_time(2026, 6, 5, 9, 0))
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, at=office_time(2026, 6, 5, 18, 0),
                                   confirmed=True, reason="fixed")
        ticket.refresh_from_db()
        # Elapsed business time 5 days x 9 h = 45 h; paused 3 x 9 h = 27 h; net 18 h.
        assert ticket.resolution_business_seconds == 18 * 3600

    def test_waiting_release_pauses_too(self):
        release = Release.objects.create(product=self.products["forward-ts"], version="6.3.0")
        ticket = self.make_ticket(at=office_time(2026, 6, 1, 9, 0))
        services.ticket_set_status(ticket=ticket, status=Status.WAITING_RELEASE, release=release,
                                   at=office_time(2026, 6, 1, 12, 0))
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, at=office_time(2026, 6, 8, 12, 0),
                                   confirmed=True, reason="fixed")
        ticket.refresh_from_db()
        assert ticket.resolution_business_seconds == 3 * 3600


class ChecklistTests(BaseTestCase):
    def test_agent_override_wins_over_automatic_evaluation(self):
        ticket = self.make_ticket()
        services_checklist.ticket_set_checklist(ticket=ticket, items={"steps": (False, "")}, source="auto")
        services_checklist.ticket_set_checklist(ticket=ticket, items={"steps": (True, "по телефону")}, source="agent",
                                                by_user=self.alice)
        services_checklist.ticket_set_checklist(ticket=ticket, items={"steps": (False, "")}, source="auto")
        ticket.refresh_from_db()
        assert ticket.checklist["steps"] == {"present": True, "source": "agent", "evidence": "по телефону"}
        assert not ticket.checklist_complete
        services_checklist.ticket_set_checklist(ticket=ticket, source="auto", items={
            "description": (True, ""), "version": (True, "6.2.1"), "settings": (True, "settings.xml")})
        ticket.refresh_from_db()
        assert ticket.checklist_complete
