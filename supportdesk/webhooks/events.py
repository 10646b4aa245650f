"""The events a subscription may choose, and what each delivery's ``data`` holds."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

TICKET_CREATED = "ticket.created"
CUSTOMER_REPLIED = "ticket.customer_replied"
STATUS_CHANGED = "ticket.status_changed"
SLA_WARNING = "sla.warning"
SLA_BREACH = "sla.breach"
RELEASE_PUBLISHED = "release.published"
# Sent only by the "send a test ping" button, to one subscription whatever it chose.
PING = "ping"

EVENTS: dict[str, Any] = {
    TICKET_CREATED: _("Ticket created"),
    CUSTOMER_REPLIED: _("Customer replied"),
    STATUS_CHANGED: _("Ticket status changed"),
    SLA_WARNING: _("SLA warning (reply target reached)"),
    SLA_BREACH: _("SLA breach (reply limit passed)"),
    RELEASE_PUBLISHED: _("Release published"),
}


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def ticket_data(ticket: Any) -> dict[str, Any]:
    """What an integration needs to find the ticket again; never the conversation itself
    (it may hold personal data the receiver has no business keeping)."""
    return {
        "id": ticket.pk,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "team": ticket.team_id,
        "assignee": ticket.assignee_id,
        "customer": ticket.customer_id,
        "product": ticket.product_id,
        "created_at": _iso(ticket.created_at),
        "reply_target_at": _iso(ticket.reply_target_at),
        "reply_due_at": _iso(ticket.reply_due_at),
    }
