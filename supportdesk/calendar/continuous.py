"""A clock that never closes (a 24/7 support contract): business time is elapsed time.

It answers the same questions as ``BusinessCalendar`` that the SLA clocks ask, so a reply
clock on a round-the-clock calendar needs no special case anywhere.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def _ts(t: datetime) -> float:
    if t.tzinfo is None:
        raise ValueError("naive datetime: business time needs an aware datetime")
    return t.timestamp()


class ContinuousCalendar:
    """Always open; instants are shown in ``zone`` (the office's)."""

    def __init__(self, zone: str) -> None:
        self.zone_name = zone
        self.zone = ZoneInfo(zone)

    def add_business_seconds_ts(self, ts: float, n: float) -> float:
        if n < 0:
            raise ValueError("n must not be negative")
        return ts + n

    def business_seconds_between_ts(self, a: float, b: float) -> float:
        return b - a

    def is_open_ts(self, ts: float) -> bool:
        return True

    def to_office(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, self.zone)

    def is_open(self, t: datetime) -> bool:
        _ts(t)
        return True

    def next_opening(self, t: datetime) -> datetime:
        _ts(t)
        return t.astimezone(self.zone)

    def business_seconds_between(self, a: datetime, b: datetime) -> float:
        return _ts(b) - _ts(a)

    def add_business_seconds(self, t: datetime, n: float) -> datetime:
        return self.to_office(self.add_business_seconds_ts(_ts(t), n))
