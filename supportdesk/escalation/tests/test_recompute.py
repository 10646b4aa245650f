from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from supportdesk.audit.models import AuditEntry
from supportdesk.escalation.models import CalendarStamp
from supportdesk.escalation.recompute import (
    _read_batch,
    sla_calendar_changed,
    sla_recompute_open_tickets,
)
from supportdesk.escalation.tests.db_helpers import edited_calendar
from supportdesk.escalation.watcher import sla_watch
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services, services_bulk
from supportdesk.tickets.models import Message, Ticket

# An administrator makes Tuesday 2026-05-19 a day off while these tickets wait for replies.
DAY_OFF = {"2026-05-19": "nonworking"}
NOW = office_time(2026, 5, 19, 8, 0)  # before the day off would have opened


class RecomputeTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        # Monday 10:00: target Tuesday 10:00, limit Wednesday 10:00; the day off moves both.
        self.monday = self.make_ticket(subject="Понедельник", at=office_time(2026, 5, 18, 10, 0))
        # Friday 10:00: target Monday 10:00 (already reached and warned), limit Tuesday 10:00.
        self.friday = self.make_ticket(subject="Пятница", at=office_time(2026, 5, 15, 10, 0))
        # Wednesday 2026-05-20 10:00: after the day off, nothing moves.
        self.wednesday = self.make_ticket(subject="Среда", at=office_time(2026, 5, 20, 10, 0))
        self.answered = self.make_ticket(subject="Отвечена", at=office_time(2026, 5, 18, 11, 0))
        services.ticket_add_message(ticket=self.answered, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, created_at=office_time(2026, 5, 18, 12, 0))
        sla_watch(office_time(2026, 5, 18, 12, 0))  # warns the Friday ticket

    def reload(self) -> None:
        for t in (self.monday, self.friday, self.wednesday, self.answered):
            t.refresh_from_db()

    def test_initial_deadlines(self) -> None:
        self.reload()
        self.assertEqual(self.monday.reply_target_at, office_time(2026, 5, 19, 10, 0))
        self.assertEqual(self.friday.reply_due_at, office_time(2026, 5, 19, 10, 0))
        self.assertEqual(self.friday.reply_warned_at, office_time(2026, 5, 18, 12, 0))

    def test_a_day_off_added_moves_due_times(self) -> None:
        with edited_calendar(DAY_OFF):
            self.assertEqual(sla_calendar_changed(now=NOW, batch_size=1), 2)
            self.reload()
            self.assertEqual(self.monday.reply_target_at, office_time(2026, 5, 20, 10, 0))
            self.assertEqual(self.monday.reply_due_at, office_time(2026, 5, 21, 10, 0))
            self.assertEqual(self.friday.reply_target_at, office_time(2026, 5, 18, 10, 0))
            self.assertEqual(self.friday.reply_due_at, office_time(2026, 5, 20, 10, 0))
            self.assertEqual(self.wednesday.reply_target_at, office_time(2026, 5, 21, 10, 0))
            self.assertIsNone(self.answered.reply_due_at)
            # A warning for a target still reached stays: nobody is told twice.
            self.assertEqual(self.friday.reply_warned_at, office_time(2026, 5, 18, 12, 0))
            stamp = CalendarStamp.objects.get()
            self.assertEqual(stamp.tickets_updated, 2)
            # Nothing left to move.
            self.assertEqual(sla_recompute_open_tickets(now=NOW), 0)
        # Back on the default calendar, the due times go back.
        self.assertEqual(sla_calendar_changed(now=NOW), 2)
        self.reload()
        self.assertEqual(self.monday.reply_target_at, office_time(2026, 5, 19, 10, 0))

    def test_a_mark_whose_new_time_lies_ahead_is_cleared(self) -> None:
        sla_watch(office_time(2026, 5, 19, 10, 30))  # Monday's ticket warned, Friday's breached
        self.reload()
        self.assertIsNotNone(self.monday.reply_warned_at)
        self.assertIsNotNone(self.friday.reply_breached_at)
        with edited_calendar(DAY_OFF):
            sla_calendar_changed(now=office_time(2026, 5, 19, 10, 30))
            self.reload()
            self.assertIsNone(self.monday.reply_warned_at)  # the new target is Wednesday
            self.assertIsNone(self.friday.reply_breached_at)  # the new limit is Wednesday
            self.assertIsNotNone(self.friday.reply_warned_at)  # its target (Monday) stays reached
            result = sla_watch(office_time(2026, 5, 20, 10, 0))
            self.assertEqual(sorted(result.warned), [self.monday.pk])
            self.assertEqual(result.breached, [self.friday.pk])

    def test_the_watcher_notices_an_edited_calendar_file(self) -> None:
        self.assertIsNone(sla_watch(NOW).recomputed)  # the rules in force are recorded
        with edited_calendar(DAY_OFF):
            self.assertEqual(sla_watch(NOW).recomputed, 2)
            self.assertIsNone(sla_watch(NOW).recomputed)
            # The audit log records the change of rules once, with both fingerprints.
            [change] = AuditEntry.objects.filter(action=AuditEntry.Action.POLICY_CHANGE)
            stamps = CalendarStamp.objects.get()
            self.assertEqual((change.details["to"], change.details["tickets_updated"]), (stamps.fingerprint, 2))
            self.assertNotEqual(change.details["from"], change.details["to"])
            self.monday.refresh_from_db()
            self.assertEqual(self.monday.reply_target_at, office_time(2026, 5, 20, 10, 0))

    def test_recompute_command(self) -> None:
        out = StringIO()
        with edited_calendar(DAY_OFF):
            call_command("sla", "recompute", stdout=out)
        self.assertRegex(out.getvalue(), r"^due times moved on [0-9]+ open tickets")
        self.monday.refresh_from_db()
        self.assertEqual(self.monday.reply_target_at, office_time(2026, 5, 20, 10, 0))

    def test_a_clock_stopped_meanwhile_is_not_brought_back(self) -> None:
        [(_pk, pending, *_)] = [row for row in _read_batch(0, 10_000) if row[0] == self.monday.pk]
        later = office_time(2026, 5, 20, 10).timestamp(), office_time(2026, 5, 21, 10).timestamp()
        self.assertEqual(services_bulk.tickets_set_reply_deadlines(rows=[(self.monday.pk, pending, *later)], now=NOW), 1)  # the guard matches ...
        services.ticket_add_message(ticket=self.monday, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, created_at=office_time(2026, 5, 18, 15, 0))
        self.assertEqual(services_bulk.tickets_set_reply_deadlines(rows=[(self.monday.pk, pending, *later)], now=NOW), 0)  # ... until the reply
        ticket = Ticket.objects.get(pk=self.monday.pk)
        self.assertIsNone(ticket.reply_target_at)
        self.assertIsNone(ticket.reply_due_at)
