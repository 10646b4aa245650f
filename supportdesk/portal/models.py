"""One-time links that let a customer read a ticket without a password."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLink(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="access_links")
    email = models.EmailField(_("e-mail"))
    token_sha256 = models.CharField(_("token hash"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")

    def __str__(self) -> str:
        return f"ticket {self.ticket_id} for {self.email}"
