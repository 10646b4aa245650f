"""The queue's tools: bulk actions on ticked rows and saved views (their save and delete, and
what the queue page shows of them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from supportdesk.accounts.decorators import AgentRequest, agent_required
from supportdesk.accounts.roles import is_supervisor
from supportdesk.lib.confirm import confirm_page, is_confirmed
from supportdesk.tickets import bulk, savedviews, selectors
from supportdesk.tickets import forms as f
from supportdesk.tickets.models import Priority, SavedView
from supportdesk.tickets.selectors import QueueFilters
from supportdesk.tickets.services import InvalidAction


def queue_extras(request: AgentRequest, filters: QueueFilters, rows: list[dict[str, Any]],
                 now: datetime) -> dict[str, Any]:
    """What the queue page adds for tags, bulk actions and saved views."""
    tags = selectors.tags_of_tickets(user=request.user, pks=[r["pk"] for r in rows])
    for row in rows:
        row["tags"] = tags.get(row["pk"], [])
    views = selectors.saved_views_for(user=request.user)
    query = f.filter_query(request.GET)
    active = next((v.pk for v in views if str(v.pk) == request.GET.get("sv") and v.query == query), None)
    drops = []
    for name in filters.tags:
        rest = request.GET.copy()
        rest.setlist("tag", [t for t in filters.tags if t != name])
        drops.append((name, f.filter_query(rest)))
    return {
        "tag_drops": drops,
        "saved_views": [{"pk": v.pk, "name": v.name, "shared": v.shared, "query": v.query,
                         "mine": v.owner_id == request.user.pk} for v in views],
        "active_view": active, "filter_query": query, "can_share": is_supervisor(request.user),
        "bulk_statuses": [(s.value, s.label) for s in bulk.BULK_STATUSES],
        "bulk_priorities": Priority.choices,
        "agent_choices": f.agent_choices(),
    }


def _back(request: AgentRequest, view: int | None = None) -> HttpResponse:
    """Back to the queue as it was filtered (only the filter keys: never an outside address)."""
    query = f.filter_query(QueryDict(request.POST.get("back", "")))
    if view:
        query = f"{query}&sv={view}" if query else f"sv={view}"
    return redirect(reverse("tickets:queue") + (f"?{query}" if query else ""))


@agent_required
@require_POST
def queue_bulk(request: AgentRequest) -> HttpResponse:
    form = f.BulkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not done: %(errors)s") % {"errors": "; ".join(f.field_errors(form))})
        return _back(request)
    data = form.cleaned_data
    pks, action, user = data["pks"], data["action"], request.user
    if action == "merge" and not is_confirmed(request):
        target = data.get("target") or min(pks)
        others = ", ".join(f"#{pk}" for pk in pks if pk != target)
        return confirm_page(request, question=_(
            "Merge %(others)s into #%(target)s? Their messages move to #%(target)s and they are closed; "
            "this cannot be undone.") % {"others": others or "—", "target": target},
            button=_("Merge"), cancel_url=reverse("tickets:queue"))
    if action == "assign":
        outcome = bulk.tickets_bulk_assign(user=user, pks=pks, assignee=data.get("assignee"))
    elif action == "status":
        outcome = bulk.tickets_bulk_status(user=user, pks=pks, status=data["status"], reason=data["reason"],
                                           confirmed=bool(data.get("unanswered")))
    elif action == "priority":
        outcome = bulk.tickets_bulk_priority(user=user, pks=pks, priority=data["priority"])
    elif action in ("tag", "untag"):
        names = data["names"]
        outcome = bulk.tickets_bulk_tag(user=user, pks=pks, add=names if action == "tag" else (),
                                        remove=names if action == "untag" else ())
    else:
        outcome = bulk.tickets_bulk_merge(user=user, pks=pks, target_pk=data.get("target"))
    if outcome.done:
        messages.success(request, _("Done on %(n)s: %(list)s.") % {
            "n": len(outcome.done), "list": ", ".join(f"#{pk}" for pk in outcome.done)})
    for pk, reason in outcome.refused:
        messages.error(request, _("#%(n)s not changed: %(reason)s") % {"n": pk, "reason": reason})
    return _back(request)


@agent_required
@require_GET
def saved_view_counts(request: AgentRequest) -> HttpResponse:
    """The saved views' counts, fetched by the queue page after it is shown (htmx, out-of-band
    swaps into the navigation): counting never delays the queue itself."""
    views = selectors.saved_views_for(user=request.user)
    counts = selectors.saved_view_counts(user=request.user, views=[(v.pk, f.filters_from_query(v.query))
                                                                   for v in views])
    response = render(request, "tickets/_saved_view_counts.html", {
        "counts": list(counts.items()), "count_limit": selectors.COUNT_LIMIT})
    response["Cache-Control"] = "no-store"
    return response


@agent_required
@require_POST
def saved_view_save(request: AgentRequest) -> HttpResponse:
    name = request.POST.get("name", "")
    query = f.filter_query(QueryDict(request.POST.get("back", "")))
    shared = request.POST.get("shared") == "1"
    if len(name) > 80:
        messages.error(request, _("Not saved: %(field)s: %(error)s") % {
            "field": _("View name"), "error": _("at most 80 characters")})
        return _back(request)
    try:
        view = savedviews.saved_view_save(user=request.user, name=name, query=query, shared=shared)
    except InvalidAction as exc:
        messages.error(request, _("Not saved: %(field)s: %(error)s") % {"field": _("View name"), "error": exc})
        return _back(request)
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return _back(request, view.pk)


@agent_required
@require_POST
def saved_view_delete(request: AgentRequest, pk: int) -> HttpResponse:
    try:
        view = selectors.saved_view_for(user=request.user, pk=pk)
    except SavedView.DoesNotExist as exc:
        raise Http404 from exc
    try:
        savedviews.saved_view_delete(user=request.user, view=view)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("tickets:queue")

