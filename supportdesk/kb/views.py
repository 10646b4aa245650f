"""Public knowledge-base pages: the list (by product and kind, with search) and an article."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from supportdesk.catalog.models import Product
from supportdesk.kb.models import Article
from supportdesk.kb.rendering import render_markdown
from supportdesk.kb.selectors import published_article, published_articles, search_published


def article_list(request: HttpRequest) -> HttpResponse:
    product = Product.objects.filter(key=request.GET.get("product", ""), is_active=True).first()
    kind = request.GET.get("kind", "")
    query = request.GET.get("q", "").strip()[:300]
    context: dict[str, object] = {
        "products": Product.objects.filter(is_active=True), "kinds": Article.Kind.choices,
        "product": product, "kind": kind, "query": query,
    }
    if query:
        context["hits"] = search_published(query, product=product)
    else:
        context["articles"] = published_articles(product=product, kind=kind)
    return render(request, "kb/list.html", context)


def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = published_article(slug=slug)
    if article.url and not article.body.strip():
        return redirect(article.url)
    return render(request, "kb/article.html", {"article": article, "body_html": render_markdown(article.body)})
