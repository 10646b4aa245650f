"""Reads of inbound mail for agents (the quarantine and spam lists), scoped by permission."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from supportdesk.accounts.roles import is_agent
from supportdesk.mail.models import InboundMail

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
    _require_agent(user)
    return InboundMail.objects.get(pk=pk)
