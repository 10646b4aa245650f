"""Keep the product catalogue in step with the policy file."""

from __future__ import annotations

from django.db import transaction

from supportdesk.catalog.models import Brand, Product
from supportdesk.policy import Policy


def catalog_sync_from_policy(policy: Policy) -> dict[str, Product]:
    """Create or update the policy's brands and products; returns products by key."""
    with transaction.atomic():
        brands = {}
        for b in policy.brands:
            brands[b.key], _ = Brand.objects.update_or_create(key=b.key, defaults={"name": b.name,
                                                                                  "name_en": b.name_en})
        products = {}
        for p in policy.products:
            products[p.key], _ = Product.objects.update_or_create(
                key=p.key, defaults={"name": p.name, "brand": brands[p.brand], "aliases": list(p.aliases)})
    return products
