"""Pure functions behind `supportdesk calendar days` and `supportdesk sla deadline`.

Their output is a contract other tools rely on, so the command layer only parses arguments
and prints what these return.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from supportdesk.calendar.business import BusinessCalendar

HOUR = 3600.0


def calendar_days_json(cal: BusinessCalendar, year: int) -> dict[str, object]:
    """{"year": Y, "provisional": bool, "days": {"Y-01-01": kind, ...}}, one entry per day."""
    first = date(year, 1, 1)
    count = (date(year + 1, 1, 1) - first).days
    days: dict[str, str] = {}
    provisional = False
    for offset in range(count):
        day = first + timedelta(days=offset)
        info = cal.day_info(day)
        days[day.isoformat()] = info.kind
        provisional = provisional or info.provisional
    return {"year": year, "provisional": provisional, "days": days}


def parse_received(text: str, cal: BusinessCalendar) -> datetime:
    """An ISO-8601 instant; without an offset it is read as office time."""
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=cal.zone)
    return parsed


def sla_deadline_iso(cal: BusinessCalendar, received: datetime, business_days: int, business_day_hours: int = 9) -> str:
    """The due instant, ISO-8601 in office time, of a reply within N business days."""
    if business_days < 0 or business_day_hours <= 0:
        raise ValueError("business days must be >= 0 and business-day hours > 0")
    due = cal.add_business_seconds(received, business_days * business_day_hours * HOUR)
    return due.isoformat()
