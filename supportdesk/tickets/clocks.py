"""The office's business calendar and the SLA clocks applied to tickets.

Pure arithmetic lives in ``supportdesk.calendar`` and ``supportdesk.sla.clock``; this
module builds the calendar from the policy and reads a ticket's history.
"""

from __future__ import annotations

import threading
from datetime import datetime

from supportdesk.calendar import BusinessCalendar, ProductionCalendar
from supportdesk.policy import Policy, get_policy
from supportdesk.sla.clock import resolution_business_seconds

_lock = threading.Lock()
_cache: dict[int, BusinessCalendar] = {}


def calendar_for(policy: Policy) -> BusinessCalendar:
    key = id(policy)
    cal = _cache.get(key)
    if cal is None:
        with _lock:
            production = ProductionCalendar.from_files(policy.calendar.data_file)
            cal = BusinessCalendar(policy.office.timezone, policy.office.hours, production)
            _cache.clear()  # one live policy at a time
            _cache[key] = cal
    return cal


def office_calendar() -> BusinessCalendar:
    return calendar_for(get_policy())


def reset_office_calendar() -> None:
    with _lock:
        _cache.clear()


def reply_deadlines(received: datetime) -> tuple[datetime, datetime]:
    """(target, limit) for a customer message received at ``received``."""
    policy = get_policy()
    cal = calendar_for(policy)
    ts = received.timestamp()
    target = cal.add_business_seconds_ts(ts, policy.sla.reply_target_seconds)
    limit = cal.add_business_seconds_ts(ts, policy.sla.reply_limit_seconds)
    return cal.to_office(target), cal.to_office(limit)


def ticket_resolution_seconds(history: list[tuple[datetime, str]], now: datetime) -> float:
    """Business seconds from creation to solved, net of waiting_* pauses."""
    return resolution_business_seconds(office_calendar(), history, now)
