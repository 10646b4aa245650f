"""Tickets in the search index: their documents, and the receivers that keep them in step.

Every saved ticket subject or message re-indexes the ticket's document in the same transaction
(once per ``search.index.batched()`` block, when the writer opened one). Automatic messages
(acknowledgments, reminders, notices) are our templates' text, the same in every ticket: a search
for "версия" or "срочный" would find every acknowledged ticket, so they are not indexed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connections
from django.db.models.signals import post_delete, post_save

from supportdesk.lib.sql import marks
from supportdesk.search import index
from supportdesk.search.models import SearchDocument
from supportdesk.tickets.models import Message, Ticket

KIND = SearchDocument.Kind.TICKET
TEXT_KINDS = (Message.Kind.INCOMING, Message.Kind.OUTGOING, Message.Kind.CALL, Message.Kind.NOTE)


def _message_text(body: str, quoted_start: int | None) -> str:
    # The quoted history repeats earlier messages; indexing it again only skews ranking.
    return (body[:quoted_start] if quoted_start else body).strip()


def ticket_document(ticket: Ticket, messages: Iterable[tuple[str, int | None]]) -> SearchDocument:
    text = "\n\n".join(t for t in (_message_text(b, q) for b, q in messages) if t)
    return index.document(kind=KIND, object_id=ticket.pk, product_id=ticket.product_id, language=ticket.language,
                          is_public=False, title=ticket.subject, text=text, team_id=ticket.team_id)


def ticket_documents(ids: list[int], using: str) -> list[SearchDocument]:
    """The documents of these tickets from one query (a LEFT JOIN: a ticket without text
    messages still comes back, with none). Written as SQL: the intake rebuilds a document for
    every mail, and building this join through the ORM cost more than running it."""
    quote = connections[using].ops.quote_name
    ticket, message = quote(Ticket._meta.db_table), quote(Message._meta.db_table)
    sql = (f"SELECT t.id, t.subject, t.product_id, t.language, t.team_id, m.body_text, m.quoted_start "  # noqa: S608
           f"FROM {ticket} t LEFT JOIN {message} m ON m.ticket_id = t.id AND m.kind IN ({marks(TEXT_KINDS)}) "
           f"AND m.is_automatic = %s WHERE t.id IN ({marks(ids)}) ORDER BY t.id, m.created_at, m.id")
    with connections[using].cursor() as cursor:
        cursor.execute(sql, [*TEXT_KINDS, False, *ids])
        rows = cursor.fetchall()
    tickets: dict[int, Ticket] = {}
    messages: dict[int, list[tuple[str, int | None]]] = {}
    for pk, subject, product_id, language, team_id, body, quoted in rows:
        if pk not in tickets:
            tickets[pk] = Ticket(pk=pk, subject=subject, product_id=product_id, language=language, team_id=team_id)
            messages[pk] = []
        if body is not None:
            messages[pk].append((body, quoted))
    return [ticket_document(ticket, messages[pk]) for pk, ticket in tickets.items()]


def ticket_id_batches(batch: int) -> Iterator[list[int]]:
    last = 0
    while True:
        ids = list(Ticket.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _using(instance: Ticket | Message, kwargs: dict[str, Any]) -> str:
    return kwargs.get("using") or instance._state.db or "default"


def _ticket_saved(sender: type, instance: Ticket, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    # Status and clock updates name their fields; only a subject change alters the text, and a
    # team change who finds it.
    if created or update_fields is None or "subject" in update_fields or "team" in update_fields:
        index.changed(KIND, instance.pk, using=_using(instance, kwargs))


def _ticket_deleted(sender: type, instance: Ticket, **kwargs: Any) -> None:
    index.remove(KIND, instance.pk, using=_using(instance, kwargs))


def _message_saved(sender: type, instance: Message, **kwargs: Any) -> None:
    if instance.kind != Message.Kind.EVENT and not instance.is_automatic:
        index.changed(KIND, instance.ticket_id, using=_using(instance, kwargs))


def connect() -> None:
    """Register the ticket source and connect the receivers (from TicketsConfig.ready)."""
    index.register(KIND, index.Source(documents=ticket_documents, id_batches=ticket_id_batches))
    post_save.connect(_ticket_saved, sender=Ticket, dispatch_uid="search_ticket_saved")
    post_delete.connect(_ticket_deleted, sender=Ticket, dispatch_uid="search_ticket_deleted")
    post_save.connect(_message_saved, sender=Message, dispatch_uid="search_message_saved")
