"""The best articles for a request's text: for the acknowledgment, the composer and agents."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from supportdesk.catalog.models import Product
from supportdesk.kb.models import Article
from supportdesk.policy.public_url import public_url
from supportdesk.search.query import search
from supportdesk.tickets.models import Message, Ticket

# A suggestion must share this many distinct terms with the request (one if the
# request has a single term): one common word in a long mail is not a match.
MIN_MATCHED = 2
SUGGEST_TEXT_LIMIT = 4000


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


def kb_suggest(text: str, *, language: str, product: Product | None = None, limit: int = 3) -> list[Suggestion]:
    """Published articles in ``language`` (general ones and ``product``'s), best first."""
    text = text[:SUGGEST_TEXT_LIMIT]
    products: list[int | None] | None = [None, product.pk] if product is not None else None
    result = search(text, kind="article", mode="any", limit=limit, public_only=True, language=language,
                    product_ids=products, min_matched=MIN_MATCHED, with_snippets=False)
    if not result.hits and len(result.query_terms) == 1:
        result = search(text, kind="article", mode="any", limit=limit, public_only=True, language=language,
                        product_ids=products, min_matched=1, with_snippets=False)
    articles = Article.objects.in_bulk([h.object_id for h in result.hits])
    out = []
    for hit in result.hits:
        article = articles.get(hit.object_id)
        if article is not None and article.state == Article.State.PUBLISHED:
            out.append(Suggestion(slug=article.slug, title=article.title, url=article_public_url(article),
                                  score=hit.score, kind=article.kind))
    return out


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
