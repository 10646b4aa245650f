"""Tickets change only through supportdesk.tickets.services and its ``services_*`` siblings
(README): the periodic jobs that update tickets in bulk (the escalation watcher, the reminders,
the due-time recompute) send every UPDATE of the ticket table from there."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from django.db import connection

from supportdesk.escalation.recompute import sla_calendar_changed
from supportdesk.escalation.tests.db_helpers import edited_calendar
from supportdesk.escalation.watcher import sla_watch
from supportdesk.lib import db_prepared
from supportdesk.replies.reminders import reminders_run
from supportdesk.replies.services import ticket_ask_for_information
from supportdesk.test import BaseTestCase, office_time

TABLE = '"tickets_ticket"'
WRITERS = {"supportdesk.tickets.services", "supportdesk.tickets.services_bulk"}


# Modules on the stack between the statement's sender and this test: every connection's own
# execute wrapper.
_PASSING = {__name__, db_prepared.__name__}


def _writer() -> str:
    """The innermost SupportDesk module on the stack (the one that issued the statement)."""
    frame = sys._getframe(1)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module.startswith("supportdesk.") and module not in _PASSING:
            return module
        frame = frame.f_back  # type: ignore[assignment]
    return "?"


class OneWriterTests(BaseTestCase):
    def writers(self, job: Callable[[], object]) -> set[str]:
        seen: set[str] = set()

        def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
            if sql.lstrip().upper().startswith("UPDATE") and TABLE in sql.split("SET")[0]:
                seen.add(_writer())
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            job()
        return seen

    def test_watcher_reminders_and_recompute_write_tickets_through_the_services(self) -> None:
        late = self.make_ticket(subject="Просрочена", at=office_time(2026, 5, 12, 10, 0))
        silent = self.make_ticket(subject="Молчит", at=office_time(2026, 5, 12, 10, 0))
        ticket_ask_for_information(ticket=silent, author=self.alice, text="Пришлите настройки.",
                                   at=office_time(2026, 5, 12, 11))
        pending = self.make_ticket(subject="Ждёт", at=office_time(2026, 5, 18, 10, 0))

        watched = self.writers(lambda: sla_watch(office_time(2026, 5, 14, 12, 0), sync=lambda _now: None))
        late.refresh_from_db()
        self.assertIsNotNone(late.reply_breached_at)
        reminded = self.writers(lambda: reminders_run(now=office_time(2026, 5, 19, 11, 0)))
        silent.refresh_from_db()
        self.assertIsNotNone(silent.reminder_sent_at)
        with edited_calendar({"2026-05-19": "nonworking"}):
            recomputed = self.writers(lambda: sla_calendar_changed(now=office_time(2026, 5, 19, 8, 0)))
            old_due = pending.reply_due_at
            pending.refresh_from_db()
            self.assertNotEqual(pending.reply_due_at, old_due)

        for job, modules in (("watcher", watched), ("reminders", reminded), ("recompute", recomputed)):
            self.assertTrue(modules, f"{job}: no UPDATE of the ticket table seen")
            self.assertLessEqual(modules, WRITERS, job)
