"""Presence on a ticket: the page's poll says "I am here (typing in this box)"; the others read it.

A viewer counts while their last poll is younger than VIEWING_TTL (the page polls every
POLL_SECONDS, so a closed tab or a lost network drops out within seconds); typing counts for
TYPING_TTL after the last keystroke the page reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from supportdesk.presence.models import TicketPresence
from supportdesk.tickets.models import Ticket

POLL_SECONDS = 3
VIEWING_TTL = timedelta(seconds=15)
TYPING_TTL = timedelta(seconds=8)
PURGE_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Viewer:
    user_id: int
    name: str
    typing_box: str  # "" when not typing


def presence_beat(*, ticket: Ticket, user: User, typing_box: str = "", now: datetime | None = None) -> None:
    """Record that ``user`` has ``ticket`` open (and is typing in ``typing_box``, if given)."""
    if typing_box not in TicketPresence.Box.values:
        raise ValueError(f"unknown box {typing_box!r}")
    at = now or timezone.now()
    fields: dict[str, object] = {"seen_at": at}
    if typing_box:
        fields.update(typing_at=at, typing_box=typing_box)
    if TicketPresence.objects.filter(ticket=ticket, user=user).update(**fields):
        return
    try:
        with transaction.atomic():
            TicketPresence.objects.create(ticket=ticket, user=user, **fields)  # type: ignore[arg-type]
    except IntegrityError:  # the same agent's other tab inserted it first
        TicketPresence.objects.filter(ticket=ticket, user=user).update(**fields)


def presence_leave(*, ticket: Ticket, user: User) -> None:
    """The agent closed the page: they stop showing at once instead of after VIEWING_TTL."""
    TicketPresence.objects.filter(ticket=ticket, user=user).delete()


def presence_others(*, ticket: Ticket, user: User, now: datetime | None = None) -> list[Viewer]:
    """The other agents who have the ticket open now, by name."""
    at = now or timezone.now()
    rows = (TicketPresence.objects.filter(ticket=ticket, seen_at__gte=at - VIEWING_TTL)
            .exclude(user=user).select_related("user").order_by("user__username"))
    return [Viewer(user_id=r.user_id, name=r.user.get_full_name() or r.user.get_username(),
                   typing_box=r.typing_box if r.typing_at and r.typing_at >= at - TYPING_TTL else "")
            for r in rows if r.user.is_active]


def presence_purge(*, now: datetime | None = None) -> int:
    """Delete rows nobody has refreshed for PURGE_AFTER (a periodic job)."""
    at = now or timezone.now()
    deleted, _ = TicketPresence.objects.filter(seen_at__lt=at - PURGE_AFTER).delete()
    return deleted
