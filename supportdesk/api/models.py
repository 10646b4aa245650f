"""API tokens: one per integration (the CRM, the bug tracker, a script), each acting as the
user it was issued to, so that user's role and teams bound what the token sees and does.

Only a SHA-256 of the secret is stored; the clear token is shown once, when it is issued.
The prefix (public) finds the row; the secret is compared in constant time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Resources a scope names; each has a read and a write scope ("tickets:read", "tickets:write").
# A new resource (the webhook subscriptions of supportdesk/webhooks, say) adds its name here, a view
# with ``api_resource`` set to it, and its path in urls.py; tokens then grant it like the others.
RESOURCES = ("tickets", "customers", "calls", "kb", "releases", "reports")
ACTIONS = ("read", "write")
SCOPES = tuple(f"{resource}:{action}" for resource in RESOURCES for action in ACTIONS)
DEFAULT_RATE_PER_MINUTE = 120


class ApiToken(models.Model):
    name = models.CharField(_("integration"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("acts as"), on_delete=models.CASCADE,
                             related_name="api_tokens")
    prefix = models.CharField(_("token id"), max_length=16, unique=True)
    secret_sha256 = models.CharField(_("secret hash"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    rate_per_minute = models.PositiveIntegerField(_("requests per minute"), default=DEFAULT_RATE_PER_MINUTE)
    created_at = models.DateTimeField(_("issued at"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def allows(self, scope: str) -> bool:
        return scope in self.scopes
