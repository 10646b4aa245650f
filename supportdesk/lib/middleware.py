"""Russian by default, English on request: the chosen language lives in the language cookie.

Django's LocaleMiddleware would follow the browser's Accept-Language, so an English-language
browser would never see the Russian UI the rules are written in; here only an explicit choice
(the language switch, which sets the cookie) changes the language.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_cache_control


class ExplicitLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.known = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.known else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every page for a signed-in user (agent pages,
    the admin) and for a visitor whose session holds something (the portal's ticket access):
    neither a shared proxy nor the browser's disk cache keeps a copy of a ticket."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if (user is not None and user.is_authenticated) or (session is not None and not session.is_empty()):
            patch_cache_control(response, private=True, no_store=True)
        return response
