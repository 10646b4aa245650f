"""Periodic jobs, usable from Celery beat and from the embedded ``--loop``.

Each job is a plain function that claims its work in the database with a conditional
UPDATE, so running it twice at once (two loops, or beat plus a loop) is safe.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable

from django.db import close_old_connections

log = logging.getLogger(__name__)

# Dotted paths of zero-argument callables, run in this order on every tick.
JOBS: list[str] = [
    "supportdesk.outbox.services.outbox_flush",
    "supportdesk.portal.services.access_links_purge",
    "supportdesk.mail.tasks.mail_poll_imap", "supportdesk.mail.tasks.mail_process_stale",
    "supportdesk.sla.watcher.sla_watch",
    "supportdesk.replies.reminders.reminders_run",
]


def _resolve(path: str) -> Callable[[], object]:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def run_jobs_once() -> dict[str, object]:
    results: dict[str, object] = {}
    for path in JOBS:
        try:
            results[path] = _resolve(path)()
        except Exception as exc:  # one failing job must not stop the others
            log.exception("job %s failed", path)
            results[path] = exc
    return results


def run_loop(*, interval: float = 5.0, iterations: int | None = None) -> None:
    done = 0
    while iterations is None or done < iterations:
        close_old_connections()
        run_jobs_once()
        close_old_connections()
        done += 1
        if iterations is None or done < iterations:
            time.sleep(interval)
