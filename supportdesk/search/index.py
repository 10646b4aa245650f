"""Build and store index documents for articles and tickets."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import FilteredRelation, Q

from supportdesk.kb.models import Article
from supportdesk.kb.rendering import markdown_to_text
from supportdesk.search.models import SearchDocument
from supportdesk.search.text import index_text
from supportdesk.tickets.models import Message, Ticket

MAX_TEXT = 100_000  # characters of one document's text that are indexed
TEXT_KINDS = (Message.Kind.INCOMING, Message.Kind.OUTGOING, Message.Kind.CALL, Message.Kind.NOTE)


def article_document(article: Article) -> SearchDocument:
    text = "\n".join(part for part in (article.category, markdown_to_text(article.body)) if part)[:MAX_TEXT]
    return SearchDocument(
        kind=SearchDocument.Kind.ARTICLE, object_id=article.pk, product_id=article.product_id,
        language=article.language, is_public=article.state == Article.State.PUBLISHED,
        title=article.title[:300], text=text, title_terms=index_text(article.title), body_terms=index_text(text),
    )


def _message_text(body: str, quoted_start: int | None) -> str:
    # The quoted history repeats earlier messages; indexing it again only skews ranking.
    return (body[:quoted_start] if quoted_start else body).strip()


def ticket_document(ticket: Ticket, messages: Iterable[tuple[str, int | None]]) -> SearchDocument:
    text = "\n\n".join(t for t in (_message_text(b, q) for b, q in messages) if t)[:MAX_TEXT]
    return SearchDocument(
        kind=SearchDocument.Kind.TICKET, object_id=ticket.pk, product_id=ticket.product_id,
        language=ticket.language, is_public=False, title=ticket.subject[:300], text=text,
        title_terms=index_text(ticket.subject), body_terms=index_text(text),
    )


_DOC_FIELDS = ("product_id", "language", "is_public", "title", "text", "title_terms", "body_terms")


def _store(doc: SearchDocument) -> None:
    with transaction.atomic():
        SearchDocument.objects.update_or_create(
            kind=doc.kind, object_id=doc.object_id, defaults={f: getattr(doc, f) for f in _DOC_FIELDS})


def index_article(article: Article) -> None:
    _store(article_document(article))


def _tickets_with_texts(ids: list[int], *, using: str) -> tuple[dict[int, Ticket], dict[int, list[tuple[str, int | None]]]]:
    """The tickets (the fields a document holds) and their text messages in order: one query
    (a LEFT JOIN: a ticket without text messages still comes back, with none)."""
    rows = (Ticket.objects.using(using).filter(pk__in=ids)
            .annotate(text_message=FilteredRelation("messages", condition=Q(messages__kind__in=TEXT_KINDS)))
            .order_by("pk", "text_message__created_at", "text_message__id")
            .values_list("pk", "subject", "product_id", "language", "text_message__body_text",
                         "text_message__quoted_start"))
    tickets: dict[int, Ticket] = {}
    messages: dict[int, list[tuple[str, int | None]]] = {}
    for pk, subject, product_id, language, body, quoted in rows:
        if pk not in tickets:
            tickets[pk] = Ticket(pk=pk, subject=subject, product_id=product_id, language=language)
            messages[pk] = []
        if body is not None:
            messages[pk].append((body, quoted))
    return tickets, messages


def index_ticket(ticket_id: int) -> None:
    index_tickets([ticket_id])


def index_tickets(ticket_ids: Iterable[int], *, using: str = DEFAULT_DB_ALIAS) -> None:
    """(Re)build the documents of these tickets from what the database holds now."""
    ids = sorted(set(ticket_ids))
    if not ids:
        return
    tickets, messages = _tickets_with_texts(ids, using=using)
    # No savepoint: nothing here catches an error, which rolls back the caller's transaction.
    with transaction.atomic(using=using, savepoint=False):
        gone = [pk for pk in ids if pk not in tickets]
        if gone:
            SearchDocument.objects.using(using).filter(kind="ticket", object_id__in=gone).delete()
        # One upsert (INSERT ... ON CONFLICT DO UPDATE, on both databases; SQLite's FTS
        # triggers fire for its update half): the document is recomputed whole, so there is
        # nothing to read back first.
        docs = [ticket_document(ticket, messages[pk]) for pk, ticket in tickets.items()]
        if docs:
            SearchDocument.objects.using(using).bulk_create(
                docs, update_conflicts=True, unique_fields=["kind", "object_id"],
                update_fields=[*_DOC_FIELDS, "updated_at"])


# Inside batched(): the tickets whose text changed, per connection, indexed once at its end.
def _batch(using: str) -> set[int] | None:
    return getattr(connections[using], "_search_batch", None)


@contextmanager
def batched(*, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Collect ticket changes and index each ticket once when the block ends.

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
        ids = conn._search_batch  # type: ignore[attr-defined]
    finally:
        conn._search_batch = None  # type: ignore[attr-defined]
    index_tickets(ids, using=using)


def ticket_changed(ticket_id: int, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """A ticket's text changed: index it now, or at the end of the current batched() block."""
    pending = _batch(using)
    if pending is None:
        index_tickets([ticket_id], using=using)
    else:
        pending.add(ticket_id)


def remove(kind: str, object_id: int) -> None:
    SearchDocument.objects.filter(kind=kind, object_id=object_id).delete()


def _ticket_id_batches(batch: int) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return
        yield ids
        last = ids[-1]


def reindex(*, kinds: Iterable[str] = ("article", "ticket"), batch: int = 2000) -> dict[str, int]:
    """Rebuild the index from scratch (after a bulk load or a change of the normaliser)."""
    counts: dict[str, int] = {}
    kinds = list(kinds)
    if "article" in kinds:
        with transaction.atomic():
            SearchDocument.objects.filter(kind="article").delete()
            docs = [article_document(a) for a in Article.objects.all().iterator(chunk_size=500)]
            SearchDocument.objects.bulk_create(docs, batch_size=500)
        counts["article"] = len(docs)
    if "ticket" in kinds:
        SearchDocument.objects.filter(kind="ticket").delete()
        total = 0
        for ids in _ticket_id_batches(batch):
            tickets, messages = _tickets_with_texts(ids, using=DEFAULT_DB_ALIAS)
            with transaction.atomic():
                SearchDocument.objects.bulk_create(
                    [ticket_document(t, messages[pk]) for pk, t in tickets.items()], batch_size=500)
            total += len(tickets)
        counts["ticket"] = total
    return counts
