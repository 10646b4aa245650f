from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from supportdesk.audit.models import AuditEntry
from supportdesk.audit.selectors import audit_entries_for

PAGE_SIZE = 100


@require_GET
@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    action = request.GET.get("action", "")
    entries = audit_entries_for(user=request.user, action=action)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("p"))
    return render(request, "audit/log.html", {
        "page": page, "action": action, "actions": AuditEntry.Action.choices,
    })
