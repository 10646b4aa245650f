"""A throwaway Celery app for the worker self-test; knows nothing of SupportDesk."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery

from supportdesk.testing.celery_worker import REDIS_TEST_URL

BROKER_URL = os.environ.get("CELERY_BROKER_URL", REDIS_TEST_URL)

app = Celery("celery_probe_app", broker=BROKER_URL, backend=BROKER_URL)
app.conf.update(
    broker_connection_retry_on_startup=True,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    result_expires=60,
    # BRPOP waits this long; the worker notices TERM only between waits (1 s by default).
    broker_transport_options={"polling_interval": 0.1},
)


@app.task(name="celery_probe_app.add")
def add(x: int, y: int) -> int:
    return x + y


@app.task(name="celery_probe_app.touch")
def touch(path: str, text: str) -> str:
    """Leave a trace on disk, so a test can see execution without a result backend."""
    Path(path).write_text(text)
    return str(os.getpid())
