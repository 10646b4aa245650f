"""A real LMTP (and SMTP) conversation with our aiosmtpd intake server."""

from __future__ import annotations

import smtplib

from django.test import TransactionTestCase

from supportdesk.mail.backends.lmtp import IntakeHandler, IntakeServer, with_return_path
from supportdesk.mail.ingest import IngestResult
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.testing.servers import free_port
from supportdesk.tickets.models import Message, Ticket


def crlf(raw: bytes) -> bytes:
    """What an MTA sends: CRLF line ends (smtplib passes bytes through unchanged)."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


class LmtpIntakeTests(TransactionTestCase):
    """Ingestion runs in the server's worker threads, so the data must really be committed."""

    def deliver(self, server: IntakeServer, raw: bytes, rcpts: list[str] | None = None) -> dict:
        client = smtplib.LMTP(server.host, server.port, timeout=20)
        try:
            return client.sendmail("ivanov@tv-sibir.ru", rcpts or ["forward@softlab.tv"], crlf(raw))
        finally:
            client.quit()

    def test_delivery_is_answered_250_after_the_mail_is_stored(self) -> None:
        with IntakeServer(port=free_port()) as server:
            refused = self.deliver(server, make_mail(message_id="l1@tv-sibir.ru", subject="Через LMTP"))
        self.assertEqual(refused, {})
        row = InboundMail.objects.get(message_id="l1@tv-sibir.ru")
        self.assertEqual((row.source, row.state), ("lmtp", "ticketed"))
        self.assertEqual(Ticket.objects.get(pk=row.ticket_id).subject, "Через LMTP")

    def test_the_envelope_sender_is_kept_as_return_path_and_a_null_one_marks_a_robot(self) -> None:
        # An automatic answer with a person's From, sent (RFC 3834) from the null envelope sender:
        # only the envelope tells it from the customer's mail, and the MTA hands it to us alone.
        with IntakeServer(port=free_port()) as server:
            client = smtplib.LMTP(server.host, server.port, timeout=20)
            try:
                self.assertEqual(client.sendmail("<>", ["forward@softlab.tv"], crlf(make_mail(
                    message_id="null@tv-sibir.ru", subject="Re: Не выводятся титры",
                    body="Я в отпуске до 20 января."))), {})
            finally:
                client.quit()
            self.deliver(server, make_mail(message_id="person@tv-sibir.ru"))
        robot = InboundMail.objects.get(message_id="null@tv-sibir.ru")
        self.assertEqual((robot.state, robot.ticket_id), ("robot", None))
        self.assertTrue(bytes(robot.raw).startswith(b"Return-Path: <>\r\nFrom: "))
        person = InboundMail.objects.get(message_id="person@tv-sibir.ru")
        self.assertEqual(person.state, "ticketed")
        self.assertTrue(bytes(person.raw).startswith(b"Return-Path: <ivanov@tv-sibir.ru>\r\n"))

    def test_return_path_is_written_once_in_the_mails_line_ending(self) -> None:
        self.assertEqual(with_return_path(b"From: a@b.ru\n\nx\n", "a@b.ru"), b"Return-Path: <a@b.ru>\nFrom: a@b.ru\n\nx\n")
        self.assertEqual(with_return_path(b"From: a@b.ru\r\n\r\nx", "<>"), b"Return-Path: <>\r\nFrom: a@b.ru\r\n\r\nx")
        kept = b"Return-Path: <bounce@list.ru>\r\nFrom: a@b.ru\r\n\r\nx"
        self.assertEqual(with_return_path(kept, "other@b.ru"), kept)  # an MTA already wrote it
        self.assertEqual(with_return_path(kept, None), kept)

    def test_two_recipients_one_message_one_answer_each(self) -> None:
        with IntakeServer(port=free_port()) as server:
            client = smtplib.LMTP(server.host, server.port, timeout=20)
            client.ehlo_or_helo_if_needed()
            client.mail("ivanov@tv-sibir.ru")
            client.rcpt("forward@softlab.tv")
            client.rcpt("support@softlab.tv")
            code, _ = client.data(crlf(make_mail(message_id="l2@tv-sibir.ru")))
            second = client.getreply()  # LMTP: one reply per recipient
            client.quit()
        self.assertEqual((code, second[0]), (250, 250))
        self.assertEqual(Message.objects.filter(message_id="l2@tv-sibir.ru").count(), 1)

    def test_too_big_is_refused_with_552(self) -> None:
        big = crlf(make_mail(body="строка текста\n" * 400))
        with IntakeServer(port=free_port(), max_bytes=2000) as server:
            # A client that announces SIZE is refused at MAIL FROM already ...
            with self.assertRaises(smtplib.SMTPSenderRefused) as announced:
                self.deliver(server, big)
            # ... one that does not is refused when the data exceeds the limit.
            client = smtplib.LMTP(server.host, server.port, timeout=20)
            client.ehlo_or_helo_if_needed()
            client.mail("ivanov@tv-sibir.ru")
            client.rcpt("forward@softlab.tv")
            code, _ = client.data(big)
            client.quit()
        self.assertEqual((announced.exception.smtp_code, code), (552, 552))
        self.assertEqual(InboundMail.objects.count(), 0)

    def test_storage_failure_is_a_temporary_451_so_the_mta_retries(self) -> None:
        def broken(raw: bytes, source: str) -> IngestResult:
            raise ConnectionError("database down")

        handler = IntakeHandler(ingest=broken)
        with IntakeServer(port=free_port(), handler=handler) as server:
            with self.assertRaises(smtplib.SMTPDataError) as caught:
                self.deliver(server, make_mail())
        self.assertEqual(caught.exception.smtp_code, 451)

    def test_smtp_mode(self) -> None:
        with IntakeServer(port=free_port(), smtp=True) as server:
            client = smtplib.SMTP(server.host, server.port, timeout=20)
            client.sendmail("ivanov@tv-sibir.ru", ["forward@softlab.tv"], crlf(make_mail(message_id="s1@tv-sibir.ru")))
            client.quit()
        self.assertEqual(InboundMail.objects.get(message_id="s1@tv-sibir.ru").source, "smtp")

    def test_a_line_longer_than_rfc_5321_allows_is_taken_not_bounced(self) -> None:
        # Found by fuzzing the LMTP server: aiosmtpd answered a 1,001-octet line with a permanent
        # 500, and the MTA would bounce the customer's mail (HTML written on one line).
        html = "<p>" + "Титры пропадают после обновления. " * 300 + "</p>"
        raw = ("From: Иван <ivanov@tv-sibir.ru>\nTo: forward@softlab.tv\nSubject: long line\n"
               "Message-ID: <long@tv-sibir.ru>\nMIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\n"
               "Content-Transfer-Encoding: 8bit\n\n" + html + "\n").encode()
        assert max(len(line) for line in crlf(raw).split(b"\r\n")) > 10_000
        for smtp in (False, True):
            with IntakeServer(port=free_port(), smtp=smtp) as server:
                client = (smtplib.SMTP if smtp else smtplib.LMTP)(server.host, server.port, timeout=20)
                self.assertEqual(client.sendmail("ivanov@tv-sibir.ru", ["forward@softlab.tv"], crlf(raw)), {})
                client.quit()
        message = Message.objects.get(message_id="long@tv-sibir.ru")
        self.assertIn("Титры пропадают после обновления. " * 3, message.body_text)
        self.assertEqual(InboundMail.objects.filter(message_id="long@tv-sibir.ru", state="duplicate").count(), 1)
