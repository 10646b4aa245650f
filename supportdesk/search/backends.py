"""The database-specific half of the search: creating the full-text index and matching.

Everything else (terms, ranking, snippets) is shared Python, so the two databases
return the same documents in the same order. Each kind has its own index (an FTS5
table per kind on SQLite, a partial GIN index per kind on PostgreSQL): a suggestion
query over 1,000 articles must not walk the posting lists of 100,000 tickets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

TABLE = "search_searchdocument"
KINDS = ("article", "ticket")


def _fts(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    return f"search_fts_{kind}"


def _sqlite_setup(kind: str) -> list[str]:
    fts = _fts(kind)
    cond = f"'{kind}'"
    insert = f"INSERT INTO {fts}(rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);"  # noqa: S608
    delete = (f"INSERT INTO {fts}({fts}, rowid, title_terms, body_terms) "  # noqa: S608
              "VALUES ('delete', old.id, old.title_terms, old.body_terms);")
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5(title_terms, body_terms, content='', "
        "tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {TABLE} WHEN new.kind = {cond} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {TABLE} WHEN old.kind = {cond} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE ON {TABLE} WHEN old.kind = {cond} BEGIN {delete} {insert} END",
    ]


def _sqlite_teardown(kind: str) -> list[str]:
    fts = _fts(kind)
    return [f"DROP TRIGGER IF EXISTS {fts}_{t}" for t in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {fts}"]


# The 'simple' configuration only lower-cases and splits: the terms are already stems.
POSTGRES_SETUP = [
    f"ALTER TABLE {TABLE} ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple', title_terms), 'A') || "
    "setweight(to_tsvector('simple', body_terms), 'D')) STORED",
    *(f"CREATE INDEX search_doc_{k}_gin ON {TABLE} USING gin (tsv) WHERE kind = '{k}'" for k in KINDS),
]
POSTGRES_TEARDOWN = [*(f"DROP INDEX IF EXISTS search_doc_{k}_gin" for k in KINDS),
                     f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS tsv"]


def setup_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [sql for kind in KINDS for sql in _sqlite_setup(kind)]
    return POSTGRES_SETUP if vendor == "postgresql" else []


def teardown_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [sql for kind in KINDS for sql in _sqlite_teardown(kind)]
    return POSTGRES_TEARDOWN if vendor == "postgresql" else []


def purge_statements(vendor: str, kinds: Sequence[str] = KINDS) -> list[str]:
    """Statements that drop the terms of deleted and replaced documents from the index itself.

    SQLite's FTS5 marks a removed row's terms deleted and keeps them in its segments until a
    merge, which may never come on a quiet index; 'optimize' merges every segment into one, so
    the terms of an erased customer's name are gone (issue 20: erasure). PostgreSQL's GIN index
    holds row pointers, not the text: nothing is kept that a SELECT could read."""
    return [f"INSERT INTO {_fts(k)}({_fts(k)}) VALUES ('optimize')" for k in kinds] if vendor == "sqlite" else []  # noqa: S608


def _sqlite_match(terms: Sequence[str], mode: str) -> str:
    joiner = " AND " if mode == "all" else " OR "
    return joiner.join(f'"{t}"' for t in terms)


def _pg_query(terms: Sequence[str], mode: str) -> str:
    joiner = " & " if mode == "all" else " | "
    return joiner.join(f"'{t}'" for t in terms)


def match_ids(terms: Sequence[str], *, mode: str, kind: str, extra_where: str = "",
              params: Sequence[object] = ()) -> list[tuple[int, int, str]]:
    """(document id, object id, title terms) of every document of ``kind`` matching.

    ``mode`` is "all" (every term) or "any". Terms come from ``text.terms`` and hold
    only letters and digits, so they are safe inside the quoted query syntax; ``kind``
    is checked against KINDS.
    """
    if not terms:
        return []
    fts = _fts(kind)
    where = f" AND {extra_where}" if extra_where else ""
    if connection.vendor == "sqlite":
        sql = (f"SELECT d.id, d.object_id, d.title_terms FROM {fts} f JOIN {TABLE} d ON d.id = f.rowid "  # noqa: S608 (constants and placeholders only)
               f"WHERE {fts} MATCH %s{where}")
        args: list[Any] = [_sqlite_match(terms, mode), *params]
    elif connection.vendor == "postgresql":
        sql = (f"SELECT d.id, d.object_id, d.title_terms FROM {TABLE} d "  # noqa: S608 (constants and placeholders only)
               f"WHERE d.kind = '{kind}' AND d.tsv @@ to_tsquery('simple', %s){where}")
        args = [_pg_query(terms, mode), *params]
    else:
        raise NotImplementedError(f"full-text search is not available on {connection.vendor}")
    with connection.cursor() as cursor:
        cursor.execute(sql, args)
        return [(int(a), int(b), c) for a, b, c in cursor.fetchall()]
