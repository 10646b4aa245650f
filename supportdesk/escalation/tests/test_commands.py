from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase

from supportdesk.escalation.tests.db_helpers import edited_calendar
from supportdesk.policy import reload_policy
from supportdesk.tickets.clocks import reset_office_calendar

KINDS = {"working", "shortened", "nonworking"}


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


class CalendarDaysTests(SimpleTestCase):
    def test_json_2026(self) -> None:
        text = run("calendar", "days", "2026", "--json")
        self.assertEqual(text.count("\n"), 1)  # one line
        self.assertTrue(text.startswith('{"year": 2026, "provisional": false, "days": {"2026-01-01": "nonworking", '))
        doc = json.loads(text)
        self.assertEqual(list(doc), ["year", "provisional", "days"])
        days = doc["days"]
        self.assertEqual(len(days), 365)
        self.assertEqual(list(days), sorted(days))
        self.assertEqual(set(days.values()), KINDS)
        self.assertEqual(days["2026-05-08"], "shortened")
        self.assertEqual(days["2026-05-11"], "nonworking")
        self.assertEqual(days["2026-05-12"], "working")
        self.assertEqual(days["2026-01-12"], "working")

    def test_leap_year_and_provisional_year(self) -> None:
        self.assertEqual(len(json.loads(run("calendar", "days", "2024", "--json"))["days"]), 366)
        self.assertEqual(json.loads(run("calendar", "days", "2024", "--json"))["days"]["2024-04-27"], "working")
        self.assertIs(json.loads(run("calendar", "days", "2031", "--json"))["provisional"], True)

    def test_month_table(self) -> None:
        text = run("calendar", "days", "2026")
        self.assertIn("May 2026", text)
        self.assertIn(" 8-", text)  # shortened Friday
        self.assertIn("11*", text)  # Monday off
        self.assertNotIn("PROVISIONAL", text)
        self.assertIn("PROVISIONAL", run("calendar", "days", "2031"))

    def test_year_out_of_range(self) -> None:
        with self.assertRaises(CommandError):
            run("calendar", "days", "99999", "--json")


class SlaDeadlineTests(SimpleTestCase):
    def test_known_deadline_from_a_shortened_friday(self) -> None:
        # 30 min on Friday (closes 17:00), weekend, Monday 2026-05-11 off, 8 h 30 min on Tuesday.
        self.assertEqual(run("sla", "deadline", "--received", "2026-05-08T16:30:00+07:00"),
                         "2026-05-12T17:30:00+07:00\n")

    def test_any_zone_in_office_time_out(self) -> None:
        self.assertEqual(run("sla", "deadline", "--received", "2026-05-08T12:30:00+03:00"),
                         "2026-05-12T17:30:00+07:00\n")
        self.assertEqual(run("sla", "deadline", "--received", "2026-05-08T09:30:00Z"),
                         "2026-05-12T17:30:00+07:00\n")

    def test_naive_is_office_time_and_business_days(self) -> None:
        self.assertEqual(run("sla", "deadline", "--received", "2026-05-08T16:30", "--business-days", "2"),
                         "2026-05-13T17:30:00+07:00\n")
        self.assertEqual(run("sla", "deadline", "--received", "2026-05-08T16:30", "--business-days", "0"),
                         "2026-05-08T16:30:00+07:00\n")

    def test_uses_the_policy_calendar(self) -> None:
        with edited_calendar({"2026-05-12": "nonworking"}):
            reload_policy()
            reset_office_calendar()
            self.assertEqual(run("sla", "deadline", "--received", "2026-05-08T16:30:00+07:00"),
                             "2026-05-13T17:30:00+07:00\n")

    def test_bad_input(self) -> None:
        with self.assertRaises(CommandError):
            run("sla", "deadline", "--received", "yesterday")
        with self.assertRaises(CommandError):
            run("sla", "deadline", "--received", "2026-05-08T16:30", "--business-days", "-1")


class InstalledCommandTests(SimpleTestCase):
    def test_supportdesk_executable(self) -> None:
        exe = Path(sys.executable).parent / "supportdesk"
        env = {**os.environ, "SUPPORTDESK_DEV": "1"}
        days = subprocess.run([str(exe), "calendar", "days", "2026", "--json"],  # noqa: S603
                              capture_output=True, text=True, env=env, timeout=120, check=True)
        doc = json.loads(days.stdout)
        self.assertEqual((doc["year"], doc["provisional"], len(doc["days"])), (2026, False, 365))
        due = subprocess.run([str(exe), "sla", "deadline", "--received", "2026-05-08T16:30:00+07:00"],  # noqa: S603
                             capture_output=True, text=True, env=env, timeout=120, check=True)
        self.assertEqual(due.stdout, "2026-05-12T17:30:00+07:00\n")
