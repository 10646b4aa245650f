"""Durable outgoing mail. Knows nothing of tickets: ``ref`` is an opaque label."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingMail(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed permanently")
        SUPPRESSED = "suppressed", _("not sent (loop protection)")

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    kind = models.CharField(_("kind"), max_length=30)  # reply, ack, reminder, release, notify, lookup, ...
    ref = models.CharField(_("reference"), max_length=60, blank=True, db_index=True)  # e.g. "ticket:42"
    from_addr = models.CharField(_("from"), max_length=254)
    to_addrs = models.TextField(_("to"))
    # The first recipient, lower-cased: the per-address limit on automatic mail counts by it.
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    raw = models.BinaryField(_("raw message"))  # the complete message as it will be signed and sent
    is_automatic = models.BooleanField(_("automatic"), default=False)
    # Not indexed by itself: outbox_due_idx (state, next_attempt_at) serves its look-ups.
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    smtp_code = models.PositiveSmallIntegerField(_("SMTP code"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["recipient", "created_at"], condition=models.Q(is_automatic=True),
                         name="outbox_auto_rcpt_idx"),
        ]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_addrs}: {self.subject}"
