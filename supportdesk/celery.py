"""The Celery app.

Scaled out: ``CELERY_BROKER_URL=redis://...`` (or ``amqp://...``). Embedded default:
a broker kept on local disk (kombu's filesystem transport), so no server is needed;
``supportdesk worker --loop`` runs the same periodic functions without Celery at all.
The database is the record of truth, so a lost task loses nothing: every periodic
job re-reads its work from the database.
"""

from __future__ import annotations

import os

from celery import Celery, signals
from django.db import connection
from django.utils import timezone

from supportdesk import jobs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings")

app = Celery("supportdesk")


@signals.worker_init.connect
def _require_secret_key(**_kwargs: object) -> None:
    """A worker never generates a key (on another host it would differ from the web's): it refuses."""
    from django.conf import settings

    from supportdesk.lib.secret_key import secret_key_require

    secret_key_require(data_dir=settings.DATA_DIR)
    from supportdesk.policy.public_url import public_url_require

    public_url_require()  # its mail carries links


def _configure(app: Celery) -> None:
    from django.conf import settings

    conf: dict[str, object] = {
        "broker_url": settings.CELERY_BROKER_URL,
        "broker_connection_retry_on_startup": True,
        "task_always_eager": settings.CELERY_TASK_ALWAYS_EAGER,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "timezone": "UTC",
        "beat_schedule": {
            **{path: {"task": "supportdesk.run_job", "schedule": every, "args": [path]} for path, every in jobs.JOBS},
            "heartbeat": {"task": "supportdesk.heartbeat", "schedule": 60.0},
        },
    }
    if settings.CELERY_RESULT_BACKEND:
        conf["result_backend"] = settings.CELERY_RESULT_BACKEND
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        root = settings.CELERY_FS_DIR
        for sub in ("queue", "processed", "control", "results"):
            os.makedirs(root / sub, exist_ok=True)  # kombu does not create them
        conf["broker_transport_options"] = {
            # kombu writes to data_folder_out and reads data_folder_in: one folder.
            "data_folder_in": str(root / "queue"),
            "data_folder_out": str(root / "queue"),
            "processed_folder": str(root / "processed"),
            "store_processed": False,
            "control_folder": str(root / "control"),
            "polling_interval": 0.2,
        }
        conf.setdefault("result_backend", f"file://{root / 'results'}")
        conf["beat_schedule_filename"] = str(root / "beat-schedule")
    app.conf.update(conf)


_configure(app)


@app.task(name="supportdesk.run_job", ignore_result=True)
def run_job(path: str) -> None:
    """Beat runs every periodic job through this one task (the list is supportdesk.jobs.JOBS)."""
    jobs.run_job(path)


@app.task(name="supportdesk.heartbeat")
def heartbeat() -> str:
    """Proves a worker is alive and reaches the database (even an unmigrated one); returns its now."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return timezone.now().isoformat()


app.autodiscover_tasks(["supportdesk.outbox", "supportdesk.escalation", "supportdesk.mail", "supportdesk.releases",
                        "supportdesk.webhooks"])
