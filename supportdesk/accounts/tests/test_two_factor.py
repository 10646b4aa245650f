"""TOTP two-factor sign-in: real codes computed from the device's key (django_otp.oath.totp)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from supportdesk.policy import reload_policy
from supportdesk.policy.loader import DEFAULT_POLICY_FILE
from supportdesk.test import PASSWORD, BaseTestCase

SETUP = "/account/two-factor/"
VERIFY = "/login/code/"


def _totp(device: TOTPDevice, k: int) -> TOTP:
    return TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift + k)


def code_for(device: TOTPDevice) -> str:
    """What the app shows now; a code is good once, so a second login in the same 30 s uses
    the app's next code (django-otp accepts one step either side)."""
    device.refresh_from_db()
    step = next(t for t in (_totp(device, k) for k in (-1, 0, 1)) if t.t() > device.last_t)
    return f"{step.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    device.refresh_from_db()
    right = {f"{_totp(device, k).token():06d}" for k in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


@contextmanager
def admins_must_use_2fa() -> Iterator[None]:
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp) / "policy.toml"
        policy.write_text(DEFAULT_POLICY_FILE.read_text(encoding="utf-8").replace(
            "require_2fa_for_admins = false", "require_2fa_for_admins = true"), encoding="utf-8")
        try:
            with override_settings(SUPPORTDESK_POLICY_FILE=str(policy)):
                reload_policy()
                yield
        finally:
            reload_policy()


class TwoFactorTests(BaseTestCase):
    def login(self, username: str = "alice", url: str = "/login/") -> Client:
        client = Client(REMOTE_ADDR="203.0.113.20")
        response = client.post(url, {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        return client

    def enrol(self, client: Client, username: str = "alice") -> TOTPDevice:
        assert client.post(SETUP, {"action": "start"}).status_code == 302
        device = TOTPDevice.objects.get(user__username=username, confirmed=False)
        page = client.get(SETUP).content.decode()
        assert "otpauth://totp/" in page and "SupportDesk" in page
        response = client.post(SETUP, {"action": "confirm", "code": code_for(device)})
        assert response.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        return device

    def test_enrol_shows_key_and_uri_and_confirms_with_a_real_code(self) -> None:
        client = self.login()
        assert "Двухфакторный вход выключен" in client.get(SETUP).content.decode()
        client.post(SETUP, {"action": "start"})
        device = TOTPDevice.objects.get(user=self.alice)
        page = client.get(SETUP).content.decode()
        from base64 import b32encode

        assert b32encode(device.bin_key).decode().rstrip("=") in page
        refused = client.post(SETUP, {"action": "confirm", "code": wrong_code(device)})
        assert refused.status_code == 400
        assert "Неверный код" in refused.content.decode()
        device.refresh_from_db()
        assert not device.confirmed
        # django-otp's throttling: right after a wrong code even the right one waits.
        device.throttling_failure_count = 0
        device.throttling_failure_timestamp = None
        device.save()
        assert client.post(SETUP, {"action": "confirm", "code": code_for(device)}).status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert "Двухфакторный вход включён" in client.get(SETUP).content.decode()
        # The session that confirmed the device counts as verified: agent pages open.
        assert client.get("/agent/").status_code == 200

    def test_login_asks_for_the_code_after_the_password(self) -> None:
        device = self.enrol(self.login())
        client = self.login()
        response = client.get("/agent/")
        assert response.status_code == 302
        assert response["Location"].startswith(VERIFY)
        page = client.get(response["Location"])
        assert "Одноразовый код" in page.content.decode()
        wrong = client.post(VERIFY, {"code": wrong_code(device), "next": "/agent/"})
        assert wrong.status_code == 400
        assert client.get("/agent/").status_code == 302
        device.refresh_from_db()
        assert device.throttling_failure_count == 1
        device.throttling_failure_timestamp = None  # the wait after the wrong code is over
        device.save()
        right = client.post(VERIFY, {"code": code_for(device), "next": "/agent/"})
        assert right.status_code == 302 and right["Location"] == "/agent/"
        assert client.get("/agent/").status_code == 200

    def test_wrong_codes_are_throttled_even_the_right_one_then(self) -> None:
        device = self.enrol(self.login())
        client = self.login()
        for _ in range(3):
            assert client.post(VERIFY, {"code": wrong_code(device)}).status_code == 400
        device.refresh_from_db()
        assert device.throttling_failure_count == 1  # tries while throttled are not even checked
        blocked = client.post(VERIFY, {"code": code_for(device)})
        assert blocked.status_code == 400
        assert "попробуйте снова через" in blocked.content.decode()
        assert client.get("/agent/").status_code == 302

    def test_odd_codes_are_a_clear_error_not_a_500(self) -> None:
        self.enrol(self.login())
        client = self.login()
        for odd in ("", "²²²²²²", "x" * 5000, "12 34 56", "\u0661\u0662\u0663\u0664\u0665\u0666"):
            assert client.post(VERIFY, {"code": odd}).status_code == 400
        assert client.post(SETUP, {"action": "nonsense"}).status_code in (302, 400)
        assert client.get(f"{VERIFY}?next=https://evil.example/").status_code == 200

    def test_open_redirect_is_refused(self) -> None:
        device = self.enrol(self.login())
        client = self.login()
        response = client.post(VERIFY, {"code": code_for(device), "next": "https://evil.example/"})
        assert response.status_code == 302 and "evil" not in response["Location"]

    def test_remove_needs_a_current_code(self) -> None:
        client = self.login()
        device = self.enrol(client)
        assert client.post(SETUP, {"action": "remove", "code": wrong_code(device)}).status_code == 400
        assert TOTPDevice.objects.filter(user=self.alice).exists()
        device.throttling_failure_timestamp = None
        device.save()
        assert client.post(SETUP, {"action": "remove", "code": code_for(device)}).status_code == 302
        assert not TOTPDevice.objects.filter(user=self.alice).exists()
        # Without a device the next login goes straight in.
        assert self.login().get("/agent/").status_code == 200

    def test_optional_for_an_admin_unless_the_policy_requires_it(self) -> None:
        get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        assert self.login("root", "/admin/login/?next=/admin/").get("/admin/").status_code == 200

    def test_policy_required_admin_is_sent_to_enrol_before_admin_and_agent_pages(self) -> None:
        get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        with admins_must_use_2fa():
            client = self.login("root", "/admin/login/?next=/admin/")
            for url in ("/admin/", "/agent/", "/admin/auth/user/"):
                response = client.get(url)
                assert response.status_code == 302, url
                assert response["Location"].startswith(SETUP), url
            page = client.get(SETUP).content.decode()
            assert "Политика требует" in page
            # An agent is not an administrator: the policy leaves them free.
            assert self.login("alice").get("/agent/").status_code == 200
            device = self.enrol(client, "root")
            assert client.get("/admin/").status_code == 200
            # The next admin login asks for the code, and then lets in.
            again = self.login("root", "/admin/login/?next=/admin/")
            response = again.get("/admin/")
            assert response.status_code == 302 and response["Location"].startswith(VERIFY)
            device.refresh_from_db()
            assert again.post(VERIFY, {"code": code_for(device), "next": "/admin/"}).status_code == 302
            assert again.get("/admin/").status_code == 200

    def test_english_on_request(self) -> None:
        client = self.login()
        client.cookies["django_language"] = "en"
        assert "Two-factor sign-in is off" in client.get(SETUP).content.decode()

    def test_customers_cannot_open_the_setup_page(self) -> None:
        assert self.login("bob").get(SETUP).status_code == 403
