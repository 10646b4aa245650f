"""The OpenAPI document: every operation declares the error shape for each refusal it can answer
(so a client, and schemathesis, know every status code), the Bearer token scheme, and the links
from a response to the operations its values feed."""

from __future__ import annotations

from dataclasses import dataclass, field
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
_METHODS = frozenset({"get", "post", "put", "patch", "delete"})


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
            if method not in _METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, text in ERROR_STATUSES.items():
                responses.setdefault(code, {"description": text,
                                            "content": {"application/json": {"schema": _ERROR_REF}}})
    return result


# --- links ---------------------------------------------------------------------------------------
# OpenAPI links say which value of a response feeds which next operation, so that a client (and
# schemathesis' stateful run) can follow "create a ticket -> reply to it" without guessing ids.
# drf-spectacular (0.30) has no per-response links, hence this table and the hook below.


@dataclass(frozen=True)
class Link:
    target: str  # the operationId the value feeds
    description: str
    parameters: dict[str, str] = field(default_factory=dict)
    request_body: dict[str, str] | None = None

    def as_openapi(self) -> dict[str, Any]:
        link: dict[str, Any] = {"operationId": self.target, "description": self.description}
        if self.parameters:
            link["parameters"] = dict(self.parameters)
        if self.request_body is not None:
            link["requestBody"] = dict(self.request_body)
        return link


def _on_ticket(pointer: str) -> dict[str, Link]:
    """What an agent does next on the ticket whose number is at ``pointer`` of the response."""
    ticket = f"$response.body#{pointer}"
    return {
        "ReadTicket": Link("tickets_read", "The ticket with its conversation.", {"id": ticket}),
        "ReplyToTicket": Link("tickets_reply", "E-mail the customer a reply on this ticket.", {"id": ticket}),
        "AddNote": Link("tickets_note", "An internal note on this ticket.", {"id": ticket}),
        "ChangeStatus": Link("tickets_set_status", "Move this ticket through its lifecycle.", {"id": ticket}),
        "Assign": Link("tickets_assign", "Assign this ticket.", {"id": ticket}),
        "SetPriority": Link("tickets_set_priority", "Change this ticket's priority.", {"id": ticket}),
        "Tag": Link("tickets_tag", "Tag this ticket.", {"id": ticket}),
        "LogCall": Link("calls_log", "Log a call on this ticket.", request_body={"ticket": ticket}),
    }


def _first_of_page(operation: str, what: str, field: str = "id") -> dict[str, Link]:
    """A list's link to reading its page's first item."""
    name = "ReadFirst" + what.capitalize()
    return {name: Link(operation, f"The first {what} of the page.", {field: f"$response.body#/results/0/{field}"})}


_READ_CUSTOMER = Link("customers_read", "The ticket's customer.", {"id": "$response.body#/customer/id"})
_TICKET = {**_on_ticket("/id"), "ReadCustomer": _READ_CUSTOMER}

# (source operationId, status code) -> the links of that response, by name.
LINKS: dict[tuple[str, str], dict[str, Link]] = {
    # A new ticket, and a ticket read, lead on to what is done to a ticket. (The changes answer
    # with the ticket too; a client goes on from there as from a read, so no links of their own.)
    ("tickets_create", "201"): _TICKET,
    ("tickets_read", "200"): _TICKET,
    ("tickets_list", "200"): _first_of_page("tickets_read", "ticket"),
    # A logged call is on a ticket: the caller's new phone ticket, or the one named.
    ("calls_log", "201"): {**_on_ticket("/ticket"),
                           "ReadCaller": Link("customers_read", "The caller.", {"id": "$response.body#/customer"})},
    ("calls_list", "200"): {"ReadCallTicket": Link("tickets_read", "The ticket of the newest call.",
                                                   {"id": "$response.body#/results/0/ticket"})},
    ("customers_read", "200"): {"ReadCompany": Link("companies_read", "The customer's company.",
                                                    {"id": "$response.body#/company/id"})},
    ("customers_list", "200"): _first_of_page("customers_read", "customer"),
    ("companies_list", "200"): _first_of_page("companies_read", "company"),
    ("kb_articles_list", "200"): _first_of_page("kb_articles_read", "article", "slug"),
    ("kb_search", "200"): {"ReadBestHit": Link("kb_articles_read", "The best-matching article.",
                                               {"slug": "$response.body#/0/slug"})},
    ("kb_suggest", "200"): {"ReadBestSuggestion": Link("kb_articles_read", "The most confident suggestion.",
                                                       {"slug": "$response.body#/0/slug"})},
    ("releases_create", "201"): {"Publish": Link("releases_publish", "Publish the planned release.",
                                                 {"id": "$response.body#/id"})},
    ("releases_list", "200"): {
        "PublishNewest": Link("releases_publish", "Publish the newest release.", {"id": "$response.body#/results/0/id"}),
        "PlanNextRelease": Link("releases_create", "Plan another release of the newest release's product.",
                                request_body={"product": "$response.body#/results/0/product/key"}),
    },
    ("releases_publish", "200"): {"ReadReopenedTicket": Link("tickets_read", "The first ticket the release reopened.",
                                                             {"id": "$response.body#/reopened/0"})},
}


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the links of ``LINKS`` on their responses (a link whose
    source or target operation the document lacks is left out rather than left dangling)."""
    operations = {operation["operationId"]: operation for item in result.get("paths", {}).values()
                  for method, operation in item.items() if method in _METHODS}
    for (source, code), links in LINKS.items():
        response = operations.get(source, {}).get("responses", {}).get(code)
        if response is None:
            continue
        present = {name: link.as_openapi() for name, link in links.items() if link.target in operations}
        if present:
            response["links"] = present
    return result
