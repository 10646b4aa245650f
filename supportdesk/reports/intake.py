"""Quality of intake: how complete requests arrive (the four items of rule 5), which items are
missing most per product, how often the customer supplied them once asked, robots' mail, and
knowledge-base suggestions against tickets that still needed an agent.

A request's state on arrival is what its acknowledgment recorded (the "ack_sent" event: the
items it asked for and the articles it suggested); "supplied" means the item is present in the
ticket's checklist now.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from supportdesk.catalog.models import Product
from supportdesk.policy import get_policy
from supportdesk.reports.common import GroupBy, JSONIsTrue, JSONListFilled, JSONListHas, grouped
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


def arrivals(query: ReportQuery, by: GroupBy) -> list[dict[str, Any]]:
    """One entry per acknowledged request: its group key, missing and supplied items.

    The database answers the JSON questions (is the item in the acknowledgment's list, is it
    present in the checklist now, were articles suggested), so each row is a few booleans."""
    seen: set[int] = set()
    result = []
    tests = {**{f"missing_{k}": JSONListHas("event_data", "missing", value=k) for k in CHECKLIST_ITEMS},
             **{f"present_{k}": JSONIsTrue("ticket__checklist", k, "present") for k in CHECKLIST_ITEMS}}
    rows = (_messages(query, kind=Message.Kind.EVENT, event="ack_sent").order_by("created_at", "id")
            .annotate(g=by.expression, suggested=JSONListFilled("event_data", "articles"),
                      answered=ExpressionWrapper(Q(ticket__first_response_at__isnull=False),
                                                 output_field=BooleanField()), **tests)
            .values_list("g", "ticket_id", "ticket__product_id", "suggested", "answered", *tests))
    items = len(CHECKLIST_ITEMS)
    for value, ticket_id, product, suggested, answered, *flags in rows:
        if ticket_id in seen:
            continue  # the first acknowledgment tells the state on arrival
        seen.add(ticket_id)
        missing = [k for k, flag in zip(CHECKLIST_ITEMS, flags[:items], strict=True) if flag]
        here = {k for k, flag in zip(CHECKLIST_ITEMS, flags[items:], strict=True) if flag}
        result.append({"key": by.key(value), "missing": missing, "supplied": [k for k in missing if k in here],
                       "product": product, "suggested": bool(suggested), "answered": bool(answered)})
    return result


def intake_report(query: ReportQuery) -> Report:
    by = GroupBy(query, MESSAGE, "created_at")
    g = by.grouper
    requests = arrivals(query, by)
    robot_mail = Q(kind=Message.Kind.INCOMING, is_robot=True) | Q(kind=Message.Kind.EVENT, event="bounced")
    robot_counts: dict[Any, int] = {}
    bounce_counts: dict[Any, int] = {}
    for value, kind, n in (_messages(query).filter(robot_mail).order_by().annotate(g=by.expression)
                           .values_list("g", "kind").annotate(n=Count("id"))):
        counts = robot_counts if kind == Message.Kind.INCOMING else bounce_counts
        key = by.key(value)
        counts[key] = counts.get(key, 0) + n
    table = Table("intake", _("Completeness on arrival, knowledge-base suggestions and robots' mail"), [
        str(g.dimension.label), _("requests acknowledged"), _("complete on arrival"), _("complete on arrival, %"),
        _("items asked for"), _("supplied after being asked"), _("supplied after being asked, %"),
        _("articles suggested"), _("still needed an agent"), _("still needed an agent, %"),
        _("auto-replies"), _("bounces")])

    def line(label: str, bucket: list[dict[str, Any]], robots_n: int, bounces_n: int) -> list[Cell]:
        complete = sum(1 for r in bucket if not r["missing"])
        asked = sum(len(r["missing"]) for r in bucket)
        supplied = sum(len(r["supplied"]) for r in bucket)
        suggested = [r for r in bucket if r["suggested"]]
        needed = sum(1 for r in suggested if r["answered"])
        return [label, len(bucket), complete, share(complete, len(bucket)), asked, supplied, share(supplied, asked),
                len(suggested), needed, share(needed, len(suggested)), robots_n, bounces_n]

    groups = dict(grouped(requests, lambda r: r["key"], g))
    for key in sorted(set(groups) | set(robot_counts) | set(bounce_counts), key=g.sort_key):
        table.rows.append(line(g.label(key), groups.get(key, []), robot_counts.get(key, 0), bounce_counts.get(key, 0)))
    table.total = line(_("Total"), requests, sum(robot_counts.values()), sum(bounce_counts.values()))
    return Report("intake", _("Quality of intake"), [
        Section(_("Complete on arrival"), [table]),
        Section(_("Missing items per product"), [missing_per_product(requests)]),
    ])


def missing_per_product(requests: list[dict[str, Any]]) -> Table:
    titles = item_titles()
    names = dict(Product.objects.values_list("pk", "name"))
    table = Table("missing", _("Items missing on arrival, per product (supplied after being asked)"), [
        _("product"), _("requests acknowledged"),
        *[label % {"item": titles[k]} for k in CHECKLIST_ITEMS for label in (_("%(item)s: missing"),
                                                                             _("%(item)s: supplied"))],
        _("most often missing")])
    per: dict[Any, list[dict[str, Any]]] = {}
    for r in requests:
        per.setdefault(r["product"], []).append(r)
    for product, bucket in sorted(per.items(), key=lambda item: (item[0] is None, names.get(item[0], ""))):
        missing = {k: sum(1 for r in bucket if k in r["missing"]) for k in CHECKLIST_ITEMS}
        supplied = {k: sum(1 for r in bucket if k in r["supplied"]) for k in CHECKLIST_ITEMS}
        top = max(CHECKLIST_ITEMS, key=lambda k: missing[k])
        table.rows.append([names.get(product, "—"), len(bucket),
                           *[n for k in CHECKLIST_ITEMS for n in (missing[k], supplied[k])],
                           titles[top] if missing[top] else "—"])
    return table
