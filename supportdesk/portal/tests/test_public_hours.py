"""The public page says exactly whether support is open now, on the production calendar.

"Now" is frozen where the portal view reads it; the page is rendered in Russian (the default)
and checked as a visitor without JavaScript sees it: office time, and Moscow time beside it.
"""

from __future__ import annotations

import re
from datetime import datetime
from unittest import mock

from django.test import TestCase
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from supportdesk.test import office_time


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class PublicHoursTests(TestCase):
    def page_at(self, now: datetime) -> str:
        with mock.patch("supportdesk.portal.views.timezone.now", return_value=now):
            response = self.client.get(reverse("portal:contacts"))
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def element(self, html: str, element_id: str) -> str:
        match = re.search(rf'<(\w+)[^>]*\bid="{element_id}"[^>]*>(.*?)</\1>', html, re.S)
        if match is None:
            raise AssertionError(f"no element #{element_id} on the page")
        return _text(match.group(2))

    def assert_closed(self, html: str, *, office: str, moscow: str) -> None:
        with translation.override("ru"):
            closed = gettext("Support is closed now.")
        self.assertEqual(self.element(html, "open-now"), closed)
        self.assertIn('class="open-now closed"', html)
        # One form for both lines: lower-case weekday, the month in words, the zone named by its city.
        self.assertEqual(self.element(html, "next-opening-office"), f"{office} по времени Новосибирска (UTC+7)")
        self.assertEqual(self.element(html, "next-opening-moscow"), f"{moscow} по времени Москвы (UTC+3)")
        # The visitor's own zone is filled in by the browser; without JavaScript it stays hidden.
        self.assertRegex(html, r'<span id="next-opening-local" hidden>\s*</span>')

    def assert_open_until(self, html: str, closes: str) -> None:
        with translation.override("ru"):
            is_open = gettext("Support is open now.")
        self.assertEqual(self.element(html, "open-now"), is_open)
        self.assertIn('class="open-now open"', html)
        self.assertNotIn('id="next-opening"', html)
        self.assertIn(closes, _text(html.split('id="open-now"', 1)[1].split("</p>", 2)[1]))

    def test_holiday(self) -> None:
        # Wednesday 2026-01-07, Christmas, inside the New Year days off that end on Sunday the 11th.
        html = self.page_at(office_time(2026, 1, 7, 12, 0))
        self.assert_closed(html, office="понедельник, 12 января 2026, 09:00", moscow="понедельник, 12 января 2026, 05:00")

    def test_shortened_day_after_five(self) -> None:
        # Friday 2026-05-08 closes at 17:00; the weekend and Monday 2026-05-11 are days off.
        html = self.page_at(office_time(2026, 5, 8, 17, 30))
        self.assert_closed(html, office="вторник, 12 мая 2026, 09:00", moscow="вторник, 12 мая 2026, 05:00")

    def test_shortened_day_before_five_is_open_until_five(self) -> None:
        self.assert_open_until(self.page_at(office_time(2026, 5, 8, 16, 30)), "17:00")

    def test_working_saturday(self) -> None:
        # Saturday 2024-12-28 is a working day by decree (ordinary hours) ...
        self.assert_open_until(self.page_at(office_time(2024, 12, 28, 12, 0)), "18:00")
        # ... and Saturday 2025-11-01 a shortened one, before the 4 November holiday.
        self.assert_open_until(self.page_at(office_time(2025, 11, 1, 12, 0)), "17:00")

    def test_after_a_working_saturday(self) -> None:
        # Monday 2025-11-03 is a moved day off and the 4th a holiday: next opening Wednesday.
        html = self.page_at(office_time(2025, 11, 1, 17, 30))
        self.assert_closed(html, office="среда, 5 ноября 2025, 09:00", moscow="среда, 5 ноября 2025, 05:00")

    def test_ordinary_weekday_morning_before_opening(self) -> None:
        # 08:00 in Novosibirsk is 04:00 in Moscow: the page must not claim we are open.
        html = self.page_at(office_time(2026, 5, 13, 8, 0))
        self.assert_closed(html, office="среда, 13 мая 2026, 09:00", moscow="среда, 13 мая 2026, 05:00")
