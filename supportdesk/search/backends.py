"""The database-specific half of the search: creating the full-text index and matching.

Everything else (terms, ranking, snippets) is shared Python, so the two databases
return the same documents in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

TABLE = "search_searchdocument"
FTS = "search_fts"

SQLITE_SETUP = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(title_terms, body_terms, content='{TABLE}', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    f"CREATE TRIGGER search_fts_ai AFTER INSERT ON {TABLE} BEGIN "  # noqa: S608 (constant names)
    f"INSERT INTO {FTS}(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms); END",
    f"CREATE TRIGGER search_fts_ad AFTER DELETE ON {TABLE} BEGIN "  # noqa: S608 (constant names)
    f"INSERT INTO {FTS}({FTS}, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); END",
    f"CREATE TRIGGER search_fts_au AFTER UPDATE ON {TABLE} BEGIN "  # noqa: S608 (constant names)
    f"INSERT INTO {FTS}({FTS}, rowid, title_terms, body_terms) "
    "VALUES ('delete', old.id, old.title_terms, old.body_terms); "
    f"INSERT INTO {FTS}(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms); END",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS search_fts_ai", "DROP TRIGGER IF EXISTS search_fts_ad",
    "DROP TRIGGER IF EXISTS search_fts_au", f"DROP TABLE IF EXISTS {FTS}",
]
# The 'simple' configuration only lower-cases and splits: the terms are already stems.
POSTGRES_SETUP = [
    f"ALTER TABLE {TABLE} ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_terms), 'A') || "
    "setweight(to_tsvector('simple', body_terms), 'D')) STORED",
    f"CREATE INDEX search_doc_tsv_gin ON {TABLE} USING gin (tsv)",
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS search_doc_tsv_gin", f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv"]


def setup_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_SETUP, "postgresql": POSTGRES_SETUP}.get(vendor, [])


def teardown_statements(vendor: str) -> list[str]:
    return {"sqlite": SQLITE_TEARDOWN, "postgresql": POSTGRES_TEARDOWN}.get(vendor, [])


def _sqlite_match(terms: Sequence[str], mode: str) -> str:
    joiner = " AND " if mode == "all" else " OR "
    return joiner.join(f'"{t}"' for t in terms)


def _pg_query(terms: Sequence[str], mode: str) -> str:
    joiner = " & " if mode == "all" else " | "
    return joiner.join(f"'{t}'" for t in terms)


def match_ids(terms: Sequence[str], *, mode: str, kind: str, extra_where: str = "",
              params: Sequence[object] = ()) -> list[tuple[int, int]]:
    """(document id, object id) of every document of ``kind`` matching the terms.

    ``mode`` is "all" (every term) or "any". Terms come from ``text.terms`` and hold
    only letters and digits, so they are safe inside the quoted query syntax.
    """
    if not terms:
        return []
    where = f" AND {extra_where}" if extra_where else ""
    if connection.vendor == "sqlite":
        sql = (f"SELECT d.id, d.object_id FROM {FTS} JOIN {TABLE} d ON d.id = {FTS}.rowid "  # noqa: S608 (constants and placeholders only)
               f"WHERE {FTS} MATCH %s AND d.kind = %s{where}")
        args: list[object] = [_sqlite_match(terms, mode), kind, *params]
    elif connection.vendor == "postgresql":
        sql = (f"SELECT d.id, d.object_id FROM {TABLE} d "  # noqa: S608 (constants and placeholders only)
               f"WHERE d.tsv @@ to_tsquery('simple', %s) AND d.kind = %s{where}")
        args = [_pg_query(terms, mode), kind, *params]
    else:
        raise NotImplementedError(f"full-text search is not available on {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(a), int(b)) for a, b in cursor.fetchall()]
