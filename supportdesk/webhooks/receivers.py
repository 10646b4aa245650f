"""Domain signals -> delivery rows, written in the transaction of the event (see services.py)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from supportdesk.escalation.notify import BREACH, WARNING
from supportdesk.escalation.signals import reply_clock_marked
from supportdesk.releases.signals import release_published
from supportdesk.tickets.history import is_history
from supportdesk.tickets.models import Message
from supportdesk.tickets.signals import message_added, status_changed, ticket_created
from supportdesk.webhooks import events
from supportdesk.webhooks.models import WebhookSubscription
from supportdesk.webhooks.services import webhook_enqueue
from supportdesk.webhooks.subscribed import (
    remember_on,
    remembered_on,
    subscribed_events,
    subscriptions_changed,
)

# Kinds that make a conversation: a customer message after one of these is a reply, the first
# one is the request that opened the ticket (ticket.created covers it).
_CONVERSATION = (Message.Kind.INCOMING, Message.Kind.OUTGOING, Message.Kind.CALL)
SLA_EVENTS = {WARNING: events.SLA_WARNING, BREACH: events.SLA_BREACH}


def on_ticket_created(*, ticket: Any, by_user: Any = None, **_kwargs: Any) -> None:
    # Integrations hear what happens now, not a mailbox of years imported as history.
    if is_history():
        return
    chosen = subscribed_events()
    # The request that opens the ticket is added next, in this transaction: its receiver asks
    # this set instead of reading it again (one read less for every new ticket).
    remember_on(ticket, chosen)
    if events.TICKET_CREATED in chosen:
        webhook_enqueue(event=events.TICKET_CREATED, data={"ticket": events.ticket_data(ticket)},
                        at=ticket.created_at)


def on_message_added(*, ticket: Any, message: Message, **_kwargs: Any) -> None:
    if message.kind != Message.Kind.INCOMING or message.is_robot or is_history():
        return
    # Who listens first: without a subscriber (the usual case) the question whether this is a
    # reply costs no query (every customer mail of the intake comes through here).
    chosen = remembered_on(ticket)
    if events.CUSTOMER_REPLIED not in (chosen if chosen is not None else subscribed_events()):
        return
    earlier = (Message.objects.filter(ticket_id=ticket.pk, kind__in=_CONVERSATION, pk__lt=message.pk).exists())
    if not earlier:
        return
    webhook_enqueue(event=events.CUSTOMER_REPLIED, at=message.created_at, data={
        "ticket": events.ticket_data(ticket),
        "message": {"id": message.pk, "channel": message.channel, "created_at": message.created_at.isoformat()},
    })


def on_status_changed(*, ticket: Any, from_status: str, to_status: str, at: Any, by_user: Any = None,
                      reason: str = "", **_kwargs: Any) -> None:
    if is_history():
        return
    webhook_enqueue(event=events.STATUS_CHANGED, at=at, data={
        "ticket": events.ticket_data(ticket), "from": from_status, "to": to_status, "reason": reason,
        "by_user": by_user.pk if by_user is not None else None, "at": at.isoformat(),
    })


def on_reply_clock_marked(*, ticket: Any, kind: str, at: Any, **_kwargs: Any) -> None:
    event = SLA_EVENTS.get(kind)
    if event is not None:
        webhook_enqueue(event=event, at=at, data={"ticket": events.ticket_data(ticket), "at": at.isoformat()})


def on_release_published(*, release: Any, reopened: Any, **_kwargs: Any) -> None:
    webhook_enqueue(event=events.RELEASE_PUBLISHED, at=release.published_at, data={"release": {
        "id": release.pk, "product": release.product_id, "product_name": str(release.product.name),
        "version": release.version, "published_at": release.published_at.isoformat(),
        "download_url": release.download_url or release.product.download_url or "",
    }, "reopened_tickets": [t.pk for t in reopened]})


def connect() -> None:
    uid = "supportdesk.webhooks"
    ticket_created.connect(on_ticket_created, dispatch_uid=f"{uid}.ticket_created")
    message_added.connect(on_message_added, dispatch_uid=f"{uid}.message_added")
    status_changed.connect(on_status_changed, dispatch_uid=f"{uid}.status_changed")
    reply_clock_marked.connect(on_reply_clock_marked, dispatch_uid=f"{uid}.reply_clock_marked")
    release_published.connect(on_release_published, dispatch_uid=f"{uid}.release_published")
    post_save.connect(subscriptions_changed, sender=WebhookSubscription, dispatch_uid=f"{uid}.subscription_saved")
    post_delete.connect(subscriptions_changed, sender=WebhookSubscription, dispatch_uid=f"{uid}.subscription_deleted")
