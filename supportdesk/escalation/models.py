"""What the stored due times were computed with.

Due times are stored on tickets for fast queue ordering, so a change to the calendar or the
SLA policy must be followed by a recompute. The fingerprint of the rules last applied lets a
watcher notice a change (an edited policy or calendar data file) and recompute once.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarStamp(models.Model):
    key = models.CharField(_("key"), max_length=40, unique=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    applied_at = models.DateTimeField(_("applied at"))
    tickets_updated = models.PositiveIntegerField(_("tickets updated"), default=0)

    class Meta:
        verbose_name = _("applied calendar")
        verbose_name_plural = _("applied calendars")

    def __str__(self) -> str:
        return f"{self.key}: {self.fingerprint[:12]}"
