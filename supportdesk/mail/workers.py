"""Worker processes for the intake on PostgreSQL: placing a mail is Python work (parsing,
routing, the ORM), and only processes use more than one core.

    pool = worker_pool(default_workers())   # forked now: call before starting any thread of your own
    pool.submit(func, *args)       # func and args picklable; the result too
    pool.shutdown(wait=True, cancel_futures=True)

Each worker opens its own database connection (the parent's are closed before the fork, so no
socket is shared), closes it when it exits, and ignores SIGINT and SIGTERM: a Ctrl-C or the
service manager's SIGTERM to the whole process group is for the parent, which then shuts the
pool down in order (each worker finishes the mail it is placing and exits). A worker whose
parent is gone (kill -9) exits within a second, its open transaction rolled back: the mail
stays pending (its MTA gets no 250 and delivers it again; the stale-mail job finishes it).
SQLite has one writer: its intake stays in threads.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

from django.db import connections


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _worker_started(parent: int, setup: Callable[[], None] | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    multiprocessing.util.Finalize(None, connections.close_all, exitpriority=10)
    threading.Thread(target=_exit_with_parent, args=(parent,), name="parent-watch", daemon=True).start()
    if setup is not None:
        setup()


def default_workers() -> int:
    """Worker processes placing mail at once unless told otherwise: one per core this process
    may run on, at least two (one overlaps the other's waits on the database). Placing is
    Python work: more processes than cores only take turns on them, and the database server
    needs its share (B1 on 2 cores, PostgreSQL on the same machine: 2 processes placed
    15-20 % more mails per second than 4 in a bulk import, about 10 % more over LMTP)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        cores = os.cpu_count() or 2
    return max(2, cores)


def warm_up() -> None:
    """Load now what placing a mail loads on its first use: the URL configuration (a link in the
    acknowledgment imports every app's views), the compiled mail templates, dateparser's
    language data, the task modules. Forked workers share the parent's copy instead of each
    spending 0.5-1 s of CPU on its own with its first mails. Opens no database connection."""
    from django.urls import get_resolver

    from supportdesk.mail.parsing import away
    from supportdesk.outbox import tasks  # noqa: F401 - imported for its side effect of loading
    from supportdesk.replies import rendering

    get_resolver().url_patterns  # noqa: B018 - the property imports every URL module
    rendering.preload()
    away.preload()


def worker_pool(workers: int, setup: Callable[[], None] | None = None) -> ProcessPoolExecutor:
    """``workers`` forked worker processes, started before this returns; ``setup()`` runs in
    each (forked: it may close over this process's objects, a multiprocessing lock for one)."""
    warm_up()
    connections.close_all()  # reopened on demand in the parent; none may be shared with a worker
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_started, initargs=(os.getpid(), setup))
    pool.submit(int).result()  # with fork, every worker starts at the first submit
    return pool
