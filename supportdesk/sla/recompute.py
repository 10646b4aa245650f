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
from collections.abc import Sequence
from datetime import UTC, datetime

import holidays
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from supportdesk.calendar import BusinessCalendar
from supportdesk.calendar.production import DEFAULT_DATA_FILE, CalendarData, load_calendar_data
from supportdesk.policy import Policy, get_policy, reload_policy
from supportdesk.policy.loader import load_policy
from supportdesk.sla.models import CalendarStamp
from supportdesk.tickets.clocks import calendar_for, reset_office_calendar
from supportdesk.tickets.models import OPEN_STATUSES, Ticket

log = logging.getLogger(__name__)

STAMP_KEY = "reply_due_times"
DEFAULT_BATCH_SIZE = 5000
_MICRO = 1_000_000


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


def _same_instant(a: datetime | None, ts: float) -> bool:
    return a is not None and round(a.timestamp() * _MICRO) == round(ts * _MICRO)


def _update_sql(rows: int) -> str:
    """One UPDATE for a batch, guarded so that a clock stopped or restarted meanwhile is left alone.

    The warning/breach marks are decided inside the statement (CASE against ``now``) so a mark
    the watcher sets between our read and our write is never lost.
    """
    table = connection.ops.quote_name(Ticket._meta.db_table)
    cast = "::timestamptz" if connection.vendor == "postgresql" else ""
    values = ", ".join([f"(%s, %s{cast}, %s{cast}, %s{cast})"] * rows)
    # Only the table name and placeholders are interpolated; every value is a bound parameter.
    # Both databases name the columns of a VALUES list column1, column2, ...; the UPDATE leads
    # the statement so that drivers report its row count.
    rows_sql = "SELECT column1 AS id, column2 AS pending, column3 AS target, column4 AS due FROM (VALUES %s) AS r"
    rows_sql %= values
    return (
        f"UPDATE {table} SET reply_target_at = v.target, reply_due_at = v.due, "  # noqa: S608
        f"reply_warned_at = CASE WHEN v.target > %s{cast} THEN NULL ELSE {table}.reply_warned_at END, "
        f"reply_breached_at = CASE WHEN v.due > %s{cast} THEN NULL ELSE {table}.reply_breached_at END "
        f"FROM ({rows_sql}) AS v WHERE {table}.id = v.id AND {table}.reply_pending_since = v.pending"
    )


def _write_batch(changed: Sequence[tuple[int, datetime, datetime, datetime]], now: datetime) -> int:
    adapt = connection.ops.adapt_datetimefield_value
    params: list[object] = [adapt(now), adapt(now)]
    for pk, pending, target, due in changed:
        params += [pk, adapt(pending), adapt(target), adapt(due)]
    with connection.cursor() as cursor:
        cursor.execute(_update_sql(len(changed)), params)
        return int(cursor.rowcount)


def sla_recompute_open_tickets(*, batch_size: int = DEFAULT_BATCH_SIZE, now: datetime | None = None,
                               calendar: BusinessCalendar | None = None) -> int:
    """Recompute reply target and limit of every open ticket whose reply clock runs.

    Returns how many tickets changed. Reads in primary-key batches, computes on the calendar's
    epoch-second fast path, and writes only the rows whose due times moved, one UPDATE per batch.
    """
    policy = get_policy()
    cal = calendar or calendar_for(policy)
    add = cal.add_business_seconds_ts
    target_span, limit_span = policy.sla.reply_target_seconds, policy.sla.reply_limit_seconds
    moment = now or timezone.now()
    running = Ticket.objects.filter(status__in=OPEN_STATUSES, reply_pending_since__isnull=False).order_by("pk")
    updated = 0
    last_pk = 0
    while True:
        rows = list(running.filter(pk__gt=last_pk).values_list(
            "pk", "reply_pending_since", "reply_target_at", "reply_due_at")[:batch_size])
        if not rows:
            return updated
        last_pk = rows[-1][0]
        changed = []
        for pk, pending, old_target, old_due in rows:
            ts = pending.timestamp()
            target = add(ts, target_span)
            due = add(ts, limit_span)
            if _same_instant(old_target, target) and _same_instant(old_due, due):
                continue
            changed.append((pk, pending, datetime.fromtimestamp(target, UTC), datetime.fromtimestamp(due, UTC)))
        if changed:
            with transaction.atomic():
                updated += _write_batch(changed, moment)


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
    _store_stamp(loaded_fingerprint(), updated, moment)
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
