"""Issuing, checking and revoking API tokens (the only writer of ApiToken rows).

A token reads ``sdk_<prefix>_<secret>``: the prefix finds the row, the secret's SHA-256 is
compared in constant time. The secret is random (256 bits), so a plain hash is enough: there is
nothing to guess from a leaked hash.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from supportdesk.accounts.roles import is_agent
from supportdesk.api.models import DEFAULT_RATE_PER_MINUTE, SCOPES, ApiToken
from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record

TOKEN_PREFIX = "sdk_"  # noqa: S105 - the public marker of our tokens, not a secret
MAX_RATE_PER_MINUTE = 100_000


class TokenError(ValueError):
    pass


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    clear: str  # shown once; never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(raw: Sequence[str] | str) -> list[str]:
    """Scopes from a list or a comma/space separated text; ``all`` means every scope,
    ``<resource>:*`` both of a resource. TokenError names an unknown one."""
    items = raw.replace(",", " ").split() if isinstance(raw, str) else [s.strip() for s in raw]
    found: list[str] = []
    for item in items:
        if item == "all":
            found += SCOPES
        elif item.endswith(":*") and f"{item[:-2]}:read" in SCOPES:
            found += [f"{item[:-2]}:read", f"{item[:-2]}:write"]
        elif item in SCOPES:
            found.append(item)
        elif item:
            raise TokenError(gettext("Unknown scope “%(scope)s”; the scopes are: %(all)s.")
                             % {"scope": item, "all": ", ".join(SCOPES)})
    if not found:
        raise TokenError(gettext("A token needs at least one scope."))
    return sorted(set(found), key=SCOPES.index)


def token_issue(*, name: str, user: User, scopes: Sequence[str] | str, by_user: User | None,
                rate_per_minute: int = DEFAULT_RATE_PER_MINUTE) -> IssuedToken:
    """A new token acting as ``user`` (who must be an agent, supervisor or administrator)."""
    name = " ".join(name.split())[:100]
    if not name:
        raise TokenError(gettext("Name the integration the token is for."))
    if not is_agent(user):
        raise TokenError(gettext("A token acts as an agent, a supervisor or an administrator; "
                                 "%(user)s is none of them.") % {"user": user.get_username()})
    if not 1 <= rate_per_minute <= MAX_RATE_PER_MINUTE:
        raise TokenError(gettext("The rate limit must be between 1 and %(max)s requests per minute.")
                         % {"max": MAX_RATE_PER_MINUTE})
    chosen = parse_scopes(scopes)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(name=name, user=user, prefix=prefix, secret_sha256=_digest(secret),
                                        scopes=chosen, rate_per_minute=rate_per_minute,
                                        created_at=timezone.now(), created_by=by_user)
        audit_record(actor=by_user, action=AuditEntry.Action.API_TOKEN, target=token,
                     details={"event": "issued", "token": prefix, "user": user.get_username(), "scopes": chosen})
    return IssuedToken(token=token, clear=f"{TOKEN_PREFIX}{prefix}_{secret}")


def token_revoke(*, token: ApiToken, by_user: User | None) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit_record(actor=by_user, action=AuditEntry.Action.API_TOKEN, target=token,
                         details={"event": "revoked", "token": token.prefix})
    return token


def token_prefix_of(clear: str) -> str:
    """The public id part of a presented token ('' if it is not shaped like one)."""
    if not clear.startswith(TOKEN_PREFIX):
        return ""
    prefix, sep, _secret = clear[len(TOKEN_PREFIX):].partition("_")
    return prefix[:16] if sep else ""


def token_authenticate(clear: str) -> ApiToken | None:
    """The token ``clear`` names, or None (unknown, wrong secret); the caller refuses a revoked one."""
    prefix = token_prefix_of(clear)
    if not prefix:
        return None
    secret = clear[len(TOKEN_PREFIX) + len(prefix) + 1:]
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.secret_sha256, _digest(secret)):
        return None
    return token


def tokens_listed() -> list[ApiToken]:
    return list(ApiToken.objects.select_related("user", "created_by").order_by("-created_at", "-id"))
