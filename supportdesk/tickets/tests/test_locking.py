"""The locking contract of the ticket services, on the production path (TransactionTestCase:
no test transaction around the services, each block commits as it would in production).

A service given a ticket the caller holds (inside ``ticket_lock`` / ``ticket_open``) writes
through that instance without reading it again; given any other instance, it reads the row
again under a row lock, so a stale instance never overwrites another writer's change.
"""

from __future__ import annotations

from unittest import mock

from django.db import transaction
from django.test import TransactionTestCase

from supportdesk.test import Personas
from supportdesk.tickets import services, services_checklist
from supportdesk.tickets.models import Message, Ticket


class LockContractTests(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.make_personas()
        self.ticket = self.make_ticket()

    def spy(self) -> mock._patch:
        return mock.patch.object(services, "_lock_row", wraps=services._lock_row)

    def test_a_held_ticket_is_read_once_for_all_the_services_of_its_block(self) -> None:
        with self.spy() as locks, transaction.atomic(), services.ticket_lock(pk=self.ticket.pk) as held:
            services.ticket_add_message(ticket=held, kind=Message.Kind.INCOMING, body_text="ещё",
                                        author_customer=self.customer)
            services_checklist.ticket_set_checklist(ticket=held, items={"steps": (True, "шаги")}, source="auto")
            services.ticket_mark_unreachable(ticket=held, reason="550")
        self.assertEqual(locks.call_count, 1)
        row = Ticket.objects.get(pk=self.ticket.pk)
        self.assertTrue(row.unreachable_by_email)
        self.assertTrue(row.checklist["steps"]["present"])
        self.assertEqual(row.messages.filter(kind=Message.Kind.INCOMING).count(), 2)

    def test_after_its_block_the_instance_is_read_again_and_keeps_another_writers_change(self) -> None:
        with services.ticket_lock(pk=self.ticket.pk) as held:
            pass
        # another writer (another request, another process) changes the checklist meanwhile
        services_checklist.ticket_set_checklist(ticket=Ticket.objects.get(pk=self.ticket.pk),
                                                items={"steps": (True, "шаги")}, source="agent")
        with self.spy() as locks:
            services_checklist.ticket_set_checklist(ticket=held, items={"version": (True, "6.1")}, source="agent")
        self.assertEqual(locks.call_count, 1)  # the stale instance was not trusted
        checklist = Ticket.objects.get(pk=self.ticket.pk).checklist
        self.assertTrue(checklist["steps"]["present"] and checklist["version"]["present"], checklist)

    def test_a_plain_instance_is_locked_by_every_service_even_inside_a_transaction(self) -> None:
        ticket = Ticket.objects.get(pk=self.ticket.pk)
        with self.spy() as locks, transaction.atomic():
            services_checklist.ticket_set_checklist(ticket=ticket, items={"steps": (True, "")}, source="agent")
            services.ticket_assign(ticket=ticket, assignee=self.alice, by_user=self.alice)
        self.assertEqual(locks.call_count, 2)

    def test_a_new_ticket_is_held_for_its_block_without_a_lock(self) -> None:
        with self.spy() as locks, transaction.atomic(), services.ticket_open(
                customer=self.customer, subject="Новая", channel="email") as ticket:
            services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text="текст",
                                        author_customer=self.customer)
        self.assertEqual(locks.call_count, 0)
        self.assertIsNotNone(Ticket.objects.get(pk=ticket.pk).reply_due_at)
