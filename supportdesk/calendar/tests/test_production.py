from datetime import date, time, timedelta
from pathlib import Path

import holidays
import pytest

from supportdesk.calendar.production import (
    NONWORKING,
    REASON_HOLIDAY,
    REASON_OVERRIDE,
    REASON_WEEKEND,
    REASON_WORKING_WEEKEND,
    SHORTENED,
    WORKING,
    CalendarData,
    CalendarDataError,
    ProductionCalendar,
    load_calendar_data,
)
from supportdesk.calendar.tests import decrees

VERIFIED = (2024, 2025, 2026, 2027)


def expected_kind(day: date) -> str:
    if day.day in decrees.NONWORKING[day.year][day.month]:
        return NONWORKING
    if (day.month, day.day) in decrees.SHORTENED[day.year]:
        return SHORTENED
    return WORKING


def days_of(year: int) -> list[date]:
    first = date(year, 1, 1)
    return [first + timedelta(days=i) for i in range((date(year + 1, 1, 1) - first).days)]


@pytest.mark.parametrize("year", VERIFIED)
def test_every_day_matches_the_decree(production: ProductionCalendar, year: int) -> None:
    wrong = {d.isoformat(): (production.kind(d), expected_kind(d)) for d in days_of(year) if production.kind(d) != expected_kind(d)}
    assert wrong == {}
    assert all(not production.day(d).provisional for d in days_of(year))


@pytest.mark.parametrize("year", VERIFIED)
def test_the_typed_calendars_agree_with_the_official_totals(year: int) -> None:
    # Guards the hand-typed expectations themselves against a slip of the finger.
    days = days_of(year)
    working = [d for d in days if expected_kind(d) != NONWORKING]
    shortened = [d for d in days if expected_kind(d) == SHORTENED]
    assert len(working) == decrees.WORKING_DAY_COUNT[year]
    assert 8 * len(working) - len(shortened) == decrees.NORM_HOURS[year]
    typed_weekend_work = sorted((d.month, d.day) for d in working if d.weekday() >= 5)
    assert typed_weekend_work == decrees.WORKING_WEEKEND_DAYS[year]


@pytest.mark.parametrize("year", VERIFIED)
def test_the_pinned_package_agrees_with_our_data_for_verified_years(production: ProductionCalendar, year: int) -> None:
    package = holidays.country_holidays("RU", years=year)
    assert sorted(d for d in package.weekend_workdays if d.year == year) == sorted(
        date(year, m, d) for m, d in decrees.WORKING_WEEKEND_DAYS[year]
    )
    decree_days_off = {d for d in days_of(year) if expected_kind(d) == NONWORKING and d.weekday() < 5}
    package_weekday_days_off = {d for d in package if d.weekday() < 5}
    assert package_weekday_days_off == decree_days_off


def test_reasons(production: ProductionCalendar) -> None:
    assert production.day(date(2024, 4, 27)).reason == REASON_WORKING_WEEKEND
    assert production.day(date(2024, 4, 29)).reason == REASON_HOLIDAY
    assert production.day(date(2024, 4, 28)).reason == REASON_WEEKEND
    assert production.kind(date(2024, 11, 2)) == SHORTENED
    assert production.kind(date(2024, 12, 28)) == WORKING


def test_unverified_year_is_provisional_and_follows_the_package(production: ProductionCalendar) -> None:
    assert not production.is_verified(2030)
    day = production.day(date(2030, 1, 1))
    assert day.provisional
    assert day.kind == NONWORKING
    assert production.kind(date(2030, 6, 12)) == NONWORKING  # Russia Day, a Wednesday
    # Art. 95 applied literally: the working day right before a holiday is shortened.
    assert production.kind(date(2030, 6, 11)) == SHORTENED
    assert production.kind(date(2030, 6, 10)) == WORKING
    assert all(d.provisional for d in production.year_days(2030))


def test_a_provisional_year_uses_the_package_working_weekends() -> None:
    production = ProductionCalendar(CalendarData())  # no verified year: the package alone
    saturday = date(2027, 2, 20)  # worked in exchange for Monday 2027-02-22 per the package
    assert production.day(saturday).kind != NONWORKING
    assert production.day(saturday).provisional
    assert production.kind(date(2027, 2, 22)) == NONWORKING


@pytest.mark.parametrize("year", VERIFIED)
def test_the_rule_for_unverified_years_reproduces_every_verified_year(year: int) -> None:
    # Without our data the art. 95 rule, with a working Saturday counted as the weekday it
    # stands in for, must give the shortened days the Ministry of Labour published.
    derived = ProductionCalendar(CalendarData())
    shortened = sorted((d.day.month, d.day.day) for d in derived.year_days(year) if d.kind == SHORTENED)
    assert shortened == decrees.SHORTENED[year]


def test_2027_is_verified_and_its_working_saturday_before_a_holiday_is_shortened(
        production: ProductionCalendar) -> None:
    assert production.is_verified(2027)
    saturday = production.day(date(2027, 2, 20))
    assert (saturday.kind, saturday.reason, saturday.provisional) == (SHORTENED, REASON_WORKING_WEEKEND, False)
    assert production.kind(date(2027, 2, 22)) == NONWORKING  # the Monday it stands in for
    assert production.kind(date(2027, 11, 5)) == NONWORKING  # Saturday 2 January moved here
    assert production.kind(date(2027, 12, 31)) == NONWORKING  # Sunday 3 January moved here
    assert production.kind(date(2027, 12, 30)) == WORKING  # a moved day off is no holiday: not shortened


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "admin.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_overrides_from_an_administrator_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[overrides]\n"2026-12-30" = "nonworking"\n"2026-12-29" = ["10:00", "16:00"]\n"2026-03-07" = "working"\n',
    )
    production = ProductionCalendar.from_files(path, "")
    assert production.kind(date(2026, 12, 30)) == NONWORKING
    assert production.day(date(2026, 12, 30)).reason == REASON_OVERRIDE
    assert production.day(date(2026, 12, 29)).hours == (time(10), time(16))
    assert production.kind(date(2026, 3, 7)) == WORKING
    # the shipped data is still there
    assert production.kind(date(2026, 5, 8)) == SHORTENED
    assert production.is_verified(2026)


def test_an_administrator_file_may_verify_a_new_year(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'verified_years = [2030]\n[years.2030]\ndecree = "test"\nshortened_days = ["2030-06-10"]\n',
    )
    production = ProductionCalendar.from_files(path)
    assert production.is_verified(2030)
    assert production.kind(date(2030, 6, 10)) == SHORTENED
    assert production.kind(date(2030, 6, 11)) == WORKING
    assert not production.day(date(2030, 6, 11)).provisional


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[overrides]\n"2026-12-30" = "holiday"\n', "overrides.2026-12-30"),
        ('[overrides]\n"2026-13-30" = "working"\n', "not a date"),
        ('[overrides]\n"2026-12-30" = ["18:00", "09:00"]\n', "not before"),
        ("verified_years = [2031]\n", "2031"),
        ('[years.2030]\nshortened_days = ["2031-01-01"]\n', "not in 2030"),
        ('[years.2030]\nworking_weekend_days = ["2030-01-09"]\n', "not a weekend day"),
        ("colour = 1\n", "unknown key 'colour'"),
        ("verified_years = [\n", "admin.toml"),
    ],
)
def test_bad_data_is_refused_with_the_place_named(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(CalendarDataError, match=message):
        load_calendar_data([path])


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CalendarDataError, match="nope.toml"):
        load_calendar_data([tmp_path / "nope.toml"])
