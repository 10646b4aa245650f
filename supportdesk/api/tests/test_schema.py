"""The OpenAPI document: published at its stable URL, a valid OpenAPI 3 document, every example in
it valid against the schema it illustrates, and every operation documents the error shape."""

from __future__ import annotations

from typing import Any

from django.test import TestCase
from openapi_schema_validator import OAS30Validator
from openapi_spec_validator import validate

from supportdesk.api.schema import ERROR_STATUSES
from supportdesk.test import PASSWORD, Personas

METHODS = {"get", "post", "put", "patch", "delete"}


def _resolve(document: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


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
