"""Reads of tickets, scoped by permission: every agent-facing read goes through here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import F, QuerySet

from supportdesk.accounts.roles import is_agent
from supportdesk.tickets.models import OPEN_STATUSES, Message, Ticket


def _require_agent(user: AbstractBaseUser | AnonymousUser) -> None:
    if not is_agent(user):
        raise PermissionDenied("agents only")


def queue_tickets(*, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ticket]:
    """Open tickets, the most urgent reply deadline first; tickets without a running clock last."""
    _require_agent(user)
    return (Ticket.objects.filter(status__in=OPEN_STATUSES, merged_into__isnull=True)
            .select_related("customer", "product", "assignee")
            .order_by(F("reply_due_at").asc(nulls_last=True), "-created_at", "-id"))


def ticket_for_agent(*, user: AbstractBaseUser | AnonymousUser, pk: int) -> Ticket:
    _require_agent(user)
    return Ticket.objects.select_related("customer", "product", "assignee", "waiting_release",
                                         "merged_into", "follows_up").get(pk=pk)


def ticket_conversation(*, user: AbstractBaseUser | AnonymousUser, ticket: Ticket) -> QuerySet[Message]:
    _require_agent(user)
    return (ticket.messages.select_related("author_user", "author_customer")
            .prefetch_related("attachments").order_by("created_at", "id"))
