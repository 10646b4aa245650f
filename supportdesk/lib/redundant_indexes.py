"""Migration helpers that drop indexes nothing needs (and rebuild them when migrating back).

    RunPython(*redundant_indexes.operations("tickets", single_column=[("message", "ticket")],
                                            pattern_ops=[("message", "message_id")]))

``single_column``: every single-column, non-unique index on the field goes: a foreign key's own
index that a composite index starting with the same column serves, or an index no query reads.
``pattern_ops``: on PostgreSQL, only the twin Django adds to an indexed varchar column for
``LIKE 'x%'`` (``varchar_pattern_ops``), for columns no query matches by prefix.

Only indexes are dropped, by the names the database reports (fast on both databases; no table
is rewritten, as an AlterField would on SQLite); the migration records ``db_index=False`` in the
fields' state where the whole index goes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Pairs = Sequence[tuple[str, str]]  # (model name, field name)


def single_column_indexes(connection: Any, table: str, column: str) -> list[str]:
    """Names of the single-column, non-unique indexes on ``table.column``."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return [name for name, c in found.items()
            if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == [column]]


def pattern_ops_indexes(connection: Any, table: str, column: str) -> list[str]:
    """Names of PostgreSQL's ``varchar_pattern_ops`` indexes on ``table.column`` (none elsewhere)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
                       [table, f"%({column} varchar_pattern_ops)%"])
        return [row[0] for row in cursor.fetchall()]


def operations(app: str, *, single_column: Pairs = (), pattern_ops: Pairs = ()) -> tuple[Callable, Callable]:
    """(forwards, backwards) for RunPython."""

    def columns(apps: Any, pairs: Pairs) -> list[tuple[Any, Any]]:
        models = [(apps.get_model(app, m), f) for m, f in pairs]
        return [(model, model._meta.get_field(f)) for model, f in models]

    def forwards(apps: Any, schema_editor: Any) -> None:
        names = [n for model, field in columns(apps, single_column)
                 for n in single_column_indexes(schema_editor.connection, model._meta.db_table, field.column)]
        names += [n for model, field in columns(apps, pattern_ops)
                  for n in pattern_ops_indexes(schema_editor.connection, model._meta.db_table, field.column)]
        for name in names:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    def backwards(apps: Any, schema_editor: Any) -> None:
        for model, field in columns(apps, single_column):
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
        if schema_editor.connection.vendor == "postgresql":
            for model, field in columns(apps, [*single_column, *pattern_ops]):
                like = schema_editor._create_like_index_sql(model, field)
                if like is not None:
                    schema_editor.execute(like)

    return forwards, backwards
