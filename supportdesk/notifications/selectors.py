"""Reads for the bell, the list and the ticket page's follow button."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User

from supportdesk.notifications.mail import notification_headline
from supportdesk.notifications.models import Notification, TicketFollower
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.selectors import visible_ticket_ids

PAGE_SIZE = 50
COUNT_LIMIT = 99  # the bell says "99+" beyond


def unread_count(*, user: User) -> int:
    ids = Notification.objects.filter(recipient=user, read_at__isnull=True).values_list("pk", flat=True)
    return len(ids[: COUNT_LIMIT + 1])


@dataclass(frozen=True)
class Row:
    pk: int
    ticket_id: int
    headline: str
    excerpt: str
    created_at: datetime
    unread: bool


def notification_rows(*, user: User, unread_only: bool = False, limit: int = PAGE_SIZE) -> list[Row]:
    """The user's latest notifications, newest first, only about tickets they may still see."""
    qs = Notification.objects.filter(recipient=user).select_related("ticket", "actor", "message")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    found = list(qs.order_by("-created_at", "-id")[:limit])
    visible = visible_ticket_ids(user=user, ids={n.ticket_id for n in found})
    return [Row(pk=n.pk, ticket_id=n.ticket_id, headline=notification_headline(n.kind, n.ticket, n.actor, n.message),
                excerpt=n.excerpt, created_at=n.created_at, unread=n.read_at is None)
            for n in found if n.ticket_id in visible]


def notification_ticket(*, user: User, pk: int) -> int | None:
    """The ticket of one of the user's notifications (None if not theirs or not visible)."""
    ticket_id = Notification.objects.filter(recipient=user, pk=pk).values_list("ticket_id", flat=True).first()
    if ticket_id is None or ticket_id not in visible_ticket_ids(user=user, ids=[ticket_id]):
        return None
    return int(ticket_id)


def ticket_followers(*, ticket: Ticket) -> list[User]:
    ids = TicketFollower.objects.filter(ticket=ticket, active=True).values_list("user_id", flat=True)
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("username"))
