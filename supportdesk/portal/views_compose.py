"""The request composer: the four items with hints, live suggestions, a mailto: link."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from supportdesk.catalog.models import Product
from supportdesk.kb.suggest import Suggestion, kb_suggest
from supportdesk.lib.client_ip import client_ip
from supportdesk.lib.ratelimit import address_bucket, rate_hit, rate_key
from supportdesk.policy import get_policy
from supportdesk.portal.compose import ComposedMail, compose_mail
from supportdesk.portal.web_form import WebRequestError, web_request_create

PREVIEWS_PER_MINUTE = 60


def _language() -> str:
    return "en" if get_language() == "en" else "ru"


def _read(request: HttpRequest, data: dict[str, str]) -> tuple[ComposedMail, list[Suggestion], Product | None]:
    policy = get_policy()
    product = Product.objects.filter(key=data.get("product", ""), is_active=True).first()
    values = {item.key: data.get(item.key, "") for item in policy.request_items}
    mail = compose_mail(to=policy.support_email, subject=data.get("subject", ""),
                        product_name=product.name if product else "", items=policy.request_items,
                        values=values, language=_language(), product_label=_("Product"))
    text = " ".join([data.get("subject", ""), values.get("description", ""), values.get("steps", "")])
    suggestions = kb_suggest(text, language=_language(), product=product) if text.strip() else []
    return mail, suggestions, product


def composer(request: HttpRequest) -> HttpResponse:
    policy = get_policy()
    data = {k: str(v)[:4000] for k, v in request.GET.items()}
    mail, suggestions, product = _read(request, data)
    english = _language() == "en"
    items = [{"key": i.key, "title": i.title_en if english else i.title, "hint": i.hint_en if english else i.hint,
              "value": data.get(i.key, "")} for i in policy.request_items]
    return render(request, "portal/compose.html", {
        "items": items, "products": Product.objects.filter(is_active=True), "product": product,
        "subject": data.get("subject", ""), "mail": mail, "suggestions": suggestions,
        "product_hints": {p.key: {"version": p.version_hint_en if english else p.version_hint,
                                  "settings": p.settings_hint_en if english else p.settings_hint}
                          for p in policy.products},
        "web_form": policy.channels.web_form,
    })


def composer_preview(request: HttpRequest) -> JsonResponse:
    """For the page's script: the current mailto: link and suggestions. Each call runs a
    full-text search, so an anonymous client address gets PREVIEWS_PER_MINUTE of them."""
    if rate_hit(key=rate_key("compose-preview", address_bucket(client_ip(request))), limit=PREVIEWS_PER_MINUTE,
                window_seconds=60):
        return JsonResponse({"error": "rate_limited", "message": _("Too many requests; please wait a minute.")},
                            status=429)
    mail, suggestions, _product = _read(request, {k: str(v)[:4000] for k, v in request.GET.items()})
    return JsonResponse({"mailto": mail.mailto, "subject": mail.subject, "body": mail.body,
                         "suggestions": [s.as_json() for s in suggestions]})


@require_POST
def composer_submit(request: HttpRequest) -> HttpResponse:
    """Only when the policy makes the web form a channel of its own (off by default)."""
    if not get_policy().channels.web_form:
        raise Http404("the web form is not a support channel here")
    data = {k: str(v)[:4000] for k, v in request.POST.items()}
    mail, _s, product = _read(request, data)
    try:
        ticket = web_request_create(email=data.get("email", ""), name=data.get("name", ""), subject=mail.subject,
                                    body=mail.body, product=product, language=_language())
    except WebRequestError as exc:
        return render(request, "portal/compose_sent.html", {"error": str(exc)}, status=400)
    return render(request, "portal/compose_sent.html", {"ticket": ticket})
