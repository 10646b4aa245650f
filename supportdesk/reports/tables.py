"""What a report is made of: tables (shown, exported as CSV and XLSX) and charts (SVG)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Link:
    text: str
    url: str

    def __str__(self) -> str:
        return self.text


Cell = Union[str, int, float, None, Link]  # noqa: UP007 (a runtime alias)


@dataclass
class Table:
    key: str  # the name exports use: [a-z_]+
    title: str
    columns: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    total: list[Cell] | None = None  # shown last, exported last

    def all_rows(self) -> list[list[Cell]]:
        return self.rows + ([self.total] if self.total is not None else [])


@dataclass
class Chart:
    title: str
    svg: SafeString


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Report:
    key: str
    title: str
    sections: list[Section] = field(default_factory=list)

    def tables(self) -> list[Table]:
        return [t for s in self.sections for t in s.tables]

    def table(self, key: str) -> Table | None:
        return next((t for t in self.tables() if t.key == key), None)
