"""Exactly once under SIGKILL: a process ingesting 500 messages from Dovecot is killed at
random points several times (after a random number of stored mails), then restarted until
done; every message exists once."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from supportdesk.mail.tests.factory import make_mail
from supportdesk.testing.servers import DovecotServer, dovecot_available

pytestmark = pytest.mark.skipif(not dovecot_available(), reason="dovecot missing or not root")
ROOT = Path(__file__).resolve().parents[3]
MESSAGES = 500
KILLS = 5
USER, PASSWORD, PASSWORD_ENV = "support", "crash-secret", "SUPPORTDESK_IMAP_CRASH_PASSWORD"


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A database of this test's own, shared with the subprocesses: a SQLite file, or a
    fresh PostgreSQL database when the suite runs on PostgreSQL."""
    env = dict(os.environ, SUPPORTDESK_DEV="1", SUPPORTDESK_DATA_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="supportdesk.settings", CELERY_BROKER_URL="memory://",
               PYTHONPATH=str(ROOT), **{PASSWORD_ENV: PASSWORD})
    url = os.environ.get("DATABASE_URL", "")
    name = ""
    if url.startswith("postgres"):
        import psycopg

        name = f"sd_crash_{uuid.uuid4().hex[:10]}"
        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    else:
        env["DATABASE_URL"] = ""
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, cwd=ROOT, check=True)
    yield env
    if name:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


def worker(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "supportdesk.mail.tests.crash_worker", *args], env=env,
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def fill(server: DovecotServer, rng: random.Random) -> list[str]:
    ids = []
    client = server.connect(USER, PASSWORD)
    try:
        for n in range(MESSAGES):
            mid = f"crash{n}@client{n % 37}.ru"
            raw = make_mail(sender=f"user{n % 37}@client{n % 37}.ru", subject=f"Вопрос номер {n}",
                            body=f"Проблема {n}: " + "текст " * rng.randint(5, 200), message_id=mid)
            client.append("INBOX", None, None, raw)
            ids.append(mid)
    finally:
        client.logout()
    return ids


def test_killed_intake_ends_with_every_message_exactly_once(own_database: dict[str, str]) -> None:
    env = own_database
    rng = random.Random(20260302)
    with DovecotServer({USER: PASSWORD}) as server:
        ids = fill(server, rng)
        assert worker(env, "setup", server.host, str(server.port), USER, PASSWORD_ENV).wait(60) == 0
        kills = 0
        for _ in range(KILLS):
            proc = worker(env, "poll")
            # Kill after a random number of stored mails (plus a moment: anywhere in the
            # processing of the next), not after a time that a fast machine outruns.
            target, seen = rng.randint(5, 80), 0
            while seen < target and proc.stdout is not None and proc.stdout.readline():
                seen += 1
            time.sleep(rng.uniform(0.0, 0.05))
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(30)
        finished = False
        for _ in range(5):
            proc = worker(env, "poll")
            if proc.wait(600) == 0:
                finished = True
                break
        assert finished
        assert kills >= 2, "the intake finished before it could be killed; the test proved nothing"
        client = server.connect(USER, PASSWORD)
        client.select("INBOX")
        assert client.uid("SEARCH", "UNSEEN")[1][0].split() == []
        client.logout()
    out = subprocess.run([sys.executable, "-m", "supportdesk.mail.tests.crash_worker", "report"], env=env,
                         cwd=ROOT, check=True, capture_output=True).stdout
    report = json.loads(out)
    per_id = report["per_id"]
    assert sorted(per_id) == sorted(ids)
    assert set(per_id.values()) == {1}
    assert report["states"].get("pending", 0) == 0
    assert report["states"].get("quarantined", 0) == 0
    assert report["states"]["ticketed"] == MESSAGES
