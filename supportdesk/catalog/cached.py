"""The products as the intake reads them on every mail: kept per process (``lib.configcache``)."""

from __future__ import annotations

from types import MappingProxyType

from django.db.models.signals import post_delete, post_save

from supportdesk.catalog.models import Brand, Product, Release
from supportdesk.lib import configcache


def _load() -> MappingProxyType[str, Product]:
    return MappingProxyType({p.key: p for p in Product.objects.select_related("brand")})


def products_by_key() -> MappingProxyType[str, Product]:
    """Every product (its brand loaded) by key. Shared by the process's threads: read only."""
    return configcache.cached("catalog.products", _load)


def connect() -> None:
    # Releases too: the ticket page keeps the planned ones (tickets.selectors.ticket_page_choices).
    for model in (Product, Brand, Release):
        name = model.__name__.lower()
        post_save.connect(configcache.config_changed, sender=model, dispatch_uid=f"configcache.{name}.saved")
        post_delete.connect(configcache.config_changed, sender=model, dispatch_uid=f"configcache.{name}.deleted")

