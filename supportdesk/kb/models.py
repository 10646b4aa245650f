"""Knowledge base (rule 3): FAQ, manuals, quick guides and forum threads."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Article(models.Model):
    class Kind(models.TextChoices):
        FAQ = "faq", _("FAQ")
        MANUAL = "manual", _("program manual")
        QUICK_GUIDE = "quick_guide", _("quick guide")
        FORUM = "forum", _("forum thread")

    class State(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.FAQ)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="articles")
    category = models.CharField(_("category"), max_length=100, blank=True)
    language = models.CharField(_("language"), max_length=8, default="ru")
    body = models.TextField(_("text (Markdown)"), blank=True)
    url = models.URLField(_("external link"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT,
                             db_index=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["title"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")

    def __str__(self) -> str:
        return self.title
