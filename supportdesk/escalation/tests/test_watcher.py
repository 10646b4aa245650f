from __future__ import annotations

from supportdesk.escalation.tests.db_helpers import body_text, parsed
from supportdesk.escalation.watcher import sla_watch
from supportdesk.outbox.models import OutgoingMail
from supportdesk.test import BaseTestCase, office_time
from supportdesk.tickets import services
from supportdesk.tickets.models import Message, Status, Ticket

# Received Tuesday 2026-05-12 10:00: target Wednesday 10:00, limit Thursday 10:00 (office time).
RECEIVED = office_time(2026, 5, 12, 10, 0)
BEFORE_TARGET = office_time(2026, 5, 13, 9, 59)
AT_TARGET = office_time(2026, 5, 13, 10, 0)
AFTER_TARGET = office_time(2026, 5, 13, 12, 0)
AT_LIMIT = office_time(2026, 5, 14, 10, 0)


def no_sync(_now: object) -> None:
    return None


class WatcherTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ticket = self.make_ticket(at=RECEIVED)

    def events(self, event: str, ticket: Ticket | None = None) -> list[Message]:
        return list(Message.objects.filter(ticket=ticket or self.ticket, kind=Message.Kind.EVENT, event=event))

    def mails(self, kind: str) -> list[OutgoingMail]:
        return list(OutgoingMail.objects.filter(kind=kind, ref=f"internal:ticket:{self.ticket.pk}"))

    def test_deadlines_are_the_ones_the_watcher_uses(self) -> None:
        self.assertEqual(self.ticket.reply_target_at, AT_TARGET)
        self.assertEqual(self.ticket.reply_due_at, AT_LIMIT)

    def test_nothing_before_target(self) -> None:
        result = sla_watch(BEFORE_TARGET)
        self.assertEqual((result.warned, result.breached, result.mails), ([], [], 0))
        self.assertFalse(OutgoingMail.objects.exists())

    def test_warning_at_target_goes_to_the_assignee_once(self) -> None:
        services.ticket_assign(ticket=self.ticket, assignee=self.alice, by_user=self.sam)
        result = sla_watch(AT_TARGET)
        self.assertEqual(result.warned, [self.ticket.pk])
        self.assertEqual(result.mails, 1)
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.reply_warned_at, AT_TARGET)
        self.assertIsNone(self.ticket.reply_breached_at)
        [mail] = self.mails("sla_warning")
        self.assertEqual(mail.to_addrs, "alice@softlab.tv")
        self.assertTrue(mail.is_automatic)
        self.assertEqual(parsed(mail)["Auto-Submitted"], "auto-generated")
        [event] = self.events("sla_warning")
        self.assertEqual(event.event_data["notified"], ["alice@softlab.tv"])
        self.assertEqual(event.event_data["mail"], mail.pk)

        again = sla_watch(AFTER_TARGET)
        self.assertEqual((again.warned, again.breached, again.mails), ([], [], 0))
        self.assertEqual(len(self.mails("sla_warning")), 1)
        self.assertEqual(len(self.events("sla_warning")), 1)

    def test_unassigned_ticket_notifies_every_agent_and_supervisor(self) -> None:
        sla_watch(AT_TARGET)
        [mail] = self.mails("sla_warning")
        # Bob is logged in but no agent: he is not told.
        self.assertEqual(mail.to_addrs, "alice@softlab.tv, sam@softlab.tv")

    def test_warning_text_is_russian_with_due_time_and_link(self) -> None:
        sla_watch(AT_TARGET)
        [mail] = self.mails("sla_warning")
        text = body_text(mail)
        self.assertIn(f"№{self.ticket.pk}", parsed(mail)["Subject"])
        self.assertNotIn("[#", parsed(mail)["Subject"])  # an agent's answer must not thread into the ticket
        self.assertIn("Не выводятся титры", text)
        self.assertIn("не позднее 14.05.2026 10:00", text)  # the limit, office time
        self.assertIn("Время указано по офису (Новосибирск, UTC+07:00)", text)
        self.assertIn(f"http://127.0.0.1:8000/agent/tickets/{self.ticket.pk}/", text)
        self.assertIn("Клиент ждёт ответа по обращению", text)

    def test_breach_at_limit_after_a_warning(self) -> None:
        sla_watch(AT_TARGET)
        result = sla_watch(AT_LIMIT)
        self.assertEqual((result.warned, result.breached), ([], [self.ticket.pk]))
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.reply_warned_at, AT_TARGET)
        self.assertEqual(self.ticket.reply_breached_at, AT_LIMIT)
        [mail] = self.mails("sla_breach")
        self.assertIn("нарушен", parsed(mail)["Subject"])
        self.assertEqual(len(self.events("sla_breach")), 1)
        self.assertEqual(sla_watch(office_time(2026, 5, 20, 12)).mails, 0)

    def test_breach_found_late_sends_one_notice_and_sets_both_marks(self) -> None:
        result = sla_watch(AT_LIMIT)
        self.assertEqual((result.warned, result.breached, result.mails), ([], [self.ticket.pk], 1))
        self.ticket.refresh_from_db()
        self.assertEqual(self.ticket.reply_warned_at, AT_LIMIT)
        self.assertEqual(self.ticket.reply_breached_at, AT_LIMIT)
        self.assertEqual(self.mails("sla_warning"), [])
        self.assertEqual(self.events("sla_warning"), [])

    def test_paused_ticket_is_not_escalated(self) -> None:
        services.ticket_set_status(ticket=self.ticket, status=Status.WAITING_CUSTOMER, by_user=self.alice,
                                   at=office_time(2026, 5, 12, 11, 0))
        self.assertEqual(sla_watch(AT_LIMIT).mails, 0)
        # Even with stale clock fields left on a paused ticket, the watcher leaves it alone.
        Ticket.objects.filter(pk=self.ticket.pk).update(reply_target_at=AT_TARGET, reply_due_at=AT_LIMIT)
        result = sla_watch(AT_LIMIT)
        self.assertEqual((result.warned, result.breached, result.mails), ([], [], 0))
        self.assertFalse(OutgoingMail.objects.filter(kind__startswith="sla_").exists())

    def test_answered_ticket_is_not_escalated_but_automatic_mail_does_not_stop_the_clock(self) -> None:
        other = self.make_ticket(subject="Второй вопрос", at=RECEIVED)
        services.ticket_add_message(ticket=other, kind=Message.Kind.OUTGOING, body_text="Подтверждение",
                                    is_automatic=True, created_at=office_time(2026, 5, 12, 10, 1))
        services.ticket_add_message(ticket=self.ticket, kind=Message.Kind.OUTGOING, body_text="Ответ",
                                    author_user=self.alice, created_at=office_time(2026, 5, 12, 15, 0))
        result = sla_watch(AT_TARGET)
        self.assertEqual(result.warned, [other.pk])

    def test_sync_result_is_reported(self) -> None:
        result = sla_watch(AT_TARGET, sync=lambda _now: 7)
        self.assertEqual(result.recomputed, 7)
        self.assertIn("recomputed 7", str(result))
        self.assertNotIn("recomputed", str(sla_watch(AT_TARGET, sync=no_sync)))


class WatcherWiringTests(BaseTestCase):
    def test_runs_as_a_periodic_job_a_beat_task_and_a_command(self) -> None:
        from io import StringIO

        from django.core.management import call_command

        from supportdesk.celery import app
        from supportdesk.escalation import tasks
        from supportdesk.jobs import JOBS

        self.assertIn(("supportdesk.escalation.watcher.sla_watch", 60.0), JOBS)
        schedule = app.conf.beat_schedule["supportdesk.escalation.watcher.sla_watch"]
        self.assertEqual((schedule["task"], schedule["schedule"], schedule["args"]),
                         ("supportdesk.run_job", 60.0, ["supportdesk.escalation.watcher.sla_watch"]))
        self.assertEqual(tasks.sla_watch.name, "supportdesk.escalation.tasks.sla_watch")

        ticket = self.make_ticket(at=office_time(2026, 5, 12, 10, 0))  # long past its limit by now
        result = tasks.sla_watch()
        self.assertEqual((result["breached"], result["mails"]), ([ticket.pk], 1))
        out = StringIO()
        call_command("sla", "watch", stdout=out)
        self.assertTrue(out.getvalue().startswith("warned 0, breached 0, mails 0"), out.getvalue())
