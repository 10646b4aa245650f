"""Business-time arithmetic on the office's hours and the production calendar.

The working intervals of a range of years are precomputed as epoch seconds in sorted lists,
with the business seconds elapsed before each interval, so every operation is two bisections
and some float arithmetic; the range grows on demand. Instants are compared as epoch seconds,
which makes the results the same whatever zone the caller's datetimes are in, and makes DST in
the office zone a matter of converting each day's local hours once.

Datetime operations accept aware datetimes in any zone and return datetimes in the office zone.
Intervals are half-open: open at the opening instant, closed at the closing instant.
"""

from __future__ import annotations

import threading
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from supportdesk.calendar.production import (
    NONWORKING,
    REASON_WEEKEND,
    SHORTENED,
    WORKING,
    ProductionCalendar,
)

WeeklyHours = Mapping[int, "tuple[time, time] | None"]

# A shortened (pre-holiday) day ends this much earlier (Labour Code art. 95).
SHORTENING = timedelta(hours=1)
# How far the precomputed range may grow before we call the calendar broken (no working time).
_MAX_SPAN_YEARS = 200


class DayInfo(NamedTuple):
    kind: str
    opens: time | None
    closes: time | None
    provisional: bool


class _Span:
    """Working intervals of the years first..last, in epoch seconds."""

    __slots__ = ("first", "last", "lo", "hi", "starts", "ends", "cum", "cum_end", "total")

    def __init__(self, first: int, last: int, lo: float, hi: float, intervals: list[tuple[float, float]]) -> None:
        self.first, self.last, self.lo, self.hi = first, last, lo, hi
        self.starts = [a for a, _ in intervals]
        self.ends = [b for _, b in intervals]
        self.cum: list[float] = []
        self.cum_end: list[float] = []
        total = 0.0
        for a, b in intervals:
            self.cum.append(total)
            total += b - a
            self.cum_end.append(total)
        self.total = total

    def elapsed(self, ts: float) -> float:
        """Business seconds from the start of the span to ts (ts within the span)."""
        i = bisect_right(self.starts, ts) - 1
        if i < 0:
            return 0.0
        end = self.ends[i]
        return self.cum[i] + ((ts if ts < end else end) - self.starts[i])


def parse_weekly_hours(hours: Mapping[str, list[str]]) -> dict[int, tuple[time, time] | None]:
    """The policy's {"mon": ["09:00", "18:00"], "sat": [], ...} as weekday -> (open, close)."""
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    weekly: dict[int, tuple[time, time] | None] = {}
    for index, name in enumerate(names):
        value = hours.get(name, [])
        weekly[index] = (time.fromisoformat(value[0]), time.fromisoformat(value[1])) if value else None
    return weekly


def _require_aware(t: datetime) -> float:
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"an aware datetime is required, got {t!r}")
    return t.timestamp()


class BusinessCalendar:
    def __init__(self, zone: str, weekly_hours: WeeklyHours, production: ProductionCalendar) -> None:
        self.zone_name = zone
        self.zone = ZoneInfo(zone)
        self.production = production
        self.weekly_hours: dict[int, tuple[time, time] | None] = {}
        for weekday in range(7):
            hours = weekly_hours.get(weekday)
            if hours is not None and not hours[0] < hours[1]:
                raise ValueError(f"weekday {weekday}: opening {hours[0]} is not before closing {hours[1]}")
            self.weekly_hours[weekday] = hours
        # A Saturday worked by decree stands in for a weekday, so it keeps weekday hours.
        weekday_hours = [h for wd, h in self.weekly_hours.items() if wd < 5 and h is not None]
        if not weekday_hours and all(h is None for h in self.weekly_hours.values()):
            raise ValueError("the office has no working hours on any weekday")
        self._decreed_weekend_hours = weekday_hours[0] if weekday_hours else None
        self._span: _Span | None = None
        self._lock = threading.Lock()

    # -- days ---------------------------------------------------------------------------

    def day_info(self, day: date) -> DayInfo:
        p = self.production.day(day)
        if p.hours is not None:
            return DayInfo(p.kind, p.hours[0], p.hours[1], p.provisional)
        hours = self.weekly_hours[day.weekday()]
        if p.kind == NONWORKING:
            # An office that works ordinary weekends keeps doing so; holidays close it.
            if p.reason == REASON_WEEKEND and hours is not None:
                return DayInfo(WORKING, hours[0], hours[1], p.provisional)
            return DayInfo(NONWORKING, None, None, p.provisional)
        if hours is None and day.weekday() >= 5:
            hours = self._decreed_weekend_hours
        if hours is None:
            return DayInfo(NONWORKING, None, None, p.provisional)
        opens, closes = hours
        if p.kind == SHORTENED:
            shortened = (datetime.combine(day, closes) - SHORTENING).time()
            closes = shortened if shortened > opens else opens
        return DayInfo(p.kind, opens, closes, p.provisional)

    def _day_interval(self, day: date) -> tuple[float, float] | None:
        info = self.day_info(day)
        if info.opens is None or info.closes is None:
            return None
        start = datetime.combine(day, info.opens, tzinfo=self.zone).timestamp()
        end = datetime.combine(day, info.closes, tzinfo=self.zone).timestamp()
        return (start, end) if end > start else None

    # -- the precomputed span -----------------------------------------------------------

    def _build_span(self, first: int, last: int) -> _Span:
        if last - first > _MAX_SPAN_YEARS:
            raise ValueError("no working time found within the calendar's range")
        intervals = []
        day = date(first, 1, 1)
        stop = date(last + 1, 1, 1)
        one = timedelta(days=1)
        while day < stop:
            interval = self._day_interval(day)
            if interval is not None:
                intervals.append(interval)
            day += one
        lo = datetime.combine(date(first, 1, 1), time(0), tzinfo=self.zone).timestamp()
        hi = datetime.combine(stop, time(0), tzinfo=self.zone).timestamp()
        return _Span(first, last, lo, hi, intervals)

    def _cover(self, *stamps: float, extra_years_after: int = 0) -> _Span:
        """A span covering every stamp (and more years after the last, when asked)."""
        with self._lock:
            span = self._span
            years = [datetime.fromtimestamp(ts, self.zone).year for ts in stamps]
            first = min(years) - 1
            last = max(years) + 1
            if span is not None:
                first = min(first, span.first)
                last = max(last, span.last + extra_years_after)
            if span is None or first < span.first or last > span.last:
                span = self._build_span(first, last)
                self._span = span
            return span

    def _span_for(self, a: float, b: float) -> _Span:
        span = self._span
        if span is None or not (span.lo <= a < span.hi and span.lo <= b < span.hi):
            span = self._cover(a, b)
        return span

    # -- epoch-second fast paths --------------------------------------------------------

    def add_business_seconds_ts(self, ts: float, n: float) -> float:
        """The earliest instant at which n business seconds have elapsed since ts."""
        if n <= 0:
            if n == 0:
                return ts
            raise ValueError("n must not be negative")
        span = self._span
        if span is None or not span.lo <= ts < span.hi:
            span = self._cover(ts)
        while True:
            starts = span.starts
            i = bisect_right(starts, ts) - 1
            if i < 0:
                target = n
            else:
                end = span.ends[i]
                target = span.cum[i] + ((ts if ts < end else end) - starts[i]) + n
            if target <= span.total:
                break
            span = self._cover(ts, extra_years_after=2)
        j = bisect_left(span.cum_end, target)
        return starts[j] + (target - span.cum[j])

    def business_seconds_between_ts(self, a: float, b: float) -> float:
        """Business seconds from a to b (negative when b is before a)."""
        span = self._span_for(a, b)
        return span.elapsed(b) - span.elapsed(a)

    def is_open_ts(self, ts: float) -> bool:
        span = self._span_for(ts, ts)
        i = bisect_right(span.starts, ts) - 1
        return i >= 0 and ts < span.ends[i]

    def _interval_from_ts(self, ts: float) -> tuple[float, float]:
        """The working interval open at ts, or else the next one to open."""
        span = self._span_for(ts, ts)
        while True:
            i = bisect_right(span.starts, ts) - 1
            if i >= 0 and ts < span.ends[i]:
                return span.starts[i], span.ends[i]
            if i + 1 < len(span.starts):
                return span.starts[i + 1], span.ends[i + 1]
            span = self._cover(ts, extra_years_after=2)

    # -- datetime API -------------------------------------------------------------------

    def to_office(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, self.zone)

    def is_open(self, t: datetime) -> bool:
        return self.is_open_ts(_require_aware(t))

    def next_opening(self, t: datetime) -> datetime:
        """t itself when open at t, else the next opening (office time)."""
        ts = _require_aware(t)
        start, _ = self._interval_from_ts(ts)
        return t.astimezone(self.zone) if start <= ts else self.to_office(start)

    def next_closing(self, t: datetime) -> datetime:
        """When the interval open at t (or else the next one) closes (office time)."""
        _, end = self._interval_from_ts(_require_aware(t))
        return self.to_office(end)

    def business_seconds_between(self, a: datetime, b: datetime) -> float:
        return self.business_seconds_between_ts(_require_aware(a), _require_aware(b))

    def add_business_seconds(self, t: datetime, n: float) -> datetime:
        """The earliest instant (office time) at which n business seconds have elapsed since t.

        A span exhausted exactly at closing ends at that closing, not at the next opening.
        """
        return self.to_office(self.add_business_seconds_ts(_require_aware(t), n))
