"""Customers: no account, found by e-mail address or phone number (rule 1: no licence check).

A customer may belong to a company (a TV channel, a dealer): the company owns mail domains, so a
new sender from one of them joins it, and its page shows every contact and ticket."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200)
    contract_tier = models.SlugField(
        _("contract tier"), max_length=40, blank=True,
        help_text=_("A short code such as 'premium'; the policy file maps tiers to SLA targets. "
                    "Empty: the default tier."))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(Lower("name"), name="company_name_unique_ci")]
        verbose_name = _("company")
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class CompanyDomain(models.Model):
    """A mail domain of a company: a new sender from it becomes the company's contact."""

    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.CASCADE,
                                related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]
        verbose_name = _("company domain")
        verbose_name_plural = _("company domains")

    def __str__(self) -> str:
        return self.domain

    def save(self, *args: object, **kwargs: object) -> None:
        self.domain = self.domain.strip().lower().rstrip(".")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Customer(models.Model):
    class ZoneSource(models.TextChoices):
        EXPLICIT = "explicit", _("set by an agent")
        MAIL_DATE = "mail_date", _("learned from the Date header")
        OFFICE = "office", _("office zone (unknown)")

    name = models.CharField(_("name"), max_length=200, blank=True)
    company = models.ForeignKey(Company, verbose_name=_("company"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="contacts")
    # The free-text label from before companies existed; the migration turned each distinct
    # value into a company, and the field stays as what the customer or an agent once typed.
    organization = models.CharField(_("organization (as written)"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    timezone_source = models.CharField(_("time zone source"), max_length=12, choices=ZoneSource.choices, default=ZoneSource.OFFICE)
    dealer = models.CharField(_("bought from"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set when the customer's personal data was erased (152-FZ); the record stays for its tickets.
    erased_at = models.DateTimeField(_("personal data erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        email = self.emails.first()
        return self.name or (email.address if email else f"#{self.pk}")


class CustomerEmail(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField(_("e-mail"), unique=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    bounced_at = models.DateTimeField(_("last bounce"), null=True, blank=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("e-mail address")
        verbose_name_plural = _("e-mail addresses")

    def __str__(self) -> str:
        return self.address

    def save(self, *args: object, **kwargs: object) -> None:
        self.address = self.address.strip().lower()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CustomerPhone(models.Model):
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number (E.164)"), max_length=20, db_index=True)
    display = models.CharField(_("as written"), max_length=40, blank=True)
    label = models.CharField(_("label"), max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "number"], name="customer_phone_unique")]
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")

    def __str__(self) -> str:
        return self.display or self.number
