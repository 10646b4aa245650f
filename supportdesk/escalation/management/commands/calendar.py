"""``supportdesk calendar days YEAR [--json]``: the production calendar as the office applies it.

The JSON form is a contract other tools rely on:
``{"year": 2026, "provisional": false, "days": {"2026-01-01": "nonworking", ...}}``.
"""

from __future__ import annotations

import calendar as stdlib_calendar
import json
from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from supportdesk.calendar import NONWORKING, SHORTENED, BusinessCalendar
from supportdesk.calendar.cli import calendar_days_json
from supportdesk.tickets.clocks import office_calendar

MARKS = {NONWORKING: "*", SHORTENED: "-"}


def _hours(cal: BusinessCalendar, day: date) -> float:
    info = cal.day_info(day)
    if info.opens is None or info.closes is None:
        return 0.0
    delta = datetime.combine(day, info.closes) - datetime.combine(day, info.opens)
    return delta.total_seconds() / 3600


def month_table(cal: BusinessCalendar, year: int, month: int) -> list[str]:
    """A month grid, Monday first; '*' marks a day off, '-' a shortened day."""
    lines = [f"{stdlib_calendar.month_name[month]} {year}", " Mo  Tu  We  Th  Fr  Sa  Su"]
    working = 0
    hours = 0.0
    for week in stdlib_calendar.Calendar().monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append("    ")
                continue
            kind = cal.day_info(day).kind
            working += kind != NONWORKING
            hours += _hours(cal, day)
            cells.append(f"{day.day:>2}{MARKS.get(kind, ' ')} ")
        lines.append("".join(cells).rstrip())
    lines.append(f"working days: {working}, working hours: {hours:g}")
    return lines


def year_table(cal: BusinessCalendar, year: int) -> str:
    provisional = not cal.production.is_verified(year)
    head = f"Production calendar {year}, {cal.zone_name}" + (
        " (PROVISIONAL: this year's decree is not verified; answers come from the holidays package)"
        if provisional else "")
    blocks = [head, "legend: * day off, - shortened (pre-holiday) day", ""]
    for month in range(1, 13):
        blocks += [*month_table(cal, year, month), ""]
    return "\n".join(blocks).rstrip() + "\n"


class Command(BaseCommand):
    # Scripts parse this output: system checks (URLs, templates) are not its business.
    requires_system_checks: list[str] = []
    help = "Show the office's production calendar: `calendar days YEAR [--json]`."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        days = sub.add_parser("days", help="every day of a year: working, shortened or nonworking")
        days.add_argument("year", type=int)
        days.add_argument("--json", action="store_true", help="one JSON document (a stable format)")

    def handle(self, *args: Any, **opts: Any) -> None:
        year = opts["year"]
        if not 1900 <= year <= 2200:
            raise CommandError(f"year {year} is out of range (1900-2200)")
        cal = office_calendar()
        if opts["json"]:
            self.stdout.write(json.dumps(calendar_days_json(cal, year), ensure_ascii=False))
        else:
            self.stdout.write(year_table(cal, year), ending="")
