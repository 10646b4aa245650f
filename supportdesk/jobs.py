"""Periodic jobs, one list for Celery beat and for the embedded ``--loop``.

Each job is a plain zero-argument function that claims its work in the database with a
conditional UPDATE, so running it twice at once (two loops, or beat plus a loop) is safe.
Celery beat runs every job through the one task ``supportdesk.run_job`` (see celery.py).
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections.abc import Callable

from django.db import close_old_connections

log = logging.getLogger(__name__)

# (dotted path of a zero-argument callable, seconds between runs), run in this order.
JOBS: list[tuple[str, float]] = [
    ("supportdesk.outbox.services.outbox_flush", 10.0),
    ("supportdesk.webhooks.services.webhooks_deliver", 5.0),
    ("supportdesk.mail.tasks.mail_poll_imap", 30.0),
    ("supportdesk.mail.tasks.mail_process_stale", 60.0),
    ("supportdesk.escalation.watcher.sla_watch", 60.0),
    ("supportdesk.replies.reminders.reminders_run", 300.0),
    ("supportdesk.portal.services.access_links_purge", 3600.0),
    ("supportdesk.presence.services.presence_purge", 600.0),
    ("supportdesk.webhooks.services.webhook_deliveries_purge", 3600.0),
    ("supportdesk.backups.backup_scheduled", 600.0),
    ("supportdesk.privacy.services.privacy_retention_run", 86400.0),
    ("supportdesk.reports.monthly.reports_monthly_mail", 3600.0),
]


def resolve(path: str) -> Callable[[], object]:
    if path not in {p for p, _ in JOBS}:
        raise ValueError(f"not a registered job: {path}")
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def run_job(path: str) -> object:
    return resolve(path)()


def run_jobs_once(due: set[str] | None = None) -> dict[str, object]:
    results: dict[str, object] = {}
    for path, _ in JOBS:
        if due is not None and path not in due:
            continue
        try:
            results[path] = run_job(path)
        except Exception as exc:  # one failing job must not stop the others
            log.exception("job %s failed", path)
            results[path] = exc
    return results


def run_loop(*, interval: float = 1.0, iterations: int | None = None, stop: threading.Event | None = None) -> None:
    """Run each job when its period has passed; ``interval`` is the loop's tick. ``stop`` ends the
    loop between two passes (a job is never cut off halfway)."""
    last: dict[str, float] = {}
    done = 0
    stop = stop or threading.Event()
    while (iterations is None or done < iterations) and not stop.is_set():
        now = time.monotonic()
        due = {path for path, every in JOBS if now - last.get(path, -every) >= every}
        close_old_connections()
        run_jobs_once(due)
        close_old_connections()
        for path in due:
            last[path] = now
        done += 1
        if iterations is None or done < iterations:
            stop.wait(interval)
