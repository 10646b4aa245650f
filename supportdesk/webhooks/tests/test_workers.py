"""The delivery job runs where the other periodic jobs run: in a Celery worker on Redis and in the
embedded jobs loop (``supportdesk worker``), each a separate process on a real database, posting
to a real receiver in this process."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from celery import Celery
from django.db import connection
from django.test import TransactionTestCase

from supportdesk.testing.servers import CeleryWorker, flush_redis_db, redis_available, redis_test_url
from supportdesk.webhooks.models import WebhookDelivery
from supportdesk.webhooks.tests.receiver import Receiver
from supportdesk.webhooks.tests.test_delivery import verify

REPO = Path(__file__).resolve().parents[3]
JOB = "supportdesk.webhooks.services.webhooks_deliver"


def _postgres_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "postgres") + (f":{quote(s['PASSWORD'])}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class WorkerDeliveryTests(TransactionTestCase):
    """On PostgreSQL the child processes share this test's database; on SQLite they use a freshly
    migrated database file of their own."""

    tmp: Path
    database_url: str

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.tmp = Path(tempfile.mkdtemp(prefix="sd-hooks-"))
        if connection.vendor == "postgresql":
            cls.database_url = _postgres_url()
        else:
            cls.database_url = f"sqlite:///{cls.tmp / 'template.sqlite3'}"
            subprocess.run([sys.executable, "-m", "supportdesk.cli", "migrate", "-v0"], env=cls.env(), cwd=REPO,
                           check=True, timeout=600)
            cls.database_url = f"sqlite:///{cls.tmp / 'worker.sqlite3'}"

    def setUp(self) -> None:
        super().setUp()
        if connection.vendor != "postgresql":  # each test starts from the freshly migrated file
            shutil.copyfile(self.tmp / "template.sqlite3", self.tmp / "worker.sqlite3")

    @classmethod
    def tearDownClass(cls) -> None:
        shutil.rmtree(cls.tmp, ignore_errors=True)
        super().tearDownClass()

    @classmethod
    def env(cls) -> dict[str, str]:
        return {**os.environ, "SUPPORTDESK_DEV": "1", "SUPPORTDESK_DATA_DIR": str(cls.tmp),
                "DATABASE_URL": cls.database_url, "SUPPORTDESK_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
                "PYTHONPATH": str(REPO)}

    def scenario(self, url: str) -> dict[str, Any]:
        done = subprocess.run([sys.executable, "-m", "supportdesk.webhooks.tests.worker_scenario", url],
                              env=self.env(), cwd=REPO, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]

    def deliveries(self, subscription: int) -> list[tuple[str, int, int | None]]:
        """(state, attempts, last status) of the subscription's deliveries, read where the worker wrote."""
        if connection.vendor == "postgresql":
            rows = WebhookDelivery.objects.filter(subscription_id=subscription).order_by("pk")
            return list(rows.values_list("state", "attempts", "last_status"))
        with sqlite3.connect(self.tmp / "worker.sqlite3") as db:
            return db.execute("SELECT state, attempts, last_status FROM webhooks_webhookdelivery "
                              "WHERE subscription_id = ? ORDER BY id", (subscription,)).fetchall()

    def wait_delivered(self, subscription: int, timeout: float = 30.0) -> list[tuple[str, int, int | None]]:
        deadline = time.monotonic() + timeout
        while (rows := self.deliveries(subscription)) and rows[0][0] != "delivered" and time.monotonic() < deadline:
            time.sleep(0.2)
        return rows

    def check(self, receiver: Receiver, made: dict[str, Any]) -> None:
        assert self.wait_delivered(made["subscription"]) == [("delivered", 1, 200)]
        assert len(receiver.received) == 1
        got = receiver.received[0]
        assert got.headers["X-SupportDesk-Event"] == "ticket.created" and verify(made["secret"], got.headers, got.body)
        assert json.loads(got.body)["data"]["ticket"]["id"] == made["ticket"]

    @pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
    def test_a_celery_worker_on_redis_delivers(self) -> None:
        url = redis_test_url(os.environ.get("PYTEST_XDIST_WORKER", "master"))
        flush_redis_db(url)
        with Receiver() as receiver:
            made = self.scenario(receiver.url)
            assert self.deliveries(made["subscription"]) == [("pending", 0, None)]
            with CeleryWorker("supportdesk.celery", broker_url=url, env=self.env()) as worker:
                client = Celery("supportdesk-test-client", broker=url, set_as_current=False)
                try:
                    client.send_task("supportdesk.run_job", args=[JOB])  # what beat sends every 5 s
                finally:
                    client.close()
                assert receiver.wait_for(1, timeout=60), worker.output()
                self.check(receiver, made)
        flush_redis_db(url)

    def test_the_embedded_jobs_loop_delivers(self) -> None:
        with Receiver() as receiver:
            made = self.scenario(receiver.url)
            done = subprocess.run([sys.executable, "-m", "supportdesk.cli", "worker"], env=self.env(), cwd=REPO,
                                  capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            assert f"{JOB}: DeliverResult(delivered=1, retried=0, failed=0)" in done.stdout, done.stdout
            self.check(receiver, made)
