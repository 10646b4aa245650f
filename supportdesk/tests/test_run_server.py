"""``supportdesk run`` as a user starts it: a real gunicorn, the jobs loop and the LMTP intake as
supervised children, static files with cache headers, Ctrl-C stopping everything, no orphans.

Each test starts the command as a process of its own on a fresh SQLite database (the command is
what a fresh clone runs; the suite's own database, SQLite or PostgreSQL, is not involved).
"""

from __future__ import annotations

import os
import re
import signal
import smtplib
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from supportdesk.testing.net import free_port

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 120.0


class RunningCommand:
    def __init__(self, *args: str) -> None:
        self.data_dir = tempfile.mkdtemp(prefix="sd-run-")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPPORTDESK_", "DJANGO_"))}
        env.update(DATABASE_URL="", SUPPORTDESK_DATA_DIR=self.data_dir, SUPPORTDESK_DEV="1")
        self.proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "supportdesk.cli", "run", *args],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            self.lines.append(raw.decode("utf-8", "replace").rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, pattern: str, *, timeout: float = START_TIMEOUT, count: int = 1) -> list[re.Match[str]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [m for line in list(self.lines) if (m := re.search(pattern, line))]
            if len(found) >= count:
                return found
            if self.proc.poll() is not None:
                time.sleep(0.2)  # let the reader drain
                break
            time.sleep(0.1)
        raise AssertionError(f"no {count}× {pattern!r} in the output of `supportdesk run`:\n{self.log}")

    def child_pids(self) -> dict[str, int]:
        return {m.group(1): int(m.group(2)) for m in
                (re.search(r"\[supervisor\] started (\w+) \(pid (\d+)\)", line) for line in self.lines) if m}

    def worker_pids(self) -> list[int]:
        return [int(m.group(1)) for m in (re.search(r"Booting worker with pid: (\d+)", ln) for ln in self.lines) if m]

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def start() -> Iterator[type[RunningCommand]]:
    started: list[RunningCommand] = []

    class Tracked(RunningCommand):
        def __init__(self, *args: str) -> None:
            super().__init__(*args)
            started.append(self)

    yield Tracked
    for cmd in started:
        pids = [*cmd.child_pids().values(), *cmd.worker_pids()]
        cmd.close()
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _gone(pid: int, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        # A zombie re-parented to init is gone for every purpose but this check: read its state.
        try:
            if Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z"):
                return True
        except (OSError, IndexError):
            return True
        time.sleep(0.1)
    return False


def _get(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a loopback test server
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


MAIL = (
    b"From: Ivan Petrov <ivan@tv-example.ru>\r\nTo: support@example.com\r\n"
    b"Subject: =?utf-8?b?0J3QtdGCINC30LLRg9C60LA=?=\r\nMessage-ID: <run-test-1@tv-example.ru>\r\n"
    b"Date: Fri, 04 Dec 2026 10:00:00 +0700\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
    b"Forward TS 6.2.1: no sound on output 2 after the update.\r\n"
)


def test_run_serves_through_gunicorn_with_static_cache_headers_and_stops_on_ctrl_c(start: type[RunningCommand]) -> None:
    web, lmtp = free_port(), free_port()
    cmd = start(f"127.0.0.1:{web}", "--no-demo", "--lmtp", f"127.0.0.1:{lmtp}", "--workers", "1", "--threads", "2")
    cmd.wait_for(rf"Listening at: http://127\.0\.0\.1:{web}")
    cmd.wait_for(r"Booting worker with pid")
    cmd.wait_for(rf"LMTP intake on 127\.0\.0\.1:{lmtp}")
    cmd.wait_for(r"jobs loop: \d+ periodic jobs")
    assert "Starting gunicorn" in cmd.log
    assert "development server" not in cmd.log

    status, headers, page = _get(f"http://127.0.0.1:{web}/login/")
    assert status == 200 and headers["server"].startswith("gunicorn")
    css = re.search(rb'href="(/static/supportdesk/app\.[0-9a-f]{12}\.css)"', page)
    assert css, "the login page links the cache-busted stylesheet"
    status, headers, body = _get(f"http://127.0.0.1:{web}{css.group(1).decode()}", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert "immutable" in headers["cache-control"] and "max-age=315360000" in headers["cache-control"]
    assert headers.get("content-encoding") == "gzip" and body[:2] == b"\x1f\x8b"

    with smtplib.LMTP("127.0.0.1", lmtp) as client:
        refused = client.sendmail("ivan@tv-example.ru", ["support@example.com"], MAIL)
    assert refused == {}
    with sqlite3.connect(Path(cmd.data_dir) / "supportdesk.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM mail_inboundmail WHERE message_id LIKE '%run-test-1%'").fetchone()[0] == 1

    pids = [*cmd.child_pids().values(), *cmd.worker_pids()]
    assert len(pids) == 4  # web master, jobs, lmtp, one web worker
    cmd.proc.send_signal(signal.SIGINT)
    assert cmd.proc.wait(timeout=40) == 0, cmd.log
    assert "[supervisor] stopped" in cmd.log
    assert all(_gone(pid) for pid in pids), f"an orphan process was left: {pids}\n{cmd.log}"


def test_a_child_that_dies_is_restarted_and_killing_the_supervisor_leaves_no_orphan(start: type[RunningCommand]) -> None:
    web, lmtp = free_port(), free_port()
    cmd = start(f"127.0.0.1:{web}", "--no-demo", "--lmtp", f"127.0.0.1:{lmtp}", "--workers", "1", "--threads", "1")
    cmd.wait_for(r"Booting worker with pid")
    cmd.wait_for(r"LMTP intake on")
    cmd.wait_for(r"jobs loop: ")
    time.sleep(16)  # past the early-exit window: a death now is a crash to recover from
    jobs = cmd.child_pids()["jobs"]
    os.kill(jobs, signal.SIGKILL)
    cmd.wait_for(r"\[supervisor\] jobs exited with code -9; restarting")
    cmd.wait_for(r"\[supervisor\] started jobs \(pid", count=2)
    assert cmd.child_pids()["jobs"] != jobs

    pids = [*cmd.child_pids().values(), *cmd.worker_pids()]
    cmd.proc.kill()  # kill -9: no chance to stop the children
    cmd.proc.wait()
    assert all(_gone(pid) for pid in pids), f"an orphan process was left after kill -9: {pids}\n{cmd.log}"


def test_a_port_already_taken_stops_run_with_the_reason(start: type[RunningCommand]) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        cmd = start(f"127.0.0.1:{port}", "--no-demo", "--no-lmtp", "--no-loop")
        code = cmd.proc.wait(timeout=START_TIMEOUT)
    assert code != 0
    assert "web exited with code" in cmd.log and "right after it started" in cmd.log


def test_dev_flag_keeps_the_development_server(start: type[RunningCommand]) -> None:
    web = free_port()
    cmd = start(f"127.0.0.1:{web}", "--no-demo", "--dev", "--no-loop")
    cmd.wait_for(rf"Starting development server at http://127\.0\.0\.1:{web}")
    status, headers, _ = _get(f"http://127.0.0.1:{web}/login/")
    assert status == 200 and not headers.get("server", "").startswith("gunicorn")
    cmd.proc.send_signal(signal.SIGINT)
    cmd.proc.wait(timeout=30)
