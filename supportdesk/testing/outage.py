"""A database that goes away under running code, on a real PostgreSQL: the backend of this
thread's connection ended from another connection (as a restart ends it), the server refusing
connections for a while, or a server that takes connections and never answers."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connection, connections

from supportdesk.testing.net import free_port


def end_backend_of_this_connection() -> None:
    """End the backend of this thread's connection from another connection, and wait until it is gone."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s, 10000)", [pid])  # waits for the backend to exit
            assert cursor.fetchone()[0] is True
    finally:
        other.close()


def statement_cut_by_timeout(*, sleep: float = 1.0) -> None:
    """Run a statement PostgreSQL cuts by its ``statement_timeout`` (SQLSTATE 57014): raises an
    OperationalError on a connection that still works (not lost: nothing to run again). The
    timeout is reset afterwards (autocommit: the connection stays usable)."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = 50")
        try:
            cursor.execute("SELECT pg_sleep(%s)", [sleep])
        finally:
            cursor.execute("SET statement_timeout = 0")


@contextmanager
def database_refusing(*, for_seconds: float | None = None) -> Iterator[None]:
    """Point the default database at a closed port (real refused connections); back after
    ``for_seconds`` if given (the connection settings are one dict shared by every thread)."""
    settings_dict = connection.settings_dict
    port = settings_dict["PORT"]
    settings_dict["PORT"] = str(free_port())
    connection.close()
    timer = threading.Timer(for_seconds, settings_dict.__setitem__, ("PORT", port)) if for_seconds else None
    if timer:
        timer.start()
    try:
        yield
    finally:
        if timer:
            timer.join()
        settings_dict["PORT"] = port
        connection.close()


@contextmanager
def database_silent(*, connect_timeout: int = 1) -> Iterator[None]:
    """Point the default database at a port that takes TCP connections (the kernel completes them
    into the listen backlog) and never answers the start-up message, as a hung server or a host
    behind a dropping firewall, with libpq's ``connect_timeout`` set to ``connect_timeout``."""
    settings_dict = connection.settings_dict
    port, options = settings_dict["PORT"], settings_dict["OPTIONS"]
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        settings_dict["HOST"], host = "127.0.0.1", settings_dict["HOST"]
        settings_dict["PORT"] = str(silent.getsockname()[1])
        settings_dict["OPTIONS"] = {**options, "connect_timeout": connect_timeout}
        connection.close()
        try:
            yield
        finally:
            settings_dict["HOST"], settings_dict["PORT"], settings_dict["OPTIONS"] = host, port, options
            connection.close()
