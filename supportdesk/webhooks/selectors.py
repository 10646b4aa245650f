"""Reads of subscriptions and their delivery log, scoped by permission: supervisors and
administrators only (an agent is refused with 403, an unknown row is 404)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from supportdesk.accounts.roles import has_perm
from supportdesk.webhooks.models import WebhookDelivery, WebhookSubscription

LOG_LENGTH = 100


def _require(user: AbstractBaseUser | AnonymousUser) -> None:
    if not has_perm(user, "webhooks.manage"):  # type: ignore[arg-type]
        raise PermissionDenied("supervisors and administrators only")


def subscriptions_for(user: AbstractBaseUser | AnonymousUser) -> QuerySet[WebhookSubscription]:
    _require(user)
    failed = Count("deliveries", filter=Q(deliveries__state=WebhookDelivery.State.FAILED))
    waiting = Count("deliveries", filter=Q(deliveries__state__in=[WebhookDelivery.State.PENDING,
                                                                   WebhookDelivery.State.SENDING]))
    return WebhookSubscription.objects.annotate(failed=failed, waiting=waiting).order_by("name", "pk")


def subscription_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> WebhookSubscription:
    _require(user)
    found = WebhookSubscription.objects.filter(pk=pk).first()
    if found is None:
        raise Http404("no such subscription")
    return found


def delivery_log(subscription: WebhookSubscription, *, state: str = "") -> list[WebhookDelivery]:
    rows = subscription.deliveries.all()
    if state in WebhookDelivery.State.values:
        rows = rows.filter(state=state)
    return list(rows.order_by("-created_at", "-pk")[:LOG_LENGTH])


def delivery_for(user: AbstractBaseUser | AnonymousUser, pk: int) -> WebhookDelivery:
    _require(user)
    found = WebhookDelivery.objects.select_related("subscription").filter(pk=pk).first()
    if found is None:
        raise Http404("no such delivery")
    return found
