"""Tables as CSV and XLSX files: the numbers as numbers, links as their text."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from supportdesk.reports.tables import Cell, Link, Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(cell: Cell) -> str | int | float | None:
    return cell.text if isinstance(cell, Link) else cell


def _csv_safe(value: str | int | float | None) -> str | int | float:
    """No formula injection: a text a spreadsheet would evaluate gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def table_csv(table: Table) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_csv_safe(c) for c in table.columns])
    for row in table.all_rows():
        writer.writerow([_csv_safe(_plain(c)) for c in row])
    return ("\ufeff" + out.getvalue()).encode()  # the BOM makes Excel read UTF-8


def tables_xlsx(tables: Sequence[Table]) -> bytes:
    """One sheet per table, its title in the first row, the header in the second."""
    book = Workbook(write_only=True)
    used: set[str] = set()
    for table in tables:
        name = table.key[:31]
        while name in used:
            name = name[:28] + str(len(used))
        used.add(name)
        sheet = book.create_sheet(name)
        title = WriteOnlyCell(sheet, value=table.title)
        title.font = Font(bold=True)
        sheet.append([title])
        header = []
        for column in table.columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in table.all_rows():
            sheet.append([_xlsx_safe(_plain(c)) for c in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_safe(value: str | int | float | None) -> str | int | float | None:
    # openpyxl stores a text starting with "=" as a formula: keep it text.
    if isinstance(value, str) and value.startswith("="):
        return "'" + value
    return value
