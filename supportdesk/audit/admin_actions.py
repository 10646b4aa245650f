"""Django's bulk "delete selected" action, recorded: a bulk deletion writes its admin log
with one bulk insert, which sends no signal, so the action itself leaves the audit entry."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import ModelAdmin
from django.contrib.admin.actions import delete_selected
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record


def audited_delete_selected(modeladmin: ModelAdmin, request: HttpRequest,
                            queryset: QuerySet[Any]) -> HttpResponse | None:
    objects = [f"#{obj.pk}: {obj}" for obj in queryset]
    response = delete_selected(modeladmin, request, queryset)
    if response is None:  # confirmed and done (the first call only shows the confirmation page)
        audit_record(actor=request.user, action=AuditEntry.Action.BULK_ACTION,
                     target=modeladmin.model._meta.label,
                     details={"action": "delete_selected", "objects": objects[:1000], "count": len(objects)})
    return response


audited_delete_selected.allowed_permissions = ("delete",)  # type: ignore[attr-defined]
audited_delete_selected.short_description = _("Delete selected %(verbose_name_plural)s")  # type: ignore[attr-defined]
