"""Small view-model helpers shared by the agent pages (no queries)."""

from __future__ import annotations

from datetime import datetime

from supportdesk.sla.clock import PAUSED, reply_clock_state
from supportdesk.tickets.models import Ticket

NO_CLOCK = "none"


def sla_state(ticket: Ticket, now: datetime) -> str:
    """The reply clock's state for the queue badge."""
    if ticket.is_paused:
        return PAUSED
    if ticket.reply_due_at is None or ticket.reply_target_at is None:
        return NO_CLOCK
    return reply_clock_state(now, ticket.reply_target_at, ticket.reply_due_at, False)


def format_business_seconds(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    minutes = int(round(seconds / 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def split_quoted(text: str, quoted_start: int | None) -> tuple[str, str]:
    """(new text, quoted history) so the page can fold the history."""
    if quoted_start is None or quoted_start <= 0 or quoted_start >= len(text):
        return text, ""
    return text[:quoted_start].rstrip(), text[quoted_start:]


def checklist_rows(ticket: Ticket, items: tuple) -> list[tuple[object, dict]]:
    """The policy's four request items paired with the ticket's checklist entries."""
    checklist = ticket.checklist or {}
    return [(item, checklist.get(item.key, {"present": False, "source": "", "evidence": ""})) for item in items]
