"""Pure business-time arithmetic and the Russian production calendar (no Django, no ORM)."""

from supportdesk.calendar.business import BusinessCalendar, DayInfo, parse_weekly_hours
from supportdesk.calendar.continuous import ContinuousCalendar
from supportdesk.calendar.production import (
    NONWORKING,
    SHORTENED,
    WORKING,
    CalendarDataError,
    ProductionCalendar,
    ProductionDay,
)

__all__ = [
    "NONWORKING",
    "SHORTENED",
    "WORKING",
    "BusinessCalendar",
    "CalendarDataError",
    "ContinuousCalendar",
    "DayInfo",
    "ProductionCalendar",
    "ProductionDay",
    "parse_weekly_hours",
]
