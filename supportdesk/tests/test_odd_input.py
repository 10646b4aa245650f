"""Each odd input the security review listed answers 400 or 404 with a clear message, never 500."""

from __future__ import annotations

import json

from django.urls import reverse

from supportdesk.lib.params import parse_positive_int
from supportdesk.phone.models import Call
from supportdesk.phone.services import integration_create
from supportdesk.test import BaseTestCase
from supportdesk.tickets.selectors import Cursor

BAD_POSITIONS = [
    "2026-02-30T10:00:00+00:00_5",  # impossible date
    "2026-05-12T25:00:00+00:00_5",  # hour 25
    "2026-05-12T10:00:00+99:00_5",  # offset +99:00
    "2026-05-12T10:00:00+00:00_²",  # a Unicode digit for the id
    "²⁰²⁶-05-12T10:00:00+00:00_5",
    "2026-05-12T10:00:00_5",  # no zone
    "0001-01-01T00:00:00+01:00_5",  # before datetime.min in UTC
    "none_99999999999999999999999",  # past the id column
    "no-underscore",
]


class QueueParameterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)

    def test_a_bad_page_position_is_400_with_a_message(self) -> None:
        for after in BAD_POSITIONS:
            with self.subTest(after=after):
                response = self.client.get("/agent/", {"after": after})
                assert response.status_code == 400
                assert "Такой позиции в списке нет" in response.content.decode()  # Russian by default

    def test_a_bad_page_number_is_400(self) -> None:
        for p in ("²", "٣", "0", "-1", "1e3", "99999999999"):
            with self.subTest(p=p):
                assert self.client.get("/agent/", {"p": p}).status_code == 400

    def test_good_positions_still_page(self) -> None:
        for ticket in range(3):
            self.make_ticket(subject=f"Вопрос {ticket}")
        assert self.client.get("/agent/", {"after": "none_1", "p": "2"}).status_code == 200
        assert self.client.get("/agent/", {"after": "2026-05-12T10:00:00+07:00_1"}).status_code == 200
        assert Cursor.decode("") is None

    def test_parse_positive_int(self) -> None:
        assert parse_positive_int("42") == 42
        for raw in ("", "²", "٣", "4 2", "+1", "0", str(2**63)):
            with self.subTest(raw=raw), self.assertRaises(ValueError):
                parse_positive_int(raw)


class CallFormParameterTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.alice)
        self.url = reverse("phone:call_new")

    def test_a_missing_call_is_404_on_get_and_post(self) -> None:
        missing = str((Call.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000)
        assert self.client.get(self.url, {"call": missing}).status_code == 404
        response = self.client.post(self.url, {"call": missing, "direction": "in", "number": "+79131234567",
                                               "subject": "x"})
        assert response.status_code == 404
        assert not Call.objects.exists()

    def test_a_call_that_is_no_number_is_400(self) -> None:
        for call in ("²", "abc", "99999999999999999999999"):
            with self.subTest(call=call):
                response = self.client.get(self.url, {"call": call})
                assert response.status_code == 400
                assert "не номером звонка" in response.content.decode()


class CtiOddPayloadTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        _integration, self.token = integration_create(name="asterisk")
        self.url = reverse("cti:events", args=["asterisk"])

    def post_raw(self, body: str | bytes) -> dict[str, str]:
        response = self.client.post(self.url, body, content_type="application/json",
                                    HTTP_AUTHORIZATION=f"Bearer {self.token}")
        assert response.status_code == 400, response.content
        answer = response.json()
        assert set(answer) == {"error", "message"}
        return answer

    def event(self, timestamp: str) -> str:
        return f'{{"event": "newCall", "call_id": "c-1", "caller": "+79131234567", "timestamp": {timestamp}}}'

    def test_timestamps_out_of_range_are_a_stable_error(self) -> None:
        for timestamp in ("Infinity", "-Infinity", "NaN", "1e20", "-1e20", "1e400", '"2026-05-12T25:00:00+00:00"',
                          '"2026-05-12T10:00:00+99:00"', '"0001-01-01T00:00:00+01:00"', "true"):
            with self.subTest(timestamp=timestamp):
                answer = self.post_raw(self.event(timestamp))
                assert answer["error"] in {"bad_timestamp", "invalid_json"}
                assert "Traceback" not in answer["message"] and "Expecting" not in answer["message"]
        assert self.post_raw(self.event("1e20"))["error"] == "bad_timestamp"
        assert self.post_raw(self.event("Infinity"))["error"] == "invalid_json"
        assert not Call.objects.exists()

    def test_deep_large_and_broken_json_are_a_stable_error(self) -> None:
        assert self.post_raw("[" * 100_000 + "]" * 100_000)["error"] == "too_large"
        assert self.post_raw("[" * 10_000 + "]" * 10_000)["error"] == "too_deep"
        assert self.post_raw('{"event": "newCall", "call_id": ')["error"] == "invalid_json"
        assert self.post_raw(b"\xff\xfe{")["error"] == "invalid_json"
        assert self.post_raw(json.dumps([1, 2]))["error"] == "not_an_object"
        broken = self.post_raw('{"event": "newCall", "call_id": "c", "timestamp": 1e99999}')
        assert broken == {"error": "bad_timestamp",
                          "message": "'timestamp' must be ISO 8601 with a zone or Unix seconds (years 1-9999)"}


class NulCharacterTests(BaseTestCase):
    """PostgreSQL text cannot hold NUL: a request carrying one is refused before any query."""

    def test_nul_in_query_form_or_path_is_400(self) -> None:
        self.client.force_login(self.alice)
        for response in (self.client.get("/kb/", {"q": "a\x00b"}), self.client.get("/agent/", {"q\x00": "x"}),
                         self.client.post("/portal/lookup/", {"number": "1", "email": "a\x00@x.ru"}),
                         self.client.get("/cti/a%00b/events")):
            assert response.status_code == 400
            assert "символ NUL" in response.content.decode()
        assert self.client.get("/kb/", {"q": "ab"}).status_code == 200

    def test_nul_in_a_cti_event_is_a_stable_error(self) -> None:
        _integration, token = integration_create(name="asterisk")
        response = self.client.post(reverse("cti:events", args=["asterisk"]),
                                    '{"event": "newCall", "call_id": "c\\u0000", "caller": "+79131234567"}',
                                    content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")
        assert response.status_code == 400 and response.json()["error"] == "nul_character"
