"""Search: match with the database's full-text index, rank and cut snippets in Python.

Why rank in Python: SQLite's bm25() and PostgreSQL's ts_rank() score differently, so
ranking in the database would order the same hits differently on the two. The index
finds the candidates (GIN / FTS5, both fast); one BM25F ranker over the candidates'
stored terms orders them the same way everywhere. A very broad query is ranked over its
newest ``RANK_LIMIT`` candidates, which bounds the work per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from supportdesk.lib.sql import marks
from supportdesk.search.backends import match_ids
from supportdesk.search.models import SearchDocument
from supportdesk.search.text import DocStats, bm25_scores, matched_terms, query_terms, snippet_html

RANK_LIMIT = 1000
_CHUNK = 1000  # ids per query when loading candidates (RANK_LIMIT: one query)


@dataclass(frozen=True)
class Hit:
    kind: str
    object_id: int
    title: str
    score: float
    matched: int  # distinct query terms found in the document
    snippet: SafeString


@dataclass(frozen=True)
class SearchResult:
    query_terms: list[str]
    total: int  # every matching document, also those beyond the ranked window
    hits: list[Hit]


def _filters(*, public_only: bool, language: str | None, product_ids: list[int | None] | None,
             team_ids: list[int] | None = None) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if public_only:
        clauses.append("d.is_public = %s")
        params.append(True)
    if language:
        clauses.append("d.language = %s")
        params.append(language)
    if product_ids is not None:
        ids = [p for p in product_ids if p is not None]
        parts = ["d.product_id IS NULL"] if None in product_ids else []
        if ids:
            parts.append(f"d.product_id IN ({marks(ids)})")
            params.extend(ids)
        clauses.append("(" + (" OR ".join(parts) or "1 = 0") + ")")
    if team_ids is not None:
        # The tickets of these teams and the unrouted ones.
        clauses.append(f"(d.team_id IS NULL OR d.team_id IN ({marks(team_ids)}))" if team_ids else "d.team_id IS NULL")
        params.extend(team_ids)
    return " AND ".join(clauses), params


@dataclass(frozen=True)
class _Doc:
    object_id: int
    title: str
    title_terms: str
    body_terms: str


def _load(doc_ids: list[int]) -> dict[int, _Doc]:
    docs: dict[int, _Doc] = {}
    for i in range(0, len(doc_ids), _CHUNK):
        rows = SearchDocument.objects.filter(pk__in=doc_ids[i:i + _CHUNK]).values_list(
            "id", "object_id", "title", "title_terms", "body_terms")
        for pk, object_id, title, title_terms, body_terms in rows:
            docs[pk] = _Doc(object_id, title, title_terms, body_terms)
    return docs


def search(query: str, *, kind: str, mode: str = "all", limit: int = 25, offset: int = 0,
           public_only: bool = False, language: str | None = None,
           product_ids: list[int | None] | None = None, min_matched: int = 1,
           with_snippets: bool = True, team_ids: list[int] | None = None) -> SearchResult:
    """Ranked documents of ``kind`` for ``query``.

    ``mode`` "all": every query term must occur (the agent's and visitor's search box);
    "any": at least ``min_matched`` of them (suggestions for a whole request text).
    Tickets are ranked by how many query words their subject holds, then newest first
    (every hit holds all the words; an agent looks for the recent case). Articles are
    ranked by BM25F over title and body. ``team_ids``: only documents of these teams or of none.
    """
    terms = query_terms(query)
    where, params = _filters(public_only=public_only, language=language, product_ids=product_ids,
                             team_ids=team_ids)
    found = match_ids(terms, mode=mode, kind=kind, extra_where=where, params=params)
    if kind == "ticket" and mode == "all":
        ranked_pairs = _rank_by_subject(found, terms)
        total = len(found)
        page_ids = [pk for pk, _score in ranked_pairs[offset:offset + limit]]
        docs = _load(page_ids)
        scores = dict(ranked_pairs[offset:offset + limit])
        matched = dict.fromkeys(page_ids, len(terms))
    else:
        # Newest objects first when the window must be cut: deterministic on both databases.
        found.sort(key=lambda row: row[1], reverse=True)
        docs = _load([doc_id for doc_id, _obj, _title in found[:RANK_LIMIT]])
        stats = {pk: DocStats(d.title_terms, d.body_terms) for pk, d in docs.items()}
        # No candidates, nothing to rank: the count would only feed an empty ranking.
        total_docs = SearchDocument.objects.filter(kind=kind).count() if mode == "any" and stats else len(found)
        scores = bm25_scores(stats, terms, total_docs=total_docs)
        matched = {pk: matched_terms(s, terms) for pk, s in stats.items()}
        ranked = sorted((pk for pk in docs if matched[pk] >= min_matched),
                        key=lambda pk: (-round(scores[pk], 9), -docs[pk].object_id))
        page_ids = ranked[offset:offset + limit]
        total = len(found) if min_matched <= 1 else len(ranked)
    snippets = _snippets(page_ids, terms) if with_snippets else {}
    hits = [Hit(kind=kind, object_id=docs[pk].object_id, title=docs[pk].title, score=round(scores[pk], 4),
                matched=matched[pk], snippet=snippets.get(pk, mark_safe("")))  # noqa: S308
            for pk in page_ids if pk in docs]
    return SearchResult(query_terms=terms, total=total, hits=hits)


def _rank_by_subject(found: list[tuple[int, int, str]], terms: list[str]) -> list[tuple[int, float]]:
    """(document id, score) best first: query words in the subject, then the newest ticket."""
    wanted = set(terms)
    scored = [(pk, obj, sum(1 for t in set(title.split()) if t in wanted)) for pk, obj, title in found]
    scored.sort(key=lambda row: (-row[2], -row[1]))
    return [(pk, float(score)) for pk, _obj, score in scored]


def _snippets(doc_ids: list[int], terms: list[str]) -> dict[int, SafeString]:
    texts = dict(SearchDocument.objects.filter(pk__in=doc_ids).values_list("id", "text"))
    # snippet_html escapes every character of the source text and adds only <mark>.
    return {pk: mark_safe(snippet_html(texts.get(pk, ""), terms)) for pk in doc_ids}  # noqa: S308
