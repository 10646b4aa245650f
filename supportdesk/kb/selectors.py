"""Public reads of the knowledge base: drafts never leave this module."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.utils.safestring import SafeString

from supportdesk.catalog.models import Product
from supportdesk.kb.models import Article
from supportdesk.search.query import search


def published_articles(*, product: Product | None = None, kind: str = "", language: str = ""
                       ) -> QuerySet[Article]:
    qs = Article.objects.filter(state=Article.State.PUBLISHED).select_related("product")
    if product is not None:
        qs = qs.filter(product=product)
    if kind in Article.Kind.values:
        qs = qs.filter(kind=kind)
    if language:
        qs = qs.filter(language=language)
    return qs.order_by("product__name", "kind", "category", "title")


def published_article(*, slug: str) -> Article:
    article = Article.objects.filter(slug=slug, state=Article.State.PUBLISHED).select_related("product").first()
    if article is None:
        raise Http404("no such article")
    return article


@dataclass(frozen=True)
class ArticleHit:
    article: Article
    snippet: SafeString
    score: float


def search_published(query: str, *, product: Product | None = None, limit: int = 30) -> list[ArticleHit]:
    """The visitor's search box: every word (in any form) must occur."""
    result = search(query, kind="article", mode="all", limit=limit, public_only=True,
                    product_ids=[None, product.pk] if product else None)
    articles = Article.objects.filter(state=Article.State.PUBLISHED).select_related("product").in_bulk(
        [h.object_id for h in result.hits])
    return [ArticleHit(articles[h.object_id], h.snippet, h.score) for h in result.hits if h.object_id in articles]
