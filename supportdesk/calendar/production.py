"""The official Russian production calendar: is a date a working, shortened or non-working day.

Sources, in order of precedence: per-date administrator overrides; for a year whose decree we
have verified, our data file (working weekend days, extra days off, shortened days) on top of
the `holidays` package's public holidays and moved days off; for any other year the package
alone, with shortened days derived by the Labour Code rule, and the answer marked provisional.
"""

from __future__ import annotations

import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

import holidays
from holidays.countries.russia import RussiaStaticHolidays

WORKING = "working"
SHORTENED = "shortened"
NONWORKING = "nonworking"
KINDS = frozenset({WORKING, SHORTENED, NONWORKING})

# Why a day has its kind; the business calendar needs to tell an ordinary weekend (an office
# may keep its own weekend hours) from a holiday or a decreed day off (closed for everyone).
REASON_WEEKDAY = "weekday"
REASON_WEEKEND = "weekend"
REASON_HOLIDAY = "holiday"
REASON_WORKING_WEEKEND = "working_weekend"
REASON_OVERRIDE = "override"

DEFAULT_DATA_FILE = Path(__file__).resolve().parent / "data" / "ru_production.toml"

# Labour Code art. 112: the public holidays themselves. Only the working day right before one
# of them is shortened (art. 95); a day off moved by decree is not a holiday.
ART112_HOLIDAYS = frozenset(
    {(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (1, 7), (1, 8), (2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}
)


class CalendarDataError(ValueError):
    """The calendar data file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Override:
    kind: str
    hours: tuple[time, time] | None = None


@dataclass(frozen=True)
class YearData:
    decree: str
    working_weekend_days: frozenset[date]
    extra_days_off: frozenset[date]
    shortened_days: frozenset[date]


@dataclass(frozen=True)
class CalendarData:
    verified_years: frozenset[int] = frozenset()
    years: Mapping[int, YearData] = field(default_factory=dict)
    overrides: Mapping[date, Override] = field(default_factory=dict)

    def merged(self, later: CalendarData) -> CalendarData:
        """This data with `later` read on top: its years and overrides win."""
        return CalendarData(
            verified_years=self.verified_years | later.verified_years,
            years={**self.years, **later.years},
            overrides={**self.overrides, **later.overrides},
        )


@dataclass(frozen=True)
class ProductionDay:
    day: date
    kind: str
    reason: str
    provisional: bool
    # Only an administrator's override gives explicit hours.
    hours: tuple[time, time] | None = None


def _parse_date(value: Any, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CalendarDataError(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from None


def _parse_time(value: Any, where: str) -> time:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        raise CalendarDataError(f"{where}: {value!r} is not a time (HH:MM)") from None


def _parse_dates(raw: Mapping[str, Any], key: str, year: int, where: str) -> frozenset[date]:
    values = raw.get(key, [])
    if not isinstance(values, list):
        raise CalendarDataError(f"{where}.{key}: expected a list of dates")
    days = frozenset(_parse_date(v, f"{where}.{key}") for v in values)
    stray = sorted(d for d in days if d.year != year)
    if stray:
        raise CalendarDataError(f"{where}.{key}: {stray[0].isoformat()} is not in {year}")
    return days


def _parse_year(key: str, raw: Any, source: str) -> tuple[int, YearData]:
    where = f"{source}: years.{key}"
    if not key.isdigit() or not isinstance(raw, dict):
        raise CalendarDataError(f"{where}: expected a table named by a year")
    unknown = set(raw) - {"decree", "working_weekend_days", "extra_days_off", "shortened_days"}
    if unknown:
        raise CalendarDataError(f"{where}: unknown key {sorted(unknown)[0]!r}")
    year = int(key)
    data = YearData(
        decree=str(raw.get("decree", "")),
        working_weekend_days=_parse_dates(raw, "working_weekend_days", year, where),
        extra_days_off=_parse_dates(raw, "extra_days_off", year, where),
        shortened_days=_parse_dates(raw, "shortened_days", year, where),
    )
    weekdays = sorted(d for d in data.working_weekend_days if d.weekday() < 5)
    if weekdays:
        raise CalendarDataError(f"{where}.working_weekend_days: {weekdays[0].isoformat()} is not a weekend day")
    return year, data


def _parse_override(key: str, value: Any, source: str) -> tuple[date, Override]:
    where = f"{source}: overrides.{key}"
    day = _parse_date(key, where)
    if isinstance(value, str):
        if value not in KINDS:
            raise CalendarDataError(f"{where}: {value!r} is not one of {sorted(KINDS)}")
        return day, Override(kind=value)
    if isinstance(value, list) and len(value) == 2:
        opens, closes = (_parse_time(v, where) for v in value)
        if not opens < closes:
            raise CalendarDataError(f"{where}: opening {opens} is not before closing {closes}")
        return day, Override(kind=WORKING, hours=(opens, closes))
    raise CalendarDataError(f"{where}: expected a day kind or [\"HH:MM\", \"HH:MM\"]")


def parse_calendar_data(raw: Mapping[str, Any], source: str = "<data>") -> CalendarData:
    unknown = set(raw) - {"verified_years", "years", "overrides"}
    if unknown:
        raise CalendarDataError(f"{source}: unknown key {sorted(unknown)[0]!r}")
    verified = raw.get("verified_years", [])
    if not isinstance(verified, list) or not all(isinstance(y, int) for y in verified):
        raise CalendarDataError(f"{source}: verified_years must be a list of years")
    years = dict(_parse_year(k, v, source) for k, v in raw.get("years", {}).items())
    missing = sorted(set(verified) - set(years))
    if missing:
        raise CalendarDataError(f"{source}: verified year {missing[0]} has no [years.{missing[0]}] table")
    overrides = dict(_parse_override(k, v, source) for k, v in raw.get("overrides", {}).items())
    return CalendarData(verified_years=frozenset(verified), years=years, overrides=overrides)


def load_calendar_data(paths: Iterable[str | Path]) -> CalendarData:
    """Read the files in order; each one's years and overrides win over the earlier ones'."""
    data = CalendarData()
    for path in paths:
        try:
            with open(path, "rb") as fh:
                raw = tomllib.load(fh)
        except OSError as exc:
            raise CalendarDataError(f"{path}: cannot read ({exc.strerror})") from None
        except tomllib.TOMLDecodeError as exc:
            raise CalendarDataError(f"{path}: {exc}") from None
        data = data.merged(parse_calendar_data(raw, str(path)))
    return data


@dataclass(frozen=True)
class _Year:
    """The days of one year that differ from an ordinary Mon-Fri week."""

    days_off: frozenset[date]
    working_weekend_days: frozenset[date]
    shortened_days: frozenset[date]
    provisional: bool


class ProductionCalendar:
    """Answers a date's kind; thread-safe, each year computed once on first use."""

    def __init__(self, data: CalendarData | None = None) -> None:
        self.data = data if data is not None else load_calendar_data([DEFAULT_DATA_FILE])
        self._years: dict[int, _Year] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_files(cls, *extra: str | Path) -> ProductionCalendar:
        """The shipped data file, then an administrator's files (empty paths are skipped)."""
        return cls(load_calendar_data([DEFAULT_DATA_FILE, *(p for p in extra if str(p))]))

    def is_verified(self, year: int) -> bool:
        return year in self.data.verified_years

    def day(self, day: date) -> ProductionDay:
        year = self._year(day.year)
        override = self.data.overrides.get(day)
        if override is not None:
            return ProductionDay(day, override.kind, REASON_OVERRIDE, year.provisional, override.hours)
        if day in year.days_off:
            return ProductionDay(day, NONWORKING, REASON_HOLIDAY, year.provisional)
        if day.weekday() >= 5 and day not in year.working_weekend_days:
            return ProductionDay(day, NONWORKING, REASON_WEEKEND, year.provisional)
        kind = SHORTENED if day in year.shortened_days else WORKING
        reason = REASON_WEEKDAY if day.weekday() < 5 else REASON_WORKING_WEEKEND
        return ProductionDay(day, kind, reason, year.provisional)

    def kind(self, day: date) -> str:
        return self.day(day).kind

    def year_days(self, year: int) -> list[ProductionDay]:
        first = date(year, 1, 1)
        count = (date(year + 1, 1, 1) - first).days
        return [self.day(first + timedelta(days=i)) for i in range(count)]

    def _year(self, year: int) -> _Year:
        cached = self._years.get(year)
        if cached is None:
            with self._lock:
                cached = self._years.get(year)
                if cached is None:
                    cached = self._build_year(year)
                    self._years[year] = cached
        return cached

    def _build_year(self, year: int) -> _Year:
        package = holidays.country_holidays("RU", years=year)
        days_off = frozenset(d for d in package if d.year == year)
        verified = self.data.years.get(year) if self.is_verified(year) else None
        if verified is not None:
            return _Year(
                days_off=days_off | verified.extra_days_off,
                working_weekend_days=verified.working_weekend_days,
                shortened_days=verified.shortened_days,
                provisional=False,
            )
        working_weekends = frozenset(d for d in package.weekend_workdays if d.year == year)
        return _Year(
            days_off=days_off,
            working_weekend_days=working_weekends,
            shortened_days=_shortened_by_rule(year, days_off, working_weekends, _stand_ins(year, working_weekends)),
            provisional=True,
        )


def _stand_ins(year: int, working_weekends: frozenset[date]) -> dict[date, date]:
    """Working weekend day -> the weekday whose day off it took, from the package's per-year
    list of decreed moves ((to month, to day, from month, from day): the day off lands on
    "to", the weekend day "from" is worked)."""
    moves: Any = RussiaStaticHolidays.special_public_holidays.get(year, ())
    if moves and isinstance(moves[0], int):  # a year with one move holds it bare
        moves = (moves,)
    out: dict[date, date] = {}
    for move in moves:
        if isinstance(move, tuple) and len(move) == 4 and all(isinstance(v, int) for v in move):
            off, worked = date(year, move[0], move[1]), date(year, move[2], move[3])
            if worked in working_weekends:
                out[worked] = off
    return out


def _precedes_holiday(day: date) -> bool:
    following = day + timedelta(days=1)
    return (following.month, following.day) in ART112_HOLIDAYS


def _shortened_by_rule(year: int, days_off: frozenset[date], working_weekends: frozenset[date],
                       stand_ins: Mapping[date, date]) -> frozenset[date]:
    """Art. 95 applied literally: a working day immediately followed by an art. 112 holiday.

    A working weekend day counts as the weekday it stands in for: it is shortened when that
    weekday comes right before a holiday (2027-02-20 is worked for Monday 22 February, the
    eve of 23 February), as the Ministry of Labour's calendars show (2024-11-02, 2025-11-01).
    """
    shortened = set()
    day = date(year, 1, 1)
    while day.year == year:
        is_working = day not in days_off and (day.weekday() < 5 or day in working_weekends)
        if is_working and _precedes_holiday(stand_ins.get(day, day)):
            shortened.add(day)
        day += timedelta(days=1)
    return frozenset(shortened)
