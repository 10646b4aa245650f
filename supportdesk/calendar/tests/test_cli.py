import json
from datetime import UTC, datetime

import pytest

from supportdesk.calendar.business import BusinessCalendar
from supportdesk.calendar.cli import calendar_days_json, parse_received, sla_deadline_iso


def test_calendar_days_json_has_one_entry_per_day(office: BusinessCalendar) -> None:
    result = calendar_days_json(office, 2026)
    assert result["year"] == 2026
    assert result["provisional"] is False
    days = result["days"]
    assert isinstance(days, dict)
    assert len(days) == 365
    assert list(days)[0] == "2026-01-01" and list(days)[-1] == "2026-12-31"
    assert days["2026-01-01"] == "nonworking"
    assert days["2026-05-08"] == "shortened"
    assert days["2026-05-12"] == "working"
    assert set(days.values()) == {"working", "shortened", "nonworking"}
    assert len(calendar_days_json(office, 2024)["days"]) == 366  # type: ignore[arg-type]
    json.dumps(result)


def test_an_unverified_year_is_marked_provisional(office: BusinessCalendar) -> None:
    result = calendar_days_json(office, 2031)
    assert result["provisional"] is True
    assert result["days"]["2031-01-01"] == "nonworking"  # type: ignore[index]


def test_sla_deadline_iso(office: BusinessCalendar) -> None:
    assert sla_deadline_iso(office, parse_received("2026-05-08T16:30", office), 1) == "2026-05-12T17:30:00+07:00"
    assert sla_deadline_iso(office, parse_received("2026-05-08T16:30+07:00", office), 2) == "2026-05-13T17:30:00+07:00"
    received = datetime(2026, 5, 8, 9, 30, tzinfo=UTC)
    assert sla_deadline_iso(office, received, 1) == "2026-05-12T17:30:00+07:00"
    assert sla_deadline_iso(office, received, 1, business_day_hours=8) == "2026-05-12T16:30:00+07:00"


def test_sla_deadline_refuses_negative_days(office: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="business days"):
        sla_deadline_iso(office, parse_received("2026-05-08T16:30", office), -1)
