"""Audit entries from Django's signals: logins, failed logins, role changes, and every
change or deletion made in the administration (mailboxes and other configuration included)."""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import AbstractBaseUser, User
from django.http import HttpRequest
from django.utils import translation

from supportdesk.audit.context import current_actor
from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import PERSONAL_MODELS, audit_record
from supportdesk.lib.client_ip import client_ip

ROLE_FIELDS = ("is_staff", "is_superuser", "is_active")
_ADMIN_ACTIONS = {ADDITION: AuditEntry.Action.ADMIN_ADD, CHANGE: AuditEntry.Action.ADMIN_CHANGE,
                  DELETION: AuditEntry.Action.ADMIN_DELETE}


def _address(request: HttpRequest | None) -> str:
    return client_ip(request) if request is not None else ""


def on_logged_in(sender: Any, request: HttpRequest | None, user: AbstractBaseUser, **_: Any) -> None:
    audit_record(actor=user, action=AuditEntry.Action.LOGIN, target=user,
                 details={"ip": _address(request)})


def on_login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None,
                    **_: Any) -> None:
    # Django has already masked the password in ``credentials``; only the user name is kept.
    username = str(credentials.get("username", ""))[:150]
    audit_record(actor=None, action=AuditEntry.Action.LOGIN_FAILED, target=username,
                 details={"ip": _address(request), "username": username})


def on_user_pre_save(sender: Any, instance: User, update_fields: Any = None, **_: Any) -> None:
    if instance.pk is None or (update_fields is not None and not set(update_fields) & set(ROLE_FIELDS)):
        return
    old = User.objects.filter(pk=instance.pk).values(*ROLE_FIELDS).first()
    instance._audit_roles = old  # type: ignore[attr-defined]


def on_user_post_save(sender: Any, instance: User, created: bool, **_: Any) -> None:
    old = getattr(instance, "_audit_roles", None)
    instance._audit_roles = None  # type: ignore[attr-defined]
    if created or old is None:
        return
    changed = {f: [old[f], getattr(instance, f)] for f in ROLE_FIELDS if old[f] != getattr(instance, f)}
    if changed:
        audit_record(actor=current_actor(), action=AuditEntry.Action.ROLE_CHANGE, target=instance,
                     details={"fields": changed})


def on_groups_changed(sender: Any, instance: Any, action: str, reverse: bool, model: Any,
                      pk_set: set[int] | None, **_: Any) -> None:
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        # The members (or groups) that are about to go: post_clear no longer knows them.
        related = instance.user_set if reverse else instance.groups
        pk_set = set(related.values_list("pk", flat=True))
    if not pk_set:
        return
    verb = "added" if action == "post_add" else "removed"
    if reverse:  # group.user_set.add(...): one entry per user
        for user in User.objects.filter(pk__in=pk_set):
            audit_record(actor=current_actor(), action=AuditEntry.Action.ROLE_CHANGE, target=user,
                         details={"groups": {verb: [instance.name]}})
    else:
        names = sorted(model.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        audit_record(actor=current_actor(), action=AuditEntry.Action.ROLE_CHANGE, target=instance,
                     details={"groups": {verb: names}})


def _change_message(entry: LogEntry) -> str:
    # The log keeps one language (English) whatever the administrator's UI language was.
    with translation.override("en"):
        return entry.get_change_message()


def on_admin_log(sender: Any, instance: LogEntry, created: bool, **_: Any) -> None:
    if not created or instance.action_flag not in _ADMIN_ACTIONS:
        return
    model = instance.content_type.model_class() if instance.content_type is not None else None
    label = model._meta.label if model is not None else "?"
    shown = f"{label} #{instance.object_id}" if label in PERSONAL_MODELS else \
        f"{label} #{instance.object_id}: {instance.object_repr}"
    audit_record(actor=instance.user, action=_ADMIN_ACTIONS[instance.action_flag], target=shown,
                 details={"change": _change_message(instance)})
