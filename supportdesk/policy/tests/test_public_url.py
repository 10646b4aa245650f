"""Where links in mail point (issue 13, item 11): the configured public URL, else the address
`supportdesk run` serves; production refuses to start without an https one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

from supportdesk.policy import public_url as urls
from supportdesk.policy.public_url import public_base_url, public_url_check, serve_at, url_for_addrport
from supportdesk.testing.net import LOOPBACK, free_port, wait_port

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def served():
    saved = list(urls._served)
    yield
    urls._served[:] = saved


def test_runserver_addresses_become_urls() -> None:
    assert url_for_addrport("8000") == "http://127.0.0.1:8000"
    assert url_for_addrport("10.0.0.5:8080") == "http://10.0.0.5:8080"
    assert url_for_addrport("[::1]:8000") == "http://[::1]:8000"
    assert url_for_addrport("0.0.0.0:9000") == f"http://{socket.getfqdn()}:9000"


def test_the_configured_url_wins_over_the_served_address(served) -> None:
    serve_at("http://192.168.1.20:8123/")
    with override_settings(PUBLIC_URL=""):
        assert public_base_url() == "http://192.168.1.20:8123"
    with override_settings(PUBLIC_URL="https://help.softlab.tv"):
        assert public_base_url() == "https://help.softlab.tv"


def test_check_deploy_reports_a_missing_or_plain_http_url() -> None:
    with override_settings(PUBLIC_URL=""):
        assert [m.id for m in public_url_check()] == ["policy.E001"]
    with override_settings(PUBLIC_URL="http://help.softlab.tv"):
        assert "not https" in public_url_check()[0].msg
    with override_settings(PUBLIC_URL="https://help.softlab.tv"):
        assert public_url_check() == []


def _python(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("SUPPORTDESK_DEV", "SUPPORTDESK_DEBUG",
                                                              "SUPPORTDESK_PUBLIC_URL")}
    clean.update(SUPPORTDESK_DATA_DIR=str(tmp_path), DATABASE_URL="", DJANGO_SETTINGS_MODULE="supportdesk.settings",
                 SUPPORTDESK_SECRET_KEY="k" * 50, **env)
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)


def test_production_refuses_to_start_without_an_https_public_url(tmp_path: Path) -> None:
    web = ("-c", "import supportdesk.wsgi")
    refused = _python(tmp_path, *web)
    assert refused.returncode != 0 and "SUPPORTDESK_PUBLIC_URL" in refused.stderr
    assert "not https" in _python(tmp_path, *web, SUPPORTDESK_PUBLIC_URL="http://help.softlab.tv").stderr
    started = _python(tmp_path, *web, SUPPORTDESK_PUBLIC_URL="https://help.softlab.tv")
    assert started.returncode == 0, started.stderr
    worker = _python(tmp_path, "-m", "supportdesk.cli", "worker", "--help")
    assert worker.returncode != 0 and "SUPPORTDESK_PUBLIC_URL" in worker.stderr
    deploy = _python(tmp_path, "-m", "django", "check", "--deploy", SUPPORTDESK_DEV="1")
    assert "policy.E001" in deploy.stderr


def test_the_embedded_mode_links_to_the_address_it_serves(tmp_path: Path) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("SUPPORTDESK_PUBLIC_URL", "DATABASE_URL")}
    env.update(SUPPORTDESK_DATA_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "supportdesk.cli", "run", f"127.0.0.1:{port}", "--no-demo",
                             "--no-loop"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        wait_port(LOOPBACK, port, proc, timeout=120)  # type: ignore[arg-type]
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=30)
    assert f"Links in mail: http://127.0.0.1:{port}/" in out
