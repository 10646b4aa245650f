"""Helpers the four reports share: grouping rows (in SQL), formatting instants, links to tickets.

The reports never fetch a row's instant only to bucket it: a time dimension's buckets (weeks,
months) and the backlog's days are numbered in SQL by a balanced tree of comparisons against the
buckets' first instants (office midnights), so the database counts per bucket and Python reads
small integers instead of decoding tens of thousands of datetimes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, TypeVar

from django.db import connections
from django.db.models import BooleanField, Case, F, Func, IntegerField, QuerySet, Value, When
from django.db.models.expressions import Expression
from django.urls import reverse
from django.utils import dateformat

from supportdesk.policy import get_policy
from supportdesk.reports.dimensions import DIMENSIONS, Grouper
from supportdesk.reports.query import ReportQuery
from supportdesk.reports.tables import Link

T = TypeVar("T")


def grouper(query: ReportQuery) -> Grouper:
    return Grouper(DIMENSIONS[query.group], get_policy().office.zone)


def midnight(day: date) -> datetime:
    """The instant a day starts in office time."""
    return datetime.combine(day, time(0), tzinfo=get_policy().office.zone)


def bucket_number(field: str, edges: Sequence[datetime]) -> Expression:
    """How many of ``edges`` (ascending instants) are at or before ``field``: bucket 0 before the
    first edge, bucket i from edge i-1 on. A balanced tree of CASEs: log2(len(edges)) comparisons a
    row, on any database, without a per-row time-zone conversion."""

    def node(low: int, high: int) -> Expression:
        if low == high:
            return Value(low, output_field=IntegerField())
        middle = (low + high + 1) // 2  # buckets >= middle start at edges[middle - 1]
        return Case(When(**{f"{field}__lt": edges[middle - 1]}, then=node(low, middle - 1)),
                    default=node(middle, high), output_field=IntegerField())

    return node(0, len(edges))


def days_between(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


class GroupBy:
    """The breakdown of one report over one base: ``expression`` for ``annotate(g=...)``, and
    ``key`` turning the value read back into the group key (a bucket's first day, for a time
    dimension, as ``Grouper.key`` gives it)."""

    def __init__(self, query: ReportQuery, base: str, time_field: str, path: str | None = None) -> None:
        self.grouper = grouper(query)
        dimension = self.grouper.dimension
        if dimension.bucket is None:
            self.starts: list[date] = []
            self.expression: Expression | F = F(path or dimension.path(base))
        else:
            self.starts = sorted({dimension.bucket(day) for day in days_between(query.start, query.end)})
            self.expression = bucket_number(time_field, [midnight(start) for start in self.starts[1:]])

    def key(self, value: Any) -> Any:
        return self.starts[value] if self.starts else value


def narrow_rows(qs: QuerySet[Any], **columns: Any) -> list[tuple[Any, ...]]:
    """The rows of ``qs`` as plain tuples of the given expressions, in that order, read straight
    from the cursor: for the tens of thousands of narrow rows a report reads, Django's per-value
    converters cost more than the query. Only for columns the driver returns as they are (numbers,
    booleans — 0/1 on SQLite —, text), never instants."""
    query = qs.order_by().annotate(**columns).values_list(*columns).query
    assert not query.values_select and list(query.annotation_select) == list(columns), "columns out of order"
    sql, params = query.sql_with_params()
    with connections[qs.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Epoch(Func):
    """A timestamp as whole seconds since 1970 (UTC): an integer to read instead of a datetime
    (written for SQLite and PostgreSQL, the two databases SupportDesk runs on)."""

    output_field = IntegerField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint",
                              **extra)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps SQLite datetimes as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]'.
        return super().as_sql(compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)",
                              **extra)


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


class _JSONTest(Func):
    """A boolean test on a JSON document, written for each of the two databases we run on."""

    output_field = BooleanField()

    def __init__(self, document: str, *keys: str, value: str = "") -> None:
        super().__init__(F(document))
        self.keys, self.value = keys, value

    def _document(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        return sql, list(params)


class JSONListHas(_JSONTest):
    """``document[key]`` is a list holding the string ``value``."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self._document(compiler, connection)
        return f"COALESCE(({sql} -> %s) @> %s::jsonb, false)", [*params, self.keys[0], json.dumps([self.value])]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self._document(compiler, connection)
        # ``sql`` is the compiled column; every value is a parameter.
        return (f"(json_type({sql}, %s) = 'array' AND EXISTS (SELECT 1 FROM json_each({sql}, %s) "  # noqa: S608
                "WHERE json_each.value = %s))"), [*params, f"$.{self.keys[0]}", *params, f"$.{self.keys[0]}", self.value]


class JSONIsTrue(_JSONTest):
    """``document[key][key]...`` is JSON true."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self._document(compiler, connection)
        return f"COALESCE(({sql} #> %s) = 'true'::jsonb, false)", [*params, list(self.keys)]

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self._document(compiler, connection)
        return f"COALESCE(json_type({sql}, %s) = 'true', 0)", [*params, "$." + ".".join(self.keys)]


class JSONListFilled(_JSONTest):
    """``document[key]`` is a list holding something."""

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self._document(compiler, connection)
        return (f"COALESCE(jsonb_typeof({sql} -> %s) = 'array' AND ({sql} -> %s) <> '[]'::jsonb, false)",
                [*params, self.keys[0], *params, self.keys[0]])

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = self._document(compiler, connection)
        return f"COALESCE(json_array_length({sql}, %s) > 0, 0)", [*params, f"$.{self.keys[0]}"]
