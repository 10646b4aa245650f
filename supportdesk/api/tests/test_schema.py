"""The OpenAPI document: published at its stable URL, a valid OpenAPI 3 document, every example in
it valid against the schema it illustrates, every operation documents the error shape, and every
link leads from a value its response has to a parameter (or body field) its target takes."""

from __future__ import annotations

from typing import Any

from django.test import TestCase
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from supportdesk.api.schema import ERROR_STATUSES, LINKS
from supportdesk.test import PASSWORD, Personas

METHODS = {"get", "post", "put", "patch", "delete"}


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _pointer_schema(document: dict[str, Any], schema: dict[str, Any], pointer: str) -> dict[str, Any] | None:
    """The schema of the value at JSON pointer ``pointer`` of an instance of ``schema``; None when
    no instance can have one there."""
    node = _resolve(document, schema)
    for part in [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]:
        branches = [_resolve(document, b) for key in ("allOf", "oneOf", "anyOf") for b in node.get(key, [])]
        if branches:
            found = [s for b in branches if (s := _pointer_schema(document, b, "/" + part)) is not None]
            if not found:
                return None
            node = found[0]
        elif node.get("type") == "array" and part.isdigit():
            node = _resolve(document, node["items"])
        elif part in node.get("properties", {}):
            node = _resolve(document, node["properties"][part])
        else:
            return None
    return node


def operations_by_id(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {operation["operationId"]: operation for item in document["paths"].values()
            for method, operation in item.items() if method in METHODS}


def examples_of(document: dict[str, Any]) -> list[tuple[str, dict[str, Any], Any]]:
    """(where, schema, example) for every example in the document: media types' ``example`` and
    ``examples``, and components' ``example``."""
    found: list[tuple[str, dict[str, Any], Any]] = []
    for name, schema in document["components"]["schemas"].items():
        if "example" in schema:
            found.append((f"components/{name}", schema, schema["example"]))
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            bodies = [("request", operation.get("requestBody", {}))]
            bodies += [(f"response {code}", r) for code, r in operation.get("responses", {}).items()]
            for what, body in bodies:
                for media, content in _resolve(document, body).get("content", {}).items():
                    where = f"{method.upper()} {path} {what} {media}"
                    if "example" in content:
                        found.append((where, content["schema"], content["example"]))
                    for key, example in content.get("examples", {}).items():
                        found.append((f"{where} [{key}]", content["schema"], _resolve(document, example)["value"]))
    return found


class SchemaDocumentTests(Personas, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()

    def document(self) -> dict[str, Any]:
        response = self.client.get("/api/v1/schema/?format=json")
        self.assertEqual(response.status_code, 200)
        return response.json()

    def test_the_document_is_valid_openapi_3(self) -> None:
        document = self.document()
        self.assertTrue(document["openapi"].startswith("3."))
        validate(document)
        self.assertIn("tokenAuth", document["components"]["securitySchemes"])

    def test_every_example_is_valid_against_its_schema(self) -> None:
        document = self.document()
        found = examples_of(document)
        self.assertGreaterEqual(len(found), 6)
        components = {"components": document["components"]}
        for where, schema, example in found:
            with self.subTest(where):
                OAS30Validator({**schema, **components}).validate(example)

    def test_an_invalid_example_would_be_caught(self) -> None:
        document = self.document()
        error = {**document["components"]["schemas"]["Error"], "components": document["components"]}
        self.assertFalse(OAS30Validator(error).is_valid({"error": {"code": 1}}))

    def test_fields_that_may_be_blank_claim_no_format(self) -> None:
        # A phone ticket has no reply address, a release or an article may have no link: "" is
        # neither an e-mail address nor a URI (found by the stateful schemathesis run).
        schemas = self.document()["components"]["schemas"]
        for name, field in (("TicketDetail", "contact_email"), ("Release", "download_url"), ("Article", "url")):
            self.assertEqual(schemas[name]["properties"][field]["type"], "string")
            self.assertNotIn("format", schemas[name]["properties"][field], f"{name}.{field}")

    def test_every_operation_documents_the_error_shape(self) -> None:
        document = self.document()
        for path, item in document["paths"].items():
            for method, operation in item.items():
                if method in METHODS:
                    for code in ERROR_STATUSES:
                        self.assertEqual(operation["responses"][code]["content"]["application/json"]["schema"],
                                         {"$ref": "#/components/schemas/Error"}, f"{method} {path} {code}")

    def test_the_docs_page_is_for_signed_in_agents_and_works_offline(self) -> None:
        self.assertEqual(self.client.get("/api/v1/docs/").status_code, 302)
        self.client.login(username="alice", password=PASSWORD)
        page = self.client.get("/api/v1/docs/")
        self.assertEqual(page.status_code, 200)
        html = page.content.decode()
        self.assertIn("/static/drf_spectacular_sidecar/swagger-ui-dist/", html)
        self.assertNotIn("cdn.jsdelivr", html)

    def test_every_link_is_followable(self) -> None:
        document = self.document()
        operations = operations_by_id(document)
        followed = 0
        for source_id, source in operations.items():
            for code, response in source["responses"].items():
                media = _resolve(document, response).get("content", {}).get("application/json", {})
                for name, link in response.get("links", {}).items():
                    with self.subTest(f"{source_id} {code} {name}"):
                        target = operations[link["operationId"]]
                        expressions = dict(link.get("parameters", {}))
                        for key in link.get("parameters", {}):
                            where, _dot, param = key.rpartition(".")
                            taken = {(p["in"], p["name"]) for p in target.get("parameters", [])}
                            self.assertIn(param, {p for w, p in taken if w == where or not where}, key)
                        body = target.get("requestBody", {}).get("content", {}).get("application/json", {})
                        for field in link.get("requestBody", {}):
                            expressions[f"body {field}"] = link["requestBody"][field]
                            self.assertIsNotNone(_pointer_schema(document, body["schema"], f"/{field}"), field)
                        self.assertTrue(expressions, "a link that passes nothing")
                        for expression in expressions.values():
                            self.assertTrue(expression.startswith("$response.body#/"), expression)
                            value = _pointer_schema(document, media["schema"], expression.split("#", 1)[1])
                            self.assertIsNotNone(value, f"{expression} is not in the {code} response")
                            self.assertIn(value.get("type"), {"integer", "string"}, expression)
                        followed += 1
        self.assertEqual(followed, sum(len(links) for links in LINKS.values()))  # none left out
        self.assertGreaterEqual(followed, 20)

    def test_a_dangling_link_would_be_caught(self) -> None:
        document = self.document()
        response = document["paths"]["/api/v1/tickets/"]["post"]["responses"]["201"]["content"]["application/json"]
        self.assertIsNotNone(_pointer_schema(document, response["schema"], "/customer/id"))
        self.assertIsNone(_pointer_schema(document, response["schema"], "/customer/number"))
        self.assertIsNone(_pointer_schema(document, response["schema"], "/messages/x"))
