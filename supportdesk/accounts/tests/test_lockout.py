"""Brute-force protection: django-axes counts failed logins in the database, so a lockout
made through one client (web process) holds for every other; keyed by user name and the
client address a trusted proxy reports."""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from supportdesk.lib.client_ip import parse_networks
from supportdesk.test import PASSWORD, BaseTestCase

PROXY = "10.0.0.2"


def fail(client: Client, url: str, username: str, times: int, **extra: str) -> None:
    """``times`` wrong passwords; the one that reaches the limit is answered 429 at once."""
    from django.conf import settings

    for n in range(1, times + 1):
        response = client.post(url, {"username": username, "password": "wrong-password"}, **extra)
        assert response.status_code == (429 if n >= settings.AXES_FAILURE_LIMIT else 200), response.status_code


class LockoutTests(BaseTestCase):
    def test_login_locks_after_the_limit_for_every_client(self) -> None:
        from django.conf import settings

        fail(Client(REMOTE_ADDR="203.0.113.5"), "/login/", "alice", settings.AXES_FAILURE_LIMIT - 1,
             REMOTE_ADDR="203.0.113.5")
        last = Client().post("/login/", {"username": "alice", "password": "wrong"}, REMOTE_ADDR="203.0.113.5")
        assert last.status_code == 429
        # A second client (another web process: the count is in the database) with the right password.
        other = Client()
        response = other.post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 429
        assert "Вход заблокирован" in response.content.decode()
        assert "_auth_user_id" not in other.session
        assert AccessAttempt.objects.get(username="alice").failures_since_start >= settings.AXES_FAILURE_LIMIT

    def test_the_agent_still_logs_in_from_another_address(self) -> None:
        from django.conf import settings

        fail(Client(), "/login/", "alice", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="203.0.113.5")
        response = Client().post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="198.51.100.7")
        assert response.status_code == 302

    def test_admin_login_is_locked_too(self) -> None:
        from django.conf import settings

        get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        fail(Client(), "/admin/login/", "root", settings.AXES_FAILURE_LIMIT - 1, REMOTE_ADDR="203.0.113.9")
        url = "/admin/login/?next=/admin/"
        assert Client().post(url, {"username": "root", "password": "x"}, REMOTE_ADDR="203.0.113.9").status_code == 429
        response = Client().post(url, {"username": "root", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
        assert response.status_code == 429

    def test_an_overlong_user_name_is_counted_not_a_500(self) -> None:
        from django.conf import settings

        blob = "x" * 5000  # longer than axes' column: PostgreSQL refused to store it
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            response = Client().post("/admin/login/", {"username": blob, "password": "x"}, REMOTE_ADDR="203.0.113.77")
            assert response.status_code == 200
        assert Client().post("/login/", {"username": blob, "password": "x"},
                             REMOTE_ADDR="203.0.113.77").status_code == 429

    def test_success_resets_the_count(self) -> None:
        from django.conf import settings

        client = Client()
        fail(client, "/login/", "alice", settings.AXES_FAILURE_LIMIT - 1, REMOTE_ADDR="203.0.113.5")
        ok = client.post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
        assert ok.status_code == 302
        fail(Client(), "/login/", "alice", settings.AXES_FAILURE_LIMIT - 1, REMOTE_ADDR="203.0.113.5")
        again = Client().post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
        assert again.status_code == 302

    @override_settings(TRUSTED_PROXIES=parse_networks([PROXY]))
    def test_behind_a_trusted_proxy_the_client_address_counts(self) -> None:
        from django.conf import settings

        fail(Client(), "/login/", "alice", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR=PROXY,
             HTTP_X_FORWARDED_FOR="203.0.113.5")
        locked = Client().post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=PROXY,
                               HTTP_X_FORWARDED_FOR="203.0.113.5")
        assert locked.status_code == 429
        # Alice herself, through the same proxy: not locked out by the guesser.
        mine = Client().post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR=PROXY,
                             HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert mine.status_code == 302

    def test_english_lockout_page(self) -> None:
        from django.conf import settings

        fail(Client(), "/login/", "alice", settings.AXES_FAILURE_LIMIT, REMOTE_ADDR="203.0.113.5")
        english = Client()
        english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = english.post("/login/", {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.5")
        assert response.status_code == 429
        assert "Try again in 15 minutes." in response.content.decode()
