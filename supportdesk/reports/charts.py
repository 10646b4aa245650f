"""Server-rendered SVG charts: readable without JavaScript, printable, no library.

Every label is escaped; sizes are in user units and the SVG scales to its container.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_W, _H = 640, 240
_LEFT, _BOTTOM, _TOP = 48, 40, 12
PALETTE = ("#3b6ea5", "#d9822b", "#6a9955", "#a84a4a")


def _svg(body: list[str], title: str, width: int = _W, height: int = _H) -> SafeString:
    return mark_safe(  # noqa: S308 (every text below went through escape())
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'class="chart" aria-label="{escape(title)}"><title>{escape(title)}</title>{"".join(body)}</svg>')


def bar_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]],
              unit: str = "") -> SafeString:
    """Grouped vertical bars: one group per label, one bar per series, value printed on top."""
    peak = max([v for _, values in series for v in values] + [1])
    plot_w, plot_h = _W - _LEFT - 8, _H - _BOTTOM - _TOP
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    body = [f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_W - 8}" y2="{_TOP + plot_h}" stroke="#888"/>']
    for i, label in enumerate(labels):
        x0 = _LEFT + i * group_w + group_w * 0.1
        for j, (_, values) in enumerate(series):
            value = values[i]
            h = plot_h * value / peak
            x = x0 + j * bar_w
            body.append(f'<rect x="{x:.1f}" y="{_TOP + plot_h - h:.1f}" width="{bar_w * 0.9:.1f}" height="{h:.1f}" '
                        f'fill="{PALETTE[j % len(PALETTE)]}"><title>{escape(label)}: {value:g}{escape(unit)}</title></rect>')
            body.append(f'<text x="{x + bar_w * 0.45:.1f}" y="{_TOP + plot_h - h - 2:.1f}" font-size="9" '
                        f'text-anchor="middle">{value:g}</text>')
        body.append(f'<text x="{x0 + group_w * 0.4:.1f}" y="{_H - _BOTTOM + 14}" font-size="10" '
                    f'text-anchor="middle">{escape(label[:18])}</text>')
    body += _legend([name for name, _ in series])
    return _svg(body, title)


def _legend(names: Sequence[str]) -> list[str]:
    parts = []
    for j, name in enumerate(names):
        x = _LEFT + j * 170
        parts.append(f'<rect x="{x}" y="{_H - 14}" width="10" height="10" fill="{PALETTE[j % len(PALETTE)]}"/>'
                     f'<text x="{x + 14}" y="{_H - 5}" font-size="10">{escape(name)}</text>')
    return parts


def line_chart(title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]]) -> SafeString:
    """Lines over a shared x axis (days), first and last label printed."""
    peak = max([v for _, values in series for v in values] + [1])
    plot_w, plot_h = _W - _LEFT - 8, _H - _BOTTOM - _TOP
    step = plot_w / max(len(labels) - 1, 1)
    body = [f'<line x1="{_LEFT}" y1="{_TOP + plot_h}" x2="{_W - 8}" y2="{_TOP + plot_h}" stroke="#888"/>',
            f'<text x="{_LEFT - 4}" y="{_TOP + 8}" font-size="10" text-anchor="end">{peak:g}</text>',
            f'<text x="{_LEFT - 4}" y="{_TOP + plot_h}" font-size="10" text-anchor="end">0</text>']
    for j, (name, values) in enumerate(series):
        points = " ".join(f"{_LEFT + i * step:.1f},{_TOP + plot_h - plot_h * v / peak:.1f}" for i, v in enumerate(values))
        body.append(f'<polyline fill="none" stroke="{PALETTE[j % len(PALETTE)]}" stroke-width="2" points="{points}">'
                    f'<title>{escape(name)}</title></polyline>')
    if labels:
        body.append(f'<text x="{_LEFT}" y="{_H - _BOTTOM + 14}" font-size="10">{escape(labels[0])}</text>')
        body.append(f'<text x="{_W - 8}" y="{_H - _BOTTOM + 14}" font-size="10" text-anchor="end">'
                    f'{escape(labels[-1])}</text>')
    body += _legend([name for name, _ in series])
    return _svg(body, title)


def heatmap(title: str, rows: Sequence[str], columns: Sequence[str], values: Sequence[Sequence[int]]) -> SafeString:
    """A grid of counts, darker for more; each cell carries its count as a tooltip and as text."""
    cell_w, cell_h, left, top = 24, 22, 40, 18
    width, height = left + cell_w * len(columns) + 4, top + cell_h * len(rows) + 4
    peak = max([v for row in values for v in row] + [1])
    body = []
    for c, name in enumerate(columns):
        body.append(f'<text x="{left + c * cell_w + cell_w / 2}" y="{top - 5}" font-size="9" '
                    f'text-anchor="middle">{escape(name)}</text>')
    for r, name in enumerate(rows):
        y = top + r * cell_h
        body.append(f'<text x="{left - 4}" y="{y + cell_h / 2 + 4}" font-size="10" text-anchor="end">{escape(name)}</text>')
        for c, value in enumerate(values[r]):
            shade = value / peak
            fill = f"rgba(59,110,165,{0.08 + 0.92 * shade:.2f})" if value else "#f4f4f4"
            x = left + c * cell_w
            body.append(f'<rect x="{x}" y="{y}" width="{cell_w - 1}" height="{cell_h - 1}" fill="{fill}">'
                        f'<title>{escape(name)} {escape(columns[c])}: {value}</title></rect>')
            if value:
                color = "#fff" if shade > 0.5 else "#222"
                body.append(f'<text x="{x + cell_w / 2}" y="{y + cell_h / 2 + 3}" font-size="8" fill="{color}" '
                            f'text-anchor="middle">{value}</text>')
    return _svg(body, title, width, height)
