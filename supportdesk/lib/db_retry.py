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

from supportdesk.lib.db_outage import BUSY, LOST, close_lost_connections, error_outage

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a job waits in all for the database to come back (its tries included), and its pauses
# between tries.
RETRY_SECONDS = 15.0
FIRST_PAUSE = 0.1
MAX_PAUSE = 2.0


def next_pause(tries: int, remaining: float, first: float = FIRST_PAUSE, longest: float = MAX_PAUSE) -> float | None:
    """The pause after ``tries`` failed tries: doubling from ``first`` up to ``longest``, cut to the
    ``remaining`` seconds before the deadline (the last try comes at the deadline); None once the
    deadline has passed."""
    if remaining <= 0:
        return None
    return min(first * 2 ** (tries - 1), longest, remaining)


def in_transaction() -> bool:
    return any(conn.in_atomic_block for conn in connections.all(initialized_only=True))


def retry_on_lost_connection(work: Callable[[], T], *, what: str, deadline: float | None = None,
                             busy_too: bool = False) -> T:
    """``work()``; run again on a new connection while it fails because the connection was lost or
    could not be opened, until ``deadline`` (a :func:`time.monotonic` instant; by default
    :data:`RETRY_SECONDS` from now, the tries' own time included). ``busy_too`` also runs it again
    while SQLite stays locked by another connection (past its busy timeout), for work whose caller
    would rather wait than fail. Any other error, an error inside a transaction, and the last one
    are raised.

    The error itself tells a lost connection (:func:`~supportdesk.lib.db_outage.error_outage`):
    by the time it reaches here the connection may already be a new, usable one (Django opens one
    when an ``atomic()`` block ends on a dead connection), so asking the connection would call a
    lost connection a query's own error and give up."""
    if deadline is None:
        deadline = time.monotonic() + RETRY_SECONDS
    tries, reconnected = 1, False
    while True:
        try:
            result = work()
        except (OperationalError, InterfaceError) as exc:
            outage = error_outage(exc)
            if in_transaction() or not (outage == LOST or (busy_too and outage == BUSY)):
                raise
            state = "busy" if outage == BUSY else "connection lost"
            pause = next_pause(tries, deadline - time.monotonic())
            if pause is None:
                log.warning("%s: giving up after %d tries, database %s: %s", what, tries, state, exc)
                raise
            log.warning("%s: database %s (%s); trying again%s in %.1f s", what, state, " ".join(str(exc).split()),
                        " on a new connection" if outage == LOST else "", pause)
            if outage == LOST:
                close_lost_connections()
                reconnected = True
            time.sleep(pause)
            tries += 1
            continue
        if tries > 1:
            log.warning("%s: done %s after %d tries", what,
                        "on a new database connection" if reconnected else "once the database was free", tries)
        return result
