"""Reads of inbound mail for agents (the quarantine and spam lists), scoped by permission."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from supportdesk.accounts.roles import is_agent
from supportdesk.mail.models import InboundMail
from supportdesk.tickets.selectors import visible_tickets

LISTS = {"quarantined": InboundMail.State.QUARANTINED, "spam": InboundMail.State.SPAM}


def _require_agent(user: User | AnonymousUser) -> None:
    if not is_agent(user):
        raise PermissionDenied("agents only")


def held_mail(*, user: User | AnonymousUser, which: str) -> QuerySet[InboundMail]:
    """Quarantined or spam mail, newest first, without the raw bytes."""
    _require_agent(user)
    return InboundMail.objects.filter(state=LISTS[which]).defer("raw").order_by("-received_at", "-id")


def held_counts(*, user: User | AnonymousUser) -> dict[str, int]:
    _require_agent(user)
    return {key: InboundMail.objects.filter(state=state).count() for key, state in LISTS.items()}


def inbound_raw(*, user: User | AnonymousUser, pk: int) -> InboundMail:
    """The raw mail, unless it went onto a ticket of a team the agent is not in
    (InboundMail.DoesNotExist then, as for a missing one)."""
    _require_agent(user)
    mail = InboundMail.objects.get(pk=pk)
    if mail.ticket_id is not None and not visible_tickets(user=user).filter(pk=mail.ticket_id).exists():
        raise InboundMail.DoesNotExist("not visible to this agent")
    return mail
