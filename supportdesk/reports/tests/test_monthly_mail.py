"""The monthly report goes to the supervisors once, on the first business day of the month."""

from __future__ import annotations

import io
from datetime import date
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default

from openpyxl import load_workbook

from supportdesk.jobs import JOBS
from supportdesk.outbox.models import OutgoingMail
from supportdesk.reports.models import MonthlyMailing
from supportdesk.reports.monthly import first_business_day, reports_monthly_mail
from supportdesk.reports.tests.scenario import build_scenario
from supportdesk.test import BaseTestCase, office_time


class MonthlyMailTests(BaseTestCase):
    def test_first_business_day_follows_the_production_calendar(self) -> None:
        self.assertEqual(first_business_day(date(2026, 1, 1)), date(2026, 1, 12))  # New Year holidays
        self.assertEqual(first_business_day(date(2026, 11, 1)), date(2026, 11, 2))  # Sunday the 1st
        self.assertEqual(first_business_day(date(2026, 12, 1)), date(2026, 12, 1))

    def test_mailed_once_to_the_supervisors(self) -> None:
        build_scenario(self)
        self.assertIn(("supportdesk.reports.monthly.reports_monthly_mail", 3600.0), JOBS)
        # On the last day of November the month is not over: the job mails October (not sent yet).
        self.assertEqual(reports_monthly_mail(office_time(2026, 11, 30, 23, 0)), date(2026, 10, 1))
        self.assertEqual(reports_monthly_mail(office_time(2026, 12, 1, 9, 0)), date(2026, 11, 1))
        self.assertIsNone(reports_monthly_mail(office_time(2026, 12, 1, 10, 0)))  # claimed already
        mails = OutgoingMail.objects.filter(kind="monthly_report", ref="internal:report:2026-11")
        self.assertEqual(mails.count(), 1)
        mail = mails.get()
        self.assertEqual(mail.to_addrs, "sam@softlab.tv")  # supervisors only, not Alice
        parsed = message_from_bytes(bytes(mail.raw), policy=default)
        assert isinstance(parsed, EmailMessage)
        self.assertEqual(parsed["Subject"], "Ежемесячный отчёт техподдержки: Ноябрь 2026")
        self.assertEqual(parsed["Auto-Submitted"], "auto-generated")
        text = parsed.get_body(("plain",))
        html = parsed.get_body(("html",))
        assert text is not None and html is not None
        self.assertIn("в целевой срок, %: 50,0", text.get_content())
        self.assertIn("/agent/reports/monthly/?month=2026-11", text.get_content())
        self.assertIn("Выполнение обещаний", html.get_content())
        attachment = next(parsed.iter_attachments())
        self.assertEqual(attachment.get_filename(), "report-2026-11.xlsx")
        book = load_workbook(io.BytesIO(attachment.get_content()))
        self.assertIn("promise", book.sheetnames)
        self.assertEqual([c.value for c in book["promise"][5]][:4], ["Итого", 4, 2, 50])

    def test_nothing_before_the_first_business_day(self) -> None:
        # Saturday 1 and Sunday 2 August 2026: the first business day is Monday the 3rd.
        self.assertIsNone(reports_monthly_mail(office_time(2026, 8, 2, 12, 0)))
        self.assertFalse(MonthlyMailing.objects.exists())
        self.assertEqual(reports_monthly_mail(office_time(2026, 8, 3, 0, 30)), date(2026, 7, 1))
