"""Concurrent LMTP deliveries, as an MTA makes them: several connections at once, each mail
committed before its 250; the same message twice registers once; a reply handed over while
its parent is still being placed threads onto the parent's ticket."""

from __future__ import annotations

import smtplib
import threading
import time
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import TransactionTestCase

from supportdesk.mail import ingest
from supportdesk.mail.backends.lmtp import IntakeHandler, IntakeServer
from supportdesk.mail.ingest import IngestResult
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.testing.servers import free_port
from supportdesk.testing.skips import database_only
from supportdesk.tickets.models import Message, Ticket


def crlf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def deliver(port: int, raw: bytes, results: list[Any]) -> None:
    """One MTA connection delivering one message; the outcome (reply dict or exception) is kept."""
    try:
        client = smtplib.LMTP("127.0.0.1", port, timeout=60)
        try:
            results.append(client.sendmail("mta@tv-sibir.ru", ["forward@softlab.tv"], crlf(raw)))
        finally:
            client.quit()
    except Exception as exc:  # noqa: BLE001 - asserted by the test
        results.append(exc)


def slowed_place(delay: float, only: Callable[[Any], bool] = lambda parsed: True) -> Any:
    """``handlers.place`` as the intake calls it, taking ``delay`` seconds longer for the mails
    ``only`` picks: the placement is still running when the next delivery is handed over."""
    real = ingest.place

    def place(**kw: Any) -> Any:
        if only(kw["parsed"]):
            time.sleep(delay)
        return real(**kw)

    return mock.patch.object(ingest, "place", side_effect=place)


def deliver_staggered(first: bytes, second: bytes, *, slow: str, gap: float) -> list[Any]:
    """Two MTA connections: ``first`` is handed over, then ``second`` ``gap`` seconds later, while
    the placement of the mail whose Message-ID is ``slow`` takes 0.8 s longer. The outcomes."""
    results: list[Any] = []
    with slowed_place(0.8, only=lambda parsed: parsed.message_id == slow), IntakeServer(port=free_port()) as server:
        threads = [threading.Thread(target=deliver, args=(server.port, raw, results)) for raw in (first, second)]
        threads[0].start()
        time.sleep(gap)
        threads[1].start()
        for thread in threads:
            thread.join(60)
    return results


class ConcurrentLmtpTests(TransactionTestCase):
    def test_two_connections_are_ingested_at_the_same_time(self) -> None:
        both_inside = threading.Barrier(2, timeout=20)

        def ingest_raw(raw: bytes, source: str) -> IngestResult:
            both_inside.wait()  # only returns when the other delivery is being ingested too
            return IngestResult(inbound_id=1, outcome="ticketed", state="ticketed")

        results: list[Any] = []
        with IntakeServer(port=free_port(), handler=IntakeHandler(ingest=ingest_raw, workers=2)) as server:
            threads = [threading.Thread(target=deliver, args=(server.port, make_mail(), results)) for _ in range(2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(30)
        self.assertEqual(results, [{}, {}])
        self.assertFalse(both_inside.broken)

    def test_the_same_message_delivered_twice_at_once_registers_once(self) -> None:
        raw = make_mail(message_id="twice@tv-sibir.ru", subject="Одно письмо дважды")
        results: list[Any] = []
        with slowed_place(0.5), IntakeServer(port=free_port()) as server:
            threads = [threading.Thread(target=deliver, args=(server.port, raw, results)) for _ in range(2)]
            for t in threads:
                t.start()
                time.sleep(0.05)  # the second is handed over while the first is being placed
            for t in threads:
                t.join(60)
        self.assertEqual(results, [{}, {}])  # both answered 250: the MTA must not retry either
        rows = InboundMail.objects.filter(message_id="twice@tv-sibir.ru")
        self.assertEqual(sorted(rows.values_list("state", flat=True)), ["duplicate", "ticketed"])
        self.assertEqual(Ticket.objects.count(), 1)
        self.assertEqual(Message.objects.filter(message_id="twice@tv-sibir.ru").count(), 1)
        self.assertEqual(len({r.ticket_id for r in rows}), 1)

    def test_a_reply_arriving_with_its_parent_threads_onto_the_parents_ticket(self) -> None:
        parent = make_mail(message_id="parent@tv-sibir.ru", subject="Не выводятся титры на SDI 2")
        reply = make_mail(message_id="reply@tv-sibir.ru", subject="Re: Не выводятся титры на SDI 2",
                          in_reply_to="parent@tv-sibir.ru", references="<parent@tv-sibir.ru>",
                          body="Дополняю: версия 6.3.0.")
        # The parent's placement takes a while: the reply is handed over on another connection
        # before the parent is committed.
        results = deliver_staggered(parent, reply, slow="parent@tv-sibir.ru", gap=0.2)
        self.assertEqual(results, [{}, {}])
        self.assertEqual(Ticket.objects.count(), 1)
        ticket = Ticket.objects.get()
        self.assertEqual(list(Message.objects.filter(ticket=ticket, kind=Message.Kind.INCOMING)
                              .order_by("id").values_list("message_id", flat=True)),
                         ["parent@tv-sibir.ru", "reply@tv-sibir.ru"])
        self.assertEqual(InboundMail.objects.get(message_id="reply@tv-sibir.ru").route, "reference")

    def test_mails_of_different_senders_delivered_together_all_land(self) -> None:
        mails = [make_mail(sender=f"user{n}@tv-sibir.ru", message_id=f"many{n}@tv-sibir.ru", subject=f"Вопрос {n}")
                 for n in range(8)]
        results: list[Any] = []
        with IntakeServer(port=free_port()) as server:
            threads = [threading.Thread(target=deliver, args=(server.port, raw, results)) for raw in mails]
            for t in threads:
                t.start()
            for t in threads:
                t.join(60)
        self.assertEqual(results, [{}] * 8)
        self.assertEqual(InboundMail.objects.filter(state="ticketed").count(), 8)
        self.assertEqual(Ticket.objects.count(), 8)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason=database_only("postgresql", "SQLite places one delivery at a time"))
class HandedOverOutOfOrderTests(TransactionTestCase):
    """An MTA's connections race: a reply may be handed over a moment before the mail it
    answers (B1 arrival with 4 connections threaded 684 of 686 replies)."""

    def test_a_reply_handed_over_before_its_parent_waits_for_it_and_threads(self) -> None:
        parent = make_mail(message_id="first@tv-sibir.ru", subject="Нет звука на втором канале")
        reply = make_mail(message_id="second@tv-sibir.ru", subject="Re: Нет звука на втором канале",
                          in_reply_to="first@tv-sibir.ru", references="<first@tv-sibir.ru>",
                          body="Забыл: версия 6.3.1.")
        # The reply is stored first and is being placed (holding its thread's locks, the
        # parent's id among them) when the parent is handed over: the parent is stored, then
        # waits for those locks, so the reply's routing finds no ticket for its In-Reply-To.
        results = deliver_staggered(reply, parent, slow="second@tv-sibir.ru", gap=0.3)
        self.assertEqual(results, [{}, {}])
        self.assertEqual(Ticket.objects.count(), 1)
        ticket = Ticket.objects.get()
        self.assertEqual(list(Message.objects.filter(ticket=ticket, kind=Message.Kind.INCOMING)
                              .order_by("id").values_list("message_id", flat=True)),
                         ["first@tv-sibir.ru", "second@tv-sibir.ru"])
        reply_row = InboundMail.objects.get(message_id="second@tv-sibir.ru")
        self.assertEqual((reply_row.state, reply_row.route, reply_row.opened_ticket), ("ticketed", "reference", False))
        self.assertTrue(InboundMail.objects.get(message_id="first@tv-sibir.ru").opened_ticket)
        self.assertFalse(Message.objects.filter(message_id="second@tv-sibir.ru").exclude(ticket=ticket).exists())

    def test_a_reply_handed_over_before_its_parent_threads_there_not_on_an_older_ticket_of_its_subject(
            self) -> None:
        older = make_mail(message_id="old@tv-sibir.ru", subject="Нет звука на втором канале")
        self.assertTrue(ingest.ingest_raw(older, source="lmtp", source_uid="old").opened_ticket)
        parent = make_mail(message_id="first@tv-sibir.ru", subject="Нет звука на втором канале")
        reply = make_mail(message_id="second@tv-sibir.ru", subject="Re: Нет звука на втором канале",
                          in_reply_to="first@tv-sibir.ru", references="<first@tv-sibir.ru>",
                          body="Забыл: версия 6.3.1.")
        # Worker processes (B1 arrival with 4 connections: 685 of 686): the reply, stored first,
        # found its sender's older open ticket of the same subject by the subject rule.
        results = deliver_staggered(reply, parent, slow="second@tv-sibir.ru", gap=0.3)
        self.assertEqual(results, [{}, {}])
        ticket = InboundMail.objects.get(message_id="first@tv-sibir.ru").ticket_id
        reply_row = InboundMail.objects.get(message_id="second@tv-sibir.ru")
        self.assertEqual((reply_row.ticket_id, reply_row.route, reply_row.opened_ticket), (ticket, "reference", False))
        self.assertEqual(Ticket.objects.count(), 2)

    def test_a_re_subject_reply_handed_over_before_its_request_waits_for_it(self) -> None:
        request = make_mail(message_id="req@tv-sibir.ru", subject="Пропадает звук в эфире")
        reply = make_mail(message_id="re@tv-sibir.ru", subject="Re: Пропадает звук в эфире",
                          body="Забыл написать версию: 6.3.1.")  # no In-Reply-To, no References
        results = deliver_staggered(reply, request, slow="re@tv-sibir.ru", gap=0.3)
        self.assertEqual(results, [{}, {}])
        self.assertEqual(Ticket.objects.count(), 1)
        self.assertTrue(InboundMail.objects.get(message_id="req@tv-sibir.ru").opened_ticket)
        reply_row = InboundMail.objects.get(message_id="re@tv-sibir.ru")
        self.assertEqual((reply_row.state, reply_row.opened_ticket), ("ticketed", False))
        self.assertIn(reply_row.route, ("subject", "quote"))
