"""One-time links that let a customer read a ticket without a password."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessLink(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="access_links")
    email = models.EmailField()
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("access link")
        verbose_name_plural = _("access links")

    def __str__(self) -> str:
        return f"ticket {self.ticket_id} for {self.email}"
