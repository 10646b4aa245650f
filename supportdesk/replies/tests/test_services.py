from __future__ import annotations

import tempfile
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from supportdesk.catalog.models import Release
from supportdesk.checklist import AttachmentInfo
from supportdesk.outbox.models import OutgoingMail
from supportdesk.outbox.services import mail_failed_permanently
from supportdesk.replies.canned import UnknownPlaceholder, canned_render
from supportdesk.replies.models import CannedResponse
from supportdesk.replies.rendering import mail_language
from supportdesk.replies.services import (
    ticket_ask_for_information,
    ticket_missing_items_text,
    ticket_note,
    ticket_reply,
)
from supportdesk.replies.tests.helpers import html_part, parsed, text_part
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services as tickets
from supportdesk.tickets import services_checklist
from supportdesk.tickets.models import Message, Status
from supportdesk.tickets.services import AttachmentData, InvalidAction
from supportdesk.tickets.signals import request_received


def incoming(ticket, text, *, mid="", at=None, quoted_start=None, subject=""):
    return tickets.ticket_add_message(ticket=ticket, kind=Message.Kind.INCOMING, body_text=text, message_id=mid,
                                      author_customer=ticket.customer, from_addr=ticket.contact_email,
                                      quoted_start=quoted_start, subject=subject, created_at=at)


def receive(ticket, message, *, new=False, language="ru", attachments=(), channel="email"):
    request_received.send(sender=Message, ticket=ticket, message=message, is_new_ticket=new, language=language,
                          utc_offset=None, attachments=attachments, channel=channel)
    ticket.refresh_from_db()
    return ticket


class ReplyTests(BaseTestCase):
    def test_reply_threads_quotes_and_stops_the_clock_in_one_transaction(self):
        ticket = tickets.ticket_create(customer=self.customer, subject="Не выводятся титры", channel="email",
                                       contact_email="ivanov@tv-sibir.ru", created_at=office_time(2026, 5, 12, 10))
        incoming(ticket, "Титры не выводятся на SDI 2.", mid="c1@tv-sibir.ru", at=office_time(2026, 5, 12, 10))
        ticket.refresh_from_db()
        assert ticket.reply_due_at is not None
        message = ticket_reply(ticket=ticket, author=self.alice, text="Проверьте, пожалуйста, драйвер.",
                               attachments=[AttachmentData("howto.txt", "text/plain", b"step 1")],
                               at=office_time(2026, 5, 12, 11))
        ticket.refresh_from_db()
        assert ticket.reply_due_at is None and ticket.status == Status.OPEN
        mail = OutgoingMail.objects.get()
        assert message.kind == Message.Kind.OUTGOING and message.outgoing_id == mail.pk
        assert message.message_id == mail.message_id and not message.is_automatic
        assert message.attachments.get().filename == "howto.txt"
        msg = parsed(bytes(mail.raw))
        assert msg["Subject"] == f"Re: [#{ticket.pk}] Не выводятся титры"
        assert msg["In-Reply-To"] == "<c1@tv-sibir.ru>" and "<c1@tv-sibir.ru>" in msg["References"]
        assert msg["Reply-To"] == "forward@softlab.tv" and msg["Auto-Submitted"] is None
        text = text_part(msg)
        assert text.startswith("Проверьте, пожалуйста, драйвер.")
        assert "> Титры не выводятся на SDI 2." in text and "Алиса" in text
        # the quoted message's attribution: "В <weekday, accusative>, …, в HH:MM …, <who> пишет:"
        assert "\nВо вторник, 12 мая 2026, в 10:00 по времени Новосибирска (UTC+7), " in text
        assert "Во вторник, 12 мая 2026, в 10:00" in html_part(msg)
        assert "<blockquote" in html_part(msg)
        assert [p.get_filename() for p in msg.iter_attachments()] == ["howto.txt"]

    def test_reply_on_a_reply_references_the_whole_thread(self):
        ticket = self.make_ticket()
        first = ticket_reply(ticket=ticket, author=self.alice, text="Первый ответ")
        incoming(ticket, "Не помогло", mid="c2@tv-sibir.ru")
        ticket_reply(ticket=ticket, author=self.alice, text="Второй ответ")
        msg = parsed(bytes(OutgoingMail.objects.order_by("-id").first().raw))
        assert msg["In-Reply-To"] == "<c2@tv-sibir.ru>"
        assert msg["References"].split() == [f"<{first.message_id}>", "<c2@tv-sibir.ru>"]
        assert "> Первый ответ" in text_part(msg) and "> Не помогло" in text_part(msg)

    def test_only_agents_reply_and_empty_replies_are_refused(self):
        ticket = self.make_ticket()
        with pytest.raises(PermissionDenied):
            ticket_reply(ticket=ticket, author=self.bob, text="Привет")
        with pytest.raises(InvalidAction):
            ticket_reply(ticket=ticket, author=self.alice, text="   ")
        assert not OutgoingMail.objects.exists()

    def test_canned_answer_fills_its_placeholders(self):
        ticket = self.make_ticket()
        canned = CannedResponse.objects.create(title="Драйвер", body="{customer_name}, обновите драйвер "
                                               "(обращение {ticket_number}). {agent_name}")
        assert canned_render(canned=canned, ticket=ticket, author=self.alice).text == \
            f"Иван Иванов, обновите драйвер (обращение {ticket.pk}). Алиса"
        message = ticket_reply(ticket=ticket, author=self.alice, text="", canned=canned)
        assert message.body_text.startswith("Иван Иванов, обновите драйвер")
        assert message.event_data["canned"] == canned.pk

    def test_canned_answer_with_an_unknown_placeholder_is_never_sent(self):
        ticket = self.make_ticket()
        # Written past the form's check (an old row, a raw insert): refused at send time, by name.
        canned = CannedResponse.objects.create(title="Старый", body="{customer_name}, {client_nmae} обновите")
        with pytest.raises(UnknownPlaceholder, match=r"\{client_nmae\}"):
            ticket_reply(ticket=ticket, author=self.alice, text="", canned=canned)
        assert not OutgoingMail.objects.exists()

    def test_note_never_leaves_and_keeps_the_clock(self):
        ticket = self.make_ticket()
        note = ticket_note(ticket=ticket, author=self.alice, text="Похоже на баг 6.2")
        ticket.refresh_from_db()
        assert note.kind == Message.Kind.NOTE and not note.is_public
        assert not OutgoingMail.objects.exists() and ticket.reply_due_at is not None

    def test_ask_for_information_waits_for_the_customer(self):
        ticket = self.make_ticket()
        ticket_ask_for_information(ticket=ticket, author=self.alice, text="Пришлите файл настроек.")
        ticket.refresh_from_db()
        assert ticket.status == Status.WAITING_CUSTOMER and OutgoingMail.objects.count() == 1

    def test_missing_items_text_uses_the_product_hints(self):
        ticket = self.make_ticket(body="В Forward TS 6.2.1 не выводятся титры на SDI.")
        ticket = receive(ticket, ticket.messages.get())
        text = ticket_missing_items_text(ticket=ticket)
        assert "Пошаговое описание" in text and "FDConfig2" in text and "Версия" not in text

    def test_permanent_failure_flags_the_ticket_like_a_bounce(self):
        ticket = self.make_ticket()
        ticket_reply(ticket=ticket, author=self.alice, text="Ответ")
        mail = OutgoingMail.objects.get()
        mail.state, mail.smtp_code, mail.last_error = OutgoingMail.State.FAILED, 550, "550 No such user"
        mail_failed_permanently.send(sender=OutgoingMail, mail=mail)
        ticket.refresh_from_db()
        assert ticket.unreachable_by_email and "550" in ticket.unreachable_reason
        assert ticket.messages.filter(event="bounced").exists()
        # The address itself is marked, as a bounce marks it: the ticket page shows it.
        assert self.customer.emails.get(address=ticket.contact_email).bounced_at is not None


class ChecklistWiringTests(BaseTestCase):
    def test_later_messages_fill_only_the_missing_items_and_agents_win(self):
        ticket = self.make_ticket(body="Не выводятся титры на SDI-выход в Forward TS.")
        ticket = receive(ticket, ticket.messages.get())
        assert ticket.checklist["steps"]["present"] is False and ticket.product.key == "forward-ts"
        services_checklist.ticket_set_checklist(ticket=ticket, items={"settings": (True, "agent saw them")},
                                                source="agent", by_user=self.alice)
        body = "1. Запускаю FDConfig2\n2. Нажимаю «Старт»\n3. Титры пропадают\nВерсия 6.2.1\n\n> версия 5.0"
        reply = incoming(ticket, body, quoted_start=body.index("\n\n>"))
        ticket = receive(ticket, reply)
        assert ticket.checklist["steps"]["present"] and ticket.checklist["steps"]["source"] == "auto"
        assert ticket.checklist["settings"]["source"] == "agent"
        assert ticket.reported_version == "6.2.1" and ticket.checklist_complete

    def test_quoted_history_is_not_evidence(self):
        ticket = self.make_ticket(body="Спасибо!\n\n> Forward TS 6.2.1, шаги: 1. открыть 2. нажать")
        message = ticket.messages.get()
        tickets_msg = Message.objects.filter(pk=message.pk)
        tickets_msg.update(quoted_start=len("Спасибо!\n\n"))
        ticket = receive(ticket, Message.objects.get(pk=message.pk))
        assert ticket.checklist["version"]["present"] is False and ticket.reported_version == ""

    def test_an_agent_version_is_kept(self):
        ticket = self.make_ticket(body="Forward TS 6.2.1 падает при запуске.")
        services_checklist.ticket_set_product(ticket=ticket, product=self.products["forward-t"], version="5.1",
                                              by_user=self.alice)
        ticket = receive(ticket, ticket.messages.get(kind=Message.Kind.INCOMING))
        assert ticket.product.key == "forward-t" and ticket.reported_version == "5.1"

    def test_settings_file_attachment_counts(self):
        ticket = self.make_ticket(body="Не выводятся титры в Forward TS 6.2.1, настройки во вложении.")
        ticket = receive(ticket, ticket.messages.get(), attachments=[
            AttachmentInfo("settings.xml", "text/xml", 300, "<FDConfig><Output>SDI</Output></FDConfig>")])
        assert ticket.checklist["settings"]["present"]


    def test_a_licence_question_is_not_asked_for_steps_or_settings(self):
        ticket = self.make_ticket(subject="Лицензия", body="Сколько стоит лицензия Forward TS на второй канал?")
        ticket = receive(ticket, ticket.messages.get())
        assert ticket.checklist["steps"]["present"] and ticket.checklist["settings"]["present"]
        assert "лицензия" in ticket.checklist["steps"]["evidence"]
        text = ticket_missing_items_text(ticket=ticket)
        assert "Пошаговое описание" not in text and "Настройки программ" not in text
        assert "Версия установленного ПО" in text

    def test_a_colleague_s_forwarded_report_fills_the_steps_and_our_quoted_reply_does_not(self):
        body = ("Пересылаю от дежурного.\n\n-------- Пересылаемое сообщение --------\n"
                "От: Дежурный <duty@tv-sibir.ru>\nТема: ночь\n\n"
                "Остановил плейлист, заменил клип в папке, запустил плейлист снова.\n\n"
                "-------- Исходное сообщение --------\nОт: Поддержка <forward@softlab.tv>\n\n"
                "Forward TS 6.2.1: установите обновление.\n")
        ticket = self.make_ticket(subject="Fwd: ночь", body=body)
        message = ticket.messages.get()
        Message.objects.filter(pk=message.pk).update(quoted_start=body.index("-------- Пересылаемое"))
        ticket = receive(ticket, Message.objects.get(pk=message.pk))
        assert ticket.checklist["steps"]["present"] and ticket.checklist["steps"]["source"] == "auto"
        assert ticket.checklist["version"]["present"] is False and ticket.reported_version == ""


class AcknowledgmentVariantTests(BaseTestCase):
    def _ack(self, ticket, **kwargs):
        receive(ticket, ticket.messages.filter(kind=Message.Kind.INCOMING).first(), new=True, **kwargs)
        return OutgoingMail.objects.filter(kind="ack").first()

    def test_english_out_of_hours_outdated_version(self):
        Release.objects.create(product=self.products["forward-ts"], version="6.3.0",
                               status=Release.Status.PUBLISHED, download_url="https://www.softlab.tv/dl/fts630")
        self.customer.timezone = "Europe/Moscow"
        self.customer.save()
        ticket = self.make_ticket(body="Forward TS 6.2.1 does not show the titles on the SDI output.",
                                  at=office_time(2026, 5, 8, 22, 30))  # Friday night
        tickets.ticket_add_event(ticket=ticket, event="noop")
        mail = self._ack(ticket, language="en")
        text = text_part(parsed(bytes(mail.raw)))
        assert "Your request has been registered as number" in text
        assert "outside our working hours" in text
        # Monday 11 May 2026 is a day off: we open on Tuesday 12 May.
        assert "We open on Tuesday, 12 May 2026, at 09:00 Novosibirsk time (UTC+7)" in text
        assert "which is on Tuesday, 12 May 2026, at 05:00 Moscow time (UTC+3) for you" in text
        assert "6.3.0" in text and "https://www.softlab.tv/dl/fts630" in text and "free" in text
        assert "spam folder" in text

    def test_a_writer_of_a_language_we_have_no_mail_in_is_answered_in_english(self):
        # A German or a Japanese reads no Russian; a writer of Ukrainian reads it more readily
        # than English; with no text to judge, the default stays Russian.
        assert [mail_language(code) for code in ("de", "ja", "en", "ru", "uk", "", None)] == [
            "en", "en", "en", "ru", "ru", "ru", "ru"]
        ticket = self.make_ticket(body="Die Untertitel fehlen auf dem SDI-Ausgang.", at=office_time(2026, 5, 8, 10, 30))
        mail = self._ack(ticket, language="de")
        assert "Your request has been registered as number" in text_part(parsed(bytes(mail.raw)))

    def test_russian_dates_take_the_case_their_sentence_needs(self):
        self.customer.timezone = "Europe/Moscow"
        self.customer.save()
        ticket = self.make_ticket(body="Не выводятся титры на SDI.", at=office_time(2026, 5, 8, 22, 30))  # Friday night
        mail = self._ack(ticket)
        text = " ".join(text_part(parsed(bytes(mail.raw))).split())
        html = " ".join(html_part(parsed(bytes(mail.raw))).split())
        # accusative after "в", with "во" before "вторник"; the time with "в" too
        assert ("Мы откроемся во вторник, 12 мая 2026, в 09:00 по времени Новосибирска (UTC+7) — у вас это будет "
                "во вторник, 12 мая 2026, в 05:00 по времени Москвы (UTC+3).") in text
        assert "Мы откроемся <strong>во вторник, 12 мая 2026, в 09:00" in html
        # genitive after "не позднее" and "до"
        assert "придёт не позднее среды, 13 мая 2026, 18:00 по времени Новосибирска (UTC+7)" in text
        assert "(у вас это не позднее среды, 13 мая 2026, 14:00 по времени Москвы (UTC+3))" in text
        assert "Постараемся ответить раньше — до вторника, 12 мая 2026, 18:00 по времени Новосибирска" in text
        assert "(у вас это до вторника, 12 мая 2026, 14:00 по времени Москвы (UTC+3))" in text
        assert "вторник, 12 мая" not in text.replace("во вторник, 12 мая", "")

    def test_the_acknowledgment_answers_the_request_in_its_own_thread(self):
        # RFC 5322 §3.6.4: In-Reply-To is the request, References its chain plus the request.
        ticket = self.make_ticket()
        Message.objects.filter(ticket=ticket).update(message_id="req-7@tv-sibir.ru",
                                                     references="root@tv-sibir.ru <mid@tv-sibir.ru>")
        mail = self._ack(ticket)
        msg = parsed(bytes(mail.raw))
        assert msg["In-Reply-To"] == "<req-7@tv-sibir.ru>"
        assert msg["References"].split() == ["<root@tv-sibir.ru>", "<mid@tv-sibir.ru>", "<req-7@tv-sibir.ru>"]
        ack = Message.objects.get(outgoing_id=mail.pk)
        assert ack.in_reply_to == "req-7@tv-sibir.ru"

    def test_a_subject_with_line_breaks_is_acknowledged_and_answered_on_one_line(self):
        # Found by the API's schemathesis run: such a subject made the acknowledgment fail (and a
        # reply be refused), since no mail header can carry a line break; the ticket keeps it on one line.
        ticket = self.make_ticket(subject="Не выводятся\r\nтитры\n\tна SDI 2")
        mail = self._ack(ticket)
        assert mail is not None
        assert parsed(bytes(mail.raw))["Thread-Topic"] == "Не выводятся титры на SDI 2"
        ticket_reply(ticket=ticket, author=self.alice, text="Проверьте драйвер.")
        reply = OutgoingMail.objects.get(kind="reply")
        assert parsed(bytes(reply.raw))["Subject"] == f"Re: [#{ticket.pk}] Не выводятся титры на SDI 2"
        assert ticket.subject == "Не выводятся титры на SDI 2"

    def test_no_acknowledgment_for_our_own_mail_or_robots(self):
        own = self.make_ticket(customer=self.customer)
        own.contact_email = "forward@softlab.tv"
        own.save()
        assert self._ack(own) is None
        ticket = self.make_ticket()
        msg = ticket.messages.get()
        Message.objects.filter(pk=msg.pk).update(message_id="sd.19a2b3c4d5e.0123456789abcdef@softlab.tv")
        receive(ticket, Message.objects.get(pk=msg.pk), new=True)
        assert not OutgoingMail.objects.exists()
        assert set(Message.objects.filter(event="ack_skipped").values_list("event_data__reason", flat=True)) == {
            "own_address", "own_message"}

    def test_our_id_at_a_former_domain_is_ours_and_a_customers_id_costs_no_query(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from supportdesk.replies.mailer import is_own_message_id

        ticket = self.make_ticket()
        mail = self._ack(ticket)
        former = mail.message_id.rpartition("@")[0] + "@old-domain.example"  # the address changed since
        OutgoingMail.objects.filter(pk=mail.pk).update(message_id=former)
        assert is_own_message_id(f"<{former}>")
        assert not is_own_message_id("<sd.0.0@old-domain.example>")
        with CaptureQueriesContext(connection) as queries:
            assert not is_own_message_id("<CAF=x1@mail.gmail.com>")
        assert len(queries.captured_queries) == 0

    def test_phone_tickets_and_follow_ups_are_not_acknowledged(self):
        ticket = self.make_ticket()
        receive(ticket, ticket.messages.get(), new=False)
        receive(ticket, ticket.messages.get(), new=True, channel="phone")
        assert not OutgoingMail.objects.exists()

    def test_a_broken_template_leaves_an_event_not_a_lost_request(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "replies" / "mail" / "ru"
            folder.mkdir(parents=True)
            (folder / "ack.txt").write_text("{% if %}")
            templates = [{**settings.TEMPLATES[0], "DIRS": [tmp, *settings.TEMPLATES[0]["DIRS"]]}]
            with override_settings(TEMPLATES=templates):
                ticket = self.make_ticket()
                assert self._ack(ticket) is None
        assert Message.objects.filter(ticket=ticket, event="ack_failed").exists()
        assert ticket.messages.filter(kind=Message.Kind.INCOMING).exists()
        # The check shared the failed savepoint; it was run again on its own and stays.
        ticket.refresh_from_db()
        assert set(ticket.checklist) == {"description", "steps", "version", "settings"}
        assert not Message.objects.filter(ticket=ticket, event="checklist_failed").exists()

    def test_a_failed_check_leaves_no_trace_on_the_ticket_the_ack_describes(self):
        # The check's savepoint rolls back after the instance was changed in memory: the ticket
        # is read again, so the acknowledgment asks for the version the database does not have.
        ticket = self.make_ticket(body="Forward TS 6.2.1: не выводятся титры на SDI-выход.")
        real = tickets.ticket_add_event

        def failing(**kwargs):
            if kwargs.get("event") == "product":
                raise RuntimeError("event store broken")
            return real(**kwargs)

        with mock.patch("supportdesk.tickets.services_checklist.ticket_add_event", side_effect=failing):
            mail = self._ack(ticket)
        ticket.refresh_from_db()
        assert ticket.reported_version == "" and ticket.product_id is None
        assert Message.objects.filter(ticket=ticket, event="checklist_failed").exists()
        assert "Версия установленного ПО" in text_part(parsed(bytes(mail.raw)))

    def test_an_administrator_overrides_a_template(self):
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "replies" / "mail" / "ru"
            folder.mkdir(parents=True)
            (folder / "ack.txt").write_text("Заявка {{ number }} принята. Ответим до {{ limit.office.gen }}, "
                                            "это {{ limit.office }}.")
            templates = [{**settings.TEMPLATES[0], "DIRS": [tmp, *settings.TEMPLATES[0]["DIRS"]]}]
            with override_settings(TEMPLATES=templates):
                ticket = self.make_ticket(at=office_time(2026, 5, 12, 10))
                mail = self._ack(ticket)
        text = text_part(parsed(bytes(mail.raw)))
        # The forms a sentence needs are there for an administrator's template too; printed as is, a
        # moment is the nominative (templates written before the forms keep working).
        assert text.startswith(f"Заявка {ticket.pk} принята. Ответим до четверга, 14 мая 2026, 10:00")
        assert "это четверг, 14 мая 2026, 10:00" in text
        assert "<ol>" in html_part(parsed(bytes(mail.raw))) or "Пошаговое" in html_part(parsed(bytes(mail.raw)))

    def test_best_articles_are_suggested_in_the_acknowledgment(self):
        from supportdesk.kb.models import Article
        from supportdesk.search.index import reindex

        Article.objects.create(slug="ts-titles-sdi2", title="Титры не выводятся на второй выход SDI",
                               kind="faq", product=self.products["forward-ts"], state="published",
                               body="Проверьте назначение выходов в FDConfig2: вывод титров на SDI 2.")
        Article.objects.create(slug="draft-secret", title="Черновик про вывод титров", kind="faq",
                               state="draft", body="Титры, вывод, SDI.")
        reindex()
        ticket = self.make_ticket(subject="Титры", body="Forward TS 6.2.1: не выводятся титры на второй выход SDI.")
        mail = self._ack(ticket)
        text = text_part(parsed(bytes(mail.raw)))
        assert "Возможно, ответ уже есть в наших статьях:" in text
        assert "Титры не выводятся на второй выход SDI: " in text and "/kb/ts-titles-sdi2/" in text
        assert "Черновик" not in text
        assert Message.objects.get(ticket=ticket, event="ack_sent").event_data["articles"] == ["ts-titles-sdi2"]
