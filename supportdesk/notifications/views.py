"""The bell, the notifications list, the e-mail settings page and the follow button."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.lib.params import parse_positive_int
from supportdesk.notifications import selectors, services
from supportdesk.notifications.models import NotificationSettings
from supportdesk.tickets.models import Ticket
from supportdesk.tickets.selectors import ticket_for_agent


class SettingsForm(forms.ModelForm):
    class Meta:
        model = NotificationSettings
        fields = ["email_assigned", "email_customer_reply", "email_mention", "email_sla", "email_followed"]


class FollowForm(forms.Form):
    follow = forms.TypedChoiceField(choices=[("1", "follow"), ("0", "unfollow")], coerce=lambda v: v == "1")


@agent_required
@require_GET
def notification_list(request: AgentRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    return render(request, "notifications/list.html", {
        "rows": selectors.notification_rows(user=request.user, unread_only=unread_only),
        "unread_only": unread_only, "unread": selectors.unread_count(user=request.user),
        "count_limit": selectors.COUNT_LIMIT,
    })


@agent_required
@require_GET
def badge(request: AgentRequest) -> HttpResponse:
    return render(request, "notifications/_badge.html", {
        "bell_count": selectors.unread_count(user=request.user), "count_limit": selectors.COUNT_LIMIT})


@agent_required
@require_POST
def notification_open(request: AgentRequest, pk: int) -> HttpResponse:
    """Mark one notification read and go to its ticket."""
    ticket_id = selectors.notification_ticket(user=request.user, pk=pk)
    if ticket_id is None:
        raise Http404
    services.notification_mark_read(user=request.user, ids=[pk])
    return redirect("tickets:detail", ticket_id)


@agent_required
@require_POST
def mark_read(request: AgentRequest) -> HttpResponse:
    """Mark the listed notifications (``id``, repeated) read, or all of them (``all=1``)."""
    if request.POST.get("all") == "1":
        services.notifications_mark_all_read(user=request.user)
    else:
        try:
            ids = [parse_positive_int(v) for v in request.POST.getlist("id")]
        except ValueError:
            messages.error(request, _("Not done: a notification number is not valid."))
            return redirect("notifications:list")
        services.notification_mark_read(user=request.user, ids=ids)
    return redirect("notifications:list")


@agent_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: AgentRequest) -> HttpResponse:
    current = services.settings_for(request.user)
    form = SettingsForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        services.settings_save(user=request.user, **{k: bool(v) for k, v in form.cleaned_data.items()})
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@agent_required
@require_POST
def ticket_follow(request: AgentRequest, pk: int) -> HttpResponse:
    try:
        ticket = ticket_for_agent(user=request.user, pk=pk)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    form = FollowForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not done: choose to follow or to unfollow."))
    else:
        follow = form.cleaned_data["follow"]
        services.ticket_follow(ticket=ticket, user=request.user, follow=follow)
        messages.success(request, _("You follow this ticket.") if follow else _("You no longer follow this ticket."))
    return redirect(reverse("tickets:detail", args=[pk]) + "#follow")
