"""The search index: one row per article or ticket, holding its normalised terms.

The full-text index itself lives next to this table and is created by the migration
for the database in use: an FTS5 external-content table kept in step by triggers on
SQLite, a generated ``tsvector`` column with a GIN index on PostgreSQL.
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", "article"
        TICKET = "ticket", "ticket"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.BigIntegerField()
    # Filters applied after matching; a draft article is indexed but never public.
    product_id = models.BigIntegerField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    is_public = models.BooleanField(default=False)
    title = models.CharField(max_length=300)
    text = models.TextField(blank=True)  # plain text, for snippets
    title_terms = models.TextField(blank=True)
    body_terms = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_doc_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}: {self.title}"
