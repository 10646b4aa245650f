"""Who has a ticket open, and who is typing on it: one row per agent and ticket, refreshed by
the page's poll and read only while fresh (``presence.services.VIEWING_TTL``); old rows are
purged by a periodic job. A table rather than the cache: the embedded mode's cache is the
database anyway, and a row per agent has no read-modify-write race between two agents."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from supportdesk.tickets.models import Ticket


class TicketPresence(models.Model):
    class Box(models.TextChoices):
        NONE = "", _("nothing")
        REPLY = "reply", _("a reply")
        NOTE = "note", _("a note")
        ASK = "ask", _("a question to the customer")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                             related_name="+")
    seen_at = models.DateTimeField(_("last seen"))
    typing_at = models.DateTimeField(_("last typed"), null=True, blank=True)
    typing_box = models.CharField(_("typing in"), max_length=8, choices=Box.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["ticket", "user"], name="presence_ticket_user_uniq")]
        indexes = [models.Index(fields=["seen_at"], name="presence_seen_idx")]
        verbose_name = _("presence on a ticket")
        verbose_name_plural = _("presence on tickets")

    def __str__(self) -> str:
        return f"{self.user_id} on ticket {self.ticket_id}"
