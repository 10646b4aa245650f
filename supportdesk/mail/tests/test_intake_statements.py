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
        # The reference ids: one read of the ticket messages and the outbox together (an answer to
        # a forward? which ticket?).
        by_id = [s for s in _statements(queries, "SELECT", "tickets_message") if '"message_id" IN' in s]
        self.assertEqual(len(by_id), 1)
        self.assertEqual([s for s in _statements(queries, "SELECT", "outbox_outgoingmail")
                          if '"message_id" IN' in s], by_id)

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

    def test_a_new_ticket_is_written_once_after_its_insert(self) -> None:
        # The message starts the reply clock, the completeness check fills the checklist, the
        # version and the product: one UPDATE for all of them, and no look-up of followers
        # that a ticket nobody else can see yet cannot have.
        with CaptureQueriesContext(connection) as queries:
            ticket = self.ingest("w1", message_id="w1@tv-sibir.ru", subject="Forward TS 6.2.1: нет звука",
                                 body="После обновления Forward TS до 6.2.1 пропал звук на выходе SDI.\n"
                                      "Шаги: 1) запустить эфир; 2) включить плейлист.")
        self.assertEqual(len(_statements(queries, "INSERT", "tickets_ticket")), 1)
        self.assertEqual(len(_statements(queries, "UPDATE", "tickets_ticket")), 1)
        self.assertEqual(_statements(queries, "SELECT", "notifications_ticketfollower"), [])
        self.assertIsNotNone(ticket.reply_pending_since)
        self.assertIsNotNone(ticket.reply_due_at)
        self.assertIsNotNone(ticket.last_customer_message_at)
        self.assertEqual(ticket.reported_version, "6.2.1")
        self.assertTrue(ticket.checklist["version"]["present"])
        self.assertTrue(ticket.checklist["steps"]["present"])

    def test_a_reply_writes_its_ticket_once(self) -> None:
        ticket = self.ingest("w2", message_id="w2@tv-sibir.ru", body="Пропал звук.")
        self.assertFalse(ticket.checklist.get("version", {}).get("present"))
        with CaptureQueriesContext(connection) as queries:
            again = self.ingest("w3", message_id="w3@tv-sibir.ru", in_reply_to="w2@tv-sibir.ru",
                                subject="Re: Не выводятся титры", body="Версия Forward TS 6.2.1.")
        self.assertEqual(again.pk, ticket.pk)
        self.assertEqual(len(_statements(queries, "UPDATE", "tickets_ticket")), 1)
        self.assertEqual(again.reported_version, "6.2.1")
        self.assertTrue(again.checklist["version"]["present"])
        self.assertEqual(again.last_customer_message_at, again.messages.filter(
            kind=Message.Kind.INCOMING).order_by("-created_at").first().created_at)

    def test_the_product_event_goes_into_the_acknowledgments_insert_before_it(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            ticket = self.ingest("e1", message_id="e1@tv-sibir.ru", subject="Forward TS 6.2.1: нет звука",
                                 body="После обновления Forward TS до 6.2.1 пропал звук на выходе SDI.")
        product = Message.objects.get(ticket=ticket, kind=Message.Kind.EVENT, event="product")
        ack = Message.objects.get(ticket=ticket, kind=Message.Kind.OUTGOING, is_automatic=True)
        request = Message.objects.get(ticket=ticket, kind=Message.Kind.INCOMING)
        self.assertEqual(product.event_data["version"], "6.2.1")
        self.assertLess(request.pk, product.pk)
        self.assertLess(product.pk, ack.pk)  # the conversation's order is the order things happened
        inserts = _statements(queries, "INSERT", "tickets_message")
        self.assertEqual(len(inserts), 2)  # the request; then the event, the acknowledgment, ack_sent
        self.assertIn("product", inserts[1])
        self.assertIn(ack.message_id, inserts[1])

    def test_a_product_event_without_a_message_after_it_is_written_when_the_hold_ends(self) -> None:
        ticket = self.ingest("e2", message_id="e2@tv-sibir.ru", body="Пропал звук.")
        with CaptureQueriesContext(connection) as queries:
            self.ingest("e3", message_id="e3@tv-sibir.ru", in_reply_to="e2@tv-sibir.ru",
                        subject="Re: Не выводятся титры", body="Версия Forward TS 6.2.1.")
        events = list(Message.objects.filter(ticket=ticket, kind=Message.Kind.EVENT, event="product"))
        self.assertEqual(len(events), 1)
        self.assertEqual(events[0].event_data["version"], "6.2.1")
        reply = Message.objects.get(ticket=ticket, message_id="e3@tv-sibir.ru")
        self.assertGreater(events[0].pk, reply.pk)
        self.assertEqual(len(_statements(queries, "INSERT", "tickets_message")), 2)
