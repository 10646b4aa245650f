"""One JSON error shape for every refusal: ``{"error": {"code", "message", "fields"}}``.

The message is in the client's language (Accept-Language, Russian by default). Every bad input is a
4xx: the services' refusals are mapped here (lifecycle → 409, rule refusals → 422, another team's
ticket → 404 exactly like a missing one).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext
from rest_framework import exceptions, status
from rest_framework.response import Response

from supportdesk.policy import get_policy
from supportdesk.tickets.lifecycle import TRANSITIONS, IllegalTransition
from supportdesk.tickets.models import Status
from supportdesk.tickets.services import ChannelNotAccepted, ConfirmationRequired

# DRF exception class -> our stable code.
_CODES: dict[type[exceptions.APIException], str] = {
    exceptions.ValidationError: "invalid",
    exceptions.ParseError: "malformed_request",
    exceptions.AuthenticationFailed: "not_authenticated",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "forbidden",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
}


class Unprocessable(exceptions.APIException):
    """A well-formed request the rules refuse (422)."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"

    def __init__(self, message: str, *, code: str = "unprocessable", fields: dict[str, Any] | None = None) -> None:
        super().__init__(message, code)
        self.error_code = code
        self.fields = fields or {}


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, message: str, *, code: str = "conflict", fields: dict[str, Any] | None = None) -> None:
        super().__init__(message, code)
        self.error_code = code
        self.fields = fields or {}


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def channel_refusal(channel: str) -> Unprocessable:
    official = list(get_policy().channels.accepted)
    return Unprocessable(
        gettext("“%(channel)s” is not an official support channel: requests are registered only from %(official)s.")
        % {"channel": channel, "official": ", ".join(official)},
        code="channel_not_accepted", fields={"channel": official})


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def _transition_refusal(exc: IllegalTransition) -> Conflict:
    allowed = sorted(TRANSITIONS.get(exc.from_status, ()))
    return Conflict(
        gettext("A ticket cannot go from “%(from)s” to “%(to)s”. Allowed: %(allowed)s.") % {
            "from": _status_label(exc.from_status), "to": _status_label(exc.to_status),
            "allowed": ", ".join(allowed) or gettext("none, the ticket is final")},
        code="illegal_transition", fields={"status": allowed})


def _flatten(detail: Any) -> Any:
    """DRF's error detail as plain strings (lists of messages per field)."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def _translate(exc: Exception) -> exceptions.APIException:
    """A service's or Django's exception as the API exception to answer with."""
    if isinstance(exc, exceptions.APIException):
        return exc
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return exceptions.NotFound(gettext("Not found."))
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(gettext("You may not do that."))
    if isinstance(exc, ChannelNotAccepted):
        return channel_refusal(exc.channel)
    if isinstance(exc, IllegalTransition):
        return _transition_refusal(exc)
    if isinstance(exc, ConfirmationRequired):
        return Conflict(exc.question, code="confirmation_required",
                        fields={"confirmed": [gettext("Send “confirmed”: true (and a reason where asked).")]})
    if isinstance(exc, ValueError):  # InvalidAction, BadTag, TicketClosed, NoEmailAddress, BadPhoneNumber ...
        return Unprocessable(str(exc), code="refused")
    raise exc


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    try:
        api_exc = _translate(exc)
    except Exception:  # noqa: BLE001 - not ours to answer: Django's 500 handling (and the log) takes it
        return None
    code = getattr(api_exc, "error_code", None) or next(
        (c for cls, c in _CODES.items() if isinstance(api_exc, cls)), "error")
    fields: dict[str, Any] = dict(getattr(api_exc, "fields", {}) or {})
    detail = api_exc.detail
    if isinstance(api_exc, exceptions.ValidationError):
        flat = _flatten(detail)
        if isinstance(flat, dict):
            fields.update({k: v if isinstance(v, list) else [v] for k, v in flat.items()})
            general = fields.pop("non_field_errors", None)
            message = " ".join(map(str, general)) if general else gettext("The request has invalid fields.")
        else:
            message = " ".join(map(str, flat)) if isinstance(flat, list) else str(flat)
    else:
        message = str(detail) if not isinstance(detail, dict | list) else gettext("The request was refused.")
    headers: dict[str, str] = {}
    auth_header = getattr(api_exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(api_exc, "wait", None)
    if wait is not None:
        headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    response = Response(error_body(code, message, fields), status=api_exc.status_code, headers=headers)
    if isinstance(api_exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        view = context.get("view")
        request = context.get("request")
        if view is not None and request is not None:
            header = view.get_authenticate_header(request)
            if header:
                response["WWW-Authenticate"] = header
            else:
                response.status_code = status.HTTP_403_FORBIDDEN
    return response
