"""Webhook pages for supervisors and administrators: list, create, edit, disable, ping,
rotate the secret, delete, the delivery log and redelivery. Every change is a POST with CSRF."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.webhooks import selectors, services
from supportdesk.webhooks.events import EVENTS
from supportdesk.webhooks.models import WebhookDelivery, WebhookSubscription


def _form(request: AgentRequest) -> dict[str, object]:
    return {"name": request.POST.get("name", "")[:200], "url": request.POST.get("url", "")[:600],
            "events": request.POST.getlist("events")[:20]}


def _list_page(request: AgentRequest, *, form: dict[str, object] | None = None, error: str = "",
               status: int = 200) -> HttpResponse:
    subscriptions = selectors.subscriptions_for(request.user)
    return render(request, "webhooks/list.html", {
        "subscriptions": subscriptions, "events": EVENTS, "form": form or {"events": []}, "error": error,
    }, status=status)


def _detail_page(request: AgentRequest, subscription: WebhookSubscription, *, form: dict[str, object] | None = None,
                 error: str = "", status: int = 200) -> HttpResponse:
    state = request.GET.get("state", "")
    return render(request, "webhooks/detail.html", {
        "subscription": subscription, "events": EVENTS, "error": error, "state": state,
        "states": WebhookDelivery.State.choices,
        "form": form or {"name": subscription.name, "url": subscription.url, "events": subscription.events},
        "deliveries": selectors.delivery_log(subscription, state=state),
    }, status=status)


@require_GET
@agent_required
def subscription_list(request: AgentRequest) -> HttpResponse:
    return _list_page(request)


@require_POST
@agent_required
def subscription_create(request: AgentRequest) -> HttpResponse:
    selectors.subscriptions_for(request.user)  # the permission check, before reading input
    form = _form(request)
    try:
        subscription = services.subscription_create(by_user=request.user, **form)  # type: ignore[arg-type]
    except services.InvalidSubscription as exc:
        return _list_page(request, form=form, error=str(exc), status=400)
    messages.success(request, _("Subscription created. Give its secret to the receiver: it verifies the signature."))
    return redirect("webhooks:detail", pk=subscription.pk)


@require_GET
@agent_required
def subscription_detail(request: AgentRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.subscription_for(request.user, pk))


@require_POST
@agent_required
def subscription_edit(request: AgentRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, pk)
    form = _form(request)
    try:
        services.subscription_update(subscription=subscription, by_user=request.user,
                                     is_active=request.POST.get("is_active") == "1", **form)  # type: ignore[arg-type]
    except services.InvalidSubscription as exc:
        subscription.refresh_from_db()
        return _detail_page(request, subscription, form=form, error=str(exc), status=400)
    messages.success(request, _("Subscription saved."))
    return redirect("webhooks:detail", pk=pk)


@require_POST
@agent_required
def subscription_active(request: AgentRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, pk)
    active = request.POST.get("active")
    if active not in ("0", "1"):
        return _detail_page(request, subscription, error=_("Say whether to enable or disable it."), status=400)
    services.subscription_set_active(subscription=subscription, by_user=request.user, active=active == "1")
    messages.success(request, _("Subscription enabled.") if active == "1" else _("Subscription disabled."))
    return redirect("webhooks:detail", pk=pk)


@require_POST
@agent_required
def subscription_ping(request: AgentRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, pk)
    services.subscription_ping(subscription=subscription, by_user=request.user)
    messages.success(request, _("A test ping is queued; it appears in the log below within seconds."))
    return redirect("webhooks:detail", pk=pk)


@require_POST
@agent_required
def subscription_rotate(request: AgentRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, pk)
    services.subscription_rotate_secret(subscription=subscription, by_user=request.user)
    messages.success(request, _("New secret made. Deliveries from now on are signed with it."))
    return redirect("webhooks:detail", pk=pk)


@require_POST
@agent_required
def subscription_delete(request: AgentRequest, pk: int) -> HttpResponse:
    subscription = selectors.subscription_for(request.user, pk)
    if request.POST.get("confirm") != "1":
        return _detail_page(request, subscription, status=400,
                            error=_("Tick the box to confirm: the subscription and its delivery log are deleted."))
    services.subscription_delete(subscription=subscription, by_user=request.user)
    messages.success(request, _("Subscription deleted."))
    return redirect("webhooks:list")


@require_POST
@agent_required
def delivery_redeliver(request: AgentRequest, pk: int) -> HttpResponse:
    delivery = selectors.delivery_for(request.user, pk)
    try:
        services.delivery_redeliver(delivery=delivery, by_user=request.user)
    except services.InvalidSubscription as exc:
        return _detail_page(request, delivery.subscription, error=str(exc), status=409)
    messages.success(request, _("The delivery is queued to be sent again."))
    return redirect("webhooks:detail", pk=delivery.subscription_id)
