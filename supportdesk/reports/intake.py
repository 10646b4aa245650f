"""Quality of intake: how complete requests arrive (the four items of rule 5), which items are
missing most per product, how often the customer supplied them once asked, robots' mail, and
knowledge-base suggestions against tickets that still needed an agent.

A request's state on arrival is what its acknowledgment recorded (the "ack_sent" event: the
items it asked for and the articles it suggested); "supplied" means the item is present in the
ticket's checklist now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from supportdesk.catalog.models import Product
from supportdesk.policy import get_policy
from supportdesk.reports.common import GroupBy, JSONIsTrue, JSONListFilled, JSONListHas
from supportdesk.reports.dimensions import MESSAGE
from supportdesk.reports.query import ReportQuery, scoped
from supportdesk.reports.stats import share
from supportdesk.reports.tables import Cell, Report, Section, Table
from supportdesk.tickets.models import CHECKLIST_ITEMS, Message


def item_titles() -> dict[str, str]:
    en = (get_language() or "ru").startswith("en")
    policy = get_policy()
    return {key: (policy.request_item(key).title_en if en else policy.request_item(key).title) for key in CHECKLIST_ITEMS}


def _messages(query: ReportQuery, **where: Any):  # type: ignore[no-untyped-def]
    return scoped(Message.objects.filter(created_at__gte=query.since, created_at__lt=query.until, **where),
                  query, MESSAGE)


@dataclass
class Tally:
    """Counts over acknowledged requests (each ticket's first acknowledgment in the range)."""

    requests: int = 0
    complete: int = 0
    suggested: int = 0
    needed: int = 0  # suggested articles, and an agent answered all the same
    missing: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKLIST_ITEMS, 0))
    supplied: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKLIST_ITEMS, 0))

    def add(self, other: Tally) -> Tally:
        self.requests += other.requests
        self.complete += other.complete
        self.suggested += other.suggested
        self.needed += other.needed
        for k in CHECKLIST_ITEMS:
            self.missing[k] += other.missing[k]
            self.supplied[k] += other.supplied[k]
        return self


def arrivals(query: ReportQuery, by: GroupBy) -> dict[tuple[Any, Any], Tally]:
    """(group key, product) -> tally of the requests acknowledged in the range.

    Counted by the database: it answers the JSON questions (is the item in the acknowledgment's
    list, present in the checklist now, were articles suggested) and keeps each ticket's first
    acknowledgment only."""
    acks = _messages(query, kind=Message.Kind.EVENT, event="ack_sent")
    earlier = Message.objects.filter(ticket_id=OuterRef("ticket_id"), kind=Message.Kind.EVENT, event="ack_sent",
                                     created_at__gte=query.since).filter(
        Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), id__lt=OuterRef("id")))
    tests = {**{f"missing_{k}": JSONListHas("event_data", "missing", value=k) for k in CHECKLIST_ITEMS},
             **{f"present_{k}": JSONIsTrue("ticket__checklist", k, "present") for k in CHECKLIST_ITEMS}}
    # Grouped by the answers themselves: the database sorts or hashes a few booleans a row, not
    # the JSON documents, and returns one count per combination.
    rows = (acks.filter(~Exists(earlier)).order_by()
            .annotate(g=by.expression, has_articles=JSONListFilled("event_data", "articles"),
                      answered=ExpressionWrapper(Q(ticket__first_response_at__isnull=False),
                                                 output_field=BooleanField()), **tests)
            .values_list("g", "ticket__product_id", "has_articles", "answered", *tests).annotate(n=Count("*")))
    result: dict[tuple[Any, Any], Tally] = {}
    items = len(CHECKLIST_ITEMS)
    for value, product, suggested, answered, *flags_and_n in rows:
        *flags, n = flags_and_n
        missing = [k for k, flag in zip(CHECKLIST_ITEMS, flags[:items], strict=True) if flag]
        present = {k for k, flag in zip(CHECKLIST_ITEMS, flags[items:], strict=True) if flag}
        tally = Tally(n, 0 if missing else n, n if suggested else 0, n if suggested and answered else 0,
                      {k: n if k in missing else 0 for k in CHECKLIST_ITEMS},
                      {k: n if k in missing and k in present else 0 for k in CHECKLIST_ITEMS})
        key = (by.key(value), product)
        result[key] = result[key].add(tally) if key in result else tally
    return result


def intake_report(query: ReportQuery) -> Report:
    by = GroupBy(query, MESSAGE, "created_at")
    g = by.grouper
    tallies = arrivals(query, by)
    robot_mail = Q(kind=Message.Kind.INCOMING, is_robot=True) | Q(kind=Message.Kind.EVENT, event="bounced")
    robot_counts: dict[Any, int] = {}
    bounce_counts: dict[Any, int] = {}
    for value, kind, n in (_messages(query).filter(robot_mail).order_by().annotate(g=by.expression)
                           .values_list("g", "kind").annotate(n=Count("*"))):
        counts = robot_counts if kind == Message.Kind.INCOMING else bounce_counts
        key = by.key(value)
        counts[key] = counts.get(key, 0) + n
    table = Table("intake", _("Completeness on arrival, knowledge-base suggestions and robots' mail"), [
        str(g.dimension.label), _("requests acknowledged"), _("complete on arrival"), _("complete on arrival, %"),
        _("items asked for"), _("supplied after being asked"), _("supplied after being asked, %"),
        _("articles suggested"), _("still needed an agent"), _("still needed an agent, %"),
        _("auto-replies"), _("bounces")])

    def line(label: str, t: Tally, robots_n: int, bounces_n: int) -> list[Cell]:
        asked, supplied = sum(t.missing.values()), sum(t.supplied.values())
        return [label, t.requests, t.complete, share(t.complete, t.requests), asked, supplied, share(supplied, asked),
                t.suggested, t.needed, share(t.needed, t.suggested), robots_n, bounces_n]

    groups: dict[Any, Tally] = {}
    for (key, _product), tally in tallies.items():
        groups.setdefault(key, Tally()).add(tally)
    for key in sorted(set(groups) | set(robot_counts) | set(bounce_counts), key=g.sort_key):
        table.rows.append(line(g.label(key), groups.get(key, Tally()), robot_counts.get(key, 0),
                               bounce_counts.get(key, 0)))
    total = Tally()
    for tally in groups.values():
        total.add(tally)
    table.total = line(_("Total"), total, sum(robot_counts.values()), sum(bounce_counts.values()))
    return Report("intake", _("Quality of intake"), [
        Section(_("Complete on arrival"), [table]),
        Section(_("Missing items per product"), [missing_per_product(tallies)]),
    ])


def missing_per_product(tallies: dict[tuple[Any, Any], Tally]) -> Table:
    titles = item_titles()
    names = dict(Product.objects.values_list("pk", "name"))
    table = Table("missing", _("Items missing on arrival, per product (supplied after being asked)"), [
        _("product"), _("requests acknowledged"),
        *[label % {"item": titles[k]} for k in CHECKLIST_ITEMS for label in (_("%(item)s: missing"),
                                                                             _("%(item)s: supplied"))],
        _("most often missing")])
    per: dict[Any, Tally] = {}
    for (_key, product), tally in tallies.items():
        per.setdefault(product, Tally()).add(tally)
    for product, t in sorted(per.items(), key=lambda item: (item[0] is None, names.get(item[0], ""))):
        top = max(CHECKLIST_ITEMS, key=lambda k: t.missing[k])
        table.rows.append([names.get(product, "—"), t.requests,
                           *[n for k in CHECKLIST_ITEMS for n in (t.missing[k], t.supplied[k])],
                           titles[top] if t.missing[top] else "—"])
    return table
