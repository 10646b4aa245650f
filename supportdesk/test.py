"""One base test case with personas, shared by every app's tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.test import TestCase

from supportdesk.accounts.roles import ensure_groups
from supportdesk.catalog.services import catalog_sync_from_policy
from supportdesk.customers.models import Customer
from supportdesk.customers.services import customer_add_phone, customer_for_email
from supportdesk.policy import get_policy
from supportdesk.tickets import services
from supportdesk.tickets.models import Message, Ticket

OFFICE = ZoneInfo("Asia/Novosibirsk")
PASSWORD = "correct horse battery staple"  # noqa: S105


def office_time(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=OFFICE)


class Personas:
    """Alice is an agent, Sam a supervisor, Bob a logged-in user who is no agent."""

    def make_personas(self) -> None:
        agents, supervisors = ensure_groups()
        users = get_user_model()
        self.alice = users.objects.create_user("alice", "alice@softlab.tv", PASSWORD, first_name="Алиса")
        self.alice.groups.add(agents)
        self.sam = users.objects.create_user("sam", "sam@softlab.tv", PASSWORD, first_name="Семён")
        self.sam.groups.add(supervisors)
        self.bob = users.objects.create_user("bob", "bob@example.com", PASSWORD)
        self.products = catalog_sync_from_policy(get_policy())
        self.customer: Customer = customer_for_email(address="ivanov@tv-sibir.ru", name="Иван Иванов")
        customer_add_phone(customer=self.customer, number="+7 913 123-45-67")

    def make_ticket(self, *, subject: str = "Не выводятся титры", body: str = "Титры не выводятся на SDI 2.",
                    at: datetime | None = None, customer: Customer | None = None) -> Ticket:
        customer = customer or self.customer
        address = customer.emails.first()
        ticket = services.ticket_create(customer=customer, subject=subject, channel="email",
                                        contact_email=address.address if address else "", created_at=at)
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text=body,
                                    author_customer=customer, created_at=at)
        ticket.refresh_from_db()
        return ticket


class BaseTestCase(Personas, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
