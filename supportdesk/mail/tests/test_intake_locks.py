"""The intake on the production path (TransactionTestCase: no test transaction around it, so
every mail commits as in production): each mail costs at most one row lock, of the one
ticket it goes to, whichever rule threads it."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.db import connection
from django.db.models import QuerySet
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext

from supportdesk.mail.handlers import Outcome
from supportdesk.mail.ingest import IngestResult, ingest_raw
from supportdesk.mail.tests.factory import BOUNCE, make_mail
from supportdesk.test import Personas
from supportdesk.tickets import services, services_merge
from supportdesk.tickets.models import Message, Ticket


class IntakeLockTests(Personas, TransactionTestCase):
    def setUp(self) -> None:
        self.make_personas()

    def ingest(self, raw: bytes) -> tuple[IngestResult, int, int]:
        """(result, ticket row locks taken, SELECT ... FOR UPDATE statements on tickets sent)."""
        real = QuerySet.select_for_update
        locks = []

        def select_for_update(qs: QuerySet, *args: Any, **kwargs: Any) -> QuerySet:
            if qs.model is Ticket:
                locks.append(qs)
            return real(qs, *args, **kwargs)

        with mock.patch.object(QuerySet, "select_for_update", select_for_update), \
                CaptureQueriesContext(connection) as queries:
            result = ingest_raw(raw, source="test")
        for_update = sum("FOR UPDATE" in q["sql"] and q["sql"].startswith('SELECT "tickets_ticket".')
                         for q in queries.captured_queries)
        if connection.vendor == "postgresql":
            self.assertEqual(for_update, len(locks))  # each lock one statement, no other ticket lock
        return result, len(locks), for_update

    def opened(self, **kw: Any) -> Ticket:
        result, locks, _ = self.ingest(make_mail(**kw))
        self.assertEqual((result.outcome, locks), (Outcome.TICKETED, 0))  # a new row needs no lock
        return Ticket.objects.get(pk=result.ticket_id)

    def test_a_new_ticket_takes_no_lock_and_a_reply_one_whatever_the_rule(self) -> None:
        ticket = self.opened(subject="Сервер не видит плату FD300", message_id="root@tv-sibir.ru")
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, message_id="sd.1@supportdesk.local")
        replies = {
            "tag": make_mail(subject=f"Ещё вопрос [#{ticket.pk}]", sender="other@x.ru"),
            "reference": make_mail(subject="Другая тема", in_reply_to="sd.1@supportdesk.local"),
            "subject": make_mail(subject="RE: Сервер  не видит плату FD300"),
        }
        for rule, raw in replies.items():
            result, locks, _ = self.ingest(raw)
            self.assertEqual((result.outcome, result.ticket_id, locks), (Outcome.THREADED, ticket.pk, 1), rule)

    def test_a_bounce_locks_its_ticket_once_for_the_message_and_the_flag(self) -> None:
        ticket = self.opened()
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, message_id="reply.1@supportdesk.local")
        result, locks, _ = self.ingest(BOUNCE)
        self.assertEqual((result.outcome, result.ticket_id, locks), (Outcome.ROBOT, ticket.pk, 1))
        ticket.refresh_from_db()
        self.assertTrue(ticket.unreachable_by_email)

    def test_a_reply_to_a_merged_ticket_locks_only_the_ticket_it_lands_on(self) -> None:
        duplicate = self.opened(subject="Нет звука", message_id="dup@tv-sibir.ru")
        target = self.opened(subject="Нет звука на выходе")
        services_merge.ticket_merge(source=duplicate, target=target, by_user=self.alice, confirmed=True)
        with CaptureQueriesContext(connection) as queries:
            result, locks, _ = self.ingest(make_mail(subject=f"Re: Нет звука [#{duplicate.pk}]"))
        # The tag's read asks for the row of an unmerged ticket only (the merged one is read
        # without a lock), then the ticket it lands on is locked: one row lock.
        self.assertEqual((result.ticket_id, locks), (target.pk, 2))
        if connection.vendor == "postgresql":
            for_update = [q["sql"] for q in queries.captured_queries
                          if "FOR UPDATE" in q["sql"] and q["sql"].startswith('SELECT "tickets_ticket".')]
            self.assertEqual(['"merged_into_id" IS NULL' in sql for sql in for_update], [True, False])
