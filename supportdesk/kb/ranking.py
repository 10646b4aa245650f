"""Ranking published articles against a whole request text, with a calibrated "no answer".

A request is not a search query: it is long, it names the product, it uses the customer's
words (slang, the other language). So:
- product names are not terms: the product a request names is a prior on the articles of that
  product, never a match by itself;
- the lexicon's synonym groups add the documentation's words (and the other language's) at a
  lower weight than the customer's own words;
- the score is BM25F over the index's stored terms; the *confidence* of an article is its score
  divided by what an ideal article (one holding every matchable term of the request once)
  would get, times (1 + the share of its title's terms the request holds) / 2. Below a
  threshold measured on a tune split (bench/kb_quality.py), nothing is suggested.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache

from supportdesk.checklist.model import ProductSpec
from supportdesk.checklist.text import normalise
from supportdesk.checklist.versions import find_mentions
from supportdesk.kb.lexicon import Lexicon
from supportdesk.search.backends import match_ids
from supportdesk.search.models import SearchDocument
from supportdesk.search.text import DocStats, bm25_scores, normalise_word, query_terms, term_counts


@dataclass(frozen=True)
class Weights:
    expansion: float  # a synonym's weight relative to the customer's own word (same language)
    same_product: float  # factor for an article of the product the request names
    other_product: float  # factor for an article of another product
    unknown: float = 0.0  # weight, in the ideal score, of a request term no article holds


@dataclass(frozen=True)
class RankedArticle:
    object_id: int
    score: float
    confidence: float
    matched: tuple[str, ...]  # the request's own terms the article holds


@lru_cache(maxsize=16)
def _product_terms(products: tuple[ProductSpec, ...]) -> frozenset[str]:
    found: set[str] = set()
    for product in products:
        for name in (product.name, product.key, *product.aliases):
            found.update(query_terms(name.replace("-", " ")))
            found.add(normalise_word(name.replace("-", "").replace(" ", "")))
    found.discard("")
    return frozenset(found)


# The letters counted, in C (a loop over a long body's characters in Python cost more than the
# rest of the suggestion): what is left once everything else is removed. Russian's Cyrillic,
# and Latin with the two signs that lower-case into it (İ, the Kelvin sign).
_NOT_CYRILLIC = re.compile("[^\u0401\u0410-\u044f\u0451]+")
_NOT_LATIN = re.compile("[^A-Za-z\u0130\u212a]+")


def text_language(text: str, default: str = "ru") -> str:
    """"ru" when most letters are Cyrillic, "en" when most are Latin (product names are Latin in
    either), ``default`` when the text has no letters to tell."""
    cyrillic = len(_NOT_CYRILLIC.sub("", text))
    latin = len(_NOT_LATIN.sub("", text))
    if cyrillic == latin == 0:
        return default
    return "ru" if cyrillic >= latin else "en"


def request_product(text: str, products: Sequence[ProductSpec]) -> str | None:
    """The key of the first product the request names, if any."""
    mentions = find_mentions(normalise(text), products)
    return mentions[0].product.key if mentions else None


def _idf(df: int, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def _ideal(own: Sequence[str], held: dict[int, frozenset[str]], lexicon: Lexicon, total: int,
           unknown: float) -> float:
    """The score of an article holding every term of the request once (in some language).

    A term no article holds, not even through its synonyms, still counts ``unknown`` of its
    weight: a request mostly about things the KB does not know is not answered by the one
    article that shares its single common word."""
    serves: dict[str, list[str]] = {}  # an article term -> the request's terms it stands for
    for term in own:
        for form in {term} | lexicon.related.get(term, frozenset()):
            serves.setdefault(form, []).append(term)
    df = dict.fromkeys(own, 0)
    for terms in held.values():
        for term in {t for form in terms for t in serves.get(form, ())}:
            df[term] += 1
    return sum(_idf(df[t], total) * (1.0 if df[t] else unknown) for t in own)


@lru_cache(maxsize=16384)
def _vocabulary(stored: str) -> frozenset[str]:
    return frozenset(term_counts(stored)[0])


def _candidates(found: list[tuple[int, int, str]], total: int) -> list[tuple[int, int, int | None, str, str, str]]:
    """(id, object id, product, language, title terms, body terms) of the matched documents: a
    broad match (usual for a whole request) reads the public articles in one plain query rather
    than a thousand-id IN list."""
    ids = {pk for pk, _obj, _title in found}
    fields = ("id", "object_id", "product_id", "language", "title_terms", "body_terms")
    if len(ids) * 2 > total:
        rows = SearchDocument.objects.filter(kind="article", is_public=True).values_list(*fields)
        return [row for row in rows if row[0] in ids]
    return list(SearchDocument.objects.filter(pk__in=ids).values_list(*fields))


def rank_articles(text: str, *, language: str, lexicon: Lexicon, products: Sequence[ProductSpec], weights: Weights,
                  product_key: str | None, product_ids: dict[str, int], limit: int,
                  exclude: Collection[int] = ()) -> list[RankedArticle]:
    """Published articles for ``text``, best first (at most ``limit``), each with its confidence;
    ``exclude``: article ids left out (the calibration asks what would come without them)."""
    names = _product_terms(tuple(products))
    own = [t for t in query_terms(text, limit=80) if t not in names]
    extra = [t for t in lexicon.expand(own) if t not in names]
    found = match_ids(own + extra, mode="any", kind="article", extra_where="d.is_public = %s", params=[True])
    if not found:
        return []
    total = SearchDocument.objects.filter(kind="article", is_public=True).count()
    rows = _candidates(found, total)
    stats = {pk: DocStats(title, body) for pk, _obj, _prod, _lang, title, body in rows}
    objects = {pk: (obj, prod, lang) for pk, obj, prod, lang, _title, _body in rows}
    own_scores = bm25_scores(stats, own, total_docs=total)
    extra_scores = bm25_scores(stats, extra, total_docs=total)
    asked = frozenset(own) | frozenset(extra)
    held: dict[int, frozenset[str]] = {}
    title_share: dict[int, float] = {}
    for pk, doc in stats.items():
        title = _vocabulary(doc.title)
        in_title = asked & title
        held[pk] = in_title | (asked & _vocabulary(doc.body))
        title_share[pk] = len(in_title) / len(title) if title else 0.0
    ideal = _ideal(own, held, lexicon, max(total, len(stats)), weights.unknown)
    same = product_ids.get(product_key) if product_key else None
    scores: list[tuple[float, int, int]] = []
    for pk, (object_id, article_product, article_language) in objects.items():
        if object_id in exclude:
            continue
        factor = 1.0
        if same is not None and article_product is not None:
            factor = weights.same_product if article_product == same else weights.other_product
        # An article in the other language is reached only through the translations: they are
        # the customer's words there.
        expansion = weights.expansion if article_language == language else 1.0
        scores.append((factor * (own_scores.get(pk, 0.0) + expansion * extra_scores.get(pk, 0.0)), object_id, pk))
    scores.sort(key=lambda row: (-round(row[0], 9), -row[1]))
    ranked = []
    for score, object_id, pk in scores[:limit]:
        # The second check: an article that answers usually has its title's words in the request.
        confidence = score / ideal * (1 + title_share[pk]) / 2 if ideal else 0.0
        ranked.append(RankedArticle(object_id, round(score, 4), round(confidence, 4),
                                    tuple(sorted(held[pk].intersection(own)))))
    return ranked
