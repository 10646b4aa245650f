"""Recording audit entries; the only writer of the audit log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import models

from supportdesk.audit.models import AuditEntry

# Records that describe a person: the log names them by number only, so that erasing the person's
# data (152-FZ) leaves nothing identifying in the append-only log.
PERSONAL_MODELS = frozenset({"customers.Customer", "customers.CustomerEmail", "customers.CustomerPhone"})
_TARGET_LENGTH = AuditEntry._meta.get_field("target").max_length or 255


def _target_label(target: models.Model | str | None) -> str:
    if target is None:
        return ""
    if isinstance(target, models.Model):
        if target._meta.label in PERSONAL_MODELS:  # the log outlives an erasure: no name, no address
            return f"{target._meta.label} #{target.pk}"
        return f"{target._meta.label} #{target.pk}: {target}"[:_TARGET_LENGTH]
    return target[:_TARGET_LENGTH]


def audit_record(*, actor: AbstractBaseUser | AnonymousUser | None, action: AuditEntry.Action,
                 target: models.Model | str | None, details: dict[str, Any] | None = None) -> AuditEntry:
    """Appends one entry. ``actor`` None (or anonymous) is the system or an unknown visitor;
    ``details`` must be JSON-serialisable."""
    known = actor is not None and actor.is_authenticated
    return AuditEntry.objects.create(
        actor_id=actor.pk if known else None,  # type: ignore[union-attr]
        actor_name=actor.get_username()[:150] if known else "",  # type: ignore[union-attr]
        action=action,
        target=_target_label(target),
        details=details or {},
    )
