"""Issue 16, items 1, 2 and 7 below the browser: reply-all recipients and ticket contacts, files
in replies and notes (limits, files of the ticket sent again), forwards and the third party's
answer. Mail is read back from a real SMTP server."""

from __future__ import annotations

from email.utils import getaddresses

import pytest

from supportdesk.customers.models import Company, CompanyDomain, Customer, CustomerEmail
from supportdesk.lib.addresses import split_addresses
from supportdesk.lib.blobstore import blob_get
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.tests.factory import make_mail
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_flush
from supportdesk.policy import get_policy
from supportdesk.replies.files import ticket_files
from supportdesk.replies.forwarding import ticket_forward
from supportdesk.replies.recipients import check_recipients, reply_all
from supportdesk.replies.services import ticket_note, ticket_reply
from supportdesk.replies.tests.helpers import parsed, start_sink, text_part
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets.models import Attachment, Message, Status, Ticket, TicketContact
from supportdesk.tickets.services import AttachmentData, InvalidAction

RECEIVED = office_time(2026, 5, 12, 10, 0)
LATER = office_time(2026, 5, 12, 11, 0)
LOG = b"2026-05-12 09:58:01 SDI2: no signal\r\n\x00\x01binary tail\xff"
PARTNER = "support@sdi-hardware.example"


def addresses(header: str | None) -> list[str]:
    return [a.lower() for _, a in getaddresses([header or ""]) if a]


class RecipientTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = start_sink(self)
        raw = make_mail(subject="Нет сигнала на SDI 2", to="forward@softlab.tv, Пётр <petrov@tv-sibir.ru>",
                        headers={"Cc": "Главный инженер <chief@tv-sibir.ru>, noreply@tv-sibir.ru, "
                                       "sales@softlab.tv, forward@softlab.tv"},
                        message_id="first.cc@tv-sibir.ru", date="Tue, 12 May 2026 10:00:00 +0700")
        result = ingest_raw(raw, source="lmtp", received_at=RECEIVED)
        self.ticket = Ticket.objects.get(pk=result.ticket_id)
        outbox_flush()
        self.sink.wait_for(1)  # the acknowledgment, to the sender only
        self.sink.clear()

    def test_copied_colleagues_become_contacts_and_customers(self) -> None:
        contacts = list(TicketContact.objects.filter(ticket=self.ticket).values_list("email", "source"))
        assert sorted(contacts) == [("chief@tv-sibir.ru", "mail"), ("petrov@tv-sibir.ru", "mail")]
        chief = TicketContact.objects.get(email="chief@tv-sibir.ru").customer
        assert chief is not None and chief.name == "" and chief != self.ticket.customer
        assert CustomerEmail.objects.filter(address="petrov@tv-sibir.ru").exists()
        assert not CustomerEmail.objects.filter(address__in=["noreply@tv-sibir.ru", "sales@softlab.tv"]).exists()

    def test_a_copied_colleague_at_the_companys_domain_joins_the_company(self) -> None:
        company = Company.objects.create(name="ТВ Сибирь")
        CompanyDomain.objects.create(company=company, domain="tv-sibir.ru")
        Customer.objects.filter(pk=self.ticket.customer_id).update(company=company)
        raw = make_mail(subject="Вторая проблема", headers={"Cc": "engineer2@tv-sibir.ru, dealer@dealer.example"})
        ingest_raw(raw, source="lmtp", received_at=LATER)
        assert CustomerEmail.objects.get(address="engineer2@tv-sibir.ru").customer.company == company
        assert CustomerEmail.objects.get(address="dealer@dealer.example").customer.company is None

    def test_reply_all_reaches_the_sender_and_both_colleagues_and_no_robot(self) -> None:
        proposal = reply_all(self.ticket)
        assert proposal.to == ["ivanov@tv-sibir.ru"]
        assert proposal.cc == ["petrov@tv-sibir.ru", "chief@tv-sibir.ru"]
        ticket_reply(ticket=self.ticket, author=self.alice, text="Проверьте кабель SDI.", at=LATER)
        assert outbox_flush().sent == 1
        [mail] = self.sink.wait_for(1)
        assert sorted(mail.rcpt_tos) == ["chief@tv-sibir.ru", "ivanov@tv-sibir.ru", "petrov@tv-sibir.ru"]
        message = parsed(mail.data)
        assert addresses(message["To"]) == ["ivanov@tv-sibir.ru"]
        assert addresses(message["Cc"]) == ["petrov@tv-sibir.ru", "chief@tv-sibir.ru"]
        assert message["In-Reply-To"] == "<first.cc@tv-sibir.ru>"
        assert "<first.cc@tv-sibir.ru>" in message["References"]
        reply = Message.objects.get(ticket=self.ticket, kind=Message.Kind.OUTGOING, is_automatic=False)
        assert reply.to_addrs == "ivanov@tv-sibir.ru" and reply.cc_addrs == "petrov@tv-sibir.ru, chief@tv-sibir.ru"

    def test_a_copied_colleagues_answer_threads_and_is_the_customers(self) -> None:
        ticket_reply(ticket=self.ticket, author=self.alice, text="Проверьте кабель SDI.", at=LATER)
        self.ticket.refresh_from_db()
        assert self.ticket.reply_due_at is None
        sent = OutgoingMail.objects.get(kind="reply")
        raw = make_mail(sender="chief@tv-sibir.ru", name="Главный инженер", subject=f"Re: {sent.subject}",
                        body="Кабель заменили, сигнала нет.", in_reply_to=sent.message_id,
                        references=f"<first.cc@tv-sibir.ru> <{sent.message_id}>")
        result = ingest_raw(raw, source="lmtp", received_at=office_time(2026, 5, 12, 12, 0))
        assert result.ticket_id == self.ticket.pk
        answer = Message.objects.get(ticket=self.ticket, body_text__contains="Кабель заменили")
        assert answer.kind == Message.Kind.INCOMING and not answer.is_robot
        assert answer.author_customer == TicketContact.objects.get(email="chief@tv-sibir.ru").customer
        self.ticket.refresh_from_db()
        assert self.ticket.reply_pending_since == office_time(2026, 5, 12, 12, 0)  # the clock runs again
        # The next reply-all answers the chief, still copying the others.
        proposal = reply_all(self.ticket)
        assert proposal.to == ["chief@tv-sibir.ru"]
        assert set(proposal.cc) == {"ivanov@tv-sibir.ru", "petrov@tv-sibir.ru"}

    def test_edited_recipients_are_checked_before_anything_is_written(self) -> None:
        with pytest.raises(InvalidAction, match="petrov@"):
            check_recipients(to_text="ivanov@tv-sibir.ru", cc_text="petrov@, chief@tv-sibir.ru")
        with pytest.raises(InvalidAction, match="forward@softlab.tv"):
            check_recipients(to_text="ivanov@tv-sibir.ru", cc_text="Support <forward@softlab.tv>")
        with pytest.raises(InvalidAction, match="Кому"):
            check_recipients(to_text="", cc_text="chief@tv-sibir.ru")
        # a mailbox name outside ASCII needs SMTPUTF8: refused before anything is written; an
        # internationalised domain is fine (the outbox writes its IDNA form)
        with pytest.raises(InvalidAction, match="На адрес иван@почта.рф невозможно доставить письмо"):
            check_recipients(to_text="ivanov@tv-sibir.ru", cc_text="иван@почта.рф")
        assert check_recipients(to_text="ivan@почта.рф", cc_text="").to == ["ivan@почта.рф"]
        chosen = check_recipients(to_text="Иван <IVANOV@tv-sibir.ru>", cc_text="new.engineer@tv-sibir.ru; ivanov@tv-sibir.ru")
        assert chosen.to == ["ivanov@tv-sibir.ru"] and chosen.cc == ["new.engineer@tv-sibir.ru"]
        ticket_reply(ticket=self.ticket, author=self.alice, text="Ответ.", recipients=chosen, at=LATER)
        outbox_flush()
        [mail] = self.sink.wait_for(1)
        assert sorted(mail.rcpt_tos) == ["ivanov@tv-sibir.ru", "new.engineer@tv-sibir.ru"]
        assert TicketContact.objects.filter(ticket=self.ticket, email="new.engineer@tv-sibir.ru", source="agent").exists()

    def test_a_bounced_copy_does_not_make_the_customer_unreachable(self) -> None:
        ticket_reply(ticket=self.ticket, author=self.alice, text="Ответ.", at=LATER)
        sent = OutgoingMail.objects.get(kind="reply")
        bounce = (f"From: MAILER-DAEMON@mx.tv-sibir.ru\nTo: forward@softlab.tv\nSubject: Undelivered Mail\n"
                  f"Message-ID: <b2@mx.tv-sibir.ru>\nMIME-Version: 1.0\n"
                  f'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
                  f"--B\nContent-Type: text/plain\n\nfailed\n--B\nContent-Type: message/delivery-status\n\n"
                  f"Reporting-MTA: dns; mx.tv-sibir.ru\n\nFinal-Recipient: rfc822; chief@tv-sibir.ru\nAction: failed\n"
                  f"Status: 5.1.1\n--B\nContent-Type: text/rfc822-headers\n\nMessage-ID: <{sent.message_id}>\n--B--\n")
        ingest_raw(bounce.encode(), source="lmtp", received_at=office_time(2026, 5, 12, 12, 0))
        self.ticket.refresh_from_db()
        assert not self.ticket.unreachable_by_email
        assert CustomerEmail.objects.get(address="chief@tv-sibir.ru").bounced_at is not None


class FileTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = start_sink(self)
        raw = make_mail(subject="Падает FDOnAir", attachments=(("onair.log", "text/plain", LOG),),
                        message_id="log.1@tv-sibir.ru")
        self.ticket = Ticket.objects.get(pk=ingest_raw(raw, source="lmtp", received_at=RECEIVED).ticket_id)
        outbox_flush()
        self.sink.wait_for(1)
        self.sink.clear()

    def test_reply_sends_uploaded_and_stored_files_byte_equal(self) -> None:
        stored = Attachment.objects.get(message__ticket=self.ticket, filename="onair.log")
        patch = bytes(range(256)) * 40
        files = [*ticket_files(ticket=self.ticket, ids=[stored.pk]),
                 AttachmentData(filename="fix-4.2.patch", content_type="text/x-diff", content=patch)]
        ticket_reply(ticket=self.ticket, author=self.alice, text="Патч во вложении.", attachments=files, at=LATER)
        outbox_flush()
        [mail] = self.sink.wait_for(1)
        sent = {p.get_filename(): p.get_payload(decode=True) for p in parsed(mail.data).iter_attachments()}
        assert sent["onair.log"] == LOG and sent["fix-4.2.patch"] == patch
        reply = Message.objects.get(ticket=self.ticket, kind=Message.Kind.OUTGOING, is_automatic=False)
        kept = {a.filename: a for a in reply.attachments.all()}
        assert kept["onair.log"].sha256 == stored.sha256  # content-addressed: one blob for both
        assert blob_get(kept["fix-4.2.patch"].sha256) == patch

    def test_a_file_over_the_limit_is_refused_by_name_and_nothing_is_written(self) -> None:
        limit = get_policy().attachments.max_file_bytes
        big = AttachmentData(filename="capture.ts", content_type="video/mp2t", content=b"\0" * (limit + 1))
        before = Message.objects.count()
        with pytest.raises(InvalidAction, match="«capture.ts»"):
            ticket_reply(ticket=self.ticket, author=self.alice, text="Запись.", attachments=[big], at=LATER)
        with pytest.raises(InvalidAction, match="«capture.ts»"):
            ticket_note(ticket=self.ticket, author=self.alice, text="Запись.", attachments=[big], at=LATER)
        assert Message.objects.count() == before and not OutgoingMail.objects.filter(kind="reply").exists()
        self.ticket.refresh_from_db()
        assert self.ticket.reply_due_at is not None  # the clock still runs

    def test_files_of_another_ticket_are_refused(self) -> None:
        other = self.make_ticket(subject="Другое")
        stored = Attachment.objects.get(message__ticket=self.ticket)
        with pytest.raises(InvalidAction):
            ticket_files(ticket=other, ids=[stored.pk])

    def test_a_note_keeps_its_files_and_mails_nobody(self) -> None:
        note = ticket_note(ticket=self.ticket, author=self.alice, text="", at=LATER, attachments=[
            AttachmentData(filename="screen.png", content_type="image/png", content=b"\x89PNG\r\n\x1a\nfake")])
        assert note.kind == Message.Kind.NOTE and note.attachments.get().filename == "screen.png"
        assert outbox_flush().sent == 0


class ForwardTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = start_sink(self)
        raw = make_mail(subject="Плата не видит SDI", attachments=(("board.log", "application/octet-stream", LOG),),
                        message_id="hw.1@tv-sibir.ru")
        self.ticket = Ticket.objects.get(pk=ingest_raw(raw, source="lmtp", received_at=RECEIVED).ticket_id)
        outbox_flush()
        self.sink.wait_for(1)
        self.sink.clear()
        self.first = Message.objects.get(ticket=self.ticket, kind=Message.Kind.INCOMING)

    def test_forward_one_message_with_its_files_then_the_partners_answer_is_a_note(self) -> None:
        due = self.ticket.reply_due_at
        note = ticket_forward(ticket=self.ticket, author=self.alice, to_text=f"Partner <{PARTNER}>",
                              comment="Коллеги, посмотрите лог платы.", message=self.first, at=LATER)
        assert note.kind == Message.Kind.NOTE and note.event == "forward" and note.to_addrs == PARTNER
        assert outbox_flush().sent == 1
        [mail] = self.sink.wait_for(1)
        assert mail.rcpt_tos == (PARTNER,)
        message = parsed(mail.data)
        assert message["Subject"] == f"Fwd: [#{self.ticket.pk}] Плата не видит SDI"
        assert "ivanov@tv-sibir.ru" not in (message["To"] + (message["Cc"] or ""))
        body = text_part(message)
        assert body.startswith("Коллеги, посмотрите лог платы.") and "Титры не выводятся на SDI 2" in body
        assert {p.get_filename(): p.get_payload(decode=True) for p in message.iter_attachments()} == {"board.log": LOG}
        self.ticket.refresh_from_db()
        assert self.ticket.reply_due_at == due and self.ticket.status == Status.NEW

        answer = make_mail(sender=PARTNER, name="SDI Hardware", subject=f"Re: {message['Subject']}",
                           body="Обновите прошивку платы до 7.1.", in_reply_to=message["Message-ID"].strip("<>"),
                           references=message["Message-ID"])
        result = ingest_raw(answer, source="lmtp", received_at=office_time(2026, 5, 12, 13, 0))
        assert result.ticket_id == self.ticket.pk
        reply = Message.objects.get(ticket=self.ticket, body_text__contains="прошивку")
        assert reply.kind == Message.Kind.NOTE and reply.event == "forward_reply" and reply.from_addr == PARTNER
        self.ticket.refresh_from_db()
        assert self.ticket.reply_due_at == due and self.ticket.reply_pending_since == RECEIVED
        assert outbox_flush().sent == 0  # no acknowledgment to the partner
        assert not CustomerEmail.objects.filter(address=PARTNER).exists()

    def test_a_tagged_answer_without_headers_from_the_partner_is_a_note_too(self) -> None:
        ticket_forward(ticket=self.ticket, author=self.alice, to_text=PARTNER, at=LATER)
        answer = make_mail(sender=PARTNER, name="", subject=f"Re: Fwd: [#{self.ticket.pk}] Плата не видит SDI",
                           body="Нужен серийный номер.")
        ingest_raw(answer, source="lmtp", received_at=office_time(2026, 5, 12, 13, 0))
        assert Message.objects.get(body_text__contains="серийный").kind == Message.Kind.NOTE

    def test_the_whole_ticket_forwarded_has_every_public_message_and_no_note(self) -> None:
        ticket_note(ticket=self.ticket, author=self.alice, text="Внутреннее: клиент важный.", at=LATER)
        ticket_reply(ticket=self.ticket, author=self.alice, text="Пришлите фото платы.", at=LATER)
        outbox_flush()
        self.sink.wait_for(1)
        self.sink.clear()
        ticket_forward(ticket=self.ticket, author=self.alice, to_text=PARTNER, with_files=False)
        outbox_flush()
        [mail] = self.sink.wait_for(1)
        body = text_part(parsed(mail.data))
        assert "Титры не выводятся" in body and "Пришлите фото платы." in body
        assert "клиент важный" not in body
        assert not list(parsed(mail.data).iter_attachments())

    def test_an_invalid_address_is_refused_and_nothing_is_sent_or_recorded(self) -> None:
        before = Message.objects.count()
        for to, expected in (("partner-at-example", "partner-at-example"), ("", "Укажите адрес"),
                             ("forward@softlab.tv", "forward@softlab.tv")):
            with pytest.raises(InvalidAction, match=expected):
                ticket_forward(ticket=self.ticket, author=self.alice, to_text=to, message=self.first)
        assert Message.objects.count() == before and not OutgoingMail.objects.filter(kind="forward").exists()

    def test_a_message_of_another_ticket_cannot_be_forwarded(self) -> None:
        other = self.make_ticket(subject="Другое")
        with pytest.raises(InvalidAction):
            ticket_forward(ticket=other, author=self.alice, to_text=PARTNER, message=self.first)


def test_address_lists_as_agents_type_them() -> None:
    good, bad = split_addresses('Иван <Ivan@TV.ru>, petr@tv.ru; x@, "Петров, Пётр" <pp@tv-sibir.ru>\nfoo bar')
    assert good == ["ivan@tv.ru", "petr@tv.ru", "pp@tv-sibir.ru"] and bad == ["x@", "foo bar"]
