"""Tickets in the search index: their documents, and the receivers that keep them in step.

Every saved ticket subject or message re-indexes the ticket's document in the same transaction
(once per ``search.index.batched()`` block, when the writer opened one). Automatic messages
(acknowledgments, reminders, notices) are our templates' text, the same in every ticket: a search
for "версия" or "срочный" would find every acknowledged ticket, so they are not indexed.

A ticket opened in the current optimistic attempt (the intake's mail: no savepoint, any failure
rolls the whole of it back, ``lib.optimistic``) has its document built from the rows that
attempt saved, as the receivers saw them, instead of read back: nobody else can have written to
it. Anything that could have changed it unseen (another instance of it saved, a message deleted)
sends it back to the query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import connections
from django.db.models.signals import post_delete, post_save

from supportdesk.lib import optimistic
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


# The tickets opened in this optimistic attempt: pk -> (the instance saved, its text messages by
# pk), kept on the connection under the attempt (``lib.optimistic.attempt``).
_Opened = dict[int, tuple[Ticket, dict[int, Message]]]


def _opened(using: str, *, start: bool = False) -> _Opened | None:
    connection = connections[using]
    mark = optimistic.attempt(using)
    if mark is None:
        return None
    kept = getattr(connection, "_sd_opened_tickets", None)
    if kept is not None and kept[0] is mark:
        return kept[1]  # type: ignore[no-any-return]
    if not start:
        return None
    opened: _Opened = {}
    connection._sd_opened_tickets = (mark, opened)  # type: ignore[attr-defined]
    return opened


def _from_memory(ticket: Ticket, messages: dict[int, Message]) -> SearchDocument:
    ordered = sorted(messages.values(), key=lambda m: (m.created_at, m.pk))
    return ticket_document(ticket, [(m.body_text, m.quoted_start) for m in ordered])


def ticket_documents(ids: list[int], using: str) -> list[SearchDocument]:
    """The documents of these tickets: of one opened in this optimistic transaction from what it
    saved (see above), of the others from one query (a LEFT JOIN: a ticket without text
    messages still comes back, with none). Written as SQL: the intake rebuilds a document for
    every mail, and building this join through the ORM cost more than running it."""
    opened = _opened(using) or {}
    known = [_from_memory(*opened[pk]) for pk in ids if pk in opened]
    ids = [pk for pk in ids if pk not in opened]
    if not ids:
        return known
    return known + _read_documents(ids, using)


def _read_documents(ids: list[int], using: str) -> list[SearchDocument]:
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
    using = _using(instance, kwargs)
    if created:
        opened = _opened(using, start=True)
        if opened is not None:
            opened[instance.pk] = (instance, {})
    else:
        _forget_unless(instance, using)
    # Status and clock updates name their fields; only a subject change alters the text, and a
    # team change who finds it.
    if created or update_fields is None or "subject" in update_fields or "team" in update_fields:
        index.changed(KIND, instance.pk, using=using)


def _forget_unless(ticket: Ticket, using: str) -> None:
    """A ticket saved through an instance other than the one opened: its document is read back."""
    opened = _opened(using)
    if opened and ticket.pk in opened and opened[ticket.pk][0] is not ticket:
        del opened[ticket.pk]


def _ticket_deleted(sender: type, instance: Ticket, **kwargs: Any) -> None:
    using = _using(instance, kwargs)
    (_opened(using) or {}).pop(instance.pk, None)
    index.remove(KIND, instance.pk, using=using)


def _message_saved(sender: type, instance: Message, **kwargs: Any) -> None:
    if instance.kind != Message.Kind.EVENT and not instance.is_automatic:
        using = _using(instance, kwargs)
        opened = _opened(using)
        if opened and instance.ticket_id in opened:
            if instance.kind in TEXT_KINDS and instance.pk is not None:
                opened[instance.ticket_id][1][instance.pk] = instance
            else:
                del opened[instance.ticket_id]
        index.changed(KIND, instance.ticket_id, using=using)


def _message_deleted(sender: type, instance: Message, **kwargs: Any) -> None:
    (_opened(_using(instance, kwargs)) or {}).pop(instance.ticket_id, None)


def connect() -> None:
    """Register the ticket source and connect the receivers (from TicketsConfig.ready)."""
    index.register(KIND, index.Source(documents=ticket_documents, id_batches=ticket_id_batches))
    post_save.connect(_ticket_saved, sender=Ticket, dispatch_uid="search_ticket_saved")
    post_delete.connect(_ticket_deleted, sender=Ticket, dispatch_uid="search_ticket_deleted")
    post_save.connect(_message_saved, sender=Message, dispatch_uid="search_message_saved")
    post_delete.connect(_message_deleted, sender=Message, dispatch_uid="search_message_deleted")
