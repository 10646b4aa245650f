"""The one row the reports keep: which monthly report mailings were claimed (and sent)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class MonthlyMailing(models.Model):
    """Claimed by inserting the month (unique): two job runners never mail the same month twice."""

    month = models.DateField(_("month"), unique=True)  # the first day of the month reported on
    sent_at = models.DateTimeField(_("sent at"))
    recipients = models.TextField(_("recipients"), blank=True)
    outgoing_id = models.BigIntegerField(_("outgoing mail"), null=True, blank=True)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("monthly report mailing")
        verbose_name_plural = _("monthly report mailings")

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
