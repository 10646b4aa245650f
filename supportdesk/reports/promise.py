"""Promise kept: how customer messages were answered against the reply target and limit.

Reads the reply figures stored when each reply was sent (``tickets.models.ReplyFigure``), so a
month over millions of messages is one indexed range read; the unanswered messages already past
their limit come from the tickets' running reply clocks.
"""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from supportdesk.policy import get_policy
from supportdesk.reports import charts
from supportdesk.reports.common import GroupBy, grouped, narrow_rows, office_time, ticket_link
from supportdesk.reports.dimensions import FIGURE, TICKET
from supportdesk.reports.query import ReportQuery, scoped
from supportdesk.reports.stats import PERCENTILES, histogram, hours, mean, percentile, share
from supportdesk.reports.tables import Cell, Chart, Report, Section, Table
from supportdesk.tickets.clocks import office_calendar
from supportdesk.tickets.models import OPEN_STATUSES, ReplyFigure, Status, Ticket

BREACH_LIST_LIMIT = 500


def histogram_edges() -> list[float]:
    """Bucket edges in business seconds: 1, 2 and 4 hours, then 1, 2 and 3 business days."""
    day = get_policy().sla.business_day_hours * 3600
    return [0.0, 3600.0, 7200.0, 14400.0, day, 2 * day, 3 * day]


def _edge_labels(edges: list[float]) -> list[str]:
    labels = []
    unit = _("h")  # hours
    for i, edge in enumerate(edges):
        low = f"{edge / 3600:g}"
        labels.append(f"{low}–{edges[i + 1] / 3600:g} {unit}" if i + 1 < len(edges) else f"≥ {low} {unit}")
    return labels


def promise_report(query: ReportQuery) -> Report:
    by = GroupBy(query, FIGURE, "received_at")
    g = by.grouper
    figures = scoped(ReplyFigure.objects.filter(received_at__gte=query.since, received_at__lt=query.until),
                     query, FIGURE)
    # Narrow rows, the group numbered in SQL: no instant is read back.
    rows = narrow_rows(figures, g=by.expression, seconds=F("business_seconds"), target=F("within_target"),
                       limit=F("within_limit"), first=F("is_first"))
    summary = Table("promise", _("Customer messages answered within the target and the limit"), [
        str(g.dimension.label), _("answered"), _("within the target"), _("within the target, %"),
        _("within the limit"), _("within the limit, %"), _("median reply, business hours"),
        _("90th percentile reply, business hours"), _("first replies"), _("median first reply, business hours")])

    def line(label: str, bucket: list[tuple]) -> list[Cell]:
        every = sorted(r[1] for r in bucket)
        first = sorted(r[1] for r in bucket if r[4])
        target = sum(1 for r in bucket if r[2])
        limit = sum(1 for r in bucket if r[3])
        return [label, len(bucket), target, share(target, len(bucket)), limit, share(limit, len(bucket)),
                hours(percentile(every, 50)), hours(percentile(every, 90)), len(first), hours(percentile(first, 50))]

    for key, bucket in grouped(rows, lambda r: by.key(r[0]), g):
        summary.rows.append(line(g.label(key), bucket))
    summary.total = line(_("Total"), rows)

    every = sorted(r[1] for r in rows)
    first = sorted(r[1] for r in rows if r[4])
    spread = Table("percentiles", _("Reply time distribution, business hours"), [
        _("reply"), _("count"), _("mean"), *[_("%(p)sth percentile") % {"p": p} for p in PERCENTILES], _("maximum")])
    for label, values in ((_("first reply"), first), (_("every reply"), every)):
        spread.rows.append([label, len(values), hours(mean(values)), *[hours(percentile(values, p)) for p in PERCENTILES],
                            hours(values[-1] if values else None)])
    edges = histogram_edges()
    labels = _edge_labels(edges)
    first_counts, every_counts = histogram(first, edges), histogram(every, edges)
    buckets = Table("histogram", _("Reply time histogram (business hours)"),
                    [_("reply time"), _("first replies"), _("every reply")],
                    [[label, a, b] for label, a, b in zip(labels, first_counts, every_counts, strict=True)])
    chart = Chart(_("Reply time histogram (business hours)"), charts.bar_chart(
        _("Reply time histogram (business hours)"), labels,
        [(_("first replies"), first_counts), (_("every reply"), every_counts)]))
    shares = Chart(_("Share answered within the target and the limit, %"), charts.bar_chart(
        _("Share answered within the target and the limit, %"), [str(r[0]) for r in summary.rows],
        [(_("within the target, %"), [float(r[3] or 0) for r in summary.rows]),  # type: ignore[arg-type]
         (_("within the limit, %"), [float(r[5] or 0) for r in summary.rows])], unit=" %"))  # type: ignore[arg-type]
    return Report("promise", _("Promise kept"), [
        Section(_("Answered within the target and the limit"), [summary], [shares]),
        Section(_("First reply and every reply"), [spread, buckets], [chart]),
        Section(_("Breaches"), [breaches(query)]),
    ])


def breaches(query: ReportQuery) -> Table:
    """Messages answered after their limit, then messages still unanswered past it."""
    table = Table("breaches", _("Replies after the limit, and messages still unanswered past it"), [
        _("ticket"), _("subject"), _("received"), _("replied"), _("reply time, business hours"), _("agent")])
    late = (scoped(ReplyFigure.objects.filter(received_at__gte=query.since, received_at__lt=query.until,
                                              within_limit=False), query, FIGURE)
            .select_related("ticket", "agent").order_by("received_at", "id")
            .only("ticket_id", "received_at", "replied_at", "business_seconds", "ticket__subject", "agent__username",
                  "agent__first_name", "agent__last_name")[:BREACH_LIST_LIMIT])
    for f in late:
        agent = f.agent.get_full_name() or f.agent.get_username() if f.agent else ""
        table.rows.append([ticket_link(f.ticket_id), f.ticket.subject, office_time(f.received_at),
                           office_time(f.replied_at), hours(f.business_seconds), agent])
    now = timezone.now()
    # Stated as the queue's partial index is (open, not merged, by due time), so it is used.
    overdue = (scoped(Ticket.objects.filter(reply_due_at__lt=now, status__in=OPEN_STATUSES, merged_into__isnull=True,
                                            reply_pending_since__gte=query.since, reply_pending_since__lt=query.until)
                      .filter(status__in=(Status.NEW, Status.OPEN)), query, TICKET)
               .select_related("assignee").order_by("reply_pending_since", "id")
               .only("subject", "reply_pending_since", "assignee__username", "assignee__first_name",
                     "assignee__last_name")[:BREACH_LIST_LIMIT])

    cal = office_calendar()
    for t in overdue:
        assert t.reply_pending_since is not None
        agent = t.assignee.get_full_name() or t.assignee.get_username() if t.assignee else ""
        table.rows.append([ticket_link(t.pk), t.subject, office_time(t.reply_pending_since), _("not yet"),
                           hours(cal.business_seconds_between(t.reply_pending_since, now)), agent])
    return table
