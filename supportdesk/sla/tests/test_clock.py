from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from supportdesk.calendar.business import BusinessCalendar
from supportdesk.calendar.production import ProductionCalendar
from supportdesk.sla.clock import (
    BREACHED,
    ON_TIME,
    PAUSED,
    WARNING,
    Pause,
    business_days_seconds,
    reply_clock_state,
    reply_due,
    resolution_business_seconds,
    resolution_pauses,
)

Z = ZoneInfo("Asia/Novosibirsk")
OFFICE = BusinessCalendar(
    "Asia/Novosibirsk", {wd: (time(9), time(18)) if wd < 5 else None for wd in range(7)}, ProductionCalendar()
)
HOUR = 3600.0


def nsk(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=Z)


def test_reply_due_counts_nine_hour_business_days() -> None:
    assert reply_due(OFFICE, nsk(2026, 5, 8, 16, 30), 1) == nsk(2026, 5, 12, 17, 30)
    assert reply_due(OFFICE, nsk(2026, 5, 8, 16, 30), 2) == nsk(2026, 5, 13, 17, 30)
    assert reply_due(OFFICE, nsk(2026, 5, 8, 16, 30), 0.5) == nsk(2026, 5, 12, 13, 0)
    assert business_days_seconds(2) == 18 * HOUR
    with pytest.raises(ValueError):
        business_days_seconds(1, day_hours=0)


CREATED = nsk(2026, 5, 18, 10, 0)  # Monday
NOW = nsk(2026, 5, 27, 12, 0)  # Wednesday of the next week


def test_a_three_day_pause_moves_the_figure_by_exactly_the_paused_business_time() -> None:
    running = [(CREATED, "new"), (nsk(2026, 5, 18, 10, 30), "open")]
    paused_at, resumed_at = nsk(2026, 5, 19, 12, 0), nsk(2026, 5, 22, 12, 0)
    paused = [*running, (paused_at, "waiting_customer"), (resumed_at, "open")]
    without = resolution_business_seconds(OFFICE, running, NOW)
    with_pause = resolution_business_seconds(OFFICE, paused, NOW)
    paused_business = OFFICE.business_seconds_between(paused_at, resumed_at)
    assert paused_business == 27 * HOUR
    assert without - with_pause == paused_business
    assert with_pause == 7 * 9 * HOUR - HOUR + 3 * HOUR - 27 * HOUR
    assert resolution_pauses(OFFICE, paused, NOW) == [Pause("waiting_customer", paused_at, resumed_at, 27 * HOUR)]


def test_solved_stops_the_clock_and_reopening_resumes_it() -> None:
    history = [
        (CREATED, "open"),
        (nsk(2026, 5, 18, 12, 0), "solved"),
        (nsk(2026, 5, 20, 9, 0), "open"),
        (nsk(2026, 5, 20, 10, 0), "closed"),
    ]
    assert resolution_business_seconds(OFFICE, history, NOW) == 3 * HOUR


def test_an_ongoing_pause_counts_up_to_now_and_later_entries_are_ignored() -> None:
    history = [(CREATED, "open"), (nsk(2026, 5, 26, 17, 0), "waiting_release"), (nsk(2026, 6, 1, 9, 0), "open")]
    pauses = resolution_pauses(OFFICE, history, NOW)
    assert pauses == [Pause("waiting_release", nsk(2026, 5, 26, 17, 0), None, 4 * HOUR)]
    assert resolution_business_seconds(OFFICE, history, NOW) == 8 * HOUR + 4 * 9 * HOUR + 9 * HOUR + 8 * HOUR
    assert resolution_business_seconds(OFFICE, history, CREATED) == 0
    assert resolution_business_seconds(OFFICE, [], NOW) == 0


def test_consecutive_pauses_of_different_kinds_are_listed_apart() -> None:
    history = [
        (CREATED, "open"),
        (nsk(2026, 5, 19, 9, 0), "waiting_customer"),
        (nsk(2026, 5, 20, 9, 0), "waiting_release"),
        (nsk(2026, 5, 21, 9, 0), "open"),
    ]
    pauses = resolution_pauses(OFFICE, history, NOW)
    assert [(p.status, p.business_seconds) for p in pauses] == [("waiting_customer", 9 * HOUR), ("waiting_release", 9 * HOUR)]
    custom = resolution_business_seconds(OFFICE, history, NOW, pause_statuses=frozenset({"waiting_customer"}))
    assert custom - resolution_business_seconds(OFFICE, history, NOW) == 9 * HOUR


def test_a_history_out_of_order_or_naive_is_refused() -> None:
    with pytest.raises(ValueError, match="earlier"):
        resolution_business_seconds(OFFICE, [(nsk(2026, 5, 19), "open"), (nsk(2026, 5, 18), "solved")], NOW)
    with pytest.raises(ValueError, match="naive"):
        resolution_business_seconds(OFFICE, [(datetime(2026, 5, 18), "open")], NOW)


instants = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 1), timezones=st.just(UTC))


@given(instants, st.lists(st.integers(min_value=0, max_value=20 * 86400), min_size=3, max_size=3))
def test_any_pause_moves_the_figure_by_its_business_time(created: datetime, offsets: list[int]) -> None:
    start_offset, pause_offset, length = offsets[0], offsets[0] + offsets[1], offsets[2]
    paused_at = created + timedelta(seconds=pause_offset)
    resumed_at = paused_at + timedelta(seconds=length)
    now = resumed_at + timedelta(days=3)
    running = [(created, "new"), (created + timedelta(seconds=start_offset), "open")]
    paused = [*running[:1], *([running[1]] if start_offset < pause_offset else []), (paused_at, "waiting_customer"), (resumed_at, "open")]
    moved = resolution_business_seconds(OFFICE, running, now) - resolution_business_seconds(OFFICE, paused, now)
    expected = OFFICE.business_seconds_between(max(paused_at, created), resumed_at)
    assert abs(moved - expected) < 1e-6


@pytest.mark.parametrize(
    ("now", "paused", "state"),
    [
        (nsk(2026, 5, 12, 9), False, ON_TIME),
        (nsk(2026, 5, 12, 17, 30), False, WARNING),
        (nsk(2026, 5, 13, 17, 29), False, WARNING),
        (nsk(2026, 5, 13, 17, 30), False, BREACHED),
        (nsk(2026, 5, 13, 17, 30), True, PAUSED),
    ],
)
def test_reply_clock_state(now: datetime, paused: bool, state: str) -> None:
    target, limit = nsk(2026, 5, 12, 17, 30), nsk(2026, 5, 13, 17, 30)
    assert reply_clock_state(now, target, limit, paused) == state
