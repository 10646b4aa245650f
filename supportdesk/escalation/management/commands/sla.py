"""``supportdesk sla ...``: deadlines, recomputing stored due times, and the escalation watcher.

- ``sla deadline --received ISO-8601 [--business-days N]`` prints the due instant, ISO-8601 in
  office time (a contract other tools rely on; a received time without an offset is office time);
- ``sla recompute`` recomputes every open ticket's due times after the policy or the calendar
  data changed (the watcher also does it by itself within a minute of noticing the change);
- ``sla watch [--loop]`` runs the escalation watcher once, or in a loop.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from supportdesk.calendar.cli import parse_received, sla_deadline_iso
from supportdesk.escalation.recompute import sla_calendar_changed
from supportdesk.escalation.watcher import sla_watch
from supportdesk.policy import get_policy
from supportdesk.tickets.clocks import office_calendar


class Command(BaseCommand):
    # Scripts parse this output: system checks (URLs, templates) are not its business.
    requires_system_checks: list[str] = []
    help = "SLA tools: `sla deadline`, `sla recompute`, `sla watch`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        deadline = sub.add_parser("deadline", help="when a reply is due, ISO-8601 in office time")
        deadline.add_argument("--received", required=True, help="ISO-8601; without an offset it is office time")
        deadline.add_argument("--business-days", type=int, default=1, dest="business_days")
        recompute = sub.add_parser("recompute", help="recompute open tickets' due times after a calendar change")
        recompute.add_argument("--batch-size", type=int, default=5000, dest="batch_size")
        watch = sub.add_parser("watch", help="mark and notify reply clocks at target and at limit")
        watch.add_argument("--loop", action="store_true", help="keep running")
        watch.add_argument("--interval", type=float, default=60.0)

    def handle(self, *args: Any, **opts: Any) -> None:
        getattr(self, f"_{opts['action']}")(opts)

    def _deadline(self, opts: dict[str, Any]) -> None:
        cal = office_calendar()
        try:
            received = parse_received(opts["received"], cal)
            due = sla_deadline_iso(cal, received, opts["business_days"], get_policy().sla.business_day_hours)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(due)

    def _recompute(self, opts: dict[str, Any]) -> None:
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        started = time.perf_counter()
        updated = sla_calendar_changed(batch_size=opts["batch_size"])
        self.stdout.write(f"due times moved on {updated} open tickets ({time.perf_counter() - started:.2f} s)")

    def _watch(self, opts: dict[str, Any]) -> None:
        self.stdout.write(str(sla_watch()))
        while opts["loop"]:
            time.sleep(opts["interval"])
            close_old_connections()  # a long-running loop must not hold a dead connection
            self.stdout.write(str(sla_watch()))
