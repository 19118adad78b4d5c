"""The charts of the report and the page, as inline SVG (one module for both).

Drawn here rather than by a JavaScript library: the report must open offline as one
file, the page renders on the server, and the charts are simple (bars against a line,
a running total against a deadline, two lines over time). Every text in them is
escaped; the functions return `Markup`, safe to place in a Jinja2 template.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from markupsafe import Markup

from models import Instance

SHORT = "#dc2626"
"""The colour of what is short (demand uncovered, gradings missing at a deadline)."""
_SHORT = SHORT

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def esc(value: object) -> str:
    """Text escaped for HTML, control characters (which HTML may not hold) as spaces."""
    text = _CONTROL.sub(" ", str(value))
    return escape(text, quote=True)


def missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def num(value: Any, digits: int = 2) -> str:
    """A figure as people write it: 1,234 or 12.5."""
    if missing(value):
        return "–"
    number = float(value)
    if number.is_integer():
        return f"{number:,.0f}"
    return f"{number:,.{digits}f}".rstrip("0").rstrip(".")


def day(date: dt.date) -> str:
    return f"{date:%a} {date.day} {date:%b}"


_e, _num, _day = esc, num, day


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    shift: str
    required: int
    assigned: int
    service_level: float | None


def lanes(rows: list[Slot]) -> list[list[Slot]]:
    """Rows split so that no two in a lane overlap in time (one lane, usually)."""
    lanes: list[list[Slot]] = []
    for slot in rows:
        for lane in lanes:
            if lane[-1].end <= slot.start:
                lane.append(slot)
                break
        else:
            lanes.append([slot])
    return lanes


def nice_step(top: float, ticks: int = 4) -> float:
    raw = max(top, 1) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return max(factor * power, 1)
    return 10 * power


def _coverage_svg(
    queue: str, rows: list[Slot], t0: dt.datetime, t1: dt.datetime, colour: str
) -> str:
    hours = (t1 - t0).total_seconds() / 3600
    left, right, top, bottom, plot_h = 34, 10, 8, 22, 110
    plot_w = max(960.0, hours * 5)
    width, height = left + plot_w + right, top + plot_h + bottom
    top_value = max([1, *(max(s.required, s.assigned) for s in rows)])
    step = nice_step(top_value)
    y_max = math.ceil(top_value / step) * step

    def x(t: dt.datetime) -> float:
        return left + (t - t0).total_seconds() / 3600 / hours * plot_w

    def y(v: float) -> float:
        return top + plot_h - v / y_max * plot_h

    out = []
    day = t0
    while day < t1:
        nxt = min(day + dt.timedelta(days=1), t1)
        if day.weekday() >= 5:
            out.append(
                f"<rect x='{x(day):.1f}' y='{top}' width='{x(nxt) - x(day):.1f}' "
                f"height='{plot_h}' fill='#f1f5f9'/>"
            )
        out.append(
            f"<line x1='{x(day):.1f}' x2='{x(day):.1f}' y1='{top}' y2='{top + plot_h + 4}' "
            "stroke='#cbd5e1'/>"
        )
        if (nxt - day) >= dt.timedelta(hours=12):
            out.append(
                f"<text x='{(x(day) + x(nxt)) / 2:.1f}' y='{height - 6}' text-anchor='middle' "
                f"class='axis'>{day:%a} {day.day}</text>"
            )
        day = nxt
    value = 0.0
    while value <= y_max:
        out.append(
            f"<line x1='{left}' x2='{left + plot_w:.1f}' y1='{y(value):.1f}' "
            f"y2='{y(value):.1f}' stroke='#e2e8f0'/>"
            f"<text x='{left - 6}' y='{y(value) + 4:.1f}' text-anchor='end' "
            f"class='axis'>{_num(value)}</text>"
        )
        value += step
    runs: list[list[tuple[float, float, float]]] = []
    for s in rows:
        x0, x1 = x(s.start), x(s.end)
        gap = min(1.0, (x1 - x0) * 0.12)
        bar_w = max(x1 - x0 - 2 * gap, 0.5)
        short = max(0, s.required - s.assigned)
        tip = (
            f"{queue} {s.start:%a %d %b %H:%M}–{s.end:%H:%M}"
            f"{f' ({s.shift})' if s.shift else ''}: required {s.required}, "
            f"assigned {s.assigned}"
        )
        if short:
            tip += f", {short} short"
        elif s.assigned > s.required:
            tip += f", {s.assigned - s.required} over"
        if s.service_level is not None:
            tip += f", service level {s.service_level:.0%}"
        parts = [f"<title>{_e(tip)}</title>"]
        if s.assigned:
            parts.append(
                f"<rect x='{x0 + gap:.1f}' y='{y(s.assigned):.1f}' width='{bar_w:.1f}' "
                f"height='{y(0) - y(s.assigned):.1f}' fill='{colour}' fill-opacity='0.75'/>"
            )
        if short:
            parts.append(
                f"<rect class='short' x='{x0 + gap:.1f}' y='{y(s.required):.1f}' "
                f"width='{bar_w:.1f}' height='{y(s.assigned) - y(s.required):.1f}' "
                f"fill='{_SHORT}'/>"
                f"<rect x='{x0 + gap:.1f}' y='{top - 6}' width='{max(bar_w, 3):.1f}' "
                f"height='4' fill='{_SHORT}'/>"
            )
        # an invisible full-height target, so that thin bars are easy to hover
        parts.append(
            f"<rect x='{x0:.1f}' y='{top}' width='{x1 - x0:.1f}' height='{plot_h}' "
            "fill='transparent'/>"
        )
        out.append(f"<g>{''.join(parts)}</g>")
        if runs and abs(runs[-1][-1][1] - x0) < 0.05:
            runs[-1].append((x0, x1, y(s.required)))
        else:
            runs.append([(x0, x1, y(s.required))])
    for segments in runs:
        d = f"M{segments[0][0]:.1f},{segments[0][2]:.1f}"
        for sx0, sx1, sy in segments:
            d += f" L{sx0:.1f},{sy:.1f} L{sx1:.1f},{sy:.1f}"
        out.append(
            f"<path d='{d}' fill='none' stroke='#0f172a' stroke-width='1.6' "
            "stroke-linejoin='round'/>"
        )
    # up to about a week the chart fits the page; longer horizons scroll at full size
    wide = f" style='min-width:{width:.0f}px'" if hours > 8 * 24 else ""
    label = rows[0].shift if rows and len({s.shift for s in rows}) == 1 and rows[0].shift else ""
    return (
        f"<svg data-chart='coverage' data-queue='{_e(queue)}' viewBox='0 0 {width:.0f} "
        f"{height}'{wide} role='img' "
        f"aria-label='{_e(f'{queue} {label}: required and assigned agents')}'>"
        f"{''.join(out)}</svg>"
    )


def _batch_svg(
    inst: Instance,
    batch_id: str,
    per_day: list[int],
    required: int,
    release: dt.date,
    deadline: dt.date,
) -> str:
    days = len(per_day)
    left, right, top, bottom = 46, 14, 24, 22
    plot_w, plot_h = (360.0 if days <= 10 else min(1200.0, days * 36.0)), 130
    width, height = left + plot_w + right, top + plot_h + bottom
    cumulative = []
    total = 0
    for count in per_day:
        total += count
        cumulative.append(total)
    top_value = max(required, total, 1) * 1.08
    step = nice_step(top_value, 3)
    y_max = math.ceil(top_value / step) * step

    def x(d: float) -> float:
        return left + d / days * plot_w

    def y(v: float) -> float:
        return top + plot_h - v / y_max * plot_h

    start = inst.dates[0]
    out = []
    release_day = (release - start).days
    if release_day > 0:
        out.append(
            f"<rect x='{x(0):.1f}' y='{top}' width='{x(release_day) - x(0):.1f}' "
            f"height='{plot_h}' fill='#f1f5f9'><title>not released before "
            f"{_e(_day(release))}</title></rect>"
        )
    value = 0.0
    while value <= y_max:
        out.append(
            f"<line x1='{left}' x2='{left + plot_w:.1f}' y1='{y(value):.1f}' "
            f"y2='{y(value):.1f}' stroke='#e2e8f0'/><text x='{left - 5}' "
            f"y='{y(value) + 4:.1f}' text-anchor='end' class='axis'>{_num(value)}</text>"
        )
        value += step
    label_every = 1 if days <= 10 else 7 if plot_w / days < 44 else 2
    for d, date in enumerate(inst.dates):
        if d % label_every == 0:
            out.append(
                f"<text x='{(x(d) + x(d + 1)) / 2:.1f}' y='{height - 6}' text-anchor='middle' "
                f"class='axis'>{date:%a} {date.day}</text>"
            )
        if per_day[d]:
            bar_w = x(d + 1) - x(d)
            out.append(
                f"<rect x='{x(d) + bar_w * 0.2:.1f}' y='{y(per_day[d]):.1f}' "
                f"width='{bar_w * 0.6:.1f}' height='{y(0) - y(per_day[d]):.1f}' "
                f"fill='#cbd5e1'><title>{_e(_day(date))}: {per_day[d]:,} gradings planned, "
                f"{cumulative[d]:,} of {required:,} in all</title></rect>"
            )
    out.append(
        f"<line x1='{left}' x2='{left + plot_w:.1f}' y1='{y(required):.1f}' "
        f"y2='{y(required):.1f}' stroke='#0f172a' stroke-dasharray='5 4' stroke-width='1.3'/>"
        f"<text x='{left + 4}' y='{y(required) - 4:.1f}' class='axis strong'>required "
        f"{required:,}</text>"
    )
    points = [(x(0), y(0))] + [(x(d + 1), y(c)) for d, c in enumerate(cumulative)]
    line = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
    area = f"{x(0):.1f},{y(0):.1f} {line} {x(days):.1f},{y(0):.1f}"
    out.append(
        f"<polygon points='{area}' fill='#2563eb' fill-opacity='0.08'/>"
        f"<polyline points='{line}' fill='none' stroke='#2563eb' stroke-width='2' "
        "stroke-linejoin='round'/>"
    )
    for px, py in points[1:]:
        out.append(f"<circle cx='{px:.1f}' cy='{py:.1f}' r='2.6' fill='#2563eb'/>")
    deadline_day = (deadline - start).days
    if deadline_day < days:
        dx = x(deadline_day + 1)
        by_deadline = cumulative[deadline_day] if deadline_day >= 0 else 0
        anchor = "end" if deadline_day + 1 > days / 2 else "start"
        offset = -4 if anchor == "end" else 4
        out.append(
            f"<line x1='{dx:.1f}' x2='{dx:.1f}' y1='{top - 10}' y2='{top + plot_h}' "
            f"stroke='{_SHORT}' stroke-width='1.6'/>"
            f"<text x='{dx + offset:.1f}' y='{top - 12}' text-anchor='{anchor}' "
            f"class='axis deadline'>deadline {deadline:%a} {deadline.day}</text>"
        )
        if by_deadline < required:
            out.append(
                f"<line x1='{dx:.1f}' x2='{dx:.1f}' y1='{y(required):.1f}' "
                f"y2='{y(by_deadline):.1f}' stroke='{_SHORT}' stroke-width='5' "
                f"stroke-opacity='0.45'><title>{required - by_deadline:,} gradings short "
                "at the deadline</title></line>"
            )
        colour = "#16a34a" if by_deadline >= required else _SHORT
        out.append(
            f"<circle cx='{dx:.1f}' cy='{y(by_deadline):.1f}' r='4.5' fill='{colour}' "
            f"stroke='#fff' stroke-width='1.5'><title>{by_deadline:,} of {required:,} done by "
            f"the deadline</title></circle>"
        )
    else:
        out.append(
            f"<text x='{left + plot_w:.1f}' y='{top - 12}' text-anchor='end' "
            f"class='axis deadline'>deadline {_e(_day(deadline))} →</text>"
        )
    return (
        f"<svg data-chart='batch' data-batch='{_e(batch_id)}' viewBox='0 0 {width:.0f} "
        f"{height}' style='max-width:{width * 1.25:.0f}px' role='img' "
        f"aria-label='{_e(batch_id)}: planned gradings against the "
        f"deadline'>{''.join(out)}</svg>"
    )


def coverage_chart(
    queue: str, rows: list[Slot], t0: dt.datetime, t1: dt.datetime, colour: str
) -> Markup:
    """Agents required (a line) against assigned (bars), short in red, over time."""
    return Markup(_coverage_svg(queue, rows, t0, t1, colour))


def batch_chart(
    inst: Instance,
    batch_id: str,
    per_day: list[int],
    required: int,
    release: dt.date,
    deadline: dt.date,
) -> Markup:
    """Gradings planned, day by day and added up, against the required and the deadline."""
    return Markup(_batch_svg(inst, batch_id, per_day, required, release, deadline))


def progress_chart(
    points: Sequence[tuple[float, float | None, float | None]], label: str = "the search"
) -> Markup:
    """The best objective and the bound of a search over its seconds, as steps.

    `points` are (seconds, objective, bound) as they improved. The vertical range is that
    of the objectives and of the bounds from the first roster on: an early bound far
    below (presolve's) is drawn at the bottom edge rather than flattening the rest."""
    left, right, top, bottom, plot_w, plot_h = 64, 16, 30, 26, 720.0, 200
    width, height = left + plot_w + right, top + plot_h + bottom
    objectives = [(s, o) for s, o, _ in points if o is not None]
    first = objectives[0][0] if objectives else math.inf
    bounds = [(s, b) for s, _o, b in points if b is not None]
    shown = [o for _, o in objectives] + [b for s, b in bounds if s >= first]
    if not shown:
        shown = [b for _, b in bounds] or [0.0, 1.0]
    low, high = min(shown), max(shown)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    pad = (high - low) * 0.06
    low, high = low - pad, high + pad
    end = max([p[0] for p in points] or [1.0]) or 1.0

    def x(seconds: float) -> float:
        return left + seconds / end * plot_w

    def y(value: float) -> float:
        value = min(max(value, low), high)
        return top + plot_h - (value - low) / (high - low) * plot_h

    out = [
        f"<rect x='{left}' y='{top}' width='{plot_w:.0f}' height='{plot_h}' fill='#fff' "
        "stroke='#e2e8f0'/>"
    ]
    for i in range(5):
        value = low + (high - low) * i / 4
        out.append(
            f"<line x1='{left}' x2='{left + plot_w:.0f}' y1='{y(value):.1f}' y2='{y(value):.1f}' "
            f"stroke='#f1f5f9'/><text x='{left - 6}' y='{y(value) + 4:.1f}' text-anchor='end' "
            f"class='axis'>{esc(num(round(value, 1)))}</text>"
        )
    for i in range(5):
        seconds = end * i / 4
        out.append(
            f"<text x='{x(seconds):.1f}' y='{height - 8}' text-anchor='middle' "
            f"class='axis'>{seconds:.{1 if end < 10 else 0}f} s</text>"
        )

    def steps(series: list[tuple[float, float]], colour: str, name: str, dash: str = "") -> None:
        if not series:
            return
        d = f"M{x(series[0][0]):.1f},{y(series[0][1]):.1f}"
        for (_, v0), (s1, v1) in itertools.pairwise(series):
            d += f" L{x(s1):.1f},{y(v0):.1f} L{x(s1):.1f},{y(v1):.1f}"
        d += f" L{x(end):.1f},{y(series[-1][1]):.1f}"
        out.append(
            f"<path class='{name}' d='{d}' fill='none' stroke='{colour}' stroke-width='2'"
            f"{f' stroke-dasharray={dash!r}' if dash else ''}/>"
        )
        for s, v in series:
            out.append(
                f"<circle cx='{x(s):.1f}' cy='{y(v):.1f}' r='2.5' fill='{colour}'>"
                f"<title>{esc(name)} {esc(num(round(v, 2)))} at {s:.1f} s</title></circle>"
            )

    steps(bounds, "#64748b", "bound", "5 4")
    steps(objectives, "#2563eb", "objective")
    # the legend, above the plot: a line of each kind with its name
    for legend_x, (colour, dash, name) in zip(
        (left, left + 150),
        (("#2563eb", "", "best objective"), ("#64748b", "5 4", "bound (none better exists)")),
        strict=True,
    ):
        ly = 16
        out.append(
            f"<g class='legend'><line x1='{legend_x:.0f}' x2='{legend_x + 24:.0f}' y1='{ly - 4}' "
            f"y2='{ly - 4}' stroke='{colour}' stroke-width='2'"
            f"{f' stroke-dasharray={dash!r}' if dash else ''}/><text x='{legend_x + 30:.0f}' "
            f"y='{ly}' class='axis'>{esc(name)}</text></g>"
        )
    return Markup(
        f"<svg data-chart='progress' viewBox='0 0 {width:.0f} {height}' role='img' "
        f"aria-label='{esc(label)}: best objective and bound over time'>{''.join(out)}</svg>"
    )
