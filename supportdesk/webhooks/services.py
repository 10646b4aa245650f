"""Webhook subscriptions and the delivery of their events (the durable outbox pattern).

An event writes one ``WebhookDelivery`` row per subscriber inside the transaction that caused
it (receivers.py): a rolled-back event delivers nothing, a committed one is never lost. The
periodic job ``webhooks_deliver`` (jobs.py, Celery beat) claims due rows with a conditional
UPDATE, so two runners never send one row at once, and POSTs them; the request that caused
the event never waits for a receiver. A row claimed by a runner that died is taken over once
its claim expires, with the same delivery id: receivers drop repeats by that id.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.accounts.roles import has_perm
from supportdesk.webhooks import transport
from supportdesk.webhooks.events import EVENTS, PING
from supportdesk.webhooks.models import WebhookDelivery, WebhookSubscription

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # 30 s, 1, 2, 4, 8, 16, 32 min between them: about an hour of outage is bridged
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
CLAIM_SECONDS = 300
KEEP_DAYS = 30
Poster = Callable[..., transport.Response]

State = WebhookDelivery.State
User = AbstractBaseUser | AnonymousUser


class InvalidSubscription(ValueError):
    """Bad input for a subscription; the message is for the user (translated)."""


def _require_manager(user: User) -> None:
    if not has_perm(user, "webhooks.manage"):  # type: ignore[arg-type]
        raise PermissionDenied("supervisors and administrators only")


def backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex HMAC-SHA256 of "<timestamp>." + body>``: the timestamp is signed too, so a
    receiver that rejects old timestamps cannot be fed a replayed delivery."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


def _clean(*, name: str, url: str, events: Sequence[str]) -> tuple[str, str, list[str]]:
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidSubscription(_("Give the subscription a name of at most 100 characters."))
    url = url.strip()
    if len(url) > 500:
        raise InvalidSubscription(_("The URL is longer than 500 characters."))
    try:
        transport.parse_target(url)
    except transport.TargetRefused as exc:
        raise InvalidSubscription(str(exc)) from exc
    unknown = [e for e in events if e not in EVENTS]
    if unknown:
        raise InvalidSubscription(_("Unknown event: %(event)s.") % {"event": unknown[0][:40]})
    if not events:
        raise InvalidSubscription(_("Choose at least one event."))
    return name, url, [e for e in EVENTS if e in events]  # the canonical order, no repeats


def subscription_create(*, by_user: User, name: str, url: str, events: Sequence[str]) -> WebhookSubscription:
    _require_manager(by_user)
    name, url, chosen = _clean(name=name, url=url, events=events)
    now = timezone.now()
    return WebhookSubscription.objects.create(
        name=name, url=url, events=chosen, secret=secrets.token_urlsafe(32), is_active=True,
        created_by=by_user if by_user.is_authenticated else None, created_at=now, updated_at=now)  # type: ignore[misc]


def subscription_update(*, subscription: WebhookSubscription, by_user: User, name: str, url: str,
                        events: Sequence[str], is_active: bool) -> WebhookSubscription:
    _require_manager(by_user)
    subscription.name, subscription.url, subscription.events = _clean(name=name, url=url, events=events)
    if is_active and not subscription.is_active:
        subscription.disabled_reason = ""
    elif not is_active and subscription.is_active:
        subscription.disabled_reason = _("disabled by %(user)s") % {"user": by_user.get_username()}
    subscription.is_active = is_active
    subscription.updated_at = timezone.now()
    subscription.save(update_fields=["name", "url", "events", "is_active", "disabled_reason", "updated_at"])
    return subscription


def subscription_set_active(*, subscription: WebhookSubscription, by_user: User, active: bool) -> WebhookSubscription:
    _require_manager(by_user)
    subscription.is_active = active
    subscription.disabled_reason = "" if active else _("disabled by %(user)s") % {"user": by_user.get_username()}
    subscription.updated_at = timezone.now()
    subscription.save(update_fields=["is_active", "disabled_reason", "updated_at"])
    return subscription


def subscription_rotate_secret(*, subscription: WebhookSubscription, by_user: User) -> WebhookSubscription:
    """A new secret; deliveries not yet sent are signed with it (the receiver must switch too)."""
    _require_manager(by_user)
    subscription.secret = secrets.token_urlsafe(32)
    subscription.updated_at = timezone.now()
    subscription.save(update_fields=["secret", "updated_at"])
    return subscription


def _new_delivery(subscription: WebhookSubscription, event: str, data: dict[str, Any],
                  now: datetime) -> WebhookDelivery:
    return WebhookDelivery(subscription=subscription, event=event, payload=data, state=State.PENDING,
                           attempts=0, attempt_limit=MAX_ATTEMPTS, next_attempt_at=now, created_at=now)


def active_subscriptions() -> list[WebhookSubscription]:
    return list(WebhookSubscription.objects.filter(is_active=True))


def subscribed(subscriptions: list[WebhookSubscription], event: str) -> list[WebhookSubscription]:
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    return [s for s in subscriptions if event in (s.events or [])]


def webhook_subscribers(event: str) -> list[WebhookSubscription]:
    """The active subscriptions to ``event`` (one query): a receiver whose event costs a query
    to decide asks this first, and hands the answer to ``webhook_enqueue``."""
    return subscribed(active_subscriptions(), event)


# Bumped whenever this process saves or deletes a subscription (signals below): what a ticket
# remembered before that is read again.
_generation = [0]


def _subscriptions_changed(**_kwargs: Any) -> None:
    _generation[0] += 1


post_save.connect(_subscriptions_changed, sender=WebhookSubscription, dispatch_uid="webhooks.subscriptions_saved")
post_delete.connect(_subscriptions_changed, sender=WebhookSubscription, dispatch_uid="webhooks.subscriptions_deleted")


def remember_subscriptions(ticket: Any, subscriptions: list[WebhookSubscription]) -> None:
    """Keep the active subscriptions just read on ``ticket`` for the rest of the current
    transaction (a ticket being created: its first message's event needs them too)."""
    if connection.in_atomic_block:
        ticket._sd_webhook_subscriptions = (connection.atomic_blocks[0], _generation[0], subscriptions)


def remembered_subscriptions(ticket: Any) -> list[WebhookSubscription] | None:
    """What ``remember_subscriptions`` kept on this ticket in this same transaction (and no
    subscription saved since in this process), else None: read them."""
    kept = getattr(ticket, "_sd_webhook_subscriptions", None)
    if kept is None or not connection.in_atomic_block:
        return None
    outer, generation, subscriptions = kept
    if outer is not connection.atomic_blocks[0] or generation != _generation[0]:
        return None
    return list(subscriptions)


def webhook_enqueue(*, event: str, data: dict[str, Any], at: datetime | None = None,
                    subscribers: list[WebhookSubscription] | None = None) -> list[WebhookDelivery]:
    """One delivery row per active subscriber of ``event``. Call inside the event's transaction
    (``subscribers``: ``webhook_subscribers(event)`` read earlier in that transaction)."""
    if subscribers is None:
        subscribers = webhook_subscribers(event)
    elif event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    if not subscribers:
        return []
    now = at or timezone.now()
    return WebhookDelivery.objects.bulk_create([_new_delivery(s, event, data, now) for s in subscribers])


def subscription_ping(*, subscription: WebhookSubscription, by_user: User) -> WebhookDelivery:
    """A test delivery to this one subscription, sent by the next run of the job like any other."""
    _require_manager(by_user)
    now = timezone.now()
    delivery = _new_delivery(subscription, PING, {"subscription": subscription.pk, "by": by_user.get_username()},
                             now)
    delivery.save()
    return delivery


def delivery_redeliver(*, delivery: WebhookDelivery, by_user: User) -> WebhookDelivery:
    """Send a failed delivery again, same delivery id and body, with a fresh round of retries."""
    _require_manager(by_user)
    now = timezone.now()
    won = WebhookDelivery.objects.filter(pk=delivery.pk, state=State.FAILED).update(
        state=State.PENDING, next_attempt_at=now, attempt_limit=F("attempts") + MAX_ATTEMPTS)
    if not won:
        raise InvalidSubscription(_("Only a failed delivery can be sent again."))
    delivery.refresh_from_db()
    return delivery


# ---- Delivery ---------------------------------------------------------------------------------

def _due(now: datetime) -> Q:
    return Q(state=State.PENDING, next_attempt_at__lte=now)


def _stale(now: datetime) -> Q:
    return Q(state=State.SENDING, claimed_until__lt=now)


def _claim(pk: int, now: datetime) -> WebhookDelivery | None:
    """Conditional UPDATE: exactly one runner wins a row, on every database."""
    # Counted from the claim itself, not from the start of the run: a run held up by slow receivers
    # must not hand out claims that are about to expire.
    until = max(now, timezone.now()) + timedelta(seconds=CLAIM_SECONDS)
    won = WebhookDelivery.objects.filter(_due(now) | _stale(now), pk=pk).update(
        state=State.SENDING, claimed_until=until, attempts=F("attempts") + 1, last_attempt_at=max(now, timezone.now()))
    if won != 1:
        return None
    return WebhookDelivery.objects.select_related("subscription").get(pk=pk)


def delivery_body(delivery: WebhookDelivery) -> bytes:
    envelope = {"id": str(delivery.delivery_id), "event": delivery.event,
                "created_at": delivery.created_at.isoformat(), "data": delivery.payload}
    return json.dumps(envelope, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def delivery_headers(delivery: WebhookDelivery, body: bytes, now: float | None = None) -> dict[str, str]:
    timestamp = str(int(now if now is not None else time.time()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "SupportDesk-Webhooks/1",
        "X-SupportDesk-Event": delivery.event,
        "X-SupportDesk-Delivery": str(delivery.delivery_id),
        "X-SupportDesk-Timestamp": timestamp,
        "X-SupportDesk-Signature": signature(secret=delivery.subscription.secret, timestamp=timestamp, body=body),
    }


def _attempt(delivery: WebhookDelivery, post: Poster) -> tuple[int | None, str, str]:
    """(status, error, response excerpt) of one POST; never raises for the receiver's faults."""
    body = delivery_body(delivery)
    try:
        answer = post(delivery.subscription.url, body, delivery_headers(delivery, body),
                      timeout=settings.WEBHOOK_TIMEOUT)
    except transport.TargetRefused as exc:
        return None, str(exc), ""
    except ssl.SSLError as exc:
        return None, f"TLS: {exc}", ""
    except Exception as exc:  # network, timeout, a broken answer: all retried
        return None, f"{type(exc).__name__}: {exc}", ""
    error = "" if 200 <= answer.status < 300 else f"HTTP {answer.status}"
    return answer.status, error, answer.excerpt


def delivery_send_one(delivery: WebhookDelivery, *, post: Poster, now: datetime) -> WebhookDelivery:
    """Send one claimed delivery and record the outcome: 2xx delivered; 410 Gone disables the
    subscription; anything else is retried with backoff until the attempt limit, then failed."""
    subscription = delivery.subscription
    if not subscription.is_active:
        status, error, excerpt = None, _("the subscription is disabled"), ""
    else:
        status, error, excerpt = _attempt(delivery, post)
    delivery.last_status, delivery.last_error, delivery.response_excerpt = status, error[:2000], excerpt
    delivery.claimed_until = None
    gone = status == 410
    if status is not None and 200 <= status < 300:
        delivery.state, delivery.delivered_at = State.DELIVERED, timezone.now()
    elif gone or not subscription.is_active or delivery.attempts >= delivery.attempt_limit:
        delivery.state = State.FAILED
    else:
        delivery.state, delivery.next_attempt_at = State.PENDING, now + backoff(delivery.attempts)
    with transaction.atomic():
        delivery.save(update_fields=["state", "last_status", "last_error", "response_excerpt", "claimed_until",
                                     "next_attempt_at", "delivered_at"])
        if gone and subscription.is_active:
            WebhookSubscription.objects.filter(pk=subscription.pk).update(
                is_active=False, disabled_reason=_("the receiver answered 410 Gone"), updated_at=timezone.now())
            _subscriptions_changed()
    if gone:
        log.warning("webhook subscription %s disabled: its receiver answered 410 Gone", subscription.pk)
    return delivery


def webhook_deliveries_purge(*, now: datetime | None = None, keep_days: int = KEEP_DAYS) -> int:
    """Delete finished deliveries older than ``keep_days`` (the log shows the recent ones; the
    payloads name tickets and must not outlive their purpose). Returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=keep_days)
    deleted, _rows = WebhookDelivery.objects.filter(
        state__in=[State.DELIVERED, State.FAILED], created_at__lt=cutoff).delete()
    return deleted


@dataclass
class DeliverResult:
    delivered: int = 0
    retried: int = 0
    failed: int = 0


def webhooks_deliver(*, now: datetime | None = None, limit: int = 100, post: Poster | None = None) -> DeliverResult:
    """Send every due delivery once (the periodic job). Safe to run from several workers at once."""
    moment = now or timezone.now()
    send = post or transport.post
    result = DeliverResult()
    due = (WebhookDelivery.objects.filter(_due(moment) | _stale(moment))
           .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
    for pk in list(due):
        delivery = _claim(pk, moment)
        if delivery is None:
            continue
        delivery_send_one(delivery, post=send, now=moment)
        if delivery.state == State.DELIVERED:
            result.delivered += 1
        elif delivery.state == State.FAILED:
            result.failed += 1
        else:
            result.retried += 1
    return result
