"""The statements of the bulk due-time writer (``services.tickets_set_reply_deadlines``): only
the table name is interpolated, every value is a bound parameter."""

from __future__ import annotations


def postgresql_deadlines(table: str) -> str:
    # Four arrays rather than a VALUES list: one statement of constant size, whatever the batch.
    return (
        f"UPDATE {table} AS t SET reply_target_at = to_timestamp(v.target), "  # noqa: S608
        "reply_due_at = to_timestamp(v.due), "
        "reply_warned_at = CASE WHEN v.target > %s THEN NULL ELSE t.reply_warned_at END, "
        "reply_breached_at = CASE WHEN v.due > %s THEN NULL ELSE t.reply_breached_at END "
        "FROM unnest(%s::bigint[], %s::text[], %s::float8[], %s::float8[]) AS v(id, pending, target, due) "
        "WHERE t.id = v.id AND t.reply_pending_since = v.pending::timestamptz"
    )


def sqlite_deadlines(table: str) -> str:
    # One prepared statement run per row: SQLite has no network round trip to save.
    return (
        f"UPDATE {table} SET reply_target_at = %s, reply_due_at = %s, "  # noqa: S608
        "reply_warned_at = CASE WHEN %s > %s THEN NULL ELSE reply_warned_at END, "
        "reply_breached_at = CASE WHEN %s > %s THEN NULL ELSE reply_breached_at END "
        "WHERE id = %s AND reply_pending_since = %s"
    )
