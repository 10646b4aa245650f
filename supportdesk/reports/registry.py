"""The reports by name, and the monthly report that bundles them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from supportdesk.reports.intake import intake_report
from supportdesk.reports.load import load_report
from supportdesk.reports.promise import promise_report
from supportdesk.reports.query import ReportQuery
from supportdesk.reports.resolution import resolution_report
from supportdesk.reports.tables import Report

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


@dataclass(frozen=True)
class Kind:
    key: str
    title: _StrPromise
    build: Callable[[ReportQuery], Report]
    default_group: str


REPORTS: dict[str, Kind] = {k.key: k for k in (
    Kind("promise", _("Promise kept"), promise_report, "week"),
    Kind("resolution", _("Resolution"), resolution_report, "week"),
    Kind("load", _("Load"), load_report, "agent"),
    Kind("intake", _("Quality of intake"), intake_report, "product"),
)}


def monthly_reports(query: ReportQuery) -> list[Report]:
    """Every report over one month: the printable and mailed monthly report."""
    return [kind.build(query) for kind in REPORTS.values()]


def previous_month(day: date) -> date:
    first = day.replace(day=1)
    return (first.replace(year=first.year - 1, month=12) if first.month == 1
            else first.replace(month=first.month - 1))
