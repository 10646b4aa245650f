"""The reports pages: parse the URL into a query, build the report, render or export it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from supportdesk.accounts.decorators import agent_required
from supportdesk.policy import get_policy
from supportdesk.reports.dimensions import DIMENSIONS
from supportdesk.reports.export import CSV_TYPE, XLSX_TYPE, table_csv, tables_xlsx
from supportdesk.reports.query import month_range, query_from_params
from supportdesk.reports.registry import REPORTS, monthly_reports, previous_month

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@require_GET
@agent_required
def index(request: HttpRequest) -> HttpResponse:
    return redirect("reports:report", kind="promise")


def _kind(kind: str):  # type: ignore[no-untyped-def]
    if kind not in REPORTS:
        raise Http404("no such report")
    return REPORTS[kind]


@require_GET
@agent_required
def report(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind(kind)
    query, form = query_from_params(request.GET, request.user, default_group=spec.default_group)
    built = spec.build(query)
    return render(request, "reports/report.html", {
        "report": built, "query": query, "form": form, "kind": kind, "reports": REPORTS.values(),
        "dimensions": DIMENSIONS, "month": query.start.strftime("%Y-%m"),
    })


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@agent_required
def export(request: HttpRequest, kind: str, table: str, fmt: str) -> HttpResponse:
    spec = _kind(kind)
    query, _form = query_from_params(request.GET, request.user, default_group=spec.default_group)
    built = spec.build(query)
    stem = f"{kind}-{query.start:%Y%m%d}-{query.end:%Y%m%d}"
    if table == "all":
        if fmt != "xlsx":
            raise Http404("a whole report exports as XLSX")
        return _download(tables_xlsx(built.tables()), XLSX_TYPE, f"{stem}.xlsx")
    found = built.table(table)
    if found is None:
        raise Http404("no such table")
    if fmt == "csv":
        return _download(table_csv(found), CSV_TYPE, f"{stem}-{table}.csv")
    return _download(tables_xlsx([found]), XLSX_TYPE, f"{stem}-{table}.xlsx")


def parse_month(raw: str, today: date) -> tuple[date, bool]:
    """The first day of the month 'YYYY-MM' names; the previous month (and False) when it is not one."""
    match = _MONTH.match(raw or "")
    if match and 1900 < int(match[1]) < 2200 and 1 <= int(match[2]) <= 12:
        return date(int(match[1]), int(match[2]), 1), True
    return previous_month(today), not raw


@require_GET
@agent_required
def monthly(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate(timezone=get_policy().office.zone)
    month, valid = parse_month(request.GET.get("month", ""), today)
    query, form = query_from_params(request.GET, request.user, default_group="week")
    start, end = month_range(month)
    query = replace(query, start=start, end=end)
    return render(request, "reports/monthly.html", {
        "reports": monthly_reports(query), "query": query, "month": month, "month_invalid": not valid,
        "form": form,
    })
