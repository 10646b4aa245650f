"""Canned answers (with the actions that make one a macro) and signatures.

Written only through ``supportdesk.replies.canned`` and ``supportdesk.replies.signatures``
(and the admin, which validates with the same ``clean``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from supportdesk.catalog.models import Brand, Product
from supportdesk.replies.placeholders import unknown_placeholders


def _check_placeholders(errors: dict[str, list[str]], field: str, text: str) -> None:
    unknown = unknown_placeholders(text)
    if unknown:
        errors.setdefault(field, []).append(str(_(
            "Unknown placeholder %(names)s: use one of the listed placeholders, or remove the braces.")
            % {"names": ", ".join("{" + n + "}" for n in unknown)}))


class CannedResponse(models.Model):
    """A canned answer: shared (no owner, managed by supervisors) or an agent's personal one.
    With actions (status, assignee, product) it is a macro, applied in one click."""

    class Assign(models.TextChoices):
        KEEP = "", _("do not change")
        ME = "me", _("the agent applying it")
        USER = "user", _("this agent")
        NOBODY = "nobody", _("nobody")

    class SetStatus(models.TextChoices):
        KEEP = "", _("do not change")
        OPEN = "open", _("open")
        WAITING_CUSTOMER = "waiting_customer", _("waiting for the customer")
        SOLVED = "solved", _("solved")
        CLOSED = "closed", _("closed")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Russian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("personal answer of"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="canned_responses")
    set_status = models.CharField(_("set status"), max_length=20, choices=SetStatus.choices, blank=True)
    assign = models.CharField(_("assign to"), max_length=8, choices=Assign.choices, blank=True)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent to assign"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    set_product = models.ForeignKey(Product, verbose_name=_("set product"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("canned answer")
        verbose_name_plural = _("canned answers")

    def __str__(self) -> str:
        return self.title

    @property
    def is_macro(self) -> bool:
        return bool(self.set_status or self.assign or self.set_product_id)

    @property
    def has_text(self) -> bool:
        return bool(self.body.strip() or self.body_en.strip())

    def text_for(self, language: str) -> str:
        """The version in ``language`` ("ru"/"en"), the other one when that is empty."""
        first, second = (self.body_en, self.body) if language == "en" else (self.body, self.body_en)
        return first if first.strip() else second

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        _check_placeholders(errors, "body", self.body)
        _check_placeholders(errors, "body_en", self.body_en)
        if not self.has_text and not self.is_macro:
            errors.setdefault("body", []).append(str(_("Write the answer's text, or give it an action (then it is "
                                                         "a macro).")))
        if self.assign == self.Assign.USER and self.assignee_id is None:
            errors.setdefault("assignee", []).append(str(_("Choose the agent to assign.")))
        if errors:
            raise ValidationError(errors)


class Signature(models.Model):
    """The lines under our mail. An agent's own (instead of their bare name), a brand's
    (instead of the support team's name and phone; for tickets of that brand's products),
    and one default for tickets without a brand. A brand or default signature goes into
    automatic mail (acknowledgments, reminders, closing notices) only when ``in_automatic``;
    an agent's never does: no agent wrote those."""

    class Scope(models.TextChoices):
        AGENT = "agent", _("agent")
        BRAND = "brand", _("brand")
        DEFAULT = "default", _("all brands")

    scope = models.CharField(_("scope"), max_length=8, choices=Scope.choices)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("agent"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="signature")
    brand = models.OneToOneField(Brand, verbose_name=_("brand"), null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="signature")
    text = models.TextField(_("signature (Russian)"), blank=True)
    text_en = models.TextField(_("signature (English)"), blank=True)
    in_automatic = models.BooleanField(_("also in automatic mail"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(scope="agent", user__isnull=False, brand__isnull=True)
                           | Q(scope="brand", user__isnull=True, brand__isnull=False)
                           | Q(scope="default", user__isnull=True, brand__isnull=True)),
                name="signature_scope_owner"),
            models.UniqueConstraint(fields=["scope"], condition=Q(scope="default"), name="signature_one_default"),
        ]
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")

    def __str__(self) -> str:
        return str(self.user or self.brand or self.get_scope_display())

    def text_for(self, language: str) -> str:
        first, second = (self.text_en, self.text) if language == "en" else (self.text, self.text_en)
        return (first if first.strip() else second).strip()

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        _check_placeholders(errors, "text", self.text)
        _check_placeholders(errors, "text_en", self.text_en)
        if errors:
            raise ValidationError(errors)
