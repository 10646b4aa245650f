"""schemathesis against the live OpenAPI document, in-process (WSGI): every operation, generated
valid and invalid inputs, authenticated as team B's agent. No 5xx, every response as the schema
says (status code, content type, body), and no response ever shows team A's ticket."""

from __future__ import annotations

import json
import os
from collections import Counter

import hypothesis
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import TestCase
from hypothesis import HealthCheck, strategies
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from supportdesk.api.models import ApiToken
from supportdesk.api.tests.base import ApiPersonas
from supportdesk.tickets import services

# Examples per operation: enough to reach every refusal path, small enough for ~2 minutes in all.
EXAMPLES = int(os.environ.get("SUPPORTDESK_SCHEMATHESIS_EXAMPLES", "20"))
SECRET = "TEAM-A-SECRET-7c1f"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class SchemathesisTests(ApiPersonas, TestCase):
    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        self.make_api_world()
        self.secret_ticket = self.make_ticket(subject=f"{SECRET} эфир", body=f"{SECRET}: текст команды A")
        services.ticket_set_team(ticket=self.secret_ticket, team=self.team_a, by_user=None)
        # No rate limit in the way of a few hundred generated calls.
        ApiToken.objects.filter(user=self.bea).update(rate_per_minute=100_000)

    def _leaks(self, response: schemathesis.Response) -> bool:
        if SECRET in response.text:
            return True
        try:
            body = json.loads(response.text or "null")
        except ValueError:
            return False
        hidden = {self.ticket_a.pk, self.secret_ticket.pk}

        def walk(node: object, key: str = "") -> bool:
            if isinstance(node, dict):
                if "subject" in node and node.get("id") in hidden:
                    return True
                return any(walk(v, k) for k, v in node.items())
            if isinstance(node, list):
                return any(walk(v, key) for v in node)
            return key == "ticket" and node in hidden

        return walk(body)

    def test_every_operation(self) -> None:
        # As Django's test client does: the raw WSGI app would close the test's connection (and
        # so its transaction) at the start and end of every request.
        for signal in (request_started, request_finished):
            signal.disconnect(close_old_connections)
            self.addCleanup(signal.connect, close_old_connections)
        config = SchemathesisConfig.from_dict({"generation": {"max-examples": EXAMPLES, "allow-x00": False}})
        schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application(), config=config)
        headers = {"Authorization": f"Bearer {self.bea_token}"}
        visible_ids = [self.ticket_b.pk, self.ticket_a.pk, self.secret_ticket.pk]
        operations = [result.ok() for result in schema.get_all_operations()]
        self.assertGreaterEqual(len(operations), 20)
        failures: list[str] = []
        statuses: Counter[int] = Counter()
        for operation in operations:
            # Valid inputs and invalid ones (wrong types, missing fields, values out of range).
            strategy = strategies.one_of(operation.as_strategy(GenerationMode.POSITIVE),
                                         operation.as_strategy(GenerationMode.NEGATIVE))

            @hypothesis.settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                                 suppress_health_check=list(HealthCheck), phases=[hypothesis.Phase.generate])
            @hypothesis.given(case=strategy, aim=strategies.sampled_from([None, *visible_ids]))
            def run(case: schemathesis.Case, aim: int | None) -> None:
                if aim is not None and "pk" in (case.path_parameters or {}):
                    case.path_parameters["pk"] = aim  # an existing ticket: ours, or team A's (404)
                response = case.call(headers=headers)
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except Exception as exc:  # noqa: BLE001 - collected and reported together
                    failures.append(f"{case.operation.label} {case.path_parameters} {case.query} {case.body!r:.200}: "
                                    f"{exc}"[:2500])
                if self._leaks(response):
                    failures.append(f"{case.operation.label}: team A's ticket in the response to {case.path_parameters}")

            run()
        print(f"schemathesis: {len(operations)} operations, responses by status: {dict(sorted(statuses.items()))}")
        self.assertLess(sum(n for code, n in statuses.items() if code >= 500), 1)
        self.assertGreater(statuses[200] + statuses[201], len(operations))  # not only refusals
        self.assertEqual(failures, [], "\n\n".join(failures[:6]) + f"\n\n{len(failures)} failures in all")
