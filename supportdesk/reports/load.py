"""Load: when requests arrive (a weekday × hour heatmap in office time), the backlog day by day
(open, waiting for the customer, waiting for a release), and what each agent holds and handled.

The backlog is rebuilt backwards from today's counts: each status change after a day is undone,
so the figure for a day is what the queue held at its end, without storing snapshots.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from supportdesk.policy import get_policy
from supportdesk.reports import charts
from supportdesk.reports.common import (
    Epoch,
    GroupBy,
    bucket_number,
    days_between,
    grouper,
    midnight,
    narrow_rows,
)
from supportdesk.reports.dimensions import CHANGE, MESSAGE, TICKET
from supportdesk.reports.query import ReportQuery, scoped
from supportdesk.reports.tables import Chart, Report, Section, Table
from supportdesk.tickets.models import OPEN_STATUSES, Message, Status, StatusChange, Ticket
from supportdesk.tickets.selectors import open_status_filter

# The backlog's three lines: the statuses each one counts.
BACKLOG = (("open", (Status.NEW, Status.OPEN)), ("waiting_customer", (Status.WAITING_CUSTOMER,)),
           ("waiting_release", (Status.WAITING_RELEASE,)))


def weekday_names() -> list[str]:
    monday = date(2024, 1, 1)  # a Monday
    return [dateformat.format(monday + timedelta(days=i), "D") for i in range(7)]


def _incoming(query: ReportQuery):  # type: ignore[no-untyped-def]
    return scoped(Message.objects.filter(created_at__gte=query.since, created_at__lt=query.until,
                                         kind=Message.Kind.INCOMING, is_robot=False), query, MESSAGE)


def open_counts(query: ReportQuery) -> list[tuple[int | None, str, int]]:
    """(assignee, status, tickets) of the open tickets now; merged tickets are closed, and saying so
    lets the database read the queue's partial index instead of the whole table."""
    return list(scoped(Ticket.objects.filter(open_status_filter(), merged_into__isnull=True), query, TICKET)
                .order_by().values_list("assignee_id", "status").annotate(n=Count("*")))


def incoming_rows(query: ReportQuery) -> list[tuple[object, int]]:
    """(group key, arrival as epoch seconds) of the customer messages in the range, read once for
    two tables."""
    by = GroupBy(query, MESSAGE, "created_at")
    return [(by.key(value), ts) for value, ts in narrow_rows(_incoming(query), g=by.expression, ts=Epoch("created_at"))]


def heatmap_counts(query: ReportQuery, rows: list[tuple[object, int]] | None = None) -> list[list[int]]:
    zone = get_policy().office.zone
    grid = [[0] * 24 for _ in range(7)]
    for _value, ts in rows if rows is not None else incoming_rows(query):
        local = datetime.fromtimestamp(ts, zone)
        grid[local.weekday()][local.hour] += 1
    return grid


def backlog(query: ReportQuery, now_open: list[tuple[int | None, str, int]] | None = None,
            ) -> list[tuple[date, dict[str, int]]]:
    """(day, {line: tickets}) at the end of each day of the range up to today."""
    zone = get_policy().office.zone
    today = timezone.localdate(timezone=zone)
    state: dict[str, int] = {str(status): 0 for status in OPEN_STATUSES}
    for _agent, status, n in now_open if now_open is not None else open_counts(query):
        state[status] += n
    deltas: dict[date, dict[str, int]] = {}
    # The day of each change in office time, numbered in SQL (see common.bucket_number).
    days = days_between(query.start, max(today, query.start))
    changes = (scoped(StatusChange.objects.filter(at__gte=query.since, at__lte=timezone.now()), query, CHANGE)
               .annotate(day=bucket_number("at", [midnight(day) for day in days[1:]])).order_by()
               .values_list("day", "from_status", "to_status").annotate(n=Count("*")))
    for number, from_status, to_status, n in changes:
        delta = deltas.setdefault(days[number], {})
        delta[to_status] = delta.get(to_status, 0) + n
        delta[from_status] = delta.get(from_status, 0) - n
    points = []
    day = max(today, max(deltas, default=today))
    while day >= query.start:
        if day <= query.end and day <= today:
            points.append((day, {name: sum(state.get(s, 0) for s in statuses) for name, statuses in BACKLOG}))
        for status, n in deltas.get(day, {}).items():
            if status in state:
                state[status] -= n
        day -= timedelta(days=1)
    return points[::-1]


def _agent_names() -> dict[int, str]:
    return {u.pk: u.get_full_name() or u.get_username() for u in get_user_model().objects.all()}


def _without_agent(query: ReportQuery) -> ReportQuery:
    """The query less its agent filter: replies and solves are the author's, filtered by hand."""
    return replace(query, filters={k: v for k, v in query.filters.items() if k != "agent"})


def per_agent(query: ReportQuery, now_open: list[tuple[int | None, str, int]] | None = None) -> Table:
    names = _agent_names()
    table = Table("agents", _("Per agent: open now and handled in the period"), [
        _("agent"), _("open now"), _("waiting now"), _("replies sent"), _("tickets answered"), _("tickets solved"),
        _("time spent, hours")])
    figures: dict[int | None, list[float]] = {}

    def add(agent: int | None, column: int, n: float) -> None:
        figures.setdefault(agent, [0, 0, 0, 0, 0, 0.0])[column] += n

    for agent, status, n in now_open if now_open is not None else open_counts(query):
        add(agent, 1 if status in (Status.WAITING_CUSTOMER, Status.WAITING_RELEASE) else 0, n)
    replies = Message.objects.filter(created_at__gte=query.since, created_at__lt=query.until,
                                     kind__in=(Message.Kind.OUTGOING, Message.Kind.CALL), answers_customer=True)
    if "agent" in query.filters:
        replies = replies.filter(author_user_id=int(query.filters["agent"]))
    replies = scoped(replies, _without_agent(query), MESSAGE)
    for agent, n, tickets in (replies.order_by().values_list("author_user_id")
                              .annotate(n=Count("*"), t=Count("ticket_id", distinct=True))):
        add(agent, 2, n)
        add(agent, 3, tickets)
    solved = StatusChange.objects.filter(at__gte=query.since, at__lt=query.until, to_status=Status.SOLVED)
    if "agent" in query.filters:
        solved = solved.filter(by_user_id=int(query.filters["agent"]))
    solved = scoped(solved, _without_agent(query), CHANGE)
    for agent, n in solved.order_by().values_list("by_user_id").annotate(n=Count("*")):
        add(agent, 4, n)
    for agent, minutes in _time_spent(query).order_by().values_list("author_user_id").annotate(m=Sum("time_spent")):
        add(agent, 5, round(minutes / 60, 2))
    ordered = sorted(figures.items(), key=lambda item: (item[0] is None, names.get(item[0] or 0, "").lower()))
    for agent, values in ordered:
        table.rows.append([names.get(agent, "—") if agent else _("nobody"), *values])
    table.total = [_("Total"), *[sum(v[i] for v in figures.values()) for i in range(5)],
                   round(sum(v[5] for v in figures.values()), 2)]
    return table


def _time_spent(query: ReportQuery):  # type: ignore[no-untyped-def]
    """Messages that carry an agent's time in the range; the agent filter is the author."""
    spent = Message.objects.filter(created_at__gte=query.since, created_at__lt=query.until, time_spent__isnull=False)
    if "agent" in query.filters:
        spent = spent.filter(author_user_id=int(query.filters["agent"]))
    return scoped(spent, _without_agent(query), MESSAGE)


def incoming_by_group(query: ReportQuery, rows: list[tuple[object, int]] | None = None) -> Table:
    g = grouper(query)
    rows = rows if rows is not None else incoming_rows(query)
    table = Table("incoming", _("Incoming requests, customer messages and time spent"),
                  [str(g.dimension.label), _("new tickets"), _("customer messages"), _("time spent, hours")])
    new_by = GroupBy(query, TICKET, "created_at")
    new = scoped(Ticket.objects.filter(created_at__gte=query.since, created_at__lt=query.until), query, TICKET)
    new_counts: dict[object, int] = {}
    for value, n in new.order_by().annotate(g=new_by.expression).values_list("g").annotate(n=Count("*")):
        key = new_by.key(value)
        new_counts[key] = new_counts.get(key, 0) + n
    # Time belongs to whoever spent it, and to the message's own ticket otherwise.
    spent_path = "author_user_id" if g.dimension.key == "agent" else None
    spent_by = GroupBy(query, MESSAGE, "created_at", path=spent_path)
    spent: dict[object, float] = {}
    for value, minutes in (_time_spent(query).order_by().annotate(g=spent_by.expression).values_list("g")
                           .annotate(m=Sum("time_spent"))):
        key = spent_by.key(value)
        spent[key] = spent.get(key, 0) + minutes
    messages: dict[object, int] = {}
    for key, _ts in rows:
        messages[key] = messages.get(key, 0) + 1
    for key in sorted(set(messages) | set(new_counts) | set(spent), key=g.sort_key):
        table.rows.append([g.label(key), new_counts.get(key, 0), messages.get(key, 0),
                           round(spent.get(key, 0) / 60, 2)])
    table.total = [_("Total"), sum(new_counts.values()), len(rows), round(sum(spent.values()) / 60, 2)]
    return table


def load_report(query: ReportQuery) -> Report:
    incoming = incoming_rows(query)
    now_open = open_counts(query)
    grid = heatmap_counts(query, incoming)
    days = weekday_names()
    hours_ = [f"{h:02d}" for h in range(24)]
    heat = Table("heatmap", _("Customer messages by weekday and hour (office time)"),
                 [pgettext("heatmap corner", "weekday"), *hours_],
                 [[days[i], *grid[i]] for i in range(7)])
    heat_chart = Chart(heat.title, charts.heatmap(heat.title, days, hours_, grid))
    line_names = {"open": _("open"), "waiting_customer": _("waiting for the customer"),
                  "waiting_release": _("waiting for a release")}
    points = backlog(query, now_open)
    backlog_table = Table("backlog", _("Backlog at the end of each day"),
                          [_("day"), *[line_names[n] for n, _s in BACKLOG]],
                          [[dateformat.format(day, "d.m.Y"), *[v[n] for n, _s in BACKLOG]] for day, v in points])
    backlog_chart = Chart(backlog_table.title, charts.line_chart(
        backlog_table.title, [str(r[0]) for r in backlog_table.rows],
        [(line_names[n], [float(v[n]) for _d, v in points]) for n, _s in BACKLOG]))
    return Report("load", _("Load"), [
        Section(_("When requests arrive"), [heat], [heat_chart]),
        Section(_("Backlog"), [backlog_table], [backlog_chart]),
        Section(_("Incoming and handled"), [incoming_by_group(query, incoming), per_agent(query, now_open)]),
    ])
