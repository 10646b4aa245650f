"""Wiring: every new conversation entry may notify (in the writer's transaction); the ticket
page gets the follow button."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest

from supportdesk.notifications.selectors import ticket_followers
from supportdesk.notifications.services import notify_message
from supportdesk.tickets.history import is_history
from supportdesk.tickets.models import Message, Ticket
from supportdesk.tickets.signals import message_added, ticket_page_panels

log = logging.getLogger(__name__)


@receiver(message_added, dispatch_uid="notifications.on_message_added")
def on_message_added(sender: Any, *, ticket: Ticket, message: Message, **kwargs: Any) -> None:
    # A bug here must not cost the customer's mail or the agent's reply: the notifications run
    # in a savepoint of their own, and a failure is logged, not raised. Old mail imported as
    # history is nobody's news.
    if is_history():
        return
    try:
        with transaction.atomic():
            notify_message(ticket=ticket, message=message)
    except Exception:
        log.exception("notifications for message %s on ticket %s failed", message.pk, ticket.pk)


@receiver(ticket_page_panels, dispatch_uid="notifications.panel")
def follow_panel(sender: Any, *, request: HttpRequest, ticket: Ticket, **kwargs: Any) -> list[dict[str, object]]:
    followers = ticket_followers(ticket=ticket)
    return [{"template": "notifications/_follow.html", "following": any(u.pk == request.user.pk for u in followers),
             "followers": [u.get_full_name() or u.get_username() for u in followers]}]
