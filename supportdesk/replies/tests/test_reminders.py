from __future__ import annotations

import json
import tempfile
from datetime import time
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.test import SimpleTestCase

from supportdesk.jobs import JOBS
from supportdesk.outbox.models import OutgoingMail
from supportdesk.replies.reminders import reminders_run
from supportdesk.replies.services import ticket_ask_for_information
from supportdesk.replies.tests.helpers import html_part, parsed, text_part
from supportdesk.replies.timefmt import (
    format_day,
    format_moment,
    hours_in_zone,
    moment_text,
    on_day,
    zone_label,
)
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets.models import Status


class ReminderTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket(at=office_time(2026, 5, 12, 10))
        # Tuesday 12 May 2026, 11:00: the agent asks; the customer goes silent.
        ticket_ask_for_information(ticket=self.ticket, author=self.alice, text="Пришлите настройки.",
                                   at=office_time(2026, 5, 12, 11))

    def test_reminder_after_five_business_days_once_then_close_after_ten(self):
        assert reminders_run(now=office_time(2026, 5, 19, 10, 59)).reminded == 0
        first = reminders_run(now=office_time(2026, 5, 19, 11, 0))  # 5 business days later
        assert first.reminded == 1
        assert reminders_run(now=office_time(2026, 5, 19, 12, 0)).reminded == 0  # idempotent
        reminder = OutgoingMail.objects.get(kind="reminder")
        msg = parsed(bytes(reminder.raw))
        assert msg["Auto-Submitted"] == "auto-generated" and reminder.is_automatic
        assert f"[#{self.ticket.pk}]" in msg["Subject"]
        assert "мы закроем обращение во вторник, 26 мая 2026, в 11:00 по времени Новосибирска" in text_part(msg)
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.WAITING_CUSTOMER and self.ticket.reminder_sent_at is not None

        assert reminders_run(now=office_time(2026, 5, 26, 10, 59)).closed == 0
        assert reminders_run(now=office_time(2026, 5, 26, 11, 0)).closed == 1
        assert reminders_run(now=office_time(2026, 5, 26, 11, 1)).closed == 0
        self.ticket.refresh_from_db()
        assert self.ticket.status == Status.CLOSED
        closing = parsed(bytes(OutgoingMail.objects.get(kind="auto_close").raw))
        assert "закрыли" in text_part(closing)
        # Real markup, not plain text in a pre-wrap block, and a signature that is not empty.
        html = html_part(closing)
        assert "pre-wrap" not in html and "<p>Здравствуйте, Иван Иванов!</p>" in html
        assert '<a href="tel:+73833630462">' in html and "Техническая поддержка СофтЛаб" in html

    def test_an_answer_stops_the_reminders(self):
        from supportdesk.tickets.services import ticket_add_message

        ticket_add_message(ticket=self.ticket, kind="incoming", body_text="Вот настройки",
                           author_customer=self.customer, created_at=office_time(2026, 5, 13, 9))
        result = reminders_run(now=office_time(2026, 6, 30, 12))
        assert (result.reminded, result.closed) == (0, 0)

    def test_the_job_is_registered(self):
        assert "supportdesk.replies.reminders.reminders_run" in {path for path, _ in JOBS}


class MailCheckCommandTests(BaseTestCase):
    def test_prints_the_checklist_as_json(self):
        raw = ("From: a@b.ru\r\nSubject: =?utf-8?b?" + "0J3QtSDQstGL0LLQvtC00Y/RgtGB0Y8g0YLQuNGC0YDRiw==" +
               "?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").encode() + \
            "В Forward TS 6.2.1 титры не выводятся на SDI.\r\n".encode()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "req.eml"
            path.write_bytes(raw)
            out = StringIO()
            call_command("mail", "check", str(path), "--json", stdout=out)
        assert json.loads(out.getvalue()) == {
            "description": True, "steps": False, "version": "6.2.1", "product": "Forward TS",
            "settings": False, "question": False, "missing": ["steps", "settings"]}


class TimeFormatTests(SimpleTestCase):
    def test_moments_name_their_zone(self):
        moment = office_time(2025, 11, 5, 9, 45)
        assert format_moment(moment, "Europe/Moscow", "ru") == "среда, 5 ноября 2025, 05:45 по времени Москвы (UTC+3)"
        assert format_moment(moment, "Asia/Novosibirsk", "en") == \
            "Wednesday, 5 November 2025, 09:45 Novosibirsk time (UTC+7)"
        assert zone_label("Etc/GMT-5", "ru", moment) == "по времени UTC+5"

    def test_weekdays_in_the_genitive_after_do_and_ne_pozdnee(self):
        week = [office_time(2026, 12, d).date() for d in range(7, 14)]  # Monday 7 .. Sunday 13 December
        assert [format_day(d, "ru", "gen").split(",")[0] for d in week] == [
            "понедельника", "вторника", "среды", "четверга", "пятницы", "субботы", "воскресенья"]
        assert format_day(week[3], "ru", "gen") == "четверга, 10 декабря 2026"

    def test_weekdays_in_the_accusative_after_v_and_vo(self):
        week = [office_time(2026, 12, d).date() for d in range(7, 14)]
        assert [on_day(d, "ru") for d in week] == [
            "в понедельник, 7 декабря 2026", "во вторник, 8 декабря 2026", "в среду, 9 декабря 2026",
            "в четверг, 10 декабря 2026", "в пятницу, 11 декабря 2026", "в субботу, 12 декабря 2026",
            "в воскресенье, 13 декабря 2026"]
        assert on_day(week[2], "en") == "on Wednesday, 9 December 2026"

    def test_a_moment_in_every_form(self):
        moment = office_time(2025, 11, 5, 9, 45)
        ru = moment_text(moment, "Europe/Moscow", "ru")
        assert str(ru) == ru.nom == "среда, 5 ноября 2025, 05:45 по времени Москвы (UTC+3)"
        assert ru.gen == "среды, 5 ноября 2025, 05:45 по времени Москвы (UTC+3)"
        assert ru.on == "в среду, 5 ноября 2025, в 05:45 по времени Москвы (UTC+3)"
        en = moment_text(moment, "Asia/Novosibirsk", "en")
        assert en.gen == en.nom == "Wednesday, 5 November 2025, 09:45 Novosibirsk time (UTC+7)"
        assert en.on == "on Wednesday, 5 November 2025, at 09:45 Novosibirsk time (UTC+7)"

    def test_hours_are_converted_and_grouped(self):
        hours = {i: (time(9), time(18)) for i in range(5)} | {5: None, 6: None}
        monday = office_time(2026, 5, 11).date()
        assert hours_in_zone(hours, "Asia/Novosibirsk", "Europe/Moscow", "ru", monday) == "пн–пт 05:00–14:00"
        assert hours_in_zone(hours, "Asia/Novosibirsk", "America/New_York", "en", monday) == \
            "Mon–Fri 22:00 (previous day)–07:00"
