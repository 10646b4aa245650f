"""Store index documents, and rebuild them from their sources.

The index sits below what it indexes: ``kb`` and ``tickets`` register a ``Source`` for their
kind (in their ``AppConfig.ready``) and tell the index when an object changed; this module never
imports them back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from supportdesk.search.backends import purge_statements
from supportdesk.search.models import SearchDocument
from supportdesk.search.text import index_text

MAX_TEXT = 100_000  # characters of one document's text that are indexed


@dataclass(frozen=True)
class Source:
    """How one kind of object becomes documents."""

    # (ids, database alias) -> the documents of those ids that still exist
    documents: Callable[[list[int], str], list[SearchDocument]]
    # every id of the kind in ascending batches of at most n, for a full rebuild
    id_batches: Callable[[int], Iterator[list[int]]]


_SOURCES: dict[str, Source] = {}


def register(kind: str, source: Source) -> None:
    _SOURCES[kind] = source


def document(*, kind: str, object_id: int, product_id: int | None, language: str, is_public: bool,
             title: str, text: str, team_id: int | None = None) -> SearchDocument:
    """A document with its terms computed (the text is cut at MAX_TEXT characters)."""
    text = text[:MAX_TEXT]
    return SearchDocument(
        kind=kind, object_id=object_id, product_id=product_id, team_id=team_id, language=language,
        is_public=is_public, title=title[:300], text=text, title_terms=index_text(title), body_terms=index_text(text),
    )


_DOC_FIELDS = ("product_id", "team_id", "language", "is_public", "title", "text", "title_terms", "body_terms")


def index_objects(kind: str, object_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """(Re)build the documents of these objects from what the database holds now."""
    ids = sorted(set(object_ids))
    if not ids:
        return
    docs = _SOURCES[kind].documents(ids, using)
    # No savepoint: nothing here catches an error, which rolls back the caller's transaction.
    with transaction.atomic(using=using, savepoint=False):
        gone = sorted(set(ids) - {doc.object_id for doc in docs})
        if gone:
            SearchDocument.objects.using(using).filter(kind=kind, object_id__in=gone).delete()
        # One upsert (INSERT ... ON CONFLICT DO UPDATE, on both databases; SQLite's FTS
        # triggers fire for its update half): the document is recomputed whole, so there is
        # nothing to read back first.
        if docs:
            SearchDocument.objects.using(using).bulk_create(
                docs, update_conflicts=True, unique_fields=["kind", "object_id"],
                update_fields=[*_DOC_FIELDS, "updated_at"])


# Inside batched(): the (kind, id) pairs whose text changed, per connection, indexed once at its end.
def _batch(using: str) -> set[tuple[str, int]] | None:
    return getattr(connections[using], "_search_batch", None)


@contextmanager
def batched(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Collect changes and index each object once when the block ends.

    Use it inside the writer's transaction (the mail intake saves a ticket and three
    messages: one rebuild instead of three), so the documents commit with the rows.
    A nested block leaves the work to the outermost one; an exception skips it (the
    transaction is rolled back anyway).
    """
    conn = connections[using]
    if _batch(using) is not None:
        yield
        return
    conn._search_batch = set()  # type: ignore[attr-defined]
    try:
        yield
        pending: set[tuple[str, int]] = conn._search_batch  # type: ignore[attr-defined]
    finally:
        conn._search_batch = None  # type: ignore[attr-defined]
    for kind in sorted({kind for kind, _ in pending}):
        index_objects(kind, [pk for k, pk in pending if k == kind], using=using)


def changed(kind: str, object_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """An object's text changed: index it now, or at the end of the current batched() block."""
    pending = _batch(using)
    if pending is None:
        index_objects(kind, [object_id], using=using)
    else:
        pending.add((kind, object_id))


def remove(kind: str, object_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    SearchDocument.objects.using(using).filter(kind=kind, object_id=object_id).delete()


def purge(kind: str, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """Drop what the full-text index of this kind still keeps of deleted or replaced documents
    (after an erasure of personal data); costs a rewrite of that index on SQLite."""
    conn = connections[using]
    with conn.cursor() as cursor:
        for sql in purge_statements(conn.vendor, [kind]):
            cursor.execute(sql)


def reindex(*, kinds: Iterable[str] = ("article", "ticket"), batch: int = 2000) -> dict[str, int]:
    """Rebuild the index from scratch (after a bulk load or a change of the normaliser).

    Each kind's old documents go in the transaction that writes its first batch, so a kind
    that fits in one batch (the articles) is replaced at once.
    """
    counts: dict[str, int] = {}
    for kind in kinds:
        source = _SOURCES[kind]
        total = 0
        first = True
        for ids in source.id_batches(batch):
            docs = source.documents(ids, DEFAULT_DB_ALIAS)
            with transaction.atomic():
                if first:
                    SearchDocument.objects.filter(kind=kind).delete()
                    first = False
                SearchDocument.objects.bulk_create(docs, batch_size=500)
            total += len(docs)
        if first:
            SearchDocument.objects.filter(kind=kind).delete()
        counts[kind] = total
    return counts
