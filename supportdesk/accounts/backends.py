"""The lockout check in front of Django's password backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginLockoutBackend(AxesStandaloneBackend):
    """django-axes' check for every login that arrives over HTTP (/login/, /admin/login/).
    A call without a request (a management command, Django's test client) is no web
    login: there is no client address to count, so it passes to the next backend."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None,
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
