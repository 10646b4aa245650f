"""Resolution: business time from creation to solved, net of waiting for the customer and for
a release; the time each kind of waiting took; tickets reopened after being solved.

The figures are stored on the ticket when it is solved (``tickets.services.ticket_set_status``)
and recomputed with the due times after a calendar change (``escalation.recompute``).
"""

from __future__ import annotations

from django.db.models import Count
from django.utils.translation import gettext as _

from supportdesk.reports.common import GroupBy, grouped, office_time, ticket_link
from supportdesk.reports.dimensions import CHANGE, TICKET
from supportdesk.reports.query import ReportQuery, scoped
from supportdesk.reports.stats import hours, mean, percentile
from supportdesk.reports.tables import Cell, Report, Section, Table
from supportdesk.tickets.models import Status, StatusChange, Ticket

REOPEN_LIST_LIMIT = 500


def _reopens(query: ReportQuery):  # type: ignore[no-untyped-def]
    return scoped(StatusChange.objects.filter(at__gte=query.since, at__lt=query.until, to_status=Status.OPEN,
                                              from_status__in=(Status.SOLVED, Status.CLOSED)), query, CHANGE)


def resolution_report(query: ReportQuery) -> Report:
    by = GroupBy(query, TICKET, "solved_at")
    g = by.grouper
    solved = scoped(Ticket.objects.filter(solved_at__gte=query.since, solved_at__lt=query.until,
                                          resolution_business_seconds__isnull=False), query, TICKET)
    rows = list(solved.order_by().annotate(g=by.expression).values_list(
        "g", "resolution_business_seconds", "waiting_customer_business_seconds", "waiting_release_business_seconds"))
    reopen_by = GroupBy(query, CHANGE, "at")
    reopen_counts: dict[object, int] = {}
    for value, n in _reopens(query).order_by().annotate(g=reopen_by.expression).values_list("g").annotate(n=Count("*")):
        key = reopen_by.key(value)
        reopen_counts[key] = reopen_counts.get(key, 0) + n
    table = Table("resolution", _("Resolution time net of waiting, business hours"), [
        str(g.dimension.label), _("solved"), _("mean resolution"), _("median resolution"),
        _("90th percentile resolution"), _("waiting for the customer, total"), _("waiting for the customer, mean"),
        _("waiting for a release, total"), _("waiting for a release, mean"), _("reopened after solved")])

    def line(label: str, bucket: list[tuple], reopened: int) -> list[Cell]:
        net = sorted(r[1] for r in bucket)
        customer = [r[2] or 0.0 for r in bucket]
        release = [r[3] or 0.0 for r in bucket]
        return [label, len(bucket), hours(mean(net)), hours(percentile(net, 50)), hours(percentile(net, 90)),
                hours(sum(customer)), hours(mean(customer)), hours(sum(release)), hours(mean(release)), reopened]

    groups = dict(grouped(rows, lambda r: by.key(r[0]), g))
    keys = sorted(set(groups) | set(reopen_counts), key=g.sort_key)
    for key in keys:
        table.rows.append(line(g.label(key), groups.get(key, []), reopen_counts.get(key, 0)))
    table.total = line(_("Total"), rows, sum(reopen_counts.values()))

    reopened = Table("reopened", _("Tickets reopened after being solved"),
                     [_("ticket"), _("subject"), _("reopened"), _("from status"), _("why")])
    changes = (_reopens(query).select_related("ticket").order_by("at", "id")
               .only("ticket_id", "at", "from_status", "reason", "ticket__subject")[:REOPEN_LIST_LIMIT])
    for change in changes:
        reopened.rows.append([ticket_link(change.ticket_id), change.ticket.subject, office_time(change.at),
                              change.get_from_status_display(), change.reason])
    return Report("resolution", _("Resolution"), [
        Section(_("Resolution time and waiting"), [table]),
        Section(_("Reopened after solved"), [reopened]),
    ])
