"""What django-axes asks of us: the page a locked-out login gets (AXES_LOCKOUT_CALLABLE) and the
user name an attempt is counted under (AXES_USERNAME_CALLABLE)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    minutes = max(1, round(settings.AXES_COOLOFF_TIME.total_seconds() / 60))
    return render(request, "accounts/locked_out.html",
                  {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}, status=429)


# axes stores the name in a 255-character column; PostgreSQL refuses a longer value (a 500 on
# /login/ for a pasted blob). No account has such a name (Django's limit is 150), so a cut
# name counts the attempt without ever matching a real user.
_USERNAME_COLUMN = 255


def login_username(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str | None:
    name = (credentials or {}).get("username")
    if name is None:
        name = request.POST.get("username")
    return None if name is None else str(name)[:_USERNAME_COLUMN]
