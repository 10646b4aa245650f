"""Teams (queues): groups of agents that work a share of the tickets (a brand, L1/L2, hardware).

A team's routing rules say which new tickets are its own; ``tickets`` applies them at intake
and records the team on the ticket. The rules are plain values (a product or brand key, a mailbox
address, a company name) so this app knows no tickets, products or customers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True,
                                     related_name="support_teams")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class TeamRule(models.Model):
    """One routing rule: a new ticket whose attribute equals ``value`` goes to ``team``.
    Rules are tried in ``position`` order over all teams; the first match wins."""

    class Kind(models.TextChoices):
        MAILBOX = "mailbox", _("mailbox address")
        COMPANY = "company", _("company")
        PRODUCT = "product", _("product")
        BRAND = "brand", _("brand")

    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="rules")
    kind = models.CharField(_("matches on"), max_length=10, choices=Kind.choices)
    # Normalised: a mailbox address or company name in lower case, a product or brand key.
    value = models.CharField(_("value"), max_length=254)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="team_rule_unique")]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} = {self.value} → {self.team}"
