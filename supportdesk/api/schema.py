"""The OpenAPI document: every operation declares the error shape for each refusal it can answer
(so a client, and schemathesis, know every status code), and the Bearer token scheme."""

from __future__ import annotations

from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_STATUSES = {
    "400": "The request is malformed or has invalid fields.",
    "401": "No token, an unknown one, or a revoked one.",
    "403": "The token lacks the scope, or its user the role.",
    "404": "No such object (or one of another team).",
    "405": "The method is not allowed here.",
    "406": "The Accept header asks for a type the API does not answer with.",
    "409": "The lifecycle or a confirmation refuses the change.",
    "415": "The body's content type is not accepted here.",
    "422": "A rule of the policy refuses the request.",
    "429": "The token's rate limit is spent; see Retry-After.",
}
ERROR_EXAMPLE = {"error": {"code": "not_found", "message": "Нет заявки №12345.", "fields": {}}}
_ERROR_REF = {"$ref": "#/components/schemas/Error"}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "supportdesk.api.auth.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "sdk_<id>_<secret>",
                "description": "An API token issued by an administrator (shown once)."}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the Error schema and its responses on every operation."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = {
        "type": "object", "required": ["error"], "additionalProperties": False,
        "properties": {"error": {
            "type": "object", "required": ["code", "message", "fields"], "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "description": "Stable, for programs: not_found, invalid, rate_limited ..."},
                "message": {"type": "string", "description": "For people, in the Accept-Language (ru default, en)."},
                "fields": {"type": "object", "additionalProperties": True,
                           "description": "Per-field messages (validation) or what the rule allows."},
            }}},
        "example": ERROR_EXAMPLE,
    }
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, text in ERROR_STATUSES.items():
                responses.setdefault(code, {"description": text,
                                            "content": {"application/json": {"schema": _ERROR_REF}}})
    return result
