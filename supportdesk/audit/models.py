"""The audit log: who did what and when. Append-only: rows are never updated or deleted,
neither through the ORM (refused here) nor through SQL (refused by a trigger, see the
migration)."""

from __future__ import annotations

import json
from typing import Any, NoReturn

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit entry."""


def _refuse() -> NoReturn:
    raise AppendOnlyError("the audit log is append-only")


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        _refuse()

    def delete(self) -> tuple[int, dict[str, int]]:
        _refuse()

    def bulk_update(self, *args: Any, **kwargs: Any) -> int:
        _refuse()


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        ROLE_CHANGE = "role_change", _("Role change")
        ADMIN_ADD = "admin_add", _("Added in administration")
        ADMIN_CHANGE = "admin_change", _("Changed in administration")
        ADMIN_DELETE = "admin_delete", _("Deleted in administration")
        BULK_ACTION = "bulk_action", _("Bulk action")
        TICKET_MERGE = "ticket_merge", _("Tickets merged")
        COMPANY_MERGE = "company_merge", _("Companies merged")
        EXPORT = "export", _("Export")
        POLICY_CHANGE = "policy_change", _("Policy or calendar changed")
        ERASURE = "erasure", _("Personal data erased")
        API_CALL = "api_call", _("API call")
        API_TOKEN = "api_token", _("API token issued or revoked")
        WEBHOOK_CHANGE = "webhook_change", _("Webhook subscription changed")

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    # No foreign key: removing a user must not rewrite (or cascade into) the log.
    actor_id = models.IntegerField(_("actor id"), null=True, blank=True)
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices, db_index=True)
    target = models.CharField(_("target"), max_length=255, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name or '-'} {self.action} {self.target}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            _refuse()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        _refuse()

    @property
    def details_text(self) -> str:
        return json.dumps(self.details, ensure_ascii=False, sort_keys=True)
