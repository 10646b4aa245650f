"""The LMTP intake on PostgreSQL places mails in worker processes (``mail.workers``): SIGTERM
(or Ctrl-C) stops the server and its workers in order, the workers' database connections
closed; a worker whose server is killed (kill -9) exits by itself. Real processes: the
``supportdesk mail lmtp`` command on the test database."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import TransactionTestCase

from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.testing.servers import free_port
from supportdesk.testing.skips import database_only

ROOT = Path(__file__).resolve().parents[3]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def wait_until(check: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason=database_only("postgresql", "SQLite's intake places in threads (one writer)"))
class LmtpWorkerProcessTests(TransactionTestCase):
    def start(self) -> tuple[subprocess.Popen[bytes], int]:
        settings = connection.settings_dict
        url = (f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/"
               f"{settings['NAME']}")
        env = dict(os.environ, DATABASE_URL=url, SUPPORTDESK_DEV="1", CELERY_BROKER_URL="memory://",
                   DJANGO_SETTINGS_MODULE="supportdesk.settings", PYTHONPATH=str(ROOT))
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "supportdesk.cli", "mail", "lmtp", "--port", str(port),
                                   "--workers", "2"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL)
        self.addCleanup(lambda: server.poll() is None and server.kill())
        assert server.stdout is not None
        self.assertIn(b"intake on", server.stdout.readline())
        self.assertTrue(wait_until(lambda: listening(port) and len(children(server.pid)) == 2))
        return server, port

    def deliver(self, port: int, n: int) -> None:
        client = smtplib.LMTP("127.0.0.1", port, timeout=60)
        try:
            client.sendmail("mta@tv-sibir.ru", ["forward@softlab.tv"],
                            make_mail(sender=f"user{n}@tv-sibir.ru", message_id=f"proc{n}@tv-sibir.ru"))
        finally:
            client.quit()

    def backends(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND pid <> pg_backend_pid()")
            return int(cursor.fetchone()[0])

    def test_sigterm_stops_the_server_and_its_workers_and_closes_their_connections(self) -> None:
        server, port = self.start()
        workers = children(server.pid)
        self.assertEqual(len(workers), 2)
        for n in range(4):
            self.deliver(port, n)
        self.assertEqual(InboundMail.objects.filter(state="ticketed").count(), 4)
        self.assertGreaterEqual(self.backends(), 2)  # the workers' connections
        server.send_signal(signal.SIGTERM)
        self.assertEqual(server.wait(30), 0)
        self.assertTrue(wait_until(lambda: not any(alive(pid) for pid in workers)))
        self.assertTrue(wait_until(lambda: self.backends() == 0))

    def test_workers_exit_when_their_server_is_killed(self) -> None:
        server, port = self.start()
        workers = children(server.pid)
        self.deliver(port, 1)
        server.kill()
        server.wait(10)
        self.assertTrue(wait_until(lambda: not any(alive(pid) for pid in workers), timeout=10))
        self.assertTrue(wait_until(lambda: self.backends() == 0))


class WarmUpTests(TransactionTestCase):
    def test_what_workers_share_is_loaded_before_the_fork_without_touching_the_database(self) -> None:
        import importlib

        from django.template.loader import get_template

        from supportdesk.mail.workers import warm_up

        with self.assertNumQueries(0):
            warm_up()  # a query here would open a connection that forked workers would share
        assert "dateparser" in sys.modules and importlib.import_module("supportdesk.outbox.tasks")
        # the mail templates are compiled and cached: the next load gives the compiled one
        assert get_template("replies/mail/ru/ack.txt").template is get_template("replies/mail/ru/ack.txt").template
