"""The foundation's pages: contacts in both languages, agent login, queue and ticket page."""

from __future__ import annotations

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from supportdesk.test import PASSWORD, BaseTestCase

NSK = ZoneInfo("Asia/Novosibirsk")


class ContactsPageTests(BaseTestCase):
    def _get(self, lang: str, now: datetime) -> str:
        if lang:
            self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        with mock.patch("supportdesk.portal.views.timezone.now", return_value=now):
            # The browser's language does not matter: Russian unless English was chosen.
            response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
        assert response.status_code == 200
        return response.content.decode()

    def test_russian_by_default_with_the_seed_contacts(self):
        html = self._get("", datetime(2026, 6, 3, 10, 0, tzinfo=NSK))
        for text in ("forward@softlab.tv", "+7 (383) 363-04-62", "UTC+7", "МСК+4", "Контакты и правила",
                     "с понедельника по пятницу, с 09:00 до 18:00", "Сейчас техподдержка работает.",
                     "описание проблемы", "в течение 1–2 рабочих дней", "«СофтЛаб-НСК», «СофтЛаб-ММ»"):
            assert text in html, text
        assert '<html lang="ru">' in html

    def test_english_on_request(self):
        html = self._get("en", datetime(2026, 6, 3, 10, 0, tzinfo=NSK))
        for text in ("forward@softlab.tv", "+7 (383) 363-04-62", "UTC+7", "MSK+4", "Contacts and rules",
                     "Monday to Friday, 09:00–18:00", "Support is open now.", "within 1–2 business days",
                     "«SoftLab-NSK», «SoftLab-MM»"):
            assert text in html, text

    def test_closed_on_a_holiday_shows_the_next_opening_in_office_and_moscow_time(self):
        # 2026-01-05 is inside the New Year holidays; work resumes Monday 2026-01-12 at 09:00.
        html = self._get("", datetime(2026, 1, 5, 12, 0, tzinfo=NSK))
        assert "Сейчас техподдержка не работает." in html
        assert "понедельник, 12 января 2026, 09:00 по времени Новосибирска (UTC+7)" in html
        assert "понедельник, 12 января 2026, 05:00 по времени Москвы (UTC+3)" in html
        assert "Понедельник" not in html and "Asia/Novosibirsk" not in html
        english = self._get("en", datetime(2026, 1, 5, 12, 0, tzinfo=NSK))
        assert "Monday, 12 January 2026, 09:00 Novosibirsk time (UTC+7)" in english
        assert "Monday, 12 January 2026, 05:00 Moscow time (UTC+3)" in english

    def test_language_switch_is_a_post(self):
        response = self.client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302
        assert "Contacts and rules" in self.client.get("/").content.decode()


class AgentPagesTests(BaseTestCase):
    def test_login_queue_ticket_and_logout(self):
        ticket = self.make_ticket(subject="Не выводятся титры на второй выход")
        assert self.client.get(reverse("tickets:queue")).status_code == 302  # to the login page
        response = self.client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        assert response.status_code == 302
        queue = self.client.get(reverse("tickets:queue")).content.decode()
        assert "Не выводятся титры на второй выход" in queue
        page = self.client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
        assert "Титры не выводятся на SDI 2." in page
        assert self.client.get(reverse("logout")).status_code == 405  # logging out is a POST
        assert self.client.post(reverse("logout")).status_code == 302
        assert self.client.get(reverse("tickets:queue")).status_code == 302

    def test_a_user_who_is_no_agent_is_refused(self):
        ticket = self.make_ticket()
        self.client.login(username="bob", password=PASSWORD)
        assert self.client.get(reverse("tickets:queue")).status_code == 403
        assert self.client.get(reverse("tickets:detail", args=[ticket.pk])).status_code == 403

    def test_wrong_password_says_so(self):
        self.client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = self.client.post(reverse("login"), {"username": "alice", "password": "nope"})
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
