from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import Http404

from supportdesk.audit.models import AuditEntry, AuditQuerySet


def audit_entries_for(*, user: AbstractBaseUser | AnonymousUser, action: str = "") -> AuditQuerySet:
    """The audit log as ``user`` may read it: administrators (active superusers) only;
    anyone else gets a 404, as if the page did not exist."""
    if not (user.is_authenticated and user.is_active and getattr(user, "is_superuser", False)):
        raise Http404
    entries: AuditQuerySet = AuditEntry.objects.all()
    if action in AuditEntry.Action.values:
        entries = entries.filter(action=action)
    return entries
