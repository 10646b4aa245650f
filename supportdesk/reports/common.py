"""Helpers the four reports share: grouping rows, formatting instants, links to tickets."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, TypeVar

from django.urls import reverse
from django.utils import dateformat

from supportdesk.policy import get_policy
from supportdesk.reports.dimensions import DIMENSIONS, Grouper
from supportdesk.reports.query import ReportQuery
from supportdesk.reports.tables import Link

T = TypeVar("T")


def grouper(query: ReportQuery) -> Grouper:
    return Grouper(DIMENSIONS[query.group], get_policy().office.zone)


def group_path(query: ReportQuery, base: str) -> str | None:
    """The field to read for the breakdown (None for a time dimension: the row's date is used)."""
    dimension = DIMENSIONS[query.group]
    return None if dimension.is_time else dimension.path(base)


def grouped(rows: Iterable[T], key: Callable[[T], Any], g: Grouper) -> list[tuple[Any, list[T]]]:
    """Rows bucketed by group key, in the dimension's display order."""
    buckets: dict[Any, list[T]] = {}
    for row in rows:
        buckets.setdefault(key(row), []).append(row)
    return sorted(buckets.items(), key=lambda item: g.sort_key(item[0]))


def office_time(moment: datetime | None) -> str:
    """An instant as office time, 'dd.mm.yyyy hh:mm' (the exports carry the same text)."""
    if moment is None:
        return ""
    return dateformat.format(moment.astimezone(get_policy().office.zone), "d.m.Y H:i")


def ticket_link(pk: int) -> Link:
    return Link(f"#{pk}", reverse("tickets:detail", args=[pk]))
