"""The search index: one row per article or ticket, holding its normalised terms.

The full-text index itself lives next to this table and is created by the migration
for the database in use: an FTS5 external-content table kept in step by triggers on
SQLite, a generated ``tsvector`` column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("article")
        TICKET = "ticket", _("ticket")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField(_("object id"))
    # Filters applied after matching; a draft article is indexed but never public.
    product_id = models.BigIntegerField(_("product id"), null=True, blank=True)
    # A ticket's team: an agent's search finds the tickets of their teams and the unrouted ones.
    team_id = models.BigIntegerField(_("team id"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True)  # plain text, for snippets
    title_terms = models.TextField(_("title terms"), blank=True)
    body_terms = models.TextField(_("text terms"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
