"""The Celery app runs real tasks: on Redis through a real worker, and embedded without any server."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from celery import Celery

from supportdesk.testing.servers import CeleryWorker, flush_redis_db, redis_available, redis_test_url

REPO = Path(__file__).resolve().parents[2]


def _client(broker: str, backend: str, **conf: object) -> Celery:
    app = Celery("supportdesk-test-client", broker=broker, backend=backend, set_as_current=False)
    app.conf.update(**conf)
    return app


@pytest.mark.skipif(not redis_available(), reason="needs Redis on 127.0.0.1:6379")
def test_heartbeat_runs_through_a_real_worker_on_redis(worker_id: str) -> None:
    url = redis_test_url(worker_id)
    flush_redis_db(url)
    data_dir = tempfile.mkdtemp(prefix="sd-celery-")
    env = {"SUPPORTDESK_DEV": "1", "SUPPORTDESK_DATA_DIR": data_dir, "DATABASE_URL": ""}
    with CeleryWorker("supportdesk.celery", broker_url=url, result_backend=url, env=env):
        client = _client(url, url)
        result = client.send_task("supportdesk.heartbeat").get(timeout=30)
    assert datetime.fromisoformat(result).tzinfo is not None
    flush_redis_db(url)


def test_embedded_worker_runs_the_task_without_any_server() -> None:
    """The filesystem broker: the task waits as a file on disk until the worker takes it."""
    data_dir = Path(tempfile.mkdtemp(prefix="sd-celery-fs-"))
    root = data_dir / "celery"
    for sub in ("queue", "processed", "control", "results"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    transport = {"data_folder_in": str(root / "queue"), "data_folder_out": str(root / "queue"),
                 "processed_folder": str(root / "processed"), "store_processed": False,
                 "control_folder": str(root / "control"), "polling_interval": 0.1}
    client = _client("filesystem://", f"file://{root / 'results'}", broker_transport_options=transport)
    pending = client.send_task("supportdesk.heartbeat")  # sent before any worker exists
    assert len(list((root / "queue").iterdir())) == 1
    env = {**os.environ, "SUPPORTDESK_DEV": "1", "SUPPORTDESK_DATA_DIR": str(data_dir), "DATABASE_URL": "",
           "CELERY_BROKER_URL": "filesystem://", "PYTHONPATH": str(REPO)}
    env.pop("CELERY_RESULT_BACKEND", None)
    worker = subprocess.Popen([sys.executable, "-m", "celery", "-A", "supportdesk.celery", "worker",
                               "--pool=solo", "--without-mingle", "--without-gossip", "-l", "warning"],
                              env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        result = pending.get(timeout=60, interval=0.1)
    finally:
        worker.terminate()
        worker.wait(30)
    assert datetime.fromisoformat(result).tzinfo is not None
    assert list((root / "queue").iterdir()) == []


def test_embedded_loop_runs_the_periodic_jobs_without_celery(tmp_path: Path) -> None:
    env = {**os.environ, "SUPPORTDESK_DEV": "1", "SUPPORTDESK_DATA_DIR": str(tmp_path), "DATABASE_URL": ""}
    subprocess.run([sys.executable, "-m", "supportdesk.cli", "migrate", "-v0"], env=env, check=True, timeout=300)
    proc = subprocess.run([sys.executable, "-m", "supportdesk.cli", "worker"], env=env, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "supportdesk.outbox.services.outbox_flush: FlushResult(sent=0, retried=0, failed=0" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_every_periodic_job_is_on_the_beat_schedule_and_resolves() -> None:
    from supportdesk.celery import app
    from supportdesk.jobs import JOBS, resolve

    for path, every in JOBS:
        entry = app.conf.beat_schedule[path]
        assert (entry["task"], entry["schedule"], entry["args"]) == ("supportdesk.run_job", every, [path])
        assert callable(resolve(path))
    with pytest.raises(ValueError, match="not a registered job"):
        resolve("os.system")
