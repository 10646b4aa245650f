"""The best articles for a request's text: for the acknowledgment, the composer and agents."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse

from supportdesk.catalog.cached import products_by_key
from supportdesk.catalog.models import Product
from supportdesk.checklist.model import ProductSpec
from supportdesk.checklist.versions import find_version
from supportdesk.kb.lexicon import load_lexicon
from supportdesk.kb.models import Article
from supportdesk.kb.ranking import Weights, rank_articles, request_product, text_language
from supportdesk.policy import get_policy
from supportdesk.policy.public_url import public_url
from supportdesk.tickets.models import Message, Ticket

SUGGEST_TEXT_LIMIT = 4000
# Words the synonym groups add count for less than the customer's own words.
EXPANSION_WEIGHT = 0.5
# The product the request names moves its articles up and other products' articles down; it
# is never a match by itself (product names are not query terms).
SAME_PRODUCT = 1.25
OTHER_PRODUCT = 0.8
# A request term that no article holds counts this much of its weight against the confidence.
UNKNOWN_TERM = 0.25
WEIGHTS = Weights(expansion=EXPANSION_WEIGHT, same_product=SAME_PRODUCT, other_product=OTHER_PRODUCT,
                  unknown=UNKNOWN_TERM)
# The calibrated "no answer": below this confidence of the best article (kb/ranking.py) the
# request gets no suggestion. Measured on the tune half of the development set by
# bench/kb_quality.py: the value refusing the most unanswered requests (real ones, and answered
# ones asked again without their right articles) while keeping 90 % of the right suggestions.
MIN_CONFIDENCE = 0.24


@dataclass(frozen=True)
class Suggestion:
    slug: str
    title: str
    url: str  # absolute: the public article page, or the vendor's page for a link article
    score: float
    kind: str

    def as_json(self) -> dict[str, object]:
        return {"slug": self.slug, "title": self.title, "url": self.url, "score": self.score, "kind": self.kind}


def article_public_url(article: Article) -> str:
    if article.url and not article.body.strip():
        return article.url
    return public_url(reverse("kb:article", kwargs={"slug": article.slug}))


def _product_specs() -> tuple[ProductSpec, ...]:
    return tuple(ProductSpec(key=p.key, name=p.name, aliases=p.aliases) for p in get_policy().products)


_VERSION_HOWTO = re.compile(
    r"(?:как|где|how\s+to|where).{0,40}(?:верси|version)|(?:верси|version).{0,20}(?:узна|определ|find|check)",
    re.IGNORECASE | re.DOTALL)


def is_version_howto(title: str) -> bool:
    """An article on how to find the installed version (useless to a customer who gave it)."""
    return bool(_VERSION_HOWTO.search(title))


def kb_suggest(text: str, *, language: str, product: Product | None = None, limit: int = 3,
               min_confidence: float | None = None) -> list[Suggestion]:
    """Published articles (any language) answering ``text``, best first; none when no article
    is confident enough or the request asks for no troubleshooting (a purchase, a wish).

    The request's language is read from its text (``language``, the caller's guess, only when
    the text has no letters to tell: the command line guesses "ru" for any text file); articles
    in the other language come through the lexicon's translations. ``product`` (or the product
    the text names) is a prior."""
    text = text[:SUGGEST_TEXT_LIMIT]
    lexicon = load_lexicon()
    if not text.strip() or lexicon.asks_no_troubleshooting(text):
        return []
    specs = _product_specs()
    product_key = product.key if product is not None else request_product(text, specs)
    product_ids = {key: p.pk for key, p in products_by_key().items()} if product_key else {}
    # Two more than asked: the version article may be dropped below.
    ranked = rank_articles(text, language=text_language(text, language), lexicon=lexicon, products=specs,
                           weights=WEIGHTS, product_key=product_key, product_ids=product_ids, limit=limit + 2)
    threshold = MIN_CONFIDENCE if min_confidence is None else min_confidence
    if not ranked or ranked[0].confidence < threshold:
        return []
    articles = Article.objects.filter(state=Article.State.PUBLISHED).in_bulk([r.object_id for r in ranked])
    gave_version = find_version(text, specs) is not None
    out = []
    for r in ranked:
        article = articles.get(r.object_id)
        if article is None or (gave_version and is_version_howto(article.title)):
            continue
        out.append(Suggestion(slug=article.slug, title=article.title, url=article_public_url(article),
                              score=r.score, kind=article.kind))
    return out[:limit]


def ticket_request_text(ticket: Ticket) -> str:
    """The subject and the customer's first message: what the request is about."""
    first = (Message.objects.filter(ticket=ticket, kind=Message.Kind.INCOMING, is_robot=False)
             .order_by("created_at", "id").values_list("body_text", "quoted_start").first())
    body = ""
    if first:
        body = first[0][:first[1]] if first[1] else first[0]
    return f"{ticket.subject}\n{body}"


def kb_suggestions_for_ticket(ticket: Ticket, limit: int = 3) -> list[Suggestion]:
    """For the agent's ticket page: articles to paste a link to."""
    return kb_suggest(ticket_request_text(ticket), language=ticket.language or "ru", product=ticket.product,
                      limit=limit)
