"""SLA clocks as pure functions of the business calendar and a ticket's status history.

Nothing here is stored: the resolution figure is recomputed from the history, so a corrected
history gives a corrected figure.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from supportdesk.calendar.business import BusinessCalendar

BUSINESS_HOUR = 3600.0
DEFAULT_PAUSE_STATUSES = frozenset({"waiting_customer", "waiting_release"})
DEFAULT_STOP_STATUSES = frozenset({"solved", "closed"})

ON_TIME = "on_time"
WARNING = "warning"
BREACHED = "breached"
PAUSED = "paused"


def business_days_seconds(business_days: float, day_hours: float = 9) -> float:
    """A span of business days as business seconds (1 business day = day_hours hours)."""
    if business_days < 0 or day_hours <= 0:
        raise ValueError("business days must be >= 0 and hours per business day > 0")
    return business_days * day_hours * BUSINESS_HOUR


def reply_due(cal: BusinessCalendar, received: datetime, business_days: float, day_hours: float = 9) -> datetime:
    """When a reply to a message received at `received` is due (office time)."""
    return cal.add_business_seconds(received, business_days_seconds(business_days, day_hours))


@dataclass(frozen=True)
class Pause:
    status: str
    start: datetime
    # None while the ticket is still paused (business time is then counted up to `now`).
    end: datetime | None
    business_seconds: float


def _segments(history: Sequence[tuple[datetime, str]], now: datetime) -> Iterator[tuple[str, datetime, datetime, bool]]:
    """(status, start, end, ongoing) for each status held before now."""
    for index, (at, status) in enumerate(history):
        if at.tzinfo is None:
            raise ValueError(f"status change {index} has a naive datetime")
        if index and at < history[index - 1][0]:
            raise ValueError(f"status change {index} ({at.isoformat()}) is earlier than the one before it")
        if at >= now:
            return
        ongoing = index + 1 == len(history) or history[index + 1][0] >= now
        end = now if ongoing else history[index + 1][0]
        yield status, at, end, ongoing


def resolution_business_seconds(
    cal: BusinessCalendar,
    history: Sequence[tuple[datetime, str]],
    now: datetime,
    pause_statuses: frozenset[str] = DEFAULT_PAUSE_STATUSES,
    stop_statuses: frozenset[str] = DEFAULT_STOP_STATUSES,
) -> float:
    """Net business seconds the ticket has spent being worked on, up to now.

    `history` is every status change (at, new_status) in time order, starting at creation.
    Time in a pause status does not count, nor time in a stop status (a reopened ticket
    resumes counting).
    """
    total = 0.0
    for status, start, end, _ in _segments(history, now):
        if status in pause_statuses or status in stop_statuses:
            continue
        total += cal.business_seconds_between_ts(start.timestamp(), end.timestamp())
    return total


def resolution_pauses(
    cal: BusinessCalendar,
    history: Sequence[tuple[datetime, str]],
    now: datetime,
    pause_statuses: frozenset[str] = DEFAULT_PAUSE_STATUSES,
) -> list[Pause]:
    """The paused intervals before now, each with the business time it took off the clock."""
    pauses: list[Pause] = []
    for status, start, end, ongoing in _segments(history, now):
        if status not in pause_statuses:
            continue
        seconds = cal.business_seconds_between(start, end)
        if pauses and pauses[-1].end == start and pauses[-1].status == status:
            # a repeated status change (a corrected entry, say) does not split the pause
            previous = pauses.pop()
            start, seconds = previous.start, previous.business_seconds + seconds
        pauses.append(Pause(status, start, None if ongoing else end, seconds))
    return pauses


def reply_clock_state(now: datetime, target_at: datetime, limit_at: datetime, paused: bool) -> str:
    """"on_time", "warning" (target reached), "breached" (limit reached) or "paused"."""
    if paused:
        return PAUSED
    if now >= limit_at:
        return BREACHED
    if now >= target_at:
        return WARNING
    return ON_TIME
