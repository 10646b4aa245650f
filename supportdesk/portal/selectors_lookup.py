"""What a customer with a redeemed link may read: one ticket, public messages only."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.dateparse import parse_datetime

from supportdesk.portal.services import SESSION_KEY
from supportdesk.tickets.models import Message, Ticket

PUBLIC_KINDS = (Message.Kind.INCOMING, Message.Kind.OUTGOING)


def granted_ticket(session: Mapping[str, Any], pk: int, now: datetime) -> tuple[Ticket, str] | None:
    """The ticket and the address the link went to, if this session redeemed a link for
    exactly this ticket and the grant has not run out."""
    grant = (session.get(SESSION_KEY) or {}).get(str(pk))
    if not grant:
        return None
    until = parse_datetime(grant.get("until", ""))
    if until is None or until <= now:
        return None
    ticket = Ticket.objects.filter(pk=pk).select_related("customer", "product").first()
    return (ticket, grant["email"]) if ticket else None


def public_conversation(ticket: Ticket) -> QuerySet[Message]:
    """Customer messages and our replies; notes, events and robots' mail stay inside."""
    return (Message.objects.filter(ticket=ticket, kind__in=PUBLIC_KINDS, is_robot=False)
            .order_by("created_at", "id"))
