"""Bulk import of Markdown articles with front matter (a vendor's existing FAQ).

    ---
    title: Не выводятся титры
    kind: faq            # faq | manual | quick_guide | forum
    product: forward-tt  # a product key, optional
    category: Вывод      # optional
    language: ru         # optional, ru by default
    url: https://...     # optional: a link article
    state: published     # optional, published by default
    ---
    Markdown body

The file name without ``.md`` is the slug; an existing slug is updated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify

from supportdesk.catalog.models import Product
from supportdesk.kb.models import Article

KNOWN_KEYS = {"title", "kind", "product", "url", "language", "category", "state"}


class FrontMatterError(ValueError):
    pass


def parse_front_matter(text: str) -> tuple[dict[str, str], str]:
    """``key: value`` lines between ``---`` fences; values may be quoted."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError("no front matter (the file must start with ---)")
    meta: dict[str, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return meta, "\n".join(lines[number:]).strip() + "\n"
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise FrontMatterError(f"line {number}: expected 'key: value'")
        value = value.split(" #", 1)[0].strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        meta[key.strip().lower()] = value
    raise FrontMatterError("front matter is not closed with ---")


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


def _article_fields(meta: dict[str, str], body: str, products: dict[str, Product]) -> dict[str, object]:
    unknown = set(meta) - KNOWN_KEYS
    if unknown:
        raise FrontMatterError("unknown keys: " + ", ".join(sorted(unknown)))
    title = meta.get("title", "").strip()
    if not title:
        raise FrontMatterError("title is missing")
    kind = meta.get("kind", Article.Kind.FAQ)
    if kind not in Article.Kind.values:
        raise FrontMatterError(f"kind {kind!r} is not one of {', '.join(Article.Kind.values)}")
    product = None
    if meta.get("product"):
        product = products.get(meta["product"].lower())
        if product is None:
            raise FrontMatterError(f"unknown product {meta['product']!r}")
    url = meta.get("url", "")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as exc:
            raise FrontMatterError(f"url {url!r} is not an http(s) URL") from exc
    if not url and not body.strip():
        raise FrontMatterError("an article needs a body or a url")
    state = meta.get("state", Article.State.PUBLISHED)
    if state not in Article.State.values:
        raise FrontMatterError(f"state {state!r} is not draft or published")
    return {"title": title[:300], "kind": kind, "product": product, "url": url, "body": body.strip(),
            "language": (meta.get("language") or "ru")[:8], "category": meta.get("category", "")[:100],
            "state": state}


def kb_import_dir(directory: Path) -> ImportSummary:
    """Import every ``*.md`` file of ``directory``; a bad file is reported, not fatal."""
    summary = ImportSummary()
    products = {p.key.lower(): p for p in Product.objects.all()}
    for path in sorted(directory.glob("*.md")):
        slug = path.stem
        try:
            if slugify(slug) != slug:
                raise FrontMatterError("the file name must be a slug (lower-case latin letters, digits, -)")
            meta, body = parse_front_matter(path.read_text(encoding="utf-8"))
            fields = _article_fields(meta, body, products)
            with transaction.atomic():
                _article, created = Article.objects.update_or_create(slug=slug, defaults=fields)
        except (FrontMatterError, UnicodeDecodeError, OSError) as exc:
            summary.errors.append((path.name, str(exc)))
            continue
        (summary.created if created else summary.updated).append(slug)
    return summary
