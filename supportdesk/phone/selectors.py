"""Reads of the call log for agent pages."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied

from supportdesk.accounts.roles import is_agent
from supportdesk.phone.models import Call


def calls_ringing(*, user: User | AnonymousUser, since: datetime, limit: int = 3) -> list[Call]:
    """Incoming calls, not yet logged, ringing or in progress since ``since``: the agents' pop-up."""
    if not is_agent(user):
        raise PermissionDenied("agents only")
    return list(Call.objects.filter(direction=Call.Direction.INCOMING, message__isnull=True,
                                    state__in=(Call.State.RINGING, Call.State.ANSWERED), started_at__gte=since)
                .select_related("customer").order_by("-started_at")[:limit])


def call_for_agent(*, user: User | AnonymousUser, pk: int) -> Call | None:
    if not is_agent(user):
        raise PermissionDenied("agents only")
    return Call.objects.select_related("customer").filter(pk=pk).first()
