"""A database that restarts under the web tier: a safe request is run once more on a new
connection, anything else gets a 503 page that says to retry, never a 500.

``CONN_HEALTH_CHECKS`` (settings) replaces a kept connection that died while no request used it.
It cannot help a request that is running when the connection dies (the server restarts, an
administrator ends the backend) or one that starts while the server refuses connections for the
second or two a restart takes: those raise OperationalError or InterfaceError in a view, a
template or a middleware, which Django turns into a 500 (bench/topology.py counted 8 of them in
one PostgreSQL restart).

Django hands every exception it turns into a 500 to ``got_request_exception``; the receiver here
marks the request when the exception is such an outage. :class:`DatabaseOutageMiddleware`, the
outermost middleware, then looks at the mark: a GET or HEAD whose connection was lost is run once
more, after the lost connection is closed and a new one is open (waiting up to
:data:`RECONNECT_SECONDS` for the server to take it); a second outage, a connection that does not
come back in time, and every other method (a POST may have done part of its work: the user checks
and sends it again) get :func:`outage_response`, a 503 with ``Retry-After``.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any

from django.core.signals import got_request_exception
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext

logger = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD"})
# How long a retried request waits for the database to take connections again (a PostgreSQL
# restart with pg_ctl -m fast takes about a second), and how often it asks.
RECONNECT_SECONDS = 5.0
RECONNECT_INTERVAL = 0.25
RETRY_AFTER_SECONDS = 5

LOST = "lost"  # the connection died or could not be opened: a new one may work
BUSY = "busy"  # SQLite stayed locked past its busy timeout: nothing to reconnect
_MARK = "_supportdesk_database_outage"


# PostgreSQL's SQLSTATEs of a connection that is gone or cannot be had now, where a new one may
# work: class 08 (connection exception) and the server ending or refusing sessions (administrator
# command, another backend's crash, starting up or shutting down, an idle session's timeout).
LOST_SQLSTATE_CLASSES = ("08",)
LOST_SQLSTATES = frozenset({"57P01", "57P02", "57P03", "57P05"})
# The driver's words for a connection that broke or could not be opened, when no server answer
# (and so no SQLSTATE) came with it: the socket closed under the query, a connection already found
# dead, a server not listening, no answer in time.
LOST_WORDS = (
    "server closed the connection unexpectedly",
    "the connection is closed",
    "the connection is lost",
    "connection already closed",
    "connection refused",
    "connection timeout expired",
)
# SQLite's result codes of a database another connection holds: SQLITE_BUSY, SQLITE_LOCKED.
SQLITE_BUSY_CODES = frozenset({5, 6})
BUSY_WORDS = ("database is locked", "database table is locked")


def _chain(exc: BaseException) -> list[BaseException]:
    """``exc`` and its causes: Django raises its own error ``from`` the driver's, which carries the
    SQLSTATE and the driver's class."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found:
        found.append(current)
        current = current.__cause__
    return found


def error_outage(exc: BaseException | None) -> str | None:
    """:data:`LOST` or :data:`BUSY` as the error itself tells (never by asking the connection,
    which Django may have replaced already, e.g. when an ``atomic()`` block ended); None for any
    other error, which running the work again would not mend. A SQLSTATE, when the server sent
    one, decides; the driver's words only when there is none (a statement cancelled by its
    timeout says "canceling statement" with SQLSTATE 57014: not lost)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    chain = _chain(exc)
    for error in chain:
        code = getattr(error, "sqlite_errorcode", None)
        if code is not None:  # the sqlite3 driver's error: base result code in the low byte
            return BUSY if (code & 0xFF) in SQLITE_BUSY_CODES else None
        state = getattr(error, "sqlstate", None)  # psycopg's, None for a client-side error
        if state:
            return LOST if state.startswith(LOST_SQLSTATE_CLASSES) or state in LOST_SQLSTATES else None
    text = " ".join(str(error).lower() for error in chain)
    if any(words in text for words in BUSY_WORDS):
        return BUSY
    return LOST if any(words in text for words in LOST_WORDS) else None


def database_outage(exc: BaseException | None) -> str | None:
    """:data:`LOST` or :data:`BUSY` when ``exc`` means the database is unavailable for now; None for
    any other error (a bad query stays a 500: retrying it would not help). The error decides
    (:func:`error_outage`); a server connection found unusable after an error whose words are
    unknown counts as lost too."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    if (outage := error_outage(exc)) is not None:
        return outage
    for conn in connections.all(initialized_only=True):
        if conn.vendor != "sqlite" and (conn.connection is None or not conn.is_usable()):
            return LOST
    return None


def _note_outage(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``got_request_exception`` receiver: sent while Django handles the exception."""
    if request is not None and (outage := database_outage(sys.exc_info()[1])) is not None:
        setattr(request, _MARK, outage)


def close_lost_connections() -> bool:
    """Close every lost connection of this thread, so that the next query opens a new one. False
    when a transaction is open (a new connection could not continue it): nothing is closed then."""
    opened = list(connections.all(initialized_only=True))
    if any(conn.in_atomic_block for conn in opened):
        return False
    for conn in opened:
        if conn.connection is not None and not conn.is_usable():
            conn.close()
    return True


def reconnect(*, seconds: float = RECONNECT_SECONDS) -> bool:
    """Close every lost connection of this thread and open the default one again, waiting up to
    ``seconds`` for the server to accept it. False when it did not, or when a transaction is open."""
    if not close_lost_connections():
        return False
    deadline = time.monotonic() + seconds
    conn = connections[DEFAULT_DB_ALIAS]
    while True:
        try:
            conn.ensure_connection()
        except (OperationalError, InterfaceError):
            if time.monotonic() >= deadline:
                return False
            time.sleep(RECONNECT_INTERVAL)
        else:
            return True


def outage_response(request: HttpRequest) -> HttpResponse:
    """The 503 "database unavailable, retry": rendered without the database (no request context)."""
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": {
            "code": "database_unavailable", "fields": {},
            "message": gettext("The database is unavailable for a moment. Please retry in a few seconds.")}},
            status=503)
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseOutageMiddleware:
    """Outermost: sees the response of every other middleware, and can run them all again."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        got_request_exception.connect(_note_outage, dispatch_uid="supportdesk.lib.db_outage")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        outage = getattr(request, _MARK, None)
        if outage is None:
            return response
        delattr(request, _MARK)
        if outage == LOST and request.method in SAFE_METHODS and reconnect():
            logger.warning("database connection lost during %s %s: running it once more", request.method,
                           request.path)
            response = self.get_response(request)
            outage = getattr(request, _MARK, None)
            if outage is None:
                return response
        if outage == LOST:
            close_lost_connections()  # the next request on this thread starts on a new connection
        logger.warning("database unavailable (%s) during %s %s: 503", outage, request.method, request.path)
        return outage_response(request)
