"""How an API request proves who it is, what it may touch and how often.

- ``TokenAuthentication``: ``Authorization: Bearer sdk_...``; the request acts as the token's user.
- ``ScopePermission``: the view's resource and the method's action must be among the token's
  scopes (a logged-in agent's session, used by the docs page, has the scopes of their role).
- ``TokenRateThrottle``: each token's own requests-per-minute, counted in Django's shared cache.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from supportdesk.accounts.roles import is_agent
from supportdesk.api.models import ApiToken
from supportdesk.api.tokens import token_authenticate

SESSION_RATE_PER_MINUTE = 600


class TokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer”, with no spaces in it."))
        try:
            clear = parts[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from exc
        token = token_authenticate(clear)
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("The token has been revoked."))
        if not token.user.is_active or not is_agent(token.user):
            raise exceptions.AuthenticationFailed(_("The token's user is no longer an agent."))
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


def request_token(request: Request) -> ApiToken | None:
    auth = getattr(request, "auth", None)
    return auth if isinstance(auth, ApiToken) else None


class ScopePermission(BasePermission):
    """The view names ``api_resource``; GET/HEAD/OPTIONS need ``<resource>:read``, the rest
    ``<resource>:write``. Only agents (supervisors, administrators) use the API at all."""

    message = _("This token may not do that.")

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            raise exceptions.NotAuthenticated(_("Give an API token: “Authorization: Bearer sdk_…”."))
        if not is_agent(user):
            raise exceptions.PermissionDenied(_("Only agents use the API."))
        token = request_token(request)
        resource = getattr(view, "api_resource", "")
        if token is None or not resource:
            return True  # a staff session (the docs page), or a view for any token (the schema)
        action = "read" if request.method in SAFE_METHODS else "write"
        scope = f"{resource}:{action}"
        if not token.allows(scope):
            raise exceptions.PermissionDenied(_("This token lacks the scope “%(scope)s”.") % {"scope": scope})
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """Per-token limit (the token's ``rate_per_minute``) in the shared cache; a session is
    limited per user. Refusals answer 429 with Retry-After (the exception handler keeps it)."""

    scope = "api"
    rate = f"{SESSION_RATE_PER_MINUTE}/min"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request_token(request)
        if token is not None:
            return f"sd:api:throttle:token:{token.pk}"
        if request.user and request.user.is_authenticated:
            return f"sd:api:throttle:user:{request.user.pk}"
        return None  # refused by authentication anyway

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request_token(request)
        self.num_requests = token.rate_per_minute if token is not None else SESSION_RATE_PER_MINUTE
        self.duration = 60
        return super().allow_request(request, view)
