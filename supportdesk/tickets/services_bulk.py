"""Writes of many tickets at once, each a single guarded statement: the reply clock's marks
and due times (for the escalation watcher, the reminders and the recompute), stored figures
rewritten after a calendar or policy change, and the erasure of a customer's personal data.

Each UPDATE's WHERE re-checks what the caller read, so a row another writer changed meanwhile
is left alone, and only one of two concurrent claims wins.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.functions import Coalesce

from supportdesk.search import index as search_index
from supportdesk.tickets.deadline_sql import postgresql_deadlines, sqlite_deadlines
from supportdesk.tickets.models import NO_SUBJECT, Attachment, Message, ReplyFigure, Status, Ticket

REPLY_CLOCK_RUNNING = (Status.NEW, Status.OPEN)  # a reply is owed; waiting_* tickets are paused


def reply_mark_due(*, breach: bool, now: datetime) -> Q:
    """Tickets whose reply clock is due for its warning (target reached) or breach (limit reached)."""
    if breach:
        return Q(reply_breached_at__isnull=True, reply_due_at__lte=now, status__in=REPLY_CLOCK_RUNNING)
    return Q(reply_warned_at__isnull=True, reply_target_at__lte=now, status__in=REPLY_CLOCK_RUNNING)


def ticket_claim_reply_mark(*, pk: int, breach: bool, now: datetime) -> bool:
    """Set the warning (or breach) mark of one running reply clock if it is still due; True only
    for the caller whose UPDATE changed the row (a breach never warned gets both marks)."""
    marks: dict[str, object] = (
        {"reply_breached_at": now, "reply_warned_at": Coalesce("reply_warned_at", now)} if breach
        else {"reply_warned_at": now})
    return Ticket.objects.filter(reply_mark_due(breach=breach, now=now), pk=pk).update(**marks) == 1


def ticket_claim_reminder(*, pk: int, since: datetime, now: datetime) -> bool:
    """Claim the reminder of a ticket waiting for the customer since ``since`` (none sent for
    this wait yet); True only for the caller whose UPDATE changed the row."""
    return Ticket.objects.filter(
        Q(reminder_sent_at__isnull=True) | Q(reminder_sent_at__lt=since),
        pk=pk, status=Status.WAITING_CUSTOMER,
    ).update(reminder_sent_at=now) == 1


def tickets_set_reply_deadlines(*, rows: Sequence[tuple[int, object, float, float]], now: datetime) -> int:
    """New reply target and limit for running clocks, as (pk, reply_pending_since exactly as read,
    target, due in epoch seconds); returns how many rows were written.

    A row is written only while its clock still runs from that pending instant (a clock stopped or
    restarted meanwhile is left alone). Warning and breach marks are decided inside the statement,
    against ``now``: kept when the new target (limit) is still reached, cleared when it lies in the
    future, so a mark the watcher sets between the caller's read and this write is never lost.
    Only the table name is interpolated; every value is a bound parameter.
    """
    if not rows:
        return 0
    table = connection.ops.quote_name(Ticket._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            ids, pendings, targets, dues = (list(column) for column in zip(*rows, strict=True))
            cursor.execute(postgresql_deadlines(table), [now.timestamp(), now.timestamp(), ids, pendings, targets, dues])
        else:
            adapt = connection.ops.adapt_datetimefield_value
            now_text = adapt(now)
            params = []
            for pk, pending, target, due in rows:
                target_text = adapt(datetime.fromtimestamp(target, UTC))
                due_text = adapt(datetime.fromtimestamp(due, UTC))
                params.append((target_text, due_text, target_text, now_text, due_text, now_text, pk, str(pending)))
            cursor.executemany(sqlite_deadlines(table), params)
        return int(cursor.rowcount)


@dataclass(frozen=True)
class ErasedTickets:
    tickets: int
    messages: int
    attachment_sha256: frozenset[str]


def tickets_erase_personal_data(*, customer_id: int, redact: Callable[[str], str],
                                redact_json: Callable[[Any], Any]) -> ErasedTickets:
    """Remove one customer's personal data from their tickets (152-FZ erasure): every text of
    every message and ticket passed through ``redact``, the reply address and the message
    addresses emptied, the attachments deleted (their blobs are the caller's to remove once no
    other attachment shares them). The tickets and messages stay, for the company's record.
    Saved one by one, so the search index is rebuilt from the redacted text."""
    tickets = list(Ticket.objects.select_for_update().filter(customer_id=customer_id).order_by("pk"))
    messages = 0
    shas: set[str] = set()
    with search_index.batched():
        for ticket in tickets:
            ticket.subject = redact(ticket.subject) or NO_SUBJECT
            ticket.contact_email = ""
            ticket.unreachable_reason = redact(ticket.unreachable_reason)
            ticket.checklist = redact_json(ticket.checklist)
            ticket.save(update_fields=["subject", "contact_email", "unreachable_reason", "checklist", "updated_at"])
            for message in Message.objects.filter(ticket=ticket).order_by("pk"):
                message.from_addr = "" if message.kind == Message.Kind.INCOMING else redact(message.from_addr)
                message.to_addrs = redact(message.to_addrs)
                message.subject = redact(message.subject)
                message.body_text = redact(message.body_text)
                message.body_html = redact(message.body_html)
                message.event_data = redact_json(message.event_data)
                message.message_id = redact(message.message_id)
                message.in_reply_to = redact(message.in_reply_to)
                message.references = redact(message.references)
                message.save()
                messages += 1
            for attachment in Attachment.objects.filter(message__ticket=ticket):
                shas.add(attachment.sha256)
                attachment.delete()
    return ErasedTickets(len(tickets), messages, frozenset(shas))
def reply_figures_set(*, rows: Sequence[tuple[int, float, bool, bool]]) -> int:
    """Rewrite stored reply figures after a calendar or policy change, as (pk, business seconds,
    within target, within limit); returns how many rows were written."""
    if not rows:
        return 0
    table = connection.ops.quote_name(ReplyFigure._meta.db_table)
    sql = (f"UPDATE {table} SET business_seconds = %s, within_target = %s, within_limit = %s "  # noqa: S608
           "WHERE id = %s")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(seconds, target, limit, pk) for pk, seconds, target, limit in rows])
    return len(rows)


def tickets_set_resolution_figures(*, rows: Sequence[tuple[int, float, float, float]]) -> int:
    """Rewrite solved tickets' resolution figures after a calendar change, as (pk, net, waiting for
    the customer, waiting for a release) business seconds; a ticket reopened meanwhile (no figure
    any more) is left alone."""
    if not rows:
        return 0
    table = connection.ops.quote_name(Ticket._meta.db_table)
    sql = (f"UPDATE {table} SET resolution_business_seconds = %s, waiting_customer_business_seconds = %s, "  # noqa: S608
           "waiting_release_business_seconds = %s WHERE id = %s AND resolution_business_seconds IS NOT NULL")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(sql, [(net, customer, release, pk) for pk, net, customer, release in rows])
    return len(rows)
