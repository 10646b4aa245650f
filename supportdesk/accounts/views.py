"""The code step of the login and the page where an agent enrols or removes an authenticator."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from supportdesk.accounts.roles import is_agent
from supportdesk.accounts.two_factor import (
    confirmed_device,
    device_secret,
    enrolment_required,
    is_administrator,
    pending_device,
    seconds_until_allowed,
    session_verified,
    session_verify,
    totp_device_confirm,
    totp_device_remove,
    totp_device_start,
)


def _user(request: HttpRequest) -> User:
    """The signed-in user of a view behind ``login_required``."""
    assert isinstance(request.user, User)
    return request.user


def _next_url(request: HttpRequest) -> str:
    """The page to go on to: a path on this site, else the queue."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _wrong_code_message(request: HttpRequest) -> str:
    wait = seconds_until_allowed(user=_user(request))
    if wait:
        return _("Wrong code. Too many wrong codes: try again in %(seconds)d s.") % {"seconds": wait}
    return _("Wrong code.")


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if session_verified(request) or confirmed_device(user=user) is None:
        return HttpResponseRedirect(_next_url(request))
    error = ""
    if request.method == "POST":
        if session_verify(request=request, user=user, code=request.POST.get("code", "")):
            return HttpResponseRedirect(_next_url(request))
        error = _wrong_code_message(request)
    return render(request, "accounts/two_factor_verify.html",
                  {"error": error, "next": _next_url(request)}, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (is_agent(user) or is_administrator(user)):
        raise PermissionDenied("agents only")
    error = ""
    if request.method == "POST":
        action, code = request.POST.get("action", ""), request.POST.get("code", "")
        if action == "start":
            totp_device_start(user=user)
            target = reverse("two_factor_setup")
            nxt = request.POST.get("next", "")
            return redirect(f"{target}?{urlencode({'next': nxt})}" if nxt else target)
        if action == "confirm":
            if totp_device_confirm(request=request, user=user, code=code):
                messages.success(request, _("Two-factor sign-in is on."))
                return HttpResponseRedirect(_next_url(request) if request.POST.get("next") else reverse("two_factor_setup"))
            error = _wrong_code_message(request)
        elif action == "remove":
            if totp_device_remove(user=user, code=code):
                messages.success(request, _("Two-factor sign-in is off."))
                return redirect("two_factor_setup")
            error = _wrong_code_message(request)
        else:
            error = _("Unknown action.")
    device = confirmed_device(user=user)
    pending = None if device else pending_device(user=user)
    context = {
        "device": device,
        "pending": pending,
        "secret": device_secret(pending) if pending else "",
        "required": enrolment_required(user=user),
        "error": error,
        "next": request.POST.get("next") or request.GET.get("next") or "",
    }
    return render(request, "accounts/two_factor_setup.html", context, status=400 if error else 200)
