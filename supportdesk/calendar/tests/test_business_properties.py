from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from supportdesk.calendar.business import BusinessCalendar
from supportdesk.calendar.production import NONWORKING, ProductionCalendar
from supportdesk.calendar.tests.helpers import MON_FRI_9_18, NSK

OFFICE = BusinessCalendar(NSK, MON_FRI_9_18, ProductionCalendar())
READER_ZONES = ["UTC", "Europe/Moscow", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu", "Europe/London"]

instants = st.datetimes(
    min_value=datetime(2023, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(UTC)
)
# Up to three business days; whole milliseconds keep float round-off far below the tolerance.
spans = st.integers(min_value=0, max_value=3 * 9 * 3600 * 1000).map(lambda ms: ms / 1000)
EPSILON = 1e-5


@given(instants, spans)
def test_add_then_measure_round_trips(t: datetime, n: float) -> None:
    due = OFFICE.add_business_seconds(t, n)
    assert abs(OFFICE.business_seconds_between(t, due) - n) < EPSILON
    assert due >= t


@given(instants, spans.filter(lambda n: n > 0))
def test_the_deadline_is_the_earliest_such_instant(t: datetime, n: float) -> None:
    due = OFFICE.add_business_seconds(t, n)
    just_before = due - timedelta(milliseconds=1)
    assert OFFICE.business_seconds_between(t, just_before) < n


@given(instants, spans.filter(lambda n: n > 0))
def test_deadlines_fall_within_working_hours(t: datetime, n: float) -> None:
    due = OFFICE.add_business_seconds(t, n)
    info = OFFICE.day_info(due.date())
    assert info.kind != NONWORKING
    assert info.opens is not None and info.closes is not None
    # a span used up exactly at closing is due at the closing instant itself
    assert info.opens < due.timetz().replace(tzinfo=None) <= info.closes


@given(instants, instants, spans)
def test_monotonic_in_the_received_instant(a: datetime, b: datetime, n: float) -> None:
    early, late = sorted((a, b))
    assert OFFICE.add_business_seconds(early, n) <= OFFICE.add_business_seconds(late, n)


@given(instants, spans, st.sampled_from(READER_ZONES))
def test_zone_independent(t: datetime, n: float, zone: str) -> None:
    local = t.astimezone(ZoneInfo(zone))
    assert OFFICE.add_business_seconds(local, n) == OFFICE.add_business_seconds(t, n)
    assert OFFICE.is_open(local) == OFFICE.is_open(t)
    assert OFFICE.next_opening(local) == OFFICE.next_opening(t)


@settings(max_examples=50)
@given(instants, instants)
def test_business_time_is_additive(a: datetime, b: datetime) -> None:
    middle = a + (b - a) / 2
    whole = OFFICE.business_seconds_between(a, b)
    parts = OFFICE.business_seconds_between(a, middle) + OFFICE.business_seconds_between(middle, b)
    assert abs(whole - parts) < EPSILON
    assert (whole >= 0) == (b >= a) or whole == 0
