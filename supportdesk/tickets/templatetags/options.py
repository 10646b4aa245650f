"""``{% options choices selected %}``: a select's <option> elements in one Python loop.

The agent pages print about fifty options each (assignees, products, statuses, priorities,
teams); written as ``{% for %}`` + ``{% if %}`` in the template they cost more than the
queries behind them. The markup is what that loop printed: ``<option value="V" selected>L</option>``.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def options(choices: Iterable[tuple[object, object]], selected: object = None) -> SafeString:
    """One <option> per (value, label) pair; the one whose value equals ``selected`` is selected."""
    out = []
    for value, label in choices:
        mark = " selected" if value == selected else ""
        out.append(f'<option value="{html.escape(str(value))}"{mark}>{html.escape(str(label))}</option>')
    return mark_safe("".join(out))  # noqa: S308 - values and labels are escaped above
