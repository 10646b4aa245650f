"""The contacts page's next opening in the visitor's own zone, as Chromium writes it (issue 13.16:
no capitalised weekday next to lower-case ones, no raw zone id such as "Asia/Novosibirsk")."""

from __future__ import annotations

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.contrib.staticfiles.testing import StaticLiveServerTestCase

from supportdesk.testing.browser import ChromiumPerClass
from supportdesk.testing.servers import chromium_available

pytestmark = pytest.mark.skipif(not chromium_available(), reason="needs /usr/bin/chromium")

# Monday 2026-01-05 is inside the New Year days off: we open on Monday the 12th, 09:00 in Novosibirsk.
HOLIDAY_NOON = datetime(2026, 1, 5, 12, 0, tzinfo=ZoneInfo("Asia/Novosibirsk"))


class ContactsInBrowserTests(ChromiumPerClass, StaticLiveServerTestCase):
    def next_opening(self, *, zone: str, language: str = "") -> dict[str, str]:
        context = self.browser.new_context(locale="ru-RU", timezone_id=zone)
        try:
            if language:
                context.add_cookies([{"name": "django_language", "value": language, "url": self.live_server_url}])
            page = context.new_page()
            with mock.patch("supportdesk.portal.views.timezone.now", return_value=HOLIDAY_NOON):
                page.goto(self.live_server_url + "/contacts/")
            page.wait_for_selector("#next-opening-local:not([hidden])")
            return {name: page.inner_text(f"#next-opening-{name}").strip() for name in ("office", "moscow", "local")}
        finally:
            context.close()

    def test_the_visitors_line_matches_the_others(self) -> None:
        lines = self.next_opening(zone="Asia/Yekaterinburg")
        assert lines["office"] == "понедельник, 12 января 2026, 09:00 по времени Новосибирска (UTC+7)"
        assert lines["moscow"] == "понедельник, 12 января 2026, 05:00 по времени Москвы (UTC+3)"
        assert lines["local"] == "· по вашему времени: понедельник, 12 января 2026, 07:00 (UTC+5)"

    def test_english_and_a_zone_with_minutes(self) -> None:
        lines = self.next_opening(zone="Asia/Kolkata", language="en")
        assert lines["office"] == "Monday, 12 January 2026, 09:00 Novosibirsk time (UTC+7)"
        assert lines["local"].startswith("· your time: Monday, ")
        assert lines["local"].endswith(", 07:30 (UTC+5:30)") and "Asia/" not in lines["local"]
