"""Recompute the stored reply due times after the calendar or the SLA policy changes.

Due times live on the ticket (the queue orders by them), so they go stale when an administrator
edits the policy (hours, zone, SLA targets) or the calendar data (a decree, an override day).

How a change is applied:
- automatically: the escalation watcher calls ``sla_sync_calendar`` on every tick; it reads the
  policy and calendar files from disk, and when their fingerprint differs from the one the stored
  due times were computed with, it reloads them in this process and recomputes every open ticket;
- by hand: ``supportdesk sla recompute`` (for instance right after editing a file, without
  waiting for the next tick). Web processes read the policy at start-up: restart them too.

Warnings and breaches already marked: a mark stays when the recomputed target (or limit) is
still reached, so nobody is notified twice for the same clock; it is cleared when the new
target (or limit) lies in the future, so the queue badge and the watcher follow the new rules
and the agents are told again when the real target comes.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime

import holidays
from django.conf import settings
from django.db import connection
from django.utils import timezone

from supportdesk.audit.models import AuditEntry
from supportdesk.audit.services import audit_record
from supportdesk.calendar import BusinessCalendar
from supportdesk.calendar.production import DEFAULT_DATA_FILE, CalendarData, load_calendar_data
from supportdesk.escalation.models import CalendarStamp
from supportdesk.lib.sql import marks
from supportdesk.policy import Policy, get_policy, reload_policy
from supportdesk.policy.loader import load_policy
from supportdesk.policy.model import OFFICE_CALENDAR, SlaPolicy
from supportdesk.tickets.clocks import (
    SlaCalendar,
    calendar_for,
    reply_timing_ts,
    reset_office_calendar,
    sla_calendar,
    ticket_resolution,
)
from supportdesk.tickets.models import OPEN_STATUSES, ReplyFigure, StatusChange, Ticket
from supportdesk.tickets.services_bulk import (
    reply_figures_set,
    tickets_set_reply_deadlines,
    tickets_set_resolution_figures,
)

log = logging.getLogger(__name__)

STAMP_KEY = "reply_due_times"
DEFAULT_BATCH_SIZE = 5000
_TOLERANCE = 5e-6


def calendar_fingerprint(policy: Policy, data: CalendarData) -> str:
    """A digest of everything a due time depends on: zone, hours, SLA spans, calendar data."""
    hours = {str(wd): [h.isoformat() for h in span] if span else None for wd, span in policy.office.hours.items()}
    years = {
        str(year): [
            y.decree,
            sorted(d.isoformat() for d in y.working_weekend_days),
            sorted(d.isoformat() for d in y.extra_days_off),
            sorted(d.isoformat() for d in y.shortened_days),
        ]
        for year, y in data.years.items()
    }
    overrides = {
        day.isoformat(): [o.kind, [h.isoformat() for h in o.hours] if o.hours else None]
        for day, o in data.overrides.items()
    }
    doc = {
        "zone": policy.office.timezone,
        "hours": hours,
        "sla": [policy.sla.business_day_hours, policy.sla.reply_target_seconds, policy.sla.reply_limit_seconds],
        "sla_policies": [[p.key, p.priority, p.tier, p.reply_target_seconds, p.reply_limit_seconds, p.calendar]
                         for p in policy.sla.policies],
        "sla_calendars": {name: {str(wd): [h.isoformat() for h in span] if span else None for wd, span in hours.items()}
                          for name, hours in policy.sla.calendars.items()},
        "verified": sorted(data.verified_years),
        "years": years,
        "overrides": overrides,
        # The package supplies the holidays of every year: an upgrade may change answers.
        "holidays": holidays.__version__,
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def loaded_fingerprint() -> str:
    """The fingerprint of the rules this process computes with now."""
    policy = get_policy()
    return calendar_fingerprint(policy, calendar_for(policy).production.data)


def disk_fingerprint() -> str:
    """The fingerprint of the policy and calendar files as they are on disk now."""
    policy = load_policy(settings.SUPPORTDESK_POLICY_FILE or None)
    data = load_calendar_data([DEFAULT_DATA_FILE, *([policy.calendar.data_file] if policy.calendar.data_file else [])])
    return calendar_fingerprint(policy, data)


# A row read for recomputing: (pk, reply_pending_since exactly as the database holds it, then
# pending, target and due as epoch seconds, then the priority and contract tier that pick the
# ticket's SLA policy). Reading epoch seconds rather than datetimes keeps
# the database driver's datetime parsing, three values a row, out of the loop: it cost more
# than the calendar arithmetic itself.
Row = tuple[int, object, float, "float | None", "float | None", str, str]


def _where() -> str:
    # SQLite: "+status" keeps the planner on the primary key rather than the queue index.
    status = "+status" if connection.vendor == "sqlite" else "status"
    return f"{status} IN ({marks(OPEN_STATUSES)}) AND reply_pending_since IS NOT NULL"


def _select_sql() -> str:
    """The running clocks with lo <= id < hi.

    Batches are windows of ids rather than "id > last LIMIT n": a window is cheap whatever plan
    the database picks, even with the stale statistics a bulk load leaves behind.
    """
    table = connection.ops.quote_name(Ticket._meta.db_table)
    if connection.vendor == "postgresql":
        columns = ("id, reply_pending_since::text, EXTRACT(EPOCH FROM reply_pending_since)::float8, "
                   "EXTRACT(EPOCH FROM reply_target_at)::float8, EXTRACT(EPOCH FROM reply_due_at)::float8, "
                   "priority, sla_tier")
    elif connection.vendor == "sqlite":
        # Naive UTC text "YYYY-MM-DD HH:MM:SS[.ffffff]": whole seconds, plus the fraction if any.
        # The seconds come from the text without its fraction: SQLite keeps milliseconds
        # internally and would round 59.9996 up to the next second.
        epoch = "(CAST(strftime('%%s', substr({0}, 1, 19)) AS INTEGER) + CAST(substr({0}, 20) AS REAL))"
        columns = ", ".join(["id", "CAST(reply_pending_since AS TEXT)",
                             *(epoch.format(c) for c in ("reply_pending_since", "reply_target_at", "reply_due_at")),
                             "priority", "sla_tier"])
    else:
        raise NotImplementedError(f"SupportDesk runs on SQLite or PostgreSQL, not {connection.vendor}")
    sql = "SELECT %s FROM %s WHERE %s AND id >= %%s AND id < %%s ORDER BY id"
    return sql % (columns, table, _where())


def _id_range() -> tuple[int, int]:
    table = connection.ops.quote_name(Ticket._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MIN(id), MAX(id) FROM {table} WHERE {_where()}", [*OPEN_STATUSES])  # noqa: S608
        low, high = cursor.fetchone()
    return (int(low), int(high)) if low is not None else (1, 0)


def _read_batch(low: int, high: int) -> list[Row]:
    """Running clocks with low <= id < high, as (pk, pending as stored, pending, target, due,
    priority, tier)."""
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(), [*OPEN_STATUSES, low, high])
        return [tuple(row) for row in cursor.fetchall()]  # type: ignore[misc]


def _same_instant(old: float | None, new: float) -> bool:
    # Stored instants have microseconds; the databases and Python may round the last one apart.
    return old is not None and abs(old - new) < _TOLERANCE


def sla_recompute_open_tickets(*, batch_size: int = DEFAULT_BATCH_SIZE, now: datetime | None = None,
                               calendar: BusinessCalendar | None = None) -> int:
    """Recompute reply target and limit of every open ticket whose reply clock runs.

    Returns how many tickets changed. Reads windows of ids (epoch seconds, not datetimes), computes
    on the calendar's epoch-second fast path, each ticket on its own SLA policy (by priority and
    contract tier), and writes only the rows whose due times moved, one guarded UPDATE per window
    (``tickets.services_bulk.tickets_set_reply_deadlines``). ``calendar`` replaces the office calendar.
    """
    policy = get_policy()
    office = calendar or calendar_for(policy)
    rules: dict[tuple[str, str], tuple[Callable[[float, float], float], float, float]] = {}

    def rule(priority: str, tier: str) -> tuple[Callable[[float, float], float], float, float]:
        found = rules.get((priority, tier))
        if found is None:
            sla = policy.sla.policy_for(priority=priority, tier=tier)
            cal = office if sla.calendar == OFFICE_CALENDAR else sla_calendar(policy, sla.calendar)
            found = rules[(priority, tier)] = (cal.add_business_seconds_ts, sla.reply_target_seconds,
                                               sla.reply_limit_seconds)
        return found

    moment = now or timezone.now()
    updated = 0
    low, high = _id_range()
    for start in range(low, high + 1, batch_size):
        rows = _read_batch(start, start + batch_size)
        changed = []
        for pk, raw_pending, pending, old_target, old_due, priority, tier in rows:
            add, target_span, limit_span = rule(priority, tier)
            target = add(pending, target_span)
            due = add(pending, limit_span)
            if not (_same_instant(old_target, target) and _same_instant(old_due, due)):
                changed.append((pk, raw_pending, target, due))
        updated += tickets_set_reply_deadlines(rows=changed, now=moment)
    return updated


def reply_figures_recompute(*, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Recompute every stored reply figure (business time, target and limit met) with the rules
    in force, each on its ticket's SLA policy (by its priority and contract tier now); returns how
    many changed. Windows of ids, only changed rows written."""
    policy = get_policy()
    rules: dict[tuple[str, str], tuple[SlaCalendar, SlaPolicy]] = {}
    updated = 0
    bounds = ReplyFigure.objects.order_by().values_list("id", flat=True)
    low, high = bounds.order_by("id").first(), bounds.order_by("-id").first()
    if low is None or high is None:
        return 0
    for start in range(low, high + 1, batch_size):
        rows = (ReplyFigure.objects.filter(id__gte=start, id__lt=start + batch_size).order_by("id")
                .values_list("id", "received_at", "replied_at", "business_seconds", "within_target", "within_limit",
                             "ticket__priority", "ticket__sla_tier"))
        changed = []
        for pk, received, replied, seconds, target, limit, priority, tier in rows:
            rule = rules.get((priority, tier))
            if rule is None:
                sla = policy.sla.policy_for(priority=priority, tier=tier)
                rule = rules[(priority, tier)] = (sla_calendar(policy, sla.calendar), sla)
            timing = reply_timing_ts(rule[0], rule[1], received.timestamp(), replied.timestamp())
            if (abs(timing.business_seconds - seconds) > _TOLERANCE or timing.within_target != target
                    or timing.within_limit != limit):
                changed.append((pk, timing.business_seconds, timing.within_target, timing.within_limit))
        updated += reply_figures_set(rows=changed)
    return updated


def resolution_figures_recompute(*, batch_size: int = DEFAULT_BATCH_SIZE,
                                 calendar: BusinessCalendar | None = None) -> int:
    """Recompute the resolution figures (net, waiting for the customer, for a release) of every
    solved or closed ticket from its status history; returns how many changed."""
    cal = calendar or calendar_for(get_policy())
    solved = Ticket.objects.filter(resolution_business_seconds__isnull=False).order_by()
    low = solved.order_by("id").values_list("id", flat=True).first()
    high = solved.order_by("-id").values_list("id", flat=True).first()
    if low is None or high is None:
        return 0
    updated = 0
    for start in range(low, high + 1, batch_size):
        tickets = list(solved.filter(id__gte=start, id__lt=start + batch_size).values_list(
            "id", "solved_at", "closed_at", "resolution_business_seconds", "waiting_customer_business_seconds",
            "waiting_release_business_seconds"))
        if not tickets:
            continue
        history: dict[int, list[tuple[datetime, str]]] = {}
        for ticket_id, at, status in (StatusChange.objects.filter(ticket_id__in=[t[0] for t in tickets])
                                      .order_by("ticket_id", "at", "id").values_list("ticket_id", "at", "to_status")):
            history.setdefault(ticket_id, []).append((at, status))
        changed = []
        for pk, solved_at, closed_at, net, customer, release in tickets:
            end = solved_at or closed_at
            if end is None or pk not in history:
                continue
            new = ticket_resolution(history[pk], end, cal)
            old = (net or 0.0, customer or 0.0, release or 0.0)
            fresh = (new.net_seconds, new.waiting_customer_seconds, new.waiting_release_seconds)
            if any(abs(a - b) > _TOLERANCE for a, b in zip(old, fresh, strict=True)) or customer is None:
                changed.append((pk, *fresh))
        updated += tickets_set_resolution_figures(rows=changed)
    return updated


def _store_stamp(fingerprint: str, updated: int, now: datetime) -> None:
    CalendarStamp.objects.update_or_create(
        key=STAMP_KEY, defaults={"fingerprint": fingerprint, "applied_at": now, "tickets_updated": updated})


def sla_calendar_changed(*, now: datetime | None = None, batch_size: int = DEFAULT_BATCH_SIZE) -> int:
    """Apply an edited policy or calendar file: reload both in this process, recompute, record.

    Returns how many tickets' due times moved.
    """
    moment = now or timezone.now()
    reload_policy()
    reset_office_calendar()
    updated = sla_recompute_open_tickets(batch_size=batch_size, now=moment)
    # The reports' stored figures follow the same rules as the due times.
    figures = reply_figures_recompute(batch_size=batch_size)
    resolutions = resolution_figures_recompute(batch_size=batch_size)
    log.info("calendar or policy change: %d reply figures and %d resolution figures recomputed",
             figures, resolutions)
    previous = CalendarStamp.objects.filter(key=STAMP_KEY).values_list("fingerprint", flat=True).first()
    fingerprint = loaded_fingerprint()
    _store_stamp(fingerprint, updated, moment)
    if previous != fingerprint:
        audit_record(actor=None, action=AuditEntry.Action.POLICY_CHANGE, target="policy and calendar",
                     details={"from": previous, "to": fingerprint, "tickets_updated": updated})
    log.info("calendar or policy change applied: %d tickets' due times moved", updated)
    return updated


def sla_sync_calendar(*, now: datetime | None = None) -> int | None:
    """Notice an edited policy or calendar file and apply it; None when nothing changed.

    The first run on a database only records the rules in force (the due times were computed
    with them when the tickets were written).
    """
    moment = now or timezone.now()
    on_disk = disk_fingerprint()
    if on_disk != loaded_fingerprint():
        # Another process may already have recomputed; this one must compute with the new rules.
        reload_policy()
        reset_office_calendar()
    stamp = CalendarStamp.objects.filter(key=STAMP_KEY).first()
    if stamp is None:
        _store_stamp(loaded_fingerprint(), 0, moment)
        return None
    if stamp.fingerprint == loaded_fingerprint():
        return None
    return sla_calendar_changed(now=moment)
