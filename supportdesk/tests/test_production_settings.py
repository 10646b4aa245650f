"""Production settings (no SUPPORTDESK_DEV), each in a fresh process as a real start-up reads
them: `check --deploy` is clean, cookies are Secure, HSTS is sent and plain http redirected."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

REPO = Path(__file__).resolve().parents[2]
SUPPORTDESK = Path(sys.executable).with_name("supportdesk")

# Served through Django's test client inside the production process: the login page over
# https, then over plain http.
PROBE = """
import json, django
django.setup()
from django.test import Client
from django.conf import settings
client = Client()
page = client.get("/login/", secure=True, HTTP_HOST="support.example.com")
cookie = page.cookies[settings.CSRF_COOKIE_NAME]
plain = client.get("/login/", HTTP_HOST="support.example.com")
print(json.dumps({"status": page.status_code, "hsts": page.headers.get("Strict-Transport-Security"),
                  "csp": page.headers.get("Content-Security-Policy"), "csrf_secure": bool(cookie["secure"]),
                  "session_secure": settings.SESSION_COOKIE_SECURE,
                  "plain": [plain.status_code, plain.headers.get("Location")]}))
"""


@pytest.fixture(scope="module")
def production_env() -> dict[str, str]:
    data = Path(tempfile.mkdtemp(prefix="sd-prod-"))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    dkim = data / "dkim.pem"
    dkim.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    dkim.chmod(0o600)
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(data), "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "supportdesk.settings",
        "SUPPORTDESK_DATA_DIR": str(data),
        "SUPPORTDESK_SECRET_KEY": secrets.token_urlsafe(50),
        "SUPPORTDESK_PUBLIC_URL": "https://support.example.com",
        "SUPPORTDESK_ALLOWED_HOSTS": "support.example.com",
        "SUPPORTDESK_DKIM_SELECTOR": "sd", "SUPPORTDESK_DKIM_DOMAIN": "example.com",
        "SUPPORTDESK_DKIM_KEY_FILE": str(dkim),
    }


def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean(production_env: dict[str, str]) -> None:
    done = run([str(SUPPORTDESK), "check", "--deploy", "--fail-level", "WARNING"], production_env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout


def test_check_deploy_reports_a_development_setting(production_env: dict[str, str]) -> None:
    done = run([str(SUPPORTDESK), "check", "--deploy", "--fail-level", "WARNING"],
               {**production_env, "SUPPORTDESK_SECURE_COOKIES": "0"})
    assert done.returncode != 0
    assert "security.W012" in done.stderr + done.stdout


def test_secure_cookies_hsts_and_https_redirect(production_env: dict[str, str]) -> None:
    done = run([sys.executable, "-c", PROBE], production_env)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["status"] == 200
    assert seen["hsts"] == "max-age=31536000"
    assert seen["csrf_secure"] and seen["session_secure"]
    assert "script-src 'self'" in seen["csp"]
    assert seen["plain"] == [301, "https://support.example.com/login/"]


def test_development_mode_keeps_plain_http(production_env: dict[str, str]) -> None:
    done = run([sys.executable, "-c", PROBE], {**production_env, "SUPPORTDESK_DEV": "1"})
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["hsts"] is None and not seen["csrf_secure"] and not seen["session_secure"]
    assert seen["plain"][0] == 200
