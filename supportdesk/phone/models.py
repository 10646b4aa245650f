"""Phone calls (rule 4: the second official channel) and telephone-system integrations."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CtiIntegration(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Only a hash of the secret token is stored.
    token_sha256 = models.CharField(_("token hash"), max_length=64, unique=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("telephony integration")
        verbose_name_plural = _("telephony integrations")

    def __str__(self) -> str:
        return self.name


class Call(models.Model):
    class Direction(models.TextChoices):
        INCOMING = "in", _("incoming")
        OUTGOING = "out", _("outgoing")

    class State(models.TextChoices):
        RINGING = "ringing", _("ringing")
        ANSWERED = "answered", _("answered")
        ENDED = "ended", _("ended")

    integration = models.ForeignKey(CtiIntegration, verbose_name=_("integration"), null=True, blank=True, on_delete=models.SET_NULL)
    external_id = models.CharField(_("external id"), max_length=200, blank=True)
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RINGING)
    caller = models.CharField(_("caller"), max_length=40, blank=True)
    callee = models.CharField(_("callee"), max_length=40, blank=True)
    number = models.CharField(_("customer number (E.164)"), max_length=20, blank=True, db_index=True)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="calls")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="calls")
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="calls")
    message = models.OneToOneField("tickets.Message", verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="call")
    started_at = models.DateTimeField(_("started at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    after_hours = models.BooleanField(_("after hours"), default=False)
    last_event_at = models.DateTimeField(_("last event at"), null=True, blank=True)

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(fields=["integration", "external_id"], condition=~models.Q(external_id=""),
                                    name="call_external_unique"),
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.number or self.caller}"
