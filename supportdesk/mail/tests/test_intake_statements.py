"""What one incoming mail sends to the database (issue 20, item 7): each look-up the placement
needs is made once, and the rows it writes together go in one INSERT. The outcomes are the
ones every other intake test checks; these tests pin the statements behind them."""

from __future__ import annotations

from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from supportdesk.customers.models import Customer
from supportdesk.customers.services import customer_for_email
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.tests.factory import make_mail
from supportdesk.test import Personas
from supportdesk.tickets.models import Message, Ticket, TicketContact


def _statements(queries: CaptureQueriesContext, start: str, table: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(start) and f'"{table}"' in q["sql"]]


class IntakeStatementTests(Personas, TestCase):
    def setUp(self) -> None:
        self.make_personas()
        self.colleague = customer_for_email(address="petrov@tv-sibir.ru", name="Пётр Петров")

    def ingest(self, uid: str, **mail: object) -> Ticket:
        result = ingest_raw(make_mail(**mail), source="lmtp", source_uid=uid)  # type: ignore[arg-type]
        return Ticket.objects.get(pk=result.ticket_id)

    def test_a_new_ticket_looks_up_the_sender_and_the_copied_at_once(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            ticket = self.ingest("c1", message_id="c1@tv-sibir.ru",
                                 to="forward@softlab.tv, petrov@tv-sibir.ru, sidorov@tv-sibir.ru")
        contacts = dict(TicketContact.objects.filter(ticket=ticket).values_list("email", "customer_id"))
        self.assertEqual(contacts, {"petrov@tv-sibir.ru": self.colleague.pk,
                                    "sidorov@tv-sibir.ru": Customer.objects.get(emails__address="sidorov@tv-sibir.ru").pk})
        self.assertEqual(ticket.customer, self.customer)
        self.assertEqual(len(_statements(queries, "SELECT", "customers_customeremail")), 1)
        self.assertEqual(_statements(queries, "SELECT", "tickets_ticketcontact"), [])  # a new ticket has none
        self.assertEqual(len(_statements(queries, "INSERT", "tickets_ticketcontact")), 1)

    def test_a_reply_adds_only_the_people_not_on_the_ticket_yet(self) -> None:
        ticket = self.ingest("r1", message_id="r1@tv-sibir.ru", to="forward@softlab.tv, petrov@tv-sibir.ru")
        with CaptureQueriesContext(connection) as queries:
            again = self.ingest("r2", message_id="r2@tv-sibir.ru", in_reply_to="r1@tv-sibir.ru",
                                to="forward@softlab.tv, petrov@tv-sibir.ru", headers={"Cc": "sidorov@tv-sibir.ru"})
        self.assertEqual(again.pk, ticket.pk)
        self.assertEqual(sorted(TicketContact.objects.filter(ticket=ticket).values_list("email", flat=True)),
                         ["petrov@tv-sibir.ru", "sidorov@tv-sibir.ru"])
        self.assertEqual(len(_statements(queries, "SELECT", "tickets_ticketcontact")), 1)
        # The reference ids: one read of the ticket messages (forward? which ticket?), one of the outbox.
        by_id = [s for s in _statements(queries, "SELECT", "tickets_message") if '"message_id" IN' in s]
        self.assertEqual(len(by_id), 1)
        self.assertEqual(len([s for s in _statements(queries, "SELECT", "outbox_outgoingmail")
                              if '"message_id" IN' in s]), 1)

    def test_the_acknowledgment_takes_the_verdict_from_the_mail_and_writes_its_event_with_it(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            ticket = self.ingest("a1", message_id="a1@tv-sibir.ru")
        read_back = [s for s in _statements(queries, "SELECT", "tickets_message") if '"event_data"' in s]
        self.assertEqual(read_back, [])
        ack = Message.objects.get(ticket=ticket, kind=Message.Kind.OUTGOING, is_automatic=True)
        event = Message.objects.get(ticket=ticket, kind=Message.Kind.EVENT, event="ack_sent")
        self.assertGreater(event.pk, ack.pk)  # it follows the acknowledgment in the conversation
        self.assertEqual((event.event_data["outgoing"], event.event_data["message_id"]),
                         (ack.outgoing_id, ack.message_id))
        self.assertEqual(event.created_at, ack.created_at)
        together = [s for s in _statements(queries, "INSERT", "tickets_message") if ack.message_id in s]
        self.assertEqual(len(together), 1)
        self.assertIn("ack_sent", together[0])
