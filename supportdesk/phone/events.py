"""Parsing telephony (CTI) webhook payloads into events: pure, no database."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

KINDS = ("newCall", "answer", "hangup")
_DIRECTIONS = {"in": "in", "incoming": "in", "inbound": "in", "out": "out", "outgoing": "out", "outbound": "out"}
MAX_BODY = 64 * 1024
# Unix seconds a datetime can hold (years 1..9999), kept clear of the platform's limits.
_MIN_SECONDS, _MAX_SECONDS = -62_135_596_800, 253_402_300_799


class BadEvent(ValueError):
    """A payload we refuse: ``code`` is stable for the PBX's side, ``message`` says why in English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _no_constants(name: str) -> object:
    raise BadEvent("invalid_json", f"the body is not JSON: {name} is not a JSON number")


def parse_body(raw: bytes) -> object:
    """The JSON body; BadEvent for anything but small, finite JSON of a sane depth."""
    if len(raw) > MAX_BODY:
        raise BadEvent("too_large", f"the body is larger than {MAX_BODY} bytes")
    try:
        return json.loads(raw or b"null", parse_constant=_no_constants)
    except BadEvent:
        raise
    except RecursionError as exc:
        raise BadEvent("too_deep", "the JSON nests too deeply") from exc
    except ValueError as exc:  # UnicodeDecodeError included
        raise BadEvent("invalid_json", "the body is not JSON") from exc


@dataclass(frozen=True)
class CtiEvent:
    kind: str
    call_id: str
    direction: str
    caller: str
    callee: str
    at: datetime


def _timestamp(raw: object, now: datetime) -> datetime:
    if raw is None or raw == "":
        return now
    try:
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            if _MIN_SECONDS <= raw <= _MAX_SECONDS:  # False for NaN as well
                return datetime.fromtimestamp(float(raw), tz=UTC)
        elif isinstance(raw, str):
            parsed = parse_datetime(raw)  # ValueError: well formed but impossible (hour 25, +99:00)
            if parsed is not None and parsed.tzinfo is not None:
                return parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise BadEvent("bad_timestamp", "'timestamp' must be ISO 8601 with a zone or Unix seconds (years 1-9999)")


def parse_event(payload: object, now: datetime) -> CtiEvent:
    """Validate one JSON event: {"event", "call_id", "direction", "caller", "callee", "timestamp"?}."""
    if not isinstance(payload, dict):
        raise BadEvent("not_an_object", "the body must be a JSON object")
    kind = payload.get("event")
    if kind not in KINDS:
        raise BadEvent("bad_event", f"'event' must be one of {', '.join(KINDS)}")
    call_id = str(payload.get("call_id") or payload.get("callId") or "").strip()
    if not call_id or len(call_id) > 200:
        raise BadEvent("bad_call_id", "'call_id' is required (at most 200 characters)")
    direction = _DIRECTIONS.get(str(payload.get("direction") or "in").lower())
    if direction is None:
        raise BadEvent("bad_direction", "'direction' must be 'in' or 'out'")
    caller = str(payload.get("caller") or "").strip()[:40]
    callee = str(payload.get("callee") or "").strip()[:40]
    if "\x00" in call_id + caller + callee:  # PostgreSQL text cannot hold it
        raise BadEvent("nul_character", "'call_id', 'caller' and 'callee' must not contain NUL")
    return CtiEvent(kind=kind, call_id=call_id, direction=direction, caller=caller, callee=callee,
                    at=_timestamp(payload.get("timestamp"), now))
