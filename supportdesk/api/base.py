"""What every API view shares: the client's language, the audit entry of each call."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from supportdesk.api.auth import request_token
from supportdesk.api.tokens import token_prefix_of
from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record


def client_language(request: HttpRequest) -> str:
    """The first of the client's Accept-Language ranges we speak (ru, en); Russian otherwise."""
    known = {code for code, _ in settings.LANGUAGES}
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for lang, _q in parse_accept_lang_header(header[:500]):
        base = lang.split("-")[0].lower()
        if base in known:
            return base
    return settings.LANGUAGE_CODE


def api_audit(request: Request, response: Response) -> None:
    """One audit entry per call, naming the token (or the presented token's id when it was refused)."""
    token = request_token(request)
    user = getattr(request, "_user", None)
    if token is not None:
        token_id, token_name = token.prefix, token.name
    else:
        raw = request.META.get("HTTP_AUTHORIZATION", "")
        token_id = token_prefix_of(raw.split(" ", 1)[1].strip()) if " " in raw else ""
        token_name = ""
    audit_record(actor=user if user is not None and user.is_authenticated else None,
                 action=AuditEntry.Action.API_CALL, target=f"{request.method} {request.path}"[:255],
                 details={"token": token_id or None, "token_name": token_name or None,
                          "session": token is None and user is not None and user.is_authenticated,
                          "status": response.status_code})


class ApiView(GenericAPIView):
    """The base of every API view. ``api_resource`` names the scope family it needs."""

    api_resource = ""

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        language = client_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc: Exception) -> Response:
        # Refusals before ``initial`` (none today) would otherwise speak the cookie's language.
        translation.activate(client_language(self.request))
        return super().handle_exception(exc)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        api_audit(request, response)
        return response
