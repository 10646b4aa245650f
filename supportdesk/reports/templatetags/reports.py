from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.html import format_html

from supportdesk.reports.tables import Cell, Link

register = template.Library()


@register.filter
def is_number(cell: Cell) -> bool:
    return isinstance(cell, int | float) and not isinstance(cell, bool)


@register.simple_tag
def cell_html(cell: Cell) -> str:
    """A cell as shown: links to tickets, numbers in the reader's locale, empty for nothing."""
    if cell is None:
        return "—"
    if isinstance(cell, Link):
        return format_html('<a href="{}">{}</a>', cell.url, cell.text)
    if isinstance(cell, float):
        return number_format(cell)
    return format_html("{}", cell)


@register.simple_tag
def cell_plain(cell: Cell) -> str:
    """A cell as text (the mail: links are the ticket numbers, the workbook has the rest)."""
    if cell is None:
        return "—"
    if isinstance(cell, float):
        return number_format(cell)
    return str(cell)


@register.simple_tag
def cell_text(row: list[Cell], index: int) -> str:
    return cell_plain(row[index])
