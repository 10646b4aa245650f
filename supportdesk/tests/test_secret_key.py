"""The command line without a secret; the secret key generated once into the data directory, the variable winning."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from supportdesk.lib.secret_key import SECRET_KEY_VAR, secret_key_ensure, secret_key_read, secret_key_require

REPO = Path(__file__).resolve().parents[2]
SUPPORTDESK = Path(sys.executable).with_name("supportdesk")
MAIL = (b"From: =?utf-8?b?0JjQstCw0L0=?= <ivan@example.test>\r\nTo: support@example.test\r\n"
        b"Subject: Forward TS\r\nMessage-ID: <1@example.test>\r\n\r\nTitles are missing.\r\n")


def clean_env(**extra: str) -> dict[str, str]:
    """No SupportDesk, Django or database variable at all: what a shell on a fresh host has."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tempfile.gettempdir(), "LANG": "C.UTF-8",
            **extra}


def run(argv: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=clean_env(**extra), capture_output=True, text=True, timeout=120)


@pytest.fixture
def workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="sd-nokey-"))


def test_offline_commands_run_with_no_supportdesk_variables(workdir: Path) -> None:
    days = run([str(SUPPORTDESK), "calendar", "days", "2026", "--json"], workdir)
    assert days.returncode == 0, days.stderr
    assert len(json.loads(days.stdout)) > 0
    Path(workdir, "mail.eml").write_bytes(MAIL)
    parsed = run([str(SUPPORTDESK), "mail", "parse", "mail.eml", "--json"], workdir)
    assert parsed.returncode == 0, parsed.stderr
    assert json.loads(parsed.stdout)["subject"] == "Forward TS"
    assert not Path(workdir, "var", "secret_key").exists()  # they neither need a key nor make one


def start_web(data_dir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    """Import the WSGI application as a production server would, and print the key Django uses."""
    code = "import supportdesk.wsgi; from django.conf import settings; print(settings.SECRET_KEY)"
    env = {"SUPPORTDESK_PUBLIC_URL": "https://help.example.com", **extra}  # production wants its https address
    return run([sys.executable, "-c", code], REPO, SUPPORTDESK_DATA_DIR=str(data_dir), PYTHONPATH=str(REPO), **env)


def test_the_first_production_start_generates_the_key_and_later_starts_read_it(workdir: Path) -> None:
    first = start_web(workdir)
    assert first.returncode == 0, first.stderr
    key_file = workdir / "secret_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    key = key_file.read_text().strip()
    assert len(key) >= 50 and first.stdout.strip() == key
    second = start_web(workdir)
    assert second.stdout.strip() == key
    assert start_web(workdir, SUPPORTDESK_SECRET_KEY="from-the-environment").stdout.strip() == "from-the-environment"
    assert key_file.read_text().strip() == key


def test_a_production_process_without_any_key_refuses(workdir: Path) -> None:
    key_file = workdir / "secret_key"
    key_file.write_text("k" * 50)
    key_file.chmod(0o644)
    loose = start_web(workdir)
    assert loose.returncode != 0 and f"chmod 600 {key_file}" in loose.stderr
    key_file.unlink()
    code = ("import django; django.setup(); from django.conf import settings\n"
            "from supportdesk.lib.secret_key import secret_key_require; secret_key_require(data_dir=settings.DATA_DIR)")
    worker = run([sys.executable, "-c", code], REPO, SUPPORTDESK_DATA_DIR=str(workdir), PYTHONPATH=str(REPO),
                 DJANGO_SETTINGS_MODULE="supportdesk.settings")
    assert worker.returncode != 0 and "no secret key: set SUPPORTDESK_SECRET_KEY" in worker.stderr
    assert not key_file.exists()


def test_the_variable_wins_and_a_bad_key_file_is_refused(monkeypatch: pytest.MonkeyPatch, workdir: Path) -> None:
    monkeypatch.delenv(SECRET_KEY_VAR, raising=False)
    assert secret_key_read(data_dir=workdir) == ""
    with pytest.raises(ImproperlyConfigured, match="no secret key"):
        secret_key_require(data_dir=workdir)
    generated = secret_key_ensure(data_dir=workdir)
    assert secret_key_read(data_dir=workdir) == generated == secret_key_require(data_dir=workdir)
    monkeypatch.setenv(SECRET_KEY_VAR, "env-key")
    assert secret_key_ensure(data_dir=workdir) == "env-key"
    monkeypatch.delenv(SECRET_KEY_VAR)
    (workdir / "secret_key").write_text("\n")
    with pytest.raises(ImproperlyConfigured, match="is empty"):
        secret_key_read(data_dir=workdir)


def test_processes_starting_together_agree_on_one_key(monkeypatch: pytest.MonkeyPatch, workdir: Path) -> None:
    monkeypatch.delenv(SECRET_KEY_VAR, raising=False)
    keys: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        keys.append(secret_key_ensure(data_dir=workdir))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1
    assert sorted(p.name for p in workdir.iterdir()) == ["secret_key"]  # no partial file left behind
