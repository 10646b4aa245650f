"""Articles in the search index: their documents, and the receivers that keep them in step."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models.signals import post_delete, post_save

from supportdesk.kb.models import Article
from supportdesk.kb.rendering import markdown_to_text
from supportdesk.search import index
from supportdesk.search.models import SearchDocument

KIND = SearchDocument.Kind.ARTICLE


def article_document(article: Article) -> SearchDocument:
    text = "\n".join(part for part in (article.category, markdown_to_text(article.body)) if part)
    return index.document(kind=KIND, object_id=article.pk, product_id=article.product_id,
                          language=article.language, is_public=article.state == Article.State.PUBLISHED,
                          title=article.title, text=text)


def article_documents(ids: list[int], using: str) -> list[SearchDocument]:
    return [article_document(a) for a in Article.objects.using(using).filter(pk__in=ids).order_by("pk")]


def article_id_batches(batch: int) -> Iterator[list[int]]:
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        yield ids[start:start + batch]


def _article_saved(sender: type, instance: Article, **kwargs: Any) -> None:
    index.changed(KIND, instance.pk, using=kwargs.get("using") or instance._state.db or "default")


def _article_deleted(sender: type, instance: Article, **kwargs: Any) -> None:
    index.remove(KIND, instance.pk, using=kwargs.get("using") or instance._state.db or "default")


def connect() -> None:
    """Register the article source and connect the receivers (from KbConfig.ready)."""
    index.register(KIND, index.Source(documents=article_documents, id_batches=article_id_batches))
    post_save.connect(_article_saved, sender=Article, dispatch_uid="search_article_saved")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid="search_article_deleted")
