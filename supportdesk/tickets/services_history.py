"""Closing what an archive import brought in as history (``tickets.history``).

An imported old request owes nobody a reply today: once the import has placed every mail (so
a later mail of the same thread still found its ticket open), each ticket it filled only with
history is closed as of its last message, with a "history_closed" event. A ticket that a
recent mail of the same import reached keeps its reply clock and stays open. The closing is
recorded in the status history like any other, but it resolves nothing: the ticket is never
solved and gets no resolution time, and nobody is notified (the closing is history too).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q

from supportdesk.tickets.history import recording_history
from supportdesk.tickets.models import Message, Status, Ticket
from supportdesk.tickets.services import _apply_status, _clear_reply_clock, _lock_row, ticket_add_event


def tickets_close_history(*, ticket_ids: Iterable[int], before: datetime) -> list[int]:
    """Close the given tickets that hold only history (no mail or call from ``before`` on), owe
    no reply and are not closed; the ones closed, in order."""
    ids = sorted(set(ticket_ids))
    # As of the last mail or call (not of the events written about them).
    last = dict(Ticket.objects.filter(pk__in=ids)
                .annotate(last=Max("messages__created_at", filter=~Q(messages__kind=Message.Kind.EVENT)))
                .values_list("pk", "last"))
    closed = []
    with recording_history():
        for pk in ids:
            with transaction.atomic():
                ticket = _lock_row(pk)
                at = max(filter(None, (last.get(pk), ticket.created_at)))
                if ticket.status == Status.CLOSED or ticket.reply_pending_since is not None or at >= before:
                    continue
                _apply_status(ticket, Status.CLOSED, at=at, by_user=None, reason="history import")
                fields = ["status", "closed_at", "updated_at", *_clear_reply_clock(ticket)]
                ticket.save(update_fields=sorted(set(fields)))
                ticket_add_event(ticket=ticket, event="history_closed", at=at)
            closed.append(pk)
    return closed
