"""Horizontal bar charts as inline SVG, drawn on the server (no JavaScript, no library).

One bar per row, labels on the left, the value at the bar's end; negative values (an
effect that lowered emissions) grow to the left of the zero line. Colours are given as
SVG presentation attributes (the page's Content-Security-Policy allows no inline style),
every label is escaped, and the chart names itself for screen readers (``role="img"``,
a ``<title>`` and a ``<desc>``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from footprint.render.labels import format_number

__all__ = ["bar_chart", "BAR", "NEGATIVE", "INK"]

#: Bar colours and text: contrast against white 5.57:1 (#2b6f8f), 5.80:1 (#a34d00) and
#: 16.48:1 (#1f1f1f), above WCAG AA's 4.5:1 for text and 3:1 for graphics
#: (``tests/test_web.py`` computes them).
BAR, NEGATIVE, INK = "#2b6f8f", "#a34d00", "#1f1f1f"

_ROW = 18  # px per bar
_WIDTH = 760
_LABEL_CHARS = 52  # longest label shown (longer ones end with an ellipsis)


def _number(x: float) -> str:
    return format_number(x)


def _cut(label: str) -> str:
    return label if len(label) <= _LABEL_CHARS else label[: _LABEL_CHARS - 1] + "…"


def bar_chart(
    labels: Sequence[str], values: Sequence[float], *, title: str, unit: str = ""
) -> str:
    """An SVG bar chart of ``values`` (NaN: no bar, "not known") with ``labels``."""
    names = [_cut(str(label)) for label in labels]
    label_width = min(12 + 7 * max([len(n) for n in names] + [4]), 380)  # px
    finite = [v for v in values if math.isfinite(v)]
    low = min([0.0, *finite])
    high = max([0.0, *finite])
    span = (high - low) or 1.0
    plot = _WIDTH - label_width - 90  # room for the value text
    zero = label_width + plot * (-low / span)
    height = _ROW * len(labels) + 30
    text = html.escape(title)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
        f'width="{_WIDTH}" height="{height}" role="img" aria-labelledby="chart-title" '
        f'font-family="system-ui, sans-serif" font-size="12">',
        f'<title id="chart-title">{text}</title>',
        f"<desc>{len(labels)} bars{', ' + html.escape(unit) if unit else ''}</desc>",
    ]
    for i, (label, value) in enumerate(zip(names, values, strict=True)):
        y = 10 + i * _ROW
        name = html.escape(label)
        out.append(
            f'<text x="{label_width - 6}" y="{y + 12}" text-anchor="end" fill="{INK}">{name}</text>'
        )
        if not math.isfinite(value):
            out.append(f'<text x="{zero + 4:.1f}" y="{y + 12}" fill="{INK}">not known</text>')
            continue
        width = plot * abs(value) / span
        x = zero if value >= 0 else zero - width
        colour = BAR if value >= 0 else NEGATIVE
        out.append(
            f'<rect x="{x:.1f}" y="{y + 2}" width="{max(width, 0.5):.1f}" height="{_ROW - 5}" '
            f'fill="{colour}"/>'
        )
        at, anchor = (x + width + 4, "start") if value >= 0 else (x - 4, "end")
        if value < 0 and at < label_width + 40:  # a long negative bar: the value inside it
            at, anchor = zero + 4, "start"
        out.append(
            f'<text x="{at:.1f}" y="{y + 12}" text-anchor="{anchor}" fill="{INK}">'
            f"{html.escape(_number(value))}</text>"
        )
    bottom = 10 + len(labels) * _ROW
    out.append(
        f'<line x1="{zero:.1f}" y1="6" x2="{zero:.1f}" y2="{bottom}" stroke="{INK}" '
        f'stroke-width="1"/>'
    )
    if unit:
        out.append(
            f'<text x="{_WIDTH - 4}" y="{bottom + 16}" text-anchor="end" fill="{INK}">'
            f"{html.escape(unit)}</text>"
        )
    out.append("</svg>")
    return "\n".join(out)
