"""Ingestion end to end on the database: threading by each rule, robots, bounces, spam,
duplicates, quarantine and the request_received signal."""

from __future__ import annotations

import shutil
import tempfile
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from supportdesk.customers.models import Customer, CustomerEmail
from supportdesk.mail.handlers import Outcome
from supportdesk.mail.ingest import (
    inbound_mark_not_spam,
    inbound_process_stale,
    inbound_reprocess,
    ingest_raw,
)
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import BOUNCE, make_mail
from supportdesk.outbox.models import OutgoingMail
from supportdesk.test import BaseTestCase, office_time
from supportdesk.testing.skips import database_only
from supportdesk.tickets import services, services_checklist
from supportdesk.tickets.models import Message, Status, Ticket
from supportdesk.tickets.signals import request_received


class Captured:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, sender: object, **kwargs: Any) -> None:
        self.calls.append(kwargs)


class IngestTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.signals = Captured()
        request_received.connect(self.signals, weak=False)
        self.addCleanup(request_received.disconnect, self.signals)

    def ingest(self, raw: bytes, **kw: Any) -> Any:
        return ingest_raw(raw, source=kw.pop("source", "test"), **kw)

    def open_ticket(self, **kw: Any) -> Ticket:
        result = self.ingest(make_mail(message_id=kw.pop("message_id", "root@tv-sibir.ru"), **kw))
        self.assertEqual(result.outcome, Outcome.TICKETED)
        return Ticket.objects.get(pk=result.ticket_id)


class NewTicketTests(IngestTestCase):
    def test_new_mail_opens_a_ticket_for_a_new_customer_and_learns_the_zone(self) -> None:
        date = format_datetime(office_time(2026, 3, 2, 10, 0))  # +0700
        result = self.ingest(make_mail(sender="petrov@efir-tomsk.ru", name="Пётр Петров", date=date,
                                       message_id="new1@efir-tomsk.ru"))
        ticket = Ticket.objects.get(pk=result.ticket_id)
        self.assertTrue(result.opened_ticket)
        self.assertEqual(ticket.subject, "Не выводятся титры")
        self.assertEqual(ticket.contact_email, "petrov@efir-tomsk.ru")
        self.assertEqual(ticket.channel, "email")
        customer = Customer.objects.get(emails__address="petrov@efir-tomsk.ru")
        self.assertEqual(customer.name, "Пётр Петров")
        self.assertEqual(customer.timezone, "Asia/Novosibirsk")
        message = ticket.messages.get(kind=Message.Kind.INCOMING)
        self.assertIn("SDI 2", message.body_text)
        self.assertEqual(message.message_id, "new1@efir-tomsk.ru")
        # Received time is ours, not the sender's Date (which is in the past here).
        self.assertLess(timezone.now() - message.created_at, timedelta(minutes=1))
        row = InboundMail.objects.get(pk=result.inbound_id)
        self.assertEqual((row.state, row.route, row.ticket_id), ("ticketed", "new", ticket.pk))
        self.assertEqual(len(self.signals.calls), 1)
        call = self.signals.calls[0]
        self.assertTrue(call["is_new_ticket"])
        self.assertEqual(call["channel"], "email")
        self.assertEqual(call["utc_offset"], 420)
        self.assertEqual(call["ticket"].pk, ticket.pk)

    def test_attachments_are_stored_and_text_ones_decoded_for_the_checklist(self) -> None:
        settings_xml = "<settings><port>SDI 2</port></settings>".encode("cp1251")
        raw = make_mail(attachments=(("settings.xml", "text/xml", settings_xml),
                                     ("screen.png", "image/png", b"\x89PNG" + b"\0" * 100)))
        result = self.ingest(raw)
        message = Message.objects.get(inbound_id=result.inbound_id)
        self.assertEqual(sorted(a.filename for a in message.attachments.all()), ["screen.png", "settings.xml"])
        infos = {a.filename: a for a in self.signals.calls[0]["attachments"]}
        self.assertIn("<port>SDI 2</port>", infos["settings.xml"].text or "")
        self.assertIsNone(infos["screen.png"].text)
        self.assertEqual(infos["screen.png"].size, 104)


class ThreadingTests(IngestTestCase):
    def test_ticket_tag_in_subject(self) -> None:
        ticket = self.open_ticket()
        result = self.ingest(make_mail(subject=f"Ещё вопрос [#{ticket.pk}]", sender="other@x.ru"))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, ticket.pk))
        self.assertEqual(InboundMail.objects.get(pk=result.inbound_id).route, "tag")

    def test_in_reply_to_our_reply_on_the_ticket(self) -> None:
        ticket = self.open_ticket()
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, message_id="sd.1@supportdesk.local")
        result = self.ingest(make_mail(subject="Другая тема", in_reply_to="sd.1@supportdesk.local"))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, ticket.pk))

    def test_reference_to_an_outbox_mail(self) -> None:
        ticket = self.open_ticket()
        OutgoingMail.objects.create(message_id="ack.7@supportdesk.local", kind="ack", ref=f"ticket:{ticket.pk}",
                                    from_addr="forward@softlab.tv", to_addrs="ivanov@tv-sibir.ru", subject="ack",
                                    raw=b"x", next_attempt_at=timezone.now(), created_at=timezone.now())
        result = self.ingest(make_mail(subject="Спасибо", references="<zzz@elsewhere> <ack.7@supportdesk.local>"))
        self.assertEqual(result.ticket_id, ticket.pk)
        self.assertEqual(InboundMail.objects.get(pk=result.inbound_id).route, "reference")

    def test_references_to_a_message_we_received(self) -> None:
        ticket = self.open_ticket(message_id="first@tv-sibir.ru")
        result = self.ingest(make_mail(subject="Дополнение", references="<first@tv-sibir.ru>"))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, ticket.pk))

    def test_re_subject_from_the_same_sender_threads(self) -> None:
        ticket = self.open_ticket(subject="Сервер не видит плату FD300")
        result = self.ingest(make_mail(subject="RE: Сервер  не видит плату FD300"))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.THREADED, ticket.pk))
        self.assertEqual(InboundMail.objects.get(pk=result.inbound_id).route, "subject")

    def test_re_subject_from_a_colleague_at_the_same_company_threads(self) -> None:
        ticket = self.open_ticket(subject="Нет сигнала на SDI")
        result = self.ingest(make_mail(subject="Re: Нет сигнала на SDI", sender="petrova@tv-sibir.ru"))
        self.assertEqual(result.ticket_id, ticket.pk)

    def test_public_mail_domains_are_no_company(self) -> None:
        ticket = self.open_ticket(subject="Нет сигнала", sender="ivan@mail.ru")
        result = self.ingest(make_mail(subject="Re: Нет сигнала", sender="pavel@mail.ru"))
        self.assertNotEqual(result.ticket_id, ticket.pk)

    def test_subject_alone_never_threads(self) -> None:
        ticket = self.open_ticket(subject="Сервер не видит плату")
        without_re = self.ingest(make_mail(subject="Сервер не видит плату"))
        other_sender = self.ingest(make_mail(subject="Re: Сервер не видит плату", sender="sidorov@x.ru"))
        self.assertNotEqual(without_re.ticket_id, ticket.pk)
        self.assertNotEqual(other_sender.ticket_id, ticket.pk)
        self.assertTrue(without_re.opened_ticket and other_sender.opened_ticket)

    def test_subject_threading_respects_the_policy_switch_and_window(self) -> None:
        ticket = self.open_ticket(subject="Нет звука")
        Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - timedelta(days=30),
                                                   last_customer_message_at=timezone.now() - timedelta(days=30))
        old = self.ingest(make_mail(subject="Re: Нет звука"))
        self.assertTrue(old.opened_ticket)
        policy = mock.MagicMock(wraps=None)
        policy.automation.subject_threading = False
        policy.automation.subject_threading_days = 14
        policy.emails = ()
        with mock.patch("supportdesk.mail.handlers.get_policy", return_value=policy):
            off = self.ingest(make_mail(subject="Re: Нет звука"))
        self.assertTrue(off.opened_ticket)

    def test_closed_ticket_starts_a_new_linked_ticket(self) -> None:
        ticket = self.open_ticket()
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, by_user=self.alice, confirmed=True,
                                   reason="solved by phone")
        services.ticket_set_status(ticket=ticket, status=Status.CLOSED, by_user=self.alice)
        result = self.ingest(make_mail(subject=f"Re: [#{ticket.pk}] Не выводятся титры"))
        self.assertTrue(result.opened_ticket)
        new = Ticket.objects.get(pk=result.ticket_id)
        self.assertEqual(new.follows_up_id, ticket.pk)
        self.assertEqual(new.subject, "Не выводятся титры")
        self.assertEqual(InboundMail.objects.get(pk=result.inbound_id).route, "follow_up")

    @override_settings(MAIL_AUTHSERV_IDS=["mx.test.softlab.tv"])  # a proven sender: the ack names the subject
    def test_follow_up_gets_the_original_subject_and_the_items_already_given(self) -> None:
        """Issue 13 item 1: an answer to our acknowledgment of a closed ticket opens a follow-up
        titled as the request was, starting with the checklist items the customer gave."""
        ticket = self.open_ticket(subject="Не выводятся титры на SDI 2")
        services_checklist.ticket_set_checklist(ticket=ticket, items={"description": (True, "титры не выводятся"),
                                                                      "version": (True, "Forward TS 6.2")}, source="auto")
        services_checklist.ticket_set_product(ticket=ticket, product=self.products["forward-ts"], version="6.2",
                                              by_user=None)
        services.ticket_set_status(ticket=ticket, status=Status.CLOSED, by_user=self.alice, confirmed=True,
                                   reason="the customer called: solved")
        before = OutgoingMail.objects.count()
        result = self.ingest(make_mail(
            subject=f"Re: [#{ticket.pk}] Ваше обращение зарегистрировано: Re: Ваше обращение зарегистрировано: "
                    "Не выводятся титры на SDI 2", body="Снова не работает.", message_id="again@tv-sibir.ru",
            headers={"Authentication-Results": "mx.test.softlab.tv; dmarc=pass header.from=tv-sibir.ru"}))
        new = Ticket.objects.get(pk=result.ticket_id)
        self.assertEqual(new.follows_up_id, ticket.pk)
        self.assertEqual(new.subject, "Не выводятся титры на SDI 2")
        self.assertTrue(new.checklist["description"]["present"])
        self.assertTrue(new.checklist["version"]["present"])
        self.assertEqual((new.product, new.reported_version), (self.products["forward-ts"], "6.2"))
        ack = OutgoingMail.objects.filter(ref=f"ticket:{new.pk}").order_by("pk").last()
        self.assertIsNotNone(ack)
        self.assertGreater(OutgoingMail.objects.count(), before)
        self.assertLessEqual(ack.subject.count("Ваше обращение зарегистрировано"), 1)
        self.assertNotIn("Re:", ack.subject.replace(f"Re: [#{new.pk}]", ""))
        self.assertIn("Не выводятся титры на SDI 2", ack.subject)
        body = new.messages.get(kind=Message.Kind.OUTGOING, outgoing_id=ack.pk).body_text
        self.assertIn("Пошаговое описание действий", body)  # still missing: asked for
        self.assertNotIn("Описание проблемы", body)  # given on the closed ticket: not asked again
        self.assertNotIn("Версия установленного ПО", body)

    def test_a_new_ticket_drops_reply_forward_prefixes_and_our_lead_in(self) -> None:
        result = self.ingest(make_mail(subject="Fwd: Re: We have received your request: No sound",
                                       message_id="fwd@tv-sibir.ru"))
        self.assertEqual(Ticket.objects.get(pk=result.ticket_id).subject, "No sound")

    def test_reply_reopens_a_solved_ticket(self) -> None:
        ticket = self.open_ticket()
        services.ticket_set_status(ticket=ticket, status=Status.SOLVED, by_user=self.alice, confirmed=True,
                                   reason="solved by phone")
        self.ingest(make_mail(in_reply_to="root@tv-sibir.ru", subject="Re: снова"))
        ticket.refresh_from_db()
        self.assertEqual(ticket.status, Status.OPEN)


class ExactlyOnceTests(IngestTestCase):
    def test_same_message_id_twice_is_one_ticket_message(self) -> None:
        raw = make_mail(message_id="once@tv-sibir.ru")
        first = self.ingest(raw, source="imap", source_uid="1:5:10")
        again_other_source = self.ingest(raw, source="lmtp")
        self.assertEqual(again_other_source.outcome, Outcome.DUPLICATE)
        self.assertEqual(again_other_source.ticket_id, first.ticket_id)
        self.assertEqual(Message.objects.filter(message_id="once@tv-sibir.ru").count(), 1)

    def test_same_source_uid_is_not_stored_again(self) -> None:
        raw = make_mail()
        self.ingest(raw, source="imap", source_uid="1:5:11")
        again = self.ingest(raw, source="imap", source_uid="1:5:11")
        self.assertEqual(again.outcome, Outcome.DUPLICATE)
        self.assertEqual(InboundMail.objects.filter(source="imap").count(), 1)

    def test_no_message_id_dedupes_by_content(self) -> None:
        raw = make_mail().replace(b"Message-ID:", b"X-Old-ID:")
        self.ingest(raw)
        self.assertEqual(self.ingest(raw).outcome, Outcome.DUPLICATE)

    def test_a_nul_in_the_message_id_or_references_is_stored_and_threaded(self) -> None:
        # PostgreSQL text holds no NUL: the ids read from the header before parsing (the
        # duplicate key, the search for related deliveries) use U+FFFD, as the parser does.
        self.open_ticket(message_id="root\x00x@tv-sibir.ru")
        raw = make_mail(message_id="next\x00y@tv-sibir.ru", subject="Re: Не выводятся титры",
                        in_reply_to="root\x00x@tv-sibir.ru", references="<root\x00x@tv-sibir.ru>")
        self.assertEqual(self.ingest(raw).outcome, Outcome.THREADED)
        self.assertEqual(InboundMail.objects.get(message_id="next\ufffdy@tv-sibir.ru").state, "ticketed")
        self.assertEqual(self.ingest(raw).outcome, Outcome.DUPLICATE)

    def test_8bit_bytes_and_a_nul_in_a_parts_type_and_content_id_are_stored_not_quarantined(self) -> None:
        # Found by mutation fuzzing: the part's type and Content-ID reached the database with
        # the parser's surrogate escapes (UnicodeEncodeError, the mail quarantined as a bug).
        raw = (b"From: Ivan <ivan@tv-sibir.ru>\r\nTo: support@example.com\r\nSubject: scan\r\n"
               b"Message-ID: <fuzz-1@tv-sibir.ru>\r\nMIME-Version: 1.0\r\n"
               b"Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
               b"Titles are lost after the update.\r\n--b\r\nContent-Type: image\xf8\x00/png; name=scan.png\r\n"
               b"Content-ID: <scan\xd5\x00@host>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n")
        result = self.ingest(raw)
        self.assertEqual(result.outcome, Outcome.TICKETED)
        attachment = Message.objects.get(inbound_id=result.inbound_id).attachments.get()
        self.assertEqual((attachment.filename, attachment.content_type), ("scan.png", "image/png"))
        self.assertEqual(attachment.content_id, "scan\ufffd@host")

    def test_pending_row_left_by_a_crash_is_finished_on_refetch(self) -> None:
        raw = make_mail(message_id="crashed@tv-sibir.ru")
        with mock.patch("supportdesk.mail.ingest._process", side_effect=SystemExit):
            with self.assertRaises(SystemExit):
                self.ingest(raw, source="imap", source_uid="1:5:12")
        self.assertEqual(InboundMail.objects.get().state, "pending")
        result = self.ingest(raw, source="imap", source_uid="1:5:12")
        self.assertEqual(result.outcome, Outcome.TICKETED)
        self.assertEqual(InboundMail.objects.get().attempts, 2)

    def test_stale_job_finishes_pending_mail(self) -> None:
        with mock.patch("supportdesk.mail.ingest._process", side_effect=SystemExit), self.assertRaises(SystemExit):
            self.ingest(make_mail(message_id="stale@tv-sibir.ru"))
        InboundMail.objects.update(received_at=timezone.now() - timedelta(hours=1))
        self.assertEqual(inbound_process_stale(), 1)
        self.assertEqual(InboundMail.objects.get().state, "ticketed")

    def test_a_full_attachment_disk_defers_the_mail_and_the_stale_job_finishes_it_once(self) -> None:
        # The attachment folder cannot be written (its path is a file): a failure of the disk, not
        # of the mail. The mail stays pending with the reason, not quarantined for an agent.
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        blocked = Path(folder) / "not-a-folder"
        blocked.write_bytes(b"x")
        raw = make_mail(message_id="disk-full@tv-sibir.ru", attachments=(("log.txt", "text/plain", b"log " * 500),))
        with override_settings(ATTACHMENT_ROOT=blocked):
            result = self.ingest(raw, source="lmtp")
        self.assertEqual((result.outcome, result.state), (Outcome.DEFERRED, "pending"))
        row = InboundMail.objects.get()
        self.assertIn("will retry", row.error)
        self.assertFalse(Ticket.objects.exists())
        self.assertEqual(inbound_process_stale(), 0)  # not yet: it arrived a moment ago
        with override_settings(INBOUND_RETRY_SECONDS=0):
            self.assertEqual(inbound_process_stale(), 1)
            self.assertEqual(inbound_process_stale(), 0)
        row.refresh_from_db()
        self.assertEqual((row.state, row.error), ("ticketed", ""))
        self.assertEqual(Ticket.objects.count(), 1)
        self.assertEqual(Message.objects.get(inbound_id=row.pk).attachments.get().filename, "log.txt")

    def test_a_mail_deferred_too_often_is_quarantined_with_its_last_failure(self) -> None:
        self.ingest(make_mail(message_id="always-full@tv-sibir.ru"))
        InboundMail.objects.update(state="pending", attempts=5, error="will retry: OSError: [Errno 28] No space left",
                                   received_at=timezone.now() - timedelta(hours=1))
        self.assertEqual(inbound_process_stale(), 1)
        row = InboundMail.objects.get()
        self.assertEqual(row.state, "quarantined")
        self.assertIn("after 5 attempts (will retry: OSError: [Errno 28] No space left)", row.error)


class RobotTests(IngestTestCase):
    def test_auto_reply_is_stored_on_its_ticket_and_never_opens_one(self) -> None:
        ticket = self.open_ticket()
        robot = self.ingest(make_mail(subject="Автоответ: Не выводятся титры", references="<root@tv-sibir.ru>",
                                      headers={"Auto-Submitted": "auto-replied"}))
        self.assertEqual((robot.outcome, robot.ticket_id), (Outcome.ROBOT, ticket.pk))
        self.assertTrue(Message.objects.get(inbound_id=robot.inbound_id).is_robot)
        # Out of office from an address with no open ticket: kept, on no ticket (from the sender
        # of an open ticket it would be an event there: test_out_of_office).
        lost = self.ingest(make_mail(subject="Out of Office", sender="petrov@tv-sibir.ru",
                                     headers={"X-Autoreply": "yes"}))
        self.assertEqual((lost.outcome, lost.ticket_id), (Outcome.ROBOT, None))
        self.assertEqual(Ticket.objects.count(), 1)
        self.assertEqual(len(self.signals.calls), 1)  # only the customer's own mail

    def test_a_post_relayed_by_a_discussion_list_opens_a_ticket_that_is_never_acknowledged(self) -> None:
        # A customer's team writes through its group address: the list's marks make the post
        # automatic mail for RFC 3834 (no automatic answer), not a robot's (it is a request).
        group = {"Precedence": "list", "List-Id": "<engineers.tv-sibir.ru>", "List-Post": "<mailto:engineers@tv-sibir.ru>",
                 "List-Unsubscribe": "<mailto:engineers+unsubscribe@tv-sibir.ru>"}
        result = self.ingest(make_mail(headers=group))
        self.assertEqual(result.outcome, Outcome.TICKETED)
        self.assertFalse(OutgoingMail.objects.filter(kind="ack").exists())
        skipped = Message.objects.get(ticket_id=result.ticket_id, event="ack_skipped")
        self.assertEqual(skipped.event_data, {"reason": "mailing_list"})
        self.assertEqual(len(self.signals.calls), 1)
        # The agents see it came through the list (a reply to all may reach its members).
        self.client.force_login(self.alice)
        page = self.client.get(reverse("tickets:detail", args=[result.ticket_id])).content.decode()
        self.assertIn('title="&lt;engineers.tv-sibir.ru&gt;">через список рассылки</em>', page)
        self.assertIn("письмо пришло через список рассылки", page)
        # The same request without the list's marks is acknowledged.
        self.assertEqual(self.ingest(make_mail(sender="petrov@tv-sibir.ru")).outcome, Outcome.TICKETED)
        self.assertEqual(OutgoingMail.objects.filter(kind="ack").count(), 1)
        # A post the list re-sent under its own address (DMARC) is the person's request.
        munged = self.ingest(make_mail(sender="engineers@tv-sibir.ru", name="'Олег Сидоров' via Engineers",
                                       headers=dict(group, **{"Reply-To": "Олег Сидоров <sidorov@tv-sibir.ru>",
                                                              "X-Original-From": "Олег Сидоров <sidorov@tv-sibir.ru>"})))
        ticket = Ticket.objects.select_related("customer").get(pk=munged.ticket_id)
        self.assertEqual((ticket.contact_email, ticket.customer.name), ("sidorov@tv-sibir.ru", "Олег Сидоров"))
        # A newsletter (no address to post to) and a vacation notice sent to a list stay robots.
        news = {"Precedence": "bulk", "List-Unsubscribe": "<mailto:leave@news.example>", "List-Id": "<news.example>"}
        away = dict(group, **{"Auto-Submitted": "auto-replied"})
        for headers in (news, away):
            self.assertEqual(self.ingest(make_mail(sender="sidorov@tv-sibir.ru", headers=headers)).outcome,
                             Outcome.ROBOT, headers)

    def test_robot_never_threads_by_subject(self) -> None:
        self.open_ticket(subject="Нет звука")
        robot = self.ingest(make_mail(subject="Re: Нет звука", sender="mailer-daemon@tv-sibir.ru"))
        self.assertIsNone(robot.ticket_id)

    def test_mail_from_our_own_address_is_a_robot(self) -> None:
        result = self.ingest(make_mail(sender="forward@softlab.tv"))
        self.assertEqual(result.outcome, Outcome.ROBOT)

    def test_bounce_flags_the_ticket_unreachable(self) -> None:
        ticket = self.open_ticket()
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, message_id="reply.1@supportdesk.local")
        result = self.ingest(BOUNCE)
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.ROBOT, ticket.pk))
        ticket.refresh_from_db()
        self.assertTrue(ticket.unreachable_by_email)
        self.assertIn("ivanov@tv-sibir.ru", ticket.unreachable_reason)
        self.assertIsNotNone(CustomerEmail.objects.get(address="ivanov@tv-sibir.ru").bounced_at)
        self.assertEqual(InboundMail.objects.get(pk=result.inbound_id).route, "bounce")

    def test_a_delay_warning_is_kept_on_the_ticket_without_marking_the_address(self) -> None:
        ticket = self.open_ticket()
        services.ticket_add_message(ticket=ticket, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, message_id="reply.2@supportdesk.local")
        dsn = (
            b"From: MAILER-DAEMON@mx.tv-sibir.ru\nTo: forward@softlab.tv\nSubject: Delayed Mail (still being retried)\n"
            b'Message-ID: <delay1@mx.tv-sibir.ru>\nContent-Type: multipart/report; report-type=delivery-status; '
            b'boundary="B"\n\n--B\nContent-Type: text/plain\n\nTHIS IS A WARNING ONLY.\n'
            b"--B\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mx.tv-sibir.ru\n\n"
            b"Final-Recipient: rfc822; ivanov@tv-sibir.ru\nAction: delayed\nStatus: 4.4.7\n"
            b"--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: <reply.2@supportdesk.local>\n--B--\n"
        )
        result = self.ingest(dsn)
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.ROBOT, ticket.pk))
        ticket.refresh_from_db()
        self.assertFalse(ticket.unreachable_by_email)
        self.assertIsNone(CustomerEmail.objects.get(address="ivanov@tv-sibir.ru").bounced_at)


class SpamAndQuarantineTests(IngestTestCase):
    def test_spam_stays_out_of_the_queue_until_an_agent_says_not_spam(self) -> None:
        result = self.ingest(make_mail(headers={"X-Spam-Flag": "YES"}))
        self.assertEqual((result.outcome, result.ticket_id), (Outcome.SPAM, None))
        self.assertEqual(Ticket.objects.count(), 0)
        released = inbound_mark_not_spam(inbound_id=result.inbound_id)
        self.assertEqual(released.outcome, Outcome.TICKETED)
        self.assertTrue(InboundMail.objects.get(pk=result.inbound_id).not_spam)

    def test_a_bug_quarantines_the_mail_with_its_raw_bytes_and_reprocess_recovers(self) -> None:
        raw = make_mail(message_id="bug@tv-sibir.ru")
        with mock.patch("supportdesk.mail.handlers.ticket_open", side_effect=RuntimeError("boom")):
            result = self.ingest(raw)
        row = InboundMail.objects.get(pk=result.inbound_id)
        self.assertEqual(row.state, "quarantined")
        self.assertIn("RuntimeError: boom", row.error)
        self.assertEqual(bytes(row.raw), raw)
        self.assertEqual(row.from_addr, "ivanov@tv-sibir.ru")
        self.assertEqual(Ticket.objects.count(), 0)  # the transaction rolled back
        self.assertEqual(inbound_reprocess(inbound_id=row.pk).outcome, Outcome.TICKETED)

    def test_a_receiver_failure_rolls_back_the_whole_mail(self) -> None:
        def broken(sender: object, **kw: object) -> None:
            raise ValueError("receiver bug")

        request_received.connect(broken, weak=False)
        self.addCleanup(request_received.disconnect, broken)
        result = self.ingest(make_mail())
        self.assertEqual(result.outcome, Outcome.QUARANTINED)
        self.assertEqual((Ticket.objects.count(), Message.objects.count()), (0, 0))

    def test_mail_without_sender_is_quarantined_as_the_senders_fault(self) -> None:
        result = self.ingest(b"Subject: hello\n\nno sender here\n")
        row = InboundMail.objects.get(pk=result.inbound_id)
        self.assertEqual(row.state, "quarantined")
        self.assertTrue(row.error.startswith("sender:"))

    def test_a_second_delivery_of_a_quarantined_message_is_its_duplicate_not_a_second_entry(self) -> None:
        # the same message from two mailboxes: other Received lines, the same Message-ID
        body = b"Message-ID: <nosender@example.ru>\nSubject: hello\n\nno sender here\n"
        first = self.ingest(b"Received: from a.example.ru\n" + body, source_uid="box-a:1")
        second = self.ingest(b"Received: from b.example.ru\n" + body, source_uid="box-b:1")
        self.assertEqual((first.outcome, second.outcome), (Outcome.QUARANTINED, Outcome.DUPLICATE))
        copy = InboundMail.objects.get(pk=second.inbound_id)
        self.assertEqual(copy.error, f"duplicate of quarantined inbound mail #{first.inbound_id}")
        self.assertEqual(bytes(copy.raw), b"Received: from b.example.ru\n" + body)  # its bytes kept
        self.assertEqual(InboundMail.objects.filter(state="quarantined").count(), 1)
        # another message without a sender is an entry of its own
        other = self.ingest(b"Message-ID: <other@example.ru>\nSubject: hi\n\nx\n", source_uid="box-a:2")
        self.assertEqual(other.outcome, Outcome.QUARANTINED)


class InboundLookupPlanTests(TestCase):
    """Every delivery looks up its (source, uid) and its dedupe key: on indexes, not by
    reading every stored mail (a scan made the intake slower with every mail it held)."""

    def test_the_store_lookups_use_indexes(self):
        if connection.vendor != "sqlite":
            pytest.skip(database_only("sqlite", "PostgreSQL's planner scans tiny tables anyway"))
        from supportdesk.mail.importer import _store_batch

        with CaptureQueriesContext(connection) as queries:
            ingest_raw(b"Message-ID: <plan@x.ru>\r\nFrom: a@x.ru\r\nSubject: s\r\n\r\nbody\r\n", source="lmtp",
                       source_uid="uid-1")
            _store_batch([b"Message-ID: <plan2@x.ru>\r\nFrom: a@x.ru\r\n\r\nb\r\n"], source="import",
                         received_at=timezone.now())
        lookups = [q["sql"] for q in queries.captured_queries
                   if q["sql"].startswith("SELECT") and 'FROM "mail_inboundmail"' in q["sql"]]
        assert lookups
        with connection.cursor() as cursor:
            for sql in lookups:
                cursor.execute("EXPLAIN QUERY PLAN " + sql)
                plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
                assert "SCAN mail_inboundmail" not in plan, (sql, plan)


class KnownDeliveriesTests(TestCase):
    """The one query a new delivery starts with (ingest._known_deliveries), on both databases."""

    def _row(self, **fields: Any) -> InboundMail:
        base = {"source": "lmtp", "source_uid": "", "raw": b"x", "size": 1, "content_hash": "h", "message_id": "",
                "dedupe_key": "k", "received_at": timezone.now(), "state": InboundMail.State.PENDING}
        return InboundMail.objects.create(**{**base, **fields})

    def test_placed_copy_same_delivery_and_related_pending_ones_are_found(self) -> None:
        from supportdesk.mail.ingest import _known_deliveries

        now = timezone.now()
        placed = self._row(dedupe_key="mid:a@x", state=InboundMail.State.TICKETED)
        same = self._row(dedupe_key="mid:b@x", source="imap", source_uid="7", state=InboundMail.State.QUARANTINED)
        parent = self._row(dedupe_key="mid:p@x", message_id="p@x")
        old_parent = self._row(dedupe_key="mid:q@x", message_id="q@x", received_at=now - timedelta(minutes=10))
        self._row(dedupe_key="mid:a@x", state=InboundMail.State.QUARANTINED)  # a quarantined copy is no placed one
        self._row(dedupe_key="mid:c@x", source="imap", source_uid="")  # an empty uid matches no delivery

        def found(**kw: Any) -> set[int]:
            args = {"key": "mid:z@x", "source": "imap", "source_uid": "", "since": now - timedelta(minutes=5),
                    "refs": []} | kw
            rows = _known_deliveries(**args)
            assert all("raw" not in row.__dict__ for row in rows)  # the bytes are never read
            return {row.pk for row in rows}

        assert found() == set()
        assert found(key="mid:a@x") == {placed.pk}
        assert found(source_uid="7") == {same.pk}
        assert found(refs=["p@x", "q@x"]) == {parent.pk}  # q@x arrived before the window
        assert found(refs=["q@x"], since=now - timedelta(minutes=15)) == {old_parent.pk}
        assert found(key="mid:p@x") == {parent.pk}  # another delivery of a message being placed
