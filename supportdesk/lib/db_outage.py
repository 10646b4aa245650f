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


def database_outage(exc: BaseException | None) -> str | None:
    """:data:`LOST` or :data:`BUSY` when ``exc`` means the database is unavailable for now; None for
    any other error (a bad query stays a 500: retrying it would not help)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    for conn in connections.all(initialized_only=True):
        if conn.vendor == "sqlite":
            if "database is locked" in str(exc):
                return BUSY
            continue
        if conn.connection is None or not conn.is_usable():
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
