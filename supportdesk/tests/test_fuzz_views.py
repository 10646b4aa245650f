"""Every view, as every role, with fuzzed query parameters and form fields: never a 500.

The views are found by walking the URL configuration (every SupportDesk view, plus login and
logout); the parameter names are the fields each page's forms show to any role, plus the
query parameters the views read. Hypothesis then sends odd values (Unicode digits, numbers
past a database column, impossible dates, NUL, markup, nesting) by GET and POST. The test
client re-raises any exception a view lets through, so an unhandled error fails here with
its traceback, and a response of 500 or above fails the assertion.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser

from django.contrib.auth import get_user_model
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supportdesk.catalog.models import Release
from supportdesk.kb.models import Article
from supportdesk.mail.ingest import ingest_raw
from supportdesk.mail.models import InboundMail
from supportdesk.mail.tests.factory import make_mail
from supportdesk.phone.services import CallLog, call_log, integration_create
from supportdesk.test import PASSWORD, Personas
from supportdesk.tickets.models import Attachment

# Query parameters views read without a form field on the page that names them.
QUERY_PARAMS = ["after", "p", "q", "view", "product", "status", "channel", "call", "number", "ticket", "next",
                "lang", "language", "email", "text", "checklist_incomplete", "unreachable", "which", "page",
                "tag", "sort", "sv", "pick", "minutes"]
ODD_VALUES = ["", " ", "²", "٣", "𝟙", "-1", "0", "1", "99999999999999999999999", "1e20", "Infinity", "NaN",
              "2026-02-30", "2026-05-12T25:00:00+00:00", "2026-05-12T10:00:00+99:00", "none_1", "none_²",
              "\x00", "a\x00b", "' OR 1=1 --", "<script>alert(1)</script>", "javascript:alert(1)",
              "../../etc/passwd", "%", "_", "[" * 50, "true", "on", "ru", "en", "xx", "x" * 5000,
              "https://evil.example/", "//evil.example", "ivanov@tv-sibir.ru", "+7 913 123-45-67"]
SWEEP_VALUES = ["²", "99999999999999999999999", "2026-05-12T25:00:00+00:00", "a\x00b", "x" * 5000]
_ARG = re.compile(r"<(?:(\w+):)?(\w+)>")


def routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif pattern.callback.__module__.startswith("supportdesk.") or pattern.name in {"login", "logout"}:
            yield prefix + str(pattern.pattern)


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = dict(attrs).get("name")
        if tag in {"input", "select", "textarea", "button"} and name and name != "csrfmiddlewaretoken":
            self.names.add(name)


class FuzzViewsTests(Personas, TestCase):
    def setUp(self) -> None:
        super().setUp()
        self.make_personas()
        self.admin = get_user_model().objects.create_superuser("root", "root@softlab.tv", PASSWORD)
        ticket = self.make_ticket()
        ingest_raw(make_mail(message_id="fuzz@tv-sibir.ru", attachments=(("log.txt", "text/plain", b"log"),)),
                   source="lmtp", source_uid="fuzz-1")
        call = call_log(agent=self.alice, ticket=ticket,
                        log=CallLog(direction="in", number="+7 913 123-45-67", summary="Звонок"))
        release = Release.objects.create(product=self.products["forward-ts"], version="5.1")
        Article.objects.create(slug="titry", title="Титры", body="Текст", state="published")
        integration_create(name="asterisk")
        ids = {ticket.pk, call.pk, release.pk, InboundMail.objects.get().pk,
               *Attachment.objects.values_list("pk", flat=True)}
        self.int_args = sorted(ids) + [999_999, 2**63 - 1]
        self.str_args = ["asterisk", "titry", "spam", "quarantined", "held", "x" * 300, "²"]
        self.clients = {"anonymous": Client()}
        for role, user in {"user": self.bob, "agent": self.alice, "supervisor": self.sam, "admin": self.admin}.items():
            self.clients[role] = Client()
            self.clients[role].force_login(user)

    def url(self, route: str, draw: st.DrawFn) -> str:
        def fill(match: re.Match[str]) -> str:
            if match.group(1) == "int":
                return str(draw(st.sampled_from(self.int_args)))
            return draw(st.sampled_from(self.str_args))

        return "/" + _ARG.sub(fill, route)

    def field_names(self, urls: list[str]) -> list[str]:
        """Every form field any role sees on any page (with the first of each path argument)."""
        names = set(QUERY_PARAMS)
        for url in urls:
            concrete = _ARG.sub(lambda m: str(self.int_args[0]) if m.group(1) == "int" else "titry", url)
            for client in self.clients.values():
                response = client.get("/" + concrete)
                if "html" in response.get("Content-Type", "") and not response.streaming:
                    parser = _Fields()
                    parser.feed(response.content.decode("utf-8", "replace"))
                    names |= parser.names
        return sorted(names)

    def test_no_view_answers_500_to_any_role(self) -> None:
        all_routes = sorted(set(routes(get_resolver().url_patterns)))
        assert len(all_routes) > 30 and "agent/" in all_routes and "cti/<str:name>/events" in all_routes
        names = self.field_names(all_routes)
        assert {"after", "subject", "text", "summary", "username", "check_version"} <= set(names), names
        self.sweep(all_routes, names)
        values = st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=40),
                           st.integers(min_value=-(2**70), max_value=2**70).map(str))

        @settings(max_examples=200, deadline=None, database=None,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
        @given(data=st.data())
        def request(data: st.DataObject) -> None:
            route = data.draw(st.sampled_from(all_routes), label="route")
            url = self.url(route, data.draw)
            role = data.draw(st.sampled_from(sorted(self.clients)), label="role")
            params = data.draw(st.dictionaries(st.sampled_from(names), values, max_size=6), label="params")
            method = data.draw(st.sampled_from(["get", "post"]), label="method")
            client = self.clients[role]
            response = client.get(url, params) if method == "get" else client.post(url, params)
            assert response.status_code < 500, (method, url, role, params, response.status_code)

        request()

    def sweep(self, all_routes: list[str], names: list[str]) -> None:
        """Deterministic cover under the random search: the hardest values in every field of every
        route for the agent (who reaches the most code), then every route as every role."""
        first = {"int": str(self.int_args[0]), "": "asterisk"}
        for route in all_routes:
            url = "/" + _ARG.sub(lambda m: first.get(m.group(1) or "", "titry"), route)
            for value in SWEEP_VALUES:
                for method in ("get", "post"):
                    try:
                        response = getattr(self.clients["agent"], method)(url, dict.fromkeys(names, value))
                    except Exception as exc:
                        raise AssertionError(f"{method.upper()} {url} with every field {value[:20]!r}") from exc
                    assert response.status_code < 500, (method, url, value, response.status_code)
            for role, client in self.clients.items():
                response = client.get(url, dict.fromkeys(names, "²"))
                assert response.status_code < 500, (url, role, response.status_code)
