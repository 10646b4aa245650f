"""Keep the index in step with writes: every saved article, ticket subject or message
re-indexes its document in the same transaction (a ticket once per ``index.batched()``
block, when the writer opened one)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from supportdesk.kb.models import Article
from supportdesk.search import index
from supportdesk.tickets.models import Message, Ticket


@receiver(post_save, sender=Article, dispatch_uid="search_article_saved")
def _article_saved(sender: type, instance: Article, **kwargs: Any) -> None:
    index.index_article(instance)


@receiver(post_delete, sender=Article, dispatch_uid="search_article_deleted")
def _article_deleted(sender: type, instance: Article, **kwargs: Any) -> None:
    index.remove("article", instance.pk)


@receiver(post_save, sender=Ticket, dispatch_uid="search_ticket_saved")
def _ticket_saved(sender: type, instance: Ticket, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    # Status and clock updates name their fields; only a subject change alters the text.
    if created or update_fields is None or "subject" in update_fields:
        index.ticket_changed(instance.pk, using=kwargs.get("using") or instance._state.db or "default")


@receiver(post_delete, sender=Ticket, dispatch_uid="search_ticket_deleted")
def _ticket_deleted(sender: type, instance: Ticket, **kwargs: Any) -> None:
    index.remove("ticket", instance.pk)


@receiver(post_save, sender=Message, dispatch_uid="search_message_saved")
def _message_saved(sender: type, instance: Message, **kwargs: Any) -> None:
    if instance.kind != Message.Kind.EVENT:
        index.ticket_changed(instance.ticket_id, using=kwargs.get("using") or instance._state.db or "default")
