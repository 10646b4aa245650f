"""The gate after the password: a signed-in user with a confirmed TOTP device reaches no page
but the code page until this session is verified; an administrator the policy requires to use
two-factor sign-in and who has no device reaches no page but the enrolment page. Covers the
agent pages and /admin/ alike (the admin login is the same session)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from supportdesk.accounts.two_factor import confirmed_device, enrolment_required, session_verified


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or session_verified(request) or self._always_open(request):
            return self.get_response(request)
        if confirmed_device(user=user) is not None:
            return self._to("two_factor_verify", request)
        if enrolment_required(user=user) and request.path != reverse("two_factor_setup"):
            return self._to("two_factor_setup", request)
        return self.get_response(request)

    @staticmethod
    def _always_open(request: HttpRequest) -> bool:
        open_paths = {reverse("two_factor_verify"), reverse("logout"), reverse("set_language")}
        return request.path in open_paths or request.path.startswith(settings.STATIC_URL)

    @staticmethod
    def _to(name: str, request: HttpRequest) -> HttpResponse:
        return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
