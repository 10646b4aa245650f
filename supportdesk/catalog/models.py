"""Brands, products and their releases: data, never code (rule 1, rule 8)."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


def version_sort_key(version: str) -> str:
    """A string that sorts versions numerically: '6.10.2' after '6.9'."""
    parts = re.findall(r"\d+", version)[:6]
    return ".".join(p.zfill(6) for p in parts)


class Brand(models.Model):
    key = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("brand")
        verbose_name_plural = _("brands")

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    key = models.SlugField(_("key"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    brand = models.ForeignKey(Brand, verbose_name=_("brand"), on_delete=models.PROTECT, related_name="products")
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    download_url = models.URLField(_("download page"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("product")
        verbose_name_plural = _("products")

    def __str__(self) -> str:
        return self.name

    def current_release(self) -> Release | None:
        return (self.releases.filter(status=Release.Status.PUBLISHED)
                .order_by("-version_key").first())


class Release(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        PUBLISHED = "published", _("published")

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="releases")
    version = models.CharField(_("version"), max_length=40)
    version_key = models.CharField(_("version sort key"), max_length=60, editable=False, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    planned_for = models.DateField(_("planned for"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    notes = models.TextField(_("release notes"), blank=True)
    notes_en = models.TextField(_("release notes (English)"), blank=True)
    download_url = models.URLField(_("download link"), blank=True)

    class Meta:
        ordering = ["product__name", "-version_key"]
        constraints = [models.UniqueConstraint(fields=["product", "version"], name="release_unique_version")]
        verbose_name = _("release")
        verbose_name_plural = _("releases")

    def __str__(self) -> str:
        return f"{self.product.name} {self.version}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.version_key = version_sort_key(self.version)
        super().save(*args, **kwargs)  # type: ignore[arg-type]
