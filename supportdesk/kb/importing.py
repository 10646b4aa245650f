"""Bulk import of Markdown articles with YAML front matter (a vendor's FAQ export as it is).

    ---
    title: "Ошибка #5 при запуске"   # YAML: quote a value with ': ' or ' #' in it
    kind: faq            # faq | manual | quick_guide | forum, or a synonym (guide, docs, thread, ...)
    product: Forward TS  # a product key, name or alias from the policy; 'all' or none for every product
    category: Вывод      # optional
    language: ru         # optional, ru by default
    url: https://...     # optional: a link article
    state: published     # optional, published by default
    ---
    Markdown body

The file name without ``.md`` is the slug; an existing slug is updated. What the importer
cannot use (an unknown key, product, kind or state, a bad URL) is left out and reported for
that file, which is still imported; only a file without a title, or with neither a body
nor a URL, is refused. One bad file never stops the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from frontmatter.default_handlers import YAMLHandler

from supportdesk.catalog.models import Product
from supportdesk.catalog.services import catalog_sync_from_policy
from supportdesk.kb.models import Article
from supportdesk.policy import Policy, get_policy

KNOWN_KEYS = {"title", "kind", "product", "url", "language", "category", "state"}
ALL_PRODUCTS = {"", "all", "any", "*", "все", "любой", "none"}
KIND_SYNONYMS = {
    "faq": Article.Kind.FAQ, "question": Article.Kind.FAQ, "вопрос": Article.Kind.FAQ,
    "manual": Article.Kind.MANUAL, "docs": Article.Kind.MANUAL, "documentation": Article.Kind.MANUAL,
    "руководство": Article.Kind.MANUAL, "документация": Article.Kind.MANUAL,
    "quick_guide": Article.Kind.QUICK_GUIDE, "quickguide": Article.Kind.QUICK_GUIDE,
    "guide": Article.Kind.QUICK_GUIDE, "howto": Article.Kind.QUICK_GUIDE, "инструкция": Article.Kind.QUICK_GUIDE,
    "forum": Article.Kind.FORUM, "thread": Article.Kind.FORUM, "forumthread": Article.Kind.FORUM,
    "форум": Article.Kind.FORUM,
}
_NOT_ALNUM = re.compile(r"[\W_]+")
_YAML = YAMLHandler()


class FrontMatterError(ValueError):
    pass


def parse_front_matter(text: str) -> tuple[dict[str, object], str]:
    """The YAML mapping between the ``---`` fences and the Markdown after them."""
    text = text.lstrip("\ufeff").lstrip()
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise FrontMatterError(f"the file holds a NUL character (line {line}): not a text file")
    if not _YAML.detect(text):
        raise FrontMatterError("no front matter (the file must start with ---)")
    try:
        front, body = _YAML.split(text)
    except ValueError as exc:
        raise FrontMatterError("front matter is not closed with ---") from exc
    try:
        meta = _YAML.load(front)
    except yaml.YAMLError as exc:
        raise FrontMatterError(f"front matter is not valid YAML: {exc}") from exc
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise FrontMatterError("front matter must be 'key: value' lines")
    for key, value in meta.items():
        if "\x00" in str(value):  # YAML's "\0" escape
            raise FrontMatterError(f"{key}: holds a NUL character")
    return {str(key).strip().lower(): value for key, value in meta.items()}, body.strip() + "\n"


def squash(name: str) -> str:
    """A name compared without case, spaces or punctuation: 'FD On-Air' == 'fdonair'."""
    return _NOT_ALNUM.sub("", name.casefold())


def product_names(policy: Policy) -> dict[str, str]:
    """Every key, name and alias of the policy's products -> product key; ambiguous names are left out."""
    found: dict[str, set[str]] = {}
    for product in policy.products:
        for name in (product.key, product.name, *product.aliases):
            found.setdefault(squash(name), set()).add(product.key)
    return {name: next(iter(keys)) for name, keys in found.items() if len(keys) == 1 and name}


@dataclass
class ImportSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Catalog:
    names: dict[str, str]
    products: dict[str, Product]


def _text(meta: dict[str, object], key: str) -> str:
    value = meta.get(key)
    return "" if value is None else str(value).strip()


def _product(meta: dict[str, object], catalog: _Catalog, notes: list[str]) -> Product | None:
    value = meta.get("product")
    if isinstance(value, list):
        if len(value) != 1:
            notes.append(f"products {value!r}: an article has at most one, imported without a product")
            return None
        value = value[0]
    name = "" if value is None else str(value).strip()
    if name.casefold() in ALL_PRODUCTS:
        return None
    key = catalog.names.get(squash(name))
    if key is None:
        notes.append(f"unknown product {name!r}: imported without a product")
        return None
    return catalog.products[key]


def _kind(meta: dict[str, object], notes: list[str]) -> str:
    value = _text(meta, "kind")
    if not value:
        return Article.Kind.FAQ
    kind = KIND_SYNONYMS.get(squash(value))
    if kind is None:
        notes.append(f"unknown kind {value!r}: imported as {Article.Kind.FAQ.value}")
        return Article.Kind.FAQ
    return kind


def _state(meta: dict[str, object], notes: list[str]) -> str:
    value = _text(meta, "state").lower()
    if not value:
        return Article.State.PUBLISHED
    if value not in Article.State.values:
        notes.append(f"unknown state {value!r}: imported as a draft")
        return Article.State.DRAFT
    return value


def _url(meta: dict[str, object], notes: list[str]) -> str:
    url = _text(meta, "url")
    if url:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            notes.append(f"url {url!r} is not an http(s) URL: left out")
            return ""
    return url


def article_fields(meta: dict[str, object], body: str, catalog: _Catalog,
                   notes: list[str]) -> dict[str, object]:
    """The article's fields; what cannot be used is left out and described in ``notes``."""
    unknown = set(meta) - KNOWN_KEYS
    if unknown:
        notes.append("ignored keys: " + ", ".join(sorted(unknown)))
    title = _text(meta, "title")
    if not title:
        raise FrontMatterError("title is missing")
    url = _url(meta, notes)
    if not url and not body.strip():
        raise FrontMatterError("an article needs a body or a url")
    return {"title": title[:300], "kind": _kind(meta, notes), "product": _product(meta, catalog, notes),
            "url": url, "body": body.strip(), "language": (_text(meta, "language") or "ru")[:8].lower(),
            "category": _text(meta, "category")[:100], "state": _state(meta, notes)}


def kb_import_dir(directory: Path) -> ImportSummary:
    """Import every ``*.md`` file of ``directory``; a bad file is reported, not fatal."""
    summary = ImportSummary()
    policy = get_policy()
    catalog = _Catalog(names=product_names(policy), products=catalog_sync_from_policy(policy))
    for path in sorted(directory.glob("*.md")):
        slug, notes = path.stem, list[str]()
        try:
            if slugify(slug) != slug:
                raise FrontMatterError("the file name must be a slug (lower-case latin letters, digits, -)")
            meta, body = parse_front_matter(path.read_text(encoding="utf-8"))
            fields = article_fields(meta, body, catalog, notes)
            with transaction.atomic():
                _article, created = Article.objects.update_or_create(slug=slug, defaults=fields)
        except (FrontMatterError, UnicodeDecodeError, OSError) as exc:
            summary.errors.append((path.name, str(exc)))
            continue
        (summary.created if created else summary.updated).append(slug)
        summary.notes.extend((path.name, note) for note in notes)
    return summary
