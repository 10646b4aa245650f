"""The acceptance tests of issue 5, through the real intake and a real SMTP server."""

from __future__ import annotations

import tempfile
from datetime import timedelta, timezone
from pathlib import Path
from unittest import mock

from django.test import override_settings
from django.utils import timezone as dj_timezone

from supportdesk.mail.ingest import ingest_raw
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import outbox_flush
from supportdesk.outbox.tests.dkimkeys import dns_answer, make_dkim_key, verifies
from supportdesk.replies.services import ticket_reply
from supportdesk.replies.tests.helpers import (
    TRUSTED_MTA,
    customer_mail,
    html_part,
    parsed,
    smtp_to,
    start_sink,
    text_part,
)
from supportdesk.test import BaseTestCase, office_time
from supportdesk.testing.servers import SmtpSink
from supportdesk.tickets.models import Message, Ticket

MOSCOW = timezone(timedelta(hours=3))


@override_settings(MAIL_AUTHSERV_IDS=[TRUSTED_MTA])
class AcknowledgmentAcceptanceTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.sink = start_sink(self)

    def test_koi8r_friday_evening_request_from_moscow(self):
        # Friday 2025-10-31 17:45 in Novosibirsk = 13:45 in Moscow. Saturday 1 November is a
        # (shortened) working day, 2–4 November are days off: the clock runs 15 min on Friday,
        # 8 h on Saturday and resumes on Wednesday 5 November.
        received = office_time(2025, 10, 31, 17, 45)
        raw = customer_mail(
            sender="sidorov@tvmsk.ru", name="Пётр Сидоров", subject="Не выводятся титры", charset="koi8-r",
            body="Здравствуйте! В Forward TS 6.2.1 перестали выводиться титры на выход SDI после "
                 "обновления драйвера платы. Титры в программе видны, а на выходе пусто.\n\n"
                 "--\nПётр Сидоров, ТВ Москва",
            sent=received.astimezone(MOSCOW), message_id="req-1@tvmsk.ru")
        with tempfile.TemporaryDirectory() as tmp:
            key, record = make_dkim_key(Path(tmp))
            with override_settings(DKIM_SELECTOR="sd2025", DKIM_DOMAIN="softlab.tv",
                                   DKIM_PRIVATE_KEY_FILE=str(key)):
                result = ingest_raw(raw, source="lmtp", received_at=received)
                assert outbox_flush().sent == 1
            [delivered] = self.sink.wait_for(1)
            assert verifies(delivered.data, dns_answer("sd2025", "softlab.tv", record))

        ticket = Ticket.objects.get(pk=result.ticket_id)
        assert delivered.rcpt_tos == ("sidorov@tvmsk.ru",)
        msg = parsed(delivered.data)
        text = text_part(msg)
        assert msg["Subject"] == f"Re: [#{ticket.pk}] Не выводятся титры"
        assert msg["Auto-Submitted"] == "auto-replied" and msg["In-Reply-To"] == "<req-1@tvmsk.ru>"
        assert msg["Content-Language"] == "ru"
        assert f"зарегистрировано под номером {ticket.pk}" in text
        # Exactly the missing items (steps and settings), with the Forward TS hints.
        assert "Пошаговое описание действий" in text and "Настройки программ" in text
        assert "Описание проблемы" not in text and "Версия установленного ПО" not in text
        assert "FDConfig2 выберите «Файл → Экспорт настроек»" in text
        # The deadline in Novosibirsk and in Moscow time, on the official calendar's working days.
        flat = " ".join(text.split())
        assert "придёт не позднее четверга, 6 ноября 2025, 09:45 по времени Новосибирска (UTC+7)" in flat
        assert "не позднее четверга, 6 ноября 2025, 05:45 по времени Москвы (UTC+3)" in flat
        assert "раньше — до среды, 5 ноября 2025, 09:45 по времени Новосибирска (UTC+7)" in flat
        assert "(у вас это до среды, 5 ноября 2025, 05:45 по времени Москвы (UTC+3))" in flat
        assert "нерабочее время" not in text  # 17:45 is within office hours
        assert "папку «Спам»" in text and "forward@softlab.tv" in text
        assert "+7 (383) 363-04-62" in text and "пн–пт 05:00–14:00" in text
        assert "http://127.0.0.1:8000/portal/lookup/" in text
        assert "по времени Москвы" in html_part(msg)
        # The ticket: checklist stored, product and version filled, an ack_sent event.
        assert ticket.customer.timezone == "Europe/Moscow"
        assert ticket.product.key == "forward-ts" and ticket.reported_version == "6.2.1"
        assert {k: v["present"] for k, v in ticket.checklist.items()} == {
            "description": True, "steps": False, "version": True, "settings": False}
        event = ticket.messages.get(kind=Message.Kind.EVENT, event="ack_sent")
        assert event.event_data["missing"] == ["steps", "settings"]
        ack = ticket.messages.get(kind=Message.Kind.OUTGOING)
        assert ack.is_automatic and ack.outgoing.message_id == ack.message_id
        assert ticket.reply_due_at == office_time(2025, 11, 6, 9, 45)  # the ack did not stop the clock


class OutageTests(BaseTestCase):
    def test_replies_queue_while_smtp_is_down_and_arrive_exactly_once(self):
        sink = SmtpSink().start()
        self.addCleanup(sink.stop)
        with smtp_to(sink):
            ticket = self.make_ticket()
            sink.stop()
            for n in range(3):
                ticket_reply(ticket=ticket, author=self.alice, text=f"Ответ номер {n}")
            first = outbox_flush()
            assert first.sent == 0 and first.unreachable
            again = outbox_flush()  # one probe per round while the server is down
            assert again.sent == 0 and again.handled <= 1
            assert OutgoingMail.objects.filter(state=OutgoingMail.State.PENDING).count() == 3
            sink.start()
            later = dj_timezone.now() + timedelta(hours=1)
            with mock.patch("django.utils.timezone.now", return_value=later):
                assert outbox_flush().sent == 3
                assert outbox_flush().handled == 0
        received = sink.wait_for(3)
        ids = [parsed(m.data)["Message-ID"] for m in received]
        assert len(ids) == len(set(ids)) == 3
        assert sorted(text_part(parsed(m.data)).splitlines()[0] for m in received) == [
            "Ответ номер 0", "Ответ номер 1", "Ответ номер 2"]


class LoopTests(BaseTestCase):
    def test_two_auto_responders_exchange_at_most_the_daily_limit(self):
        """A robot that answers every mail with a new, genuine-looking mail, and the desk
        that acknowledges every new request: the daily limit ends the exchange."""
        sink = SmtpSink().start()
        self.addCleanup(sink.stop)
        robot = "robot@autoreply.example"
        now = dj_timezone.now()
        with smtp_to(sink):
            for n in range(30):
                raw = customer_mail(sender=robot, subject="Ваше сообщение получено", sent=now,
                                    body="Спасибо, ваше сообщение получено и будет рассмотрено.",
                                    message_id=f"auto-{n}@autoreply.example")
                ingest_raw(raw, source="lmtp", received_at=now)
                outbox_flush()
                if len(sink.messages) <= n:
                    break  # the desk did not answer: the robot has nothing to answer
        limit = 5
        assert len(sink.messages) == limit
        assert all(m.rcpt_tos == (robot,) for m in sink.messages)
        suppressed = OutgoingMail.objects.get(state=OutgoingMail.State.SUPPRESSED)
        assert suppressed.recipient == robot
        ticket = Ticket.objects.get(pk=int(suppressed.ref.split(":")[1]))
        assert ticket.messages.filter(event="auto_mail_suppressed").count() == 1
        assert not ticket.messages.filter(event="ack_sent").exists()

    def test_a_customer_at_an_rf_domain_is_acknowledged_and_a_broken_address_is_not_tried(self):
        sink = SmtpSink().start()
        self.addCleanup(sink.stop)
        now = dj_timezone.now()
        with smtp_to(sink):
            # RFC 6532: a mailer that speaks SMTPUTF8 writes the domain in UTF-8 in the header
            idn = customer_mail(sender="ivan@idn.example", subject="Пропал звук", sent=now,
                                body="После обновления Forward TS пропал звук на выходе.", message_id="idn-1@tv-sibir.ru")
            ingest_raw(idn.replace(b"ivan@idn.example", "ivan@почта.рф".encode()), source="lmtp", received_at=now)
            broken = ingest_raw(customer_mail(sender="n.dmitrieva@tvrus", subject="Пропали титры", sent=now,
                                              body="Титры не выводятся на второй выход SDI.",
                                              message_id="broken-1@tv-sibir.ru"), source="lmtp", received_at=now)
            assert outbox_flush().sent == 1
        [ack] = sink.wait_for(1)
        assert ack.rcpt_tos == ("ivan@xn--80a1acny.xn--p1ai",)
        ticket = Ticket.objects.get(pk=broken.ticket_id)  # the request is registered all the same
        event = ticket.messages.get(event="auto_mail_suppressed")
        assert event.event_data["reason"] == "undeliverable_address"
        assert "no mail domain" in event.event_data["detail"]
        self.client.force_login(self.alice)
        page = self.client.get(f"/agent/tickets/{ticket.pk}/").content.decode()
        assert "на этот адрес невозможно доставить письмо" in page
