"""The office's business calendar and the SLA clocks applied to tickets.

Pure arithmetic lives in ``supportdesk.calendar`` and ``supportdesk.sla.clock``; this
module builds the calendar from the policy and reads a ticket's history.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime

from supportdesk.calendar import BusinessCalendar, ProductionCalendar
from supportdesk.policy import Policy, get_policy
from supportdesk.sla.clock import resolution_business_seconds, resolution_pauses

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


@dataclass(frozen=True)
class ReplyTiming:
    business_seconds: float
    within_target: bool
    within_limit: bool


def reply_figure(received: datetime, replied: datetime, cal: BusinessCalendar | None = None,
                 policy: Policy | None = None) -> ReplyTiming:
    """A reply's business time since the message, and whether it came by the target and the limit
    (the instants the reply clock showed: a reply after closing on the day the target passed is late)."""
    policy = policy or get_policy()
    cal = cal or calendar_for(policy)
    return reply_timing_ts(cal, policy, received.timestamp(), replied.timestamp())


def reply_timing_ts(cal: BusinessCalendar, policy: Policy, received: float, replied: float) -> ReplyTiming:
    target = cal.add_business_seconds_ts(received, policy.sla.reply_target_seconds)
    limit = cal.add_business_seconds_ts(received, policy.sla.reply_limit_seconds)
    seconds = max(cal.business_seconds_between_ts(received, replied), 0.0)
    return ReplyTiming(seconds, replied <= target, replied <= limit)


@dataclass(frozen=True)
class Resolution:
    net_seconds: float
    waiting_customer_seconds: float
    waiting_release_seconds: float


def ticket_resolution(history: list[tuple[datetime, str]], now: datetime,
                      cal: BusinessCalendar | None = None) -> Resolution:
    """The resolution figure net of pauses, and the business time each kind of pause took."""
    cal = cal or office_calendar()
    waiting = {"waiting_customer": 0.0, "waiting_release": 0.0}
    for pause in resolution_pauses(cal, history, now):
        waiting[pause.status] = waiting.get(pause.status, 0.0) + pause.business_seconds
    return Resolution(resolution_business_seconds(cal, history, now), waiting["waiting_customer"],
                      waiting["waiting_release"])
