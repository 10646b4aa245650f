"""The user behind the current request, for audit entries recorded by signals that carry
no request (group membership, admin log entries made by a bulk action)."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest, HttpResponse

_actor: ContextVar[AbstractBaseUser | AnonymousUser | None] = ContextVar("audit_actor", default=None)


def current_actor() -> AbstractBaseUser | None:
    user = _actor.get()
    return user if user is not None and user.is_authenticated else None  # type: ignore[return-value]


class AuditActorMiddleware:
    """After AuthenticationMiddleware: remembers ``request.user`` for the request's duration."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _actor.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)
