"""Parsing telephony (CTI) webhook payloads into events: pure, no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils.dateparse import parse_datetime

KINDS = ("newCall", "answer", "hangup")
_DIRECTIONS = {"in": "in", "incoming": "in", "inbound": "in", "out": "out", "outgoing": "out", "outbound": "out"}


class BadEvent(ValueError):
    pass


@dataclass(frozen=True)
class CtiEvent:
    kind: str
    call_id: str
    direction: str
    caller: str
    callee: str
    at: datetime


def _timestamp(raw: object, now: datetime) -> datetime:
    if raw in (None, ""):
        return now
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return datetime.fromtimestamp(float(raw), tz=UTC)
    if isinstance(raw, str):
        parsed = parse_datetime(raw)
        if parsed is not None and parsed.tzinfo is not None:
            return parsed
    raise BadEvent("'timestamp' must be ISO 8601 with a zone or Unix seconds")


def parse_event(payload: object, now: datetime) -> CtiEvent:
    """Validate one JSON event: {"event", "call_id", "direction", "caller", "callee", "timestamp"?}."""
    if not isinstance(payload, dict):
        raise BadEvent("the body must be a JSON object")
    kind = payload.get("event")
    if kind not in KINDS:
        raise BadEvent(f"'event' must be one of {', '.join(KINDS)}")
    call_id = str(payload.get("call_id") or payload.get("callId") or "").strip()
    if not call_id or len(call_id) > 200:
        raise BadEvent("'call_id' is required (at most 200 characters)")
    direction = _DIRECTIONS.get(str(payload.get("direction") or "in").lower())
    if direction is None:
        raise BadEvent("'direction' must be 'in' or 'out'")
    caller = str(payload.get("caller") or "").strip()[:40]
    callee = str(payload.get("callee") or "").strip()[:40]
    return CtiEvent(kind=kind, call_id=call_id, direction=direction, caller=caller, callee=callee,
                    at=_timestamp(payload.get("timestamp"), now))
