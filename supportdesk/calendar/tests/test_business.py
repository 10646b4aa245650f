from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from supportdesk.calendar.business import BusinessCalendar, parse_weekly_hours
from supportdesk.calendar.production import NONWORKING, SHORTENED, WORKING, ProductionCalendar
from supportdesk.calendar.tests.helpers import MON_FRI_9_18, NSK

Z = ZoneInfo(NSK)
HOUR = 3600.0
DAY = 9 * HOUR


def nsk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=Z)


@pytest.mark.parametrize(
    ("received", "business_seconds", "due"),
    [
        # the example: 30 min on shortened Friday, weekend, Monday 11 May off, 8 h 30 on Tuesday
        (nsk(2026, 5, 8, 16, 30), DAY, nsk(2026, 5, 12, 17, 30)),
        (nsk(2026, 5, 8, 16, 30), 2 * DAY, nsk(2026, 5, 13, 17, 30)),
        # exhausted exactly at closing: due at that closing, not the next morning
        (nsk(2026, 5, 18, 9, 0), DAY, nsk(2026, 5, 18, 18, 0)),
        (nsk(2026, 5, 18, 7, 15), DAY, nsk(2026, 5, 18, 18, 0)),
        (nsk(2026, 5, 18, 18, 0), DAY, nsk(2026, 5, 19, 18, 0)),
        # New Year: 31 Dec 2025 is a day off, then 1-11 Jan 2026
        (nsk(2025, 12, 30, 12, 0), DAY, nsk(2026, 1, 12, 12, 0)),
        (nsk(2025, 12, 26, 19, 0), 2 * DAY, nsk(2025, 12, 30, 18, 0)),
        # working Saturdays: 27 Apr 2024 is a full day, 2 Nov 2024 a shortened one
        (nsk(2024, 4, 26, 18, 30), DAY, nsk(2024, 4, 27, 18, 0)),
        (nsk(2024, 4, 27, 10, 0), DAY, nsk(2024, 5, 2, 10, 0)),
        (nsk(2024, 11, 1, 17, 0), DAY, nsk(2024, 11, 2, 17, 0)),
        (nsk(2024, 11, 1, 17, 0), DAY + 60, nsk(2024, 11, 5, 9, 1)),
        # received in another zone: 02:30 UTC is 09:30 in Novosibirsk
        (datetime(2026, 5, 18, 2, 30, tzinfo=UTC), DAY, nsk(2026, 5, 19, 9, 30)),
        (nsk(2026, 5, 18, 10, 0), 0, nsk(2026, 5, 18, 10, 0)),
    ],
)
def test_known_deadlines(office: BusinessCalendar, received: datetime, business_seconds: float, due: datetime) -> None:
    result = office.add_business_seconds(received, business_seconds)
    assert result == due
    assert result.tzinfo == Z
    assert result.utcoffset() == timedelta(hours=7)


def test_business_seconds_between(office: BusinessCalendar) -> None:
    assert office.business_seconds_between(nsk(2026, 5, 8, 16, 30), nsk(2026, 5, 12, 17, 30)) == DAY
    # a whole verified year: 9 office hours a working day, 8 a shortened one
    assert office.business_seconds_between(nsk(2026, 1, 1), nsk(2027, 1, 1)) == (1972 + 247) * HOUR
    assert office.business_seconds_between(nsk(2024, 1, 1), nsk(2025, 1, 1)) == (1979 + 248) * HOUR
    assert office.business_seconds_between(nsk(2026, 5, 12, 17, 30), nsk(2026, 5, 8, 16, 30)) == -DAY
    assert office.business_seconds_between(nsk(2026, 5, 9, 10), nsk(2026, 5, 11, 23)) == 0


def test_is_open_and_next_opening(office: BusinessCalendar) -> None:
    assert office.is_open(nsk(2026, 5, 8, 16, 59))
    assert not office.is_open(nsk(2026, 5, 8, 17, 0))
    assert office.is_open(nsk(2026, 5, 12, 9, 0))
    assert not office.is_open(nsk(2026, 5, 11, 12, 0))
    assert office.next_opening(nsk(2026, 5, 8, 17, 0)) == nsk(2026, 5, 12, 9, 0)
    assert office.next_closing(nsk(2026, 5, 8, 17, 0)) == nsk(2026, 5, 12, 18, 0)
    assert office.next_closing(nsk(2026, 5, 8, 10, 0)) == nsk(2026, 5, 8, 17, 0)
    open_now = datetime(2026, 5, 8, 5, 0, tzinfo=UTC)
    assert office.next_opening(open_now) == open_now
    assert office.next_opening(open_now).tzinfo == Z
    # a reader in New York asking on the evening of 30 Dec 2025 (local time)
    asked = datetime(2025, 12, 30, 20, 0, tzinfo=ZoneInfo("America/New_York"))
    assert office.next_opening(asked) == nsk(2026, 1, 12, 9, 0)


def test_day_info(office: BusinessCalendar) -> None:
    assert office.day_info(date(2026, 5, 8)) == (SHORTENED, time(9), time(17), False)
    assert office.day_info(date(2026, 5, 11)) == (NONWORKING, None, None, False)
    assert office.day_info(date(2024, 4, 27)) == (WORKING, time(9), time(18), False)
    assert office.day_info(date(2024, 11, 2)) == (SHORTENED, time(9), time(17), False)
    assert office.day_info(date(2030, 6, 11)) == (SHORTENED, time(9), time(17), True)
    assert office.day_info(date(2030, 6, 10)).provisional


def test_an_office_with_its_own_weekend_hours_still_closes_on_holidays(production: ProductionCalendar) -> None:
    hours = parse_weekly_hours({"mon": ["09:00", "18:00"], "sat": ["10:00", "14:00"]})
    cal = BusinessCalendar(NSK, hours, production)
    assert cal.day_info(date(2026, 5, 16)) == (WORKING, time(10), time(14), False)  # ordinary Saturday
    assert cal.day_info(date(2026, 5, 9)).kind == NONWORKING  # Victory Day on a Saturday
    assert cal.day_info(date(2026, 5, 12)).kind == NONWORKING  # the office does not work Tuesdays


def test_override_hours_are_used(tmp_path: Path) -> None:
    path = tmp_path / "admin.toml"
    path.write_text('[overrides]\n"2026-12-29" = ["10:00", "16:00"]\n"2026-12-30" = "shortened"\n', encoding="utf-8")
    cal = BusinessCalendar(NSK, MON_FRI_9_18, ProductionCalendar.from_files(path))
    assert cal.day_info(date(2026, 12, 29)) == (WORKING, time(10), time(16), False)
    assert cal.day_info(date(2026, 12, 30)) == (SHORTENED, time(9), time(17), False)
    assert cal.add_business_seconds(nsk(2026, 12, 29, 15), 2 * HOUR) == nsk(2026, 12, 30, 10)


def test_dst_in_the_office_zone(production: ProductionCalendar) -> None:
    # An office open on Sunday nights across the spring and autumn changes in Berlin.
    berlin = ZoneInfo("Europe/Berlin")
    cal = BusinessCalendar("Europe/Berlin", {6: (time(0), time(6))}, production)
    spring = datetime(2026, 3, 29, tzinfo=berlin)
    autumn = datetime(2026, 10, 25, tzinfo=berlin)
    assert cal.business_seconds_between(spring, spring + timedelta(days=1)) == 5 * HOUR
    assert cal.business_seconds_between(autumn, autumn + timedelta(days=1)) == 7 * HOUR
    assert cal.add_business_seconds(spring, 5 * HOUR) == datetime(2026, 3, 29, 6, tzinfo=berlin)
    assert cal.add_business_seconds(autumn, 6.5 * HOUR) == datetime(2026, 10, 25, 5, 30, tzinfo=berlin)


def test_the_range_grows_both_ways(production: ProductionCalendar) -> None:
    cal = BusinessCalendar(NSK, MON_FRI_9_18, production)
    assert cal.add_business_seconds(nsk(2026, 5, 8, 16, 30), DAY) == nsk(2026, 5, 12, 17, 30)
    # 31 Dec 2019 (provisional here) precedes New Year, so it closes at 17:00
    assert cal.add_business_seconds(nsk(2019, 12, 31, 16, 0), 3 * HOUR) == nsk(2020, 1, 9, 11, 0)
    assert cal.add_business_seconds(nsk(2035, 3, 1, 12, 0), DAY) == nsk(2035, 3, 2, 12, 0)
    # a span that runs past the precomputed range
    assert cal.business_seconds_between(nsk(2026, 1, 1), nsk(2027, 1, 1)) == (1972 + 247) * HOUR
    far = cal.add_business_seconds(nsk(2026, 1, 1), 5000 * HOUR)
    assert cal.business_seconds_between(nsk(2026, 1, 1), far) == 5000 * HOUR


def test_naive_datetimes_and_negative_spans_are_refused(office: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        office.is_open(datetime(2026, 5, 8, 12))
    with pytest.raises(ValueError, match="negative"):
        office.add_business_seconds(nsk(2026, 5, 8, 12), -1)


def test_bad_hours_are_refused(production: ProductionCalendar) -> None:
    with pytest.raises(ValueError, match="not before"):
        BusinessCalendar(NSK, {0: (time(18), time(9))}, production)
    with pytest.raises(ValueError, match="no working hours"):
        BusinessCalendar(NSK, {}, production)
