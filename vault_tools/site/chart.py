"""The Careers page's chart: cumulative interest by date, one line per career path, as inline
SVG written here (no script, no library, nothing fetched: it shows with JavaScript off).

Pure: series in, SVG text out, every text escaped. Accessible: `role="img"` with a `<title>` and
a `<desc>` saying what the lines show; each line also differs by its marker's shape, not only
by its colour; the page always puts a table with the same numbers beside it.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Sequence

Series = tuple[str, Sequence[tuple[dt.date, int]]]

WIDTH, PLOT_HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 20, 14, 34
LEGEND_ROW = 22
# Okabe–Ito: told apart with the common kinds of colour blindness, on light and dark themes.
COLOURS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#999999")
MARKERS = ("circle", "square", "diamond", "triangle")


def interest_chart(series: Sequence[Series], chart_id: str = "vault-interest") -> str:
    """The chart of `series` (name, [(date, cumulative interest), …] oldest first), as one
    <svg> element with no blank line (it stands in Markdown as a raw HTML block). Each line is
    a step: the total holds from one conversation to the next, and to the chart's last date.
    Empty text when no series has a point."""
    drawn = [(name, list(points)) for name, points in series if points]
    if not drawn:
        return ""
    days = [day for _, points in drawn for day, _ in points]
    values = [value for _, points in drawn for _, value in points] + [0]
    first, last = min(days), max(days)
    if first == last:  # one day only: give the axis some width
        first, last = first - dt.timedelta(days=15), last + dt.timedelta(days=15)
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    plot_w = WIDTH - LEFT - RIGHT
    span = (last - first).days

    def x(day: dt.date) -> float:
        return LEFT + plot_w * (day - first).days / span

    def y(value: int) -> float:
        return TOP + PLOT_HEIGHT * (high - value) / (high - low)

    height = TOP + PLOT_HEIGHT + BOTTOM + LEGEND_ROW * len(drawn)
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    parts = [
        f'<svg class="vault-chart" id="{chart_id}" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" '
        'xmlns="http://www.w3.org/2000/svg" font-size="12" fill="currentColor">',
        f'<title id="{title_id}">Interest over time, by career path</title>',
        f'<desc id="{desc_id}">{html.escape(_description(drawn))}</desc>',
    ]
    parts += _y_axis(low, high, y)
    parts += _x_axis(first, last, x)
    for number, (name, points) in enumerate(drawn):
        parts.append(_line(number, name, points, x, y, x(last)))
    parts += _legend(drawn, TOP + PLOT_HEIGHT + BOTTOM)
    parts.append("</svg>")
    return "\n".join(parts)


def _description(drawn: Sequence[tuple[str, list[tuple[dt.date, int]]]]) -> str:
    said = [f"{name}: {points[-1][1]:+d} on {points[-1][0].isoformat()} after "
            f"{len(points)} day{'' if len(points) == 1 else 's'} of conversations"
            for name, points in drawn]
    return ("Cumulative interest (the sum of each done conversation's interest, -2 to +2) "
            "by date. " + "; ".join(said) + ". The table below gives every point.")


def _y_axis(low: int, high: int, y) -> list[str]:
    step = max(1, -(-(high - low) // 8))  # at most about eight gridlines
    out = []
    for value in range(low - low % step, high + 1, step):
        if value < low:
            continue
        at = y(value)
        zero = value == 0
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}" y2="{at:.1f}" '
                   f'stroke="currentColor" stroke-opacity="{0.6 if zero else 0.15}" '
                   f'stroke-width="{1.5 if zero else 1}"/>')
        out.append(f'<text x="{LEFT - 6}" y="{at + 4:.1f}" text-anchor="end">{value:+d}</text>'
                   if value else f'<text x="{LEFT - 6}" y="{at + 4:.1f}" '
                                 'text-anchor="end">0</text>')
    return out


def _x_axis(first: dt.date, last: dt.date, x) -> list[str]:
    """Ticks at the first of each month (every few months over a long span), labelled
    `2026-07`."""
    months = (last.year - first.year) * 12 + last.month - first.month
    every = max(1, -(-months // 8))
    out = []
    year, month = first.year, first.month
    count = 0
    base = TOP + PLOT_HEIGHT
    while True:
        day = dt.date(year, month, 1)
        if day > last:
            break
        if day >= first and count % every == 0:
            at = x(day)
            out.append(f'<line x1="{at:.1f}" x2="{at:.1f}" y1="{base}" y2="{base + 5}" '
                       'stroke="currentColor" stroke-opacity="0.5"/>')
            out.append(f'<text x="{at:.1f}" y="{base + 18}" text-anchor="middle">'
                       f'{day.year}-{day.month:02d}</text>')
        if day >= first:
            count += 1
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _line(number: int, name: str, points: Sequence[tuple[dt.date, int]], x, y,
          end: float) -> str:
    colour = COLOURS[number % len(COLOURS)]
    marker = MARKERS[number % len(MARKERS)]
    steps = [f"M{x(points[0][0]):.1f},{y(points[0][1]):.1f}"]
    for day, value in points[1:]:
        steps.append(f"H{x(day):.1f}V{y(value):.1f}")
    steps.append(f"H{end:.1f}")
    dots = "".join(_marker(marker, x(day), y(value), colour,
                           f"{name}: {value:+d} on {day.isoformat()}")
                   for day, value in points)
    return (f'<g class="vault-chart__series" data-series="{html.escape(name)}">'
            f'<path d="{"".join(steps)}" fill="none" stroke="{colour}" stroke-width="2.5"/>'
            f"{dots}</g>")


def _marker(shape: str, cx: float, cy: float, colour: str, label: str) -> str:
    tip = f"<title>{html.escape(label)}</title>"
    if shape == "circle":
        return f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4.5" fill="{colour}">{tip}</circle>'
    if shape == "square":
        return (f'<rect x="{cx - 4:.1f}" y="{cy - 4:.1f}" width="8" height="8" '
                f'fill="{colour}">{tip}</rect>')
    if shape == "diamond":
        return (f'<path d="M{cx:.1f},{cy - 5.5:.1f}L{cx + 5.5:.1f},{cy:.1f}L{cx:.1f},'
                f'{cy + 5.5:.1f}L{cx - 5.5:.1f},{cy:.1f}Z" fill="{colour}">{tip}</path>')
    return (f'<path d="M{cx:.1f},{cy - 5.5:.1f}L{cx + 5:.1f},{cy + 4:.1f}L{cx - 5:.1f},'
            f'{cy + 4:.1f}Z" fill="{colour}">{tip}</path>')


def _legend(drawn: Sequence[tuple[str, list[tuple[dt.date, int]]]], top: int) -> list[str]:
    out = []
    for number, (name, _) in enumerate(drawn):
        at = top + LEGEND_ROW * number + LEGEND_ROW // 2
        colour = COLOURS[number % len(COLOURS)]
        out.append(f'<line x1="{LEFT}" x2="{LEFT + 28}" y1="{at}" y2="{at}" stroke="{colour}" '
                   'stroke-width="2.5"/>')
        out.append(_marker(MARKERS[number % len(MARKERS)], LEFT + 14, at, colour, name))
        out.append(f'<text x="{LEFT + 36}" y="{at + 4}">{html.escape(name)}</text>')
    return out
