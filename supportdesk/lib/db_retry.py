"""Background work (a delivery, a fetched mail, a claim) that finds its database connection lost
runs again on a new one, instead of failing at once.

A worker process keeps its connection from job to job (connecting costs more than a mail). When
PostgreSQL restarts, or an administrator ends a backend, that connection is dead, and nothing
tells until the next job's first query fails: without a retry, every worker's next delivery
would be answered 451 (the MTA tries again minutes later). Checking the connection before every
job (``CONN_HEALTH_CHECKS`` after ``close_old_connections``) would cost a round trip per mail;
here the normal case costs nothing, and only a job that failed pays: the lost connection is
closed and the job runs again on a new one, after a short pause, for up to :data:`RETRY_SECONDS`
while the server comes back (a ``pg_ctl restart -m fast`` takes a second or two). Then the last
error is raised, as without a retry.

Only for work that is safe to run twice: nothing committed before the loss, or, when the
connection died during a COMMIT (whose outcome is then unknown), a second run that recognises
what the first committed (a unique delivery id, a Message-ID's dedupe, a conditional UPDATE).
Never inside a transaction (``atomic``): a new connection could not continue it, so the error
goes to the caller, which owns the transaction.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connections

from supportdesk.lib.db_outage import LOST, close_lost_connections, database_outage

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a job waits in all for the database to come back, and its pauses between tries.
RETRY_SECONDS = 15.0
FIRST_PAUSE = 0.1
MAX_PAUSE = 2.0


def pauses(seconds: float, first: float = FIRST_PAUSE, longest: float = MAX_PAUSE) -> list[float]:
    """The pauses before each retry: doubling from ``first`` up to ``longest``, ``seconds`` in all."""
    found: list[float] = []
    pause, total = first, 0.0
    while total + pause <= seconds:
        found.append(pause)
        total += pause
        pause = min(pause * 2, longest)
    return found


def in_transaction() -> bool:
    return any(conn.in_atomic_block for conn in connections.all(initialized_only=True))


def retry_on_lost_connection(work: Callable[[], T], *, what: str, seconds: float | None = None) -> T:
    """``work()``; run again on a new connection while it fails because the connection was lost
    or could not be opened, for up to ``seconds`` (:data:`RETRY_SECONDS`). Any other error, an
    error inside a transaction, and the last one are raised."""
    waits = iter(pauses(RETRY_SECONDS if seconds is None else seconds))
    tries = 1
    while True:
        try:
            result = work()
        except (OperationalError, InterfaceError) as exc:
            if in_transaction() or database_outage(exc) != LOST:
                raise
            pause = next(waits, None)
            if pause is None:
                log.warning("%s: database connection still lost after %d tries: %s", what, tries, exc)
                raise
            log.warning(
                "%s: database connection lost (%s); trying again on a new one in %.1f s",
                what,
                " ".join(str(exc).split()),
                pause,
            )
            close_lost_connections()
            time.sleep(pause)
            tries += 1
            continue
        if tries > 1:
            log.warning("%s: done on a new database connection after %d tries", what, tries)
        return result
