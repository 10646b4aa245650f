"""The office's business calendar and the SLA clocks applied to tickets.

Pure arithmetic lives in ``supportdesk.calendar`` and ``supportdesk.sla.clock``; this
module builds the calendars from the policy, picks a ticket's SLA policy (by its priority and
its company's contract tier) and reads a ticket's history.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from supportdesk.calendar import BusinessCalendar, ContinuousCalendar, ProductionCalendar
from supportdesk.policy import Policy, get_policy
from supportdesk.policy.model import OFFICE_CALENDAR, ROUND_THE_CLOCK, SlaPolicy
from supportdesk.sla.clock import resolution_business_seconds, resolution_pauses


class SlaCalendar(Protocol):
    """What a reply clock asks of a calendar (office hours, other hours, or 24/7)."""

    def add_business_seconds_ts(self, ts: float, n: float) -> float: ...
    def business_seconds_between_ts(self, a: float, b: float) -> float: ...
    def to_office(self, ts: float) -> datetime: ...
    def is_open(self, t: datetime) -> bool: ...
    def next_opening(self, t: datetime) -> datetime: ...


_lock = threading.Lock()
_cache: dict[int, BusinessCalendar] = {}
_named: dict[tuple[int, str], SlaCalendar] = {}


def calendar_for(policy: Policy) -> BusinessCalendar:
    key = id(policy)
    cal = _cache.get(key)
    if cal is None:
        with _lock:
            production = ProductionCalendar.from_files(policy.calendar.data_file)
            cal = BusinessCalendar(policy.office.timezone, policy.office.hours, production)
            _cache.clear()  # one live policy at a time
            _named.clear()
            _cache[key] = cal
    return cal


def sla_calendar(policy: Policy, name: str) -> SlaCalendar:
    """The calendar an SLA policy counts on: "office", "24/7" or one of ``[sla.calendars]``."""
    office = calendar_for(policy)
    if name == OFFICE_CALENDAR:
        return office
    cal = _named.get((id(policy), name))
    if cal is None:
        with _lock:
            if name == ROUND_THE_CLOCK:
                cal = ContinuousCalendar(policy.office.timezone)
            else:
                cal = BusinessCalendar(policy.office.timezone, policy.sla.calendars[name], office.production)
            _named[(id(policy), name)] = cal
    return cal


def office_calendar() -> BusinessCalendar:
    return calendar_for(get_policy())


def reset_office_calendar() -> None:
    with _lock:
        _cache.clear()
        _named.clear()


def sla_policy_for(*, priority: str, tier: str, policy: Policy | None = None) -> SlaPolicy:
    return (policy or get_policy()).sla.policy_for(priority=priority, tier=tier)


def reply_deadlines(received: datetime, *, priority: str = "normal", tier: str = "") -> tuple[datetime, datetime]:
    """(target, limit) for a customer message received at ``received`` on a ticket of this
    priority from a company of this contract tier, on its SLA policy's calendar."""
    policy = get_policy()
    sla = policy.sla.policy_for(priority=priority, tier=tier)
    cal = sla_calendar(policy, sla.calendar)
    ts = received.timestamp()
    target = cal.add_business_seconds_ts(ts, sla.reply_target_seconds)
    limit = cal.add_business_seconds_ts(ts, sla.reply_limit_seconds)
    return cal.to_office(target), cal.to_office(limit)


def ticket_calendar(*, priority: str, tier: str) -> SlaCalendar:
    """The calendar a ticket's reply clock runs on (the acknowledgment says when it starts)."""
    policy = get_policy()
    return sla_calendar(policy, policy.sla.policy_for(priority=priority, tier=tier).calendar)


def ticket_resolution_seconds(history: list[tuple[datetime, str]], now: datetime) -> float:
    """Business seconds from creation to solved, net of waiting_* pauses."""
    return resolution_business_seconds(office_calendar(), history, now)


@dataclass(frozen=True)
class ReplyTiming:
    business_seconds: float
    within_target: bool
    within_limit: bool


def reply_figure(received: datetime, replied: datetime, *, priority: str = "normal", tier: str = "") -> ReplyTiming:
    """A reply's business time since the message on the ticket's SLA calendar, and whether it came by
    the target and the limit of the ticket's SLA policy (the instants the reply clock showed: a reply
    after closing on the day the target passed is late)."""
    policy = get_policy()
    sla = policy.sla.policy_for(priority=priority, tier=tier)
    return reply_timing_ts(sla_calendar(policy, sla.calendar), sla, received.timestamp(), replied.timestamp())


def reply_timing_ts(cal: SlaCalendar, sla: SlaPolicy, received: float, replied: float) -> ReplyTiming:
    target = cal.add_business_seconds_ts(received, sla.reply_target_seconds)
    limit = cal.add_business_seconds_ts(received, sla.reply_limit_seconds)
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
