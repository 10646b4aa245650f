"""PostgreSQL's prepared statements after a schema change (settings: SUPPORTDESK_DB_PREPARE_THRESHOLD).

A migration that changes a column's type (a longer ``max_length``: ``ALTER COLUMN ... TYPE``) makes
every statement a running process has prepared on that table fail with "cached plan must not
change result type", again and again on the same connection: the upgrade's window between
``migrate`` and the restart of the old processes would be full of errors. Outside a transaction
the statement is run again once the connection's prepared statements are dropped; inside one the
transaction is lost anyway, and its ROLLBACK makes psycopg drop them, so the next one works."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import NotSupportedError
from django.db.backends.base.base import BaseDatabaseWrapper

log = logging.getLogger(__name__)

STALE_PLAN = "cached plan must not change result type"


def replan_after_schema_change(execute: Callable[..., Any], sql: str, params: Any, many: bool,
                               context: dict[str, Any]) -> Any:
    """A Django execute wrapper (``connection.execute_wrappers``)."""
    try:
        return execute(sql, params, many, context)
    except NotSupportedError as exc:
        connection = context["connection"]
        if STALE_PLAN not in str(exc) or connection.in_atomic_block:
            raise
        log.warning("the database schema changed under this process's prepared statements; dropping them")
        # psycopg's own cursor, not prepared itself: psycopg sees the command and forgets its names.
        context["cursor"].cursor.execute("DEALLOCATE ALL", prepare=False)
        return execute(sql, params, many, context)


def install(sender: Any = None, *, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    """``connection_created`` receiver: every PostgreSQL connection gets the wrapper, once."""
    if connection.vendor == "postgresql" and replan_after_schema_change not in connection.execute_wrappers:
        connection.execute_wrappers.append(replan_after_schema_change)
