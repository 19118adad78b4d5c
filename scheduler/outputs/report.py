"""report.html: one self-contained page to look at a planned week.

Everything comes from the output folder (`OutputData`): the verdict and goal
figures, the roster grid, coverage against demand per queue, each batch's
progress against its deadline, each person's load against the rotation limits,
and (for `roster check` folders) the reasons for shortfalls and the verified
fixes. The page needs nothing else: CSS is inline, charts are inline SVG drawn
here, and a few lines of JS only filter the grid. It opens offline.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from models import RATING, Assignment, Instance, Person
from scheduler.outputs.exports import OutputData

NEAR_LIMIT = 0.9
"""A load at or above this share of its limit is flagged "near burnout"."""

SHORTFALL_GOALS = ("uncovered", "uncovered_intervals", "late_items", "unfinished_items")
"""Goals whose figure above 0 is a shortfall (shown in red)."""

# (cell tint, chart colour) per activity: queues in instance order, rating apart.
_PALETTE = [
    ("#dbeafe", "#2563eb"),
    ("#d1fae5", "#059669"),
    ("#ede9fe", "#7c3aed"),
    ("#fce7f3", "#db2777"),
    ("#cffafe", "#0891b2"),
    ("#e0e7ff", "#4f46e5"),
    ("#ecfccb", "#65a30d"),
    ("#ffe4e6", "#e11d48"),
]
_RATING_COLOURS = ("#fef3c7", "#d97706")
_SHORT = "#dc2626"


def write(data: OutputData, path: Path) -> None:
    """Write the report of an output folder as one self-contained HTML file."""
    path.write_text(render(data), encoding="utf-8")


def render(data: OutputData) -> str:
    """The report as an HTML document."""
    inst = data.instance
    colours = _activity_colours(inst)
    body = "\n".join(
        [
            _header(data),
            _verdict_section(data),
            _grid_section(data, colours),
            _coverage_section(data, colours),
            _batches_section(data),
            _people_section(data),
            _fixes_section(data),
        ]
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<title>{_e(inst.name)} · roster report</title>\n"
        f"<style>{_css(colours)}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )


# ---- small helpers ------------------------------------------------------------------


def _e(value: object) -> str:
    """Text escaped for HTML, control characters (which HTML may not hold) as spaces."""
    text = _CONTROL.sub(" ", str(value))
    return escape(text, quote=True)


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def _num(value: Any, digits: int = 2) -> str:
    """A figure as people write it: 1,234 or 12.5."""
    if _missing(value):
        return "–"
    number = float(value)
    if number.is_integer():
        return f"{number:,.0f}"
    return f"{number:,.{digits}f}".rstrip("0").rstrip(".")


def _plural(count: int, word: str, words: str = "") -> str:
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def _day(date: dt.date) -> str:
    return f"{date:%a} {date.day} {date:%b}"


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in table.to_dict(orient="records")]


def _section(ident: str, title: str, intro: str, content: str) -> str:
    lead = f"<p class='intro'>{intro}</p>" if intro else ""
    return f"<section id='{ident}' class='card'>\n<h2>{title}</h2>{lead}\n{content}\n</section>"


def _activity_colours(inst: Instance) -> dict[str, tuple[str, str]]:
    out = {q.id: _PALETTE[i % len(_PALETTE)] for i, q in enumerate(inst.queues)}
    out[RATING] = _RATING_COLOURS
    return out


def _activity_class(inst: Instance, activity: str) -> str:
    if activity == RATING:
        return "act-rating"
    ids = [q.id for q in inst.queues]
    return f"act-{ids.index(activity) % len(_PALETTE)}" if activity in ids else "act-other"


# ---- header and verdict -------------------------------------------------------------


def _header(data: OutputData) -> str:
    inst = data.instance
    first, last = inst.dates[0], inst.dates[-1]
    facts = [
        f"{_day(first)} – {_day(last)} {last.year}",
        _plural(inst.horizon.days, "day"),
        inst.horizon.timezone,
        _plural(len(inst.people), "person", "people"),
        _plural(len(inst.queues), "queue"),
        _plural(len(inst.batches), "batch", "batches"),
    ]
    links = "".join(
        f"<a href='#{ident}'>{label}</a>"
        for ident, label in (
            ("verdict", "Verdict"),
            ("grid", "Roster"),
            ("coverage", "Coverage"),
            ("batches", "Batches"),
            ("people", "People"),
            ("fixes", "Fixes"),
        )
    )
    return (
        f"<header><h1>{_e(inst.name)} <span>roster report</span></h1>"
        f"<p class='facts'>{' · '.join(_e(f) for f in facts)}</p>"
        f"<nav>{links}</nav></header>"
    )


@dataclass(frozen=True)
class _Verdict:
    text: str
    tone: str
    """ok, warn, bad or unknown: the banner's colour."""
    line: str


def _verdict(data: OutputData) -> _Verdict:
    summary = data.summary
    status = str(summary.get("status", ""))
    text = str(data.check["verdict"]) if data.check else ""
    if not text:
        goals = summary.get("goals") or {}
        missed = any(float(goals.get(g, {}).get("value") or 0) > 0 for g in SHORTFALL_GOALS[:3])
        missed = missed or bool(summary.get("shortfalls"))
        broken = (summary.get("check") or {}).get("hard_rules_hold") is False
        if status == "infeasible":
            text = "cannot be staffed"
        elif not data.roster:
            text = "unknown"
        elif broken:
            text = "hard rules broken"
        else:
            text = "fits with shortfalls" if missed else "fits"
    tone = {
        "fits": "ok",
        "fits with shortfalls": "warn",
        "cannot be staffed": "bad",
        "hard rules broken": "bad",
    }.get(text, "unknown")
    lines = {
        "fits": "Every hard rule holds, all demand is covered, every batch is on time.",
        "fits with shortfalls": "Every hard rule holds, but some demand is uncovered "
        "or some gradings are late.",
        "cannot be staffed": "The hard rules contradict each other: no roster exists.",
        "unknown": "No roster was found within the time limit.",
        "hard rules broken": "The checker found hard rules broken in the written roster "
        "(a bug: please report it).",
    }
    if data.summary.get("status") == "edited":
        lines["hard rules broken"] = (
            "The edits made by hand break hard rules (listed below); `roster try` says which."
        )
    return _Verdict(text, tone, lines.get(text, ""))


def _verdict_section(data: OutputData) -> str:
    summary = data.summary
    verdict = _verdict(data)
    status = _e(summary.get("status_text") or summary.get("status") or "")
    gap = summary.get("gap")
    if summary.get("status") == "best_found" and not _missing(gap) and gap is not None:
        status += f" (gap {float(gap):.2%} to the bound)"
    facts = [("solver", status)]
    edited = summary.get("edited")
    if isinstance(edited, dict):
        edits = edited.get("edits") or []
        facts.append(
            (
                "edited",
                f"{len(edits)} edit{'s' if len(edits) != 1 else ''} by hand on "
                f"{_e(str(edited.get('source', '')))}",
            )
        )
        if not _missing(gap) and gap is not None:
            facts[0] = ("solver", f"{status} (gap {float(gap):.2%} to the bound of the solve)")
    elif summary.get("solve_seconds") is not None:
        facts.append(("solve time", f"{float(summary['solve_seconds']):.1f} s"))
    if summary.get("objective") is not None:
        bound = summary.get("bound")
        facts.append(
            (
                "objective",
                _num(summary["objective"]) + ("" if bound is None else f" (bound {_num(bound)})"),
            )
        )
    check = summary.get("check")
    if check is not None:
        violations = check.get("violations") or []
        facts.append(
            (
                "checker",
                "every hard rule holds"
                if check.get("hard_rules_hold")
                else f"<b class='bad-text'>{_plural(len(violations), 'violation')}</b>",
            )
        )
    if data.roster:
        near = sum(
            any(m.ratio >= NEAR_LIMIT for m in measures) for _, measures in _people_loads(data)
        )
        facts.append(
            (
                "near a limit",
                f"<a href='#people'>{near} of {len(data.instance.people)} people</a>",
            )
        )
    facts.append(("roster rows", _num(len(data.roster))))
    fact_html = "".join(f"<div><dt>{k}</dt><dd>{v}</dd></div>" for k, v in facts)
    banner = (
        f"<div class='banner tone-{verdict.tone}'><div class='verdict-text'>"
        f"{_e(verdict.text)}</div><p>{_e(verdict.line)}</p></div>"
    )
    parts = [f"<div class='verdict-top'>{banner}<dl class='facts-list'>{fact_html}</dl></div>"]
    parts.append(_goal_tiles(summary))
    if check is not None and check.get("violations"):
        items = "".join(f"<li>{_e(v)}</li>" for v in check["violations"])
        parts.append(f"<h3 class='bad-text'>Hard-rule violations</h3><ul>{items}</ul>")
    missing = [str(s) for s in summary.get("shortfalls") or []]
    if missing:
        shown = missing[:8]
        items = "".join(f"<li>{_e(s)}</li>" for s in shown)
        more = (
            f"<li class='muted'>and {len(missing) - len(shown)} more</li>"
            if len(missing) > len(shown)
            else ""
        )
        parts.append(
            f"<h3>Shortfalls</h3><ul class='shortfalls'>{items}{more}</ul>"
            "<p class='muted'>Their reasons and fixes: <a href='#fixes'>below</a>.</p>"
        )
    return _section("verdict", "Verdict", "", "\n".join(parts))


def _goal_tiles(summary: dict[str, Any]) -> str:
    goals: dict[str, Any] = summary.get("goals") or {}
    if not goals:
        return "<p class='muted'>No goal figures: there is no roster.</p>"
    tiles = []
    for name, goal in goals.items():
        value = goal.get("value") or 0
        tone = "bad" if name in SHORTFALL_GOALS and float(value) > 0 else ""
        tone = tone or ("zero" if float(value) == 0 else "")
        tiles.append(
            f"<div class='goal {tone}' data-goal='{_e(name)}'>"
            f"<div class='goal-value'>{_num(value)} <span>{_e(goal.get('unit', ''))}</span></div>"
            f"<div class='goal-label'>{_e(goal.get('label', name))}</div></div>"
        )
    return f"<h3>Goal figures</h3><div class='goals'>{''.join(tiles)}</div>"


# ---- roster grid ----------------------------------------------------------------------


def _grid_section(data: OutputData, colours: dict[str, tuple[str, str]]) -> str:
    inst = data.instance
    by_cell: dict[tuple[str, dt.date], dict[tuple[dt.datetime, str], list[Assignment]]] = (
        defaultdict(lambda: defaultdict(list))
    )
    for row in data.roster:
        by_cell[(row.person, row.date)][(row.start, row.shift)].append(row)
    hours = _people_rows(data)
    head = "".join(
        f"<th class='{'weekend' if d.weekday() >= 5 else ''}'>{d:%a}<br><span>{d.day} {d:%b}"
        "</span></th>"
        for d in inst.dates
    )
    body = []
    for person in inst.people:
        off_days, _ = inst.unavailable_slots(person)
        cells = []
        for d, date in enumerate(inst.dates):
            shifts = by_cell.get((person.id, date))
            if shifts:
                slots = "".join(
                    _grid_slot(inst, rows)
                    for _, rows in sorted(shifts.items(), key=lambda kv: kv[0])
                )
                cells.append(f"<td>{slots}</td>")
            elif d in off_days:
                cells.append("<td class='off' title='unavailable or day off'>off</td>")
            else:
                cells.append("<td></td>")
        worked = hours.get(person.id, {}).get("hours")
        roles = ", ".join(r.value for r in person.roles)
        key = f"{person.display_name} {person.id}".lower()
        body.append(
            f"<tr data-name='{_e(key)}'><th scope='row' title='{_e(person.id)}: {_e(roles)}'>"
            f"<span class='who'>{_e(person.display_name)}</span> <span class='id'>"
            f"{_e(person.id)}</span></th>{''.join(cells)}"
            f"<td class='num'>{_num(worked or 0)} h</td></tr>"
        )
    working = []
    for date in inst.dates:
        count = len({r.person for r in data.roster if r.date == date})
        working.append(f"<td class='num'>{count}</td>")
    legend = "".join(
        f"<span class='key'><i style='background:{colours[a][0]};border-color:{colours[a][1]}'>"
        f"</i>{_e(a)}</span>"
        for a in [*(q.id for q in inst.queues), RATING]
    )
    legend += (
        "<span class='key'><i class='hard-key'></i>hard work</span>"
        "<span class='key'><i class='off-key'></i>unavailable or day off</span>"
    )
    min_width = 180 + 64 + 116 * inst.horizon.days
    table = (
        f"<div class='grid-tools'><div class='legend'>{legend}</div>"
        "<input id='grid-filter' type='search' placeholder='Filter people…' "
        "aria-label='Filter people'></div>"
        f"<div class='grid-wrap'><table class='roster' style='min-width:{min_width}px'>"
        f"<colgroup><col class='c-person'>{'<col>' * inst.horizon.days}<col class='c-hours'>"
        f"</colgroup><thead><tr><th>Person</th>{head}"
        "<th>Hours</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody><tfoot><tr><th>working</th>{''.join(working)}<td></td>"
        "</tr></tfoot></table></div>"
    )
    intro = (
        f"{_plural(len(inst.people), 'person', 'people')} × "
        f"{_plural(inst.horizon.days, 'day')}: each cell is a shift and what it is spent on. "
        "Hover a cell for times, batches and items."
    )
    if not data.roster:
        intro, table = "", "<p class='muted'>No roster was written.</p>"
    return _section("grid", "Roster", intro, table)


def _grid_slot(inst: Instance, rows: list[Assignment]) -> str:
    first = rows[0]
    activity = first.activity
    hard = any(r.hard for r in rows)
    batches = [r for r in rows if r.batch]
    detail = ", ".join(f"{r.batch} {r.items:,}" for r in batches)
    tip = (
        f"{first.name or first.person}: {first.shift} {first.start:%a %H:%M}–{first.end:%H:%M}, "
        f"{activity}"
    )
    if batches:
        tip += "; " + "; ".join(f"{r.batch}: {r.items:,} items, {r.hours:.2f} h" for r in batches)
    if hard:
        tip += "; hard work"
    if batches:
        extra = f"<span class='items'>{_e(detail)}</span>"
    elif activity == RATING:
        extra = "<span class='items'>no items planned</span>"
    else:
        extra = ""
    cls = f"slot {_activity_class(inst, activity)}{' hard' if hard else ''}"
    return (
        f"<div class='{cls}' title='{_e(tip)}'><span class='what'><b>{_e(activity)}</b> "
        f"{_e(first.shift)}</span>{extra}</div>"
    )


# ---- coverage -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Slot:
    start: dt.datetime
    end: dt.datetime
    shift: str
    required: int
    assigned: int
    service_level: float | None


def _coverage_section(data: OutputData, colours: dict[str, tuple[str, str]]) -> str:
    inst = data.instance
    table = data.coverage
    if table.empty or "queue" not in table.columns:
        empty = "No support demand to cover." if data.roster else "No roster was written."
        return _section("coverage", "Coverage", "", f"<p class='muted'>{empty}</p>")
    slots: dict[str, list[_Slot]] = defaultdict(list)
    for row in _records(table):
        level = row.get("service_level")
        slots[str(row["queue"])].append(
            _Slot(
                start=dt.datetime.strptime(str(row["start"]), "%Y-%m-%d %H:%M"),
                end=dt.datetime.strptime(str(row["end"]), "%Y-%m-%d %H:%M"),
                shift=_text(row.get("shift")),
                required=int(row["required"]),
                assigned=int(row["assigned"]),
                service_level=None if level is None or _missing(level) else float(level),
            )
        )
    t0 = dt.datetime.combine(inst.dates[0], dt.time())
    t1 = max(
        [dt.datetime.combine(inst.dates[-1], dt.time()) + dt.timedelta(days=1)]
        + [s.end for rows in slots.values() for s in rows]
    )
    order = [q.id for q in inst.queues if q.id in slots] + sorted(
        q for q in slots if q not in inst.queue_by_id
    )
    blocks = []
    for queue_id in order:
        rows = sorted(slots[queue_id], key=lambda s: (s.start, s.end))
        colour = colours.get(queue_id, _PALETTE[0])[1]
        queue = inst.queue_by_id.get(queue_id)
        per = "interval" if all(not s.shift for s in rows) else "shift"
        short = sum(max(0, s.required - s.assigned) for s in rows)
        over = sum(max(0, s.assigned - s.required) for s in rows)
        stats = [
            _plural(len(rows), per),
            f"<b class='{'bad-text' if short else 'ok-text'}'>{short:,} agent-{per}s short</b>",
            f"{over:,} over",
        ]
        levels = [s.service_level for s in rows if s.service_level is not None]
        if levels:
            stats.append(f"service level {min(levels):.0%} at worst")
        charts = "".join(_coverage_chart(queue_id, lane, t0, t1, colour) for lane in _lanes(rows))
        hard = " <span class='pill'>hard</span>" if queue is not None and queue.hard else ""
        blocks.append(
            f"<div class='queue' data-queue='{_e(queue_id)}'><h3>{_e(queue_id)}{hard}"
            f" <span class='muted small'>{' · '.join(stats)}</span></h3>"
            f"<div class='chart-wrap'>{charts}</div></div>"
        )
    legend = (
        "<div class='legend'><span class='key'><i style='background:#64748b'></i>assigned"
        "</span><span class='key'><i class='line-key'></i>required</span>"
        f"<span class='key'><i style='background:{_SHORT}'></i>short</span></div>"
    )
    intro = (
        "Agents required against agents assigned, per queue and shift or interval, "
        "over the horizon. Hover a bar for its figures."
    )
    return _section("coverage", "Coverage", intro, legend + "".join(blocks))


def _lanes(rows: list[_Slot]) -> list[list[_Slot]]:
    """Rows split so that no two in a lane overlap in time (one lane, usually)."""
    lanes: list[list[_Slot]] = []
    for slot in rows:
        for lane in lanes:
            if lane[-1].end <= slot.start:
                lane.append(slot)
                break
        else:
            lanes.append([slot])
    return lanes


def _nice_step(top: float, ticks: int = 4) -> float:
    raw = max(top, 1) / ticks
    power = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * power:
            return max(factor * power, 1)
    return 10 * power


def _coverage_chart(
    queue: str, rows: list[_Slot], t0: dt.datetime, t1: dt.datetime, colour: str
) -> str:
    hours = (t1 - t0).total_seconds() / 3600
    left, right, top, bottom, plot_h = 34, 10, 8, 22, 110
    plot_w = max(960.0, hours * 5)
    width, height = left + plot_w + right, top + plot_h + bottom
    top_value = max([1, *(max(s.required, s.assigned) for s in rows)])
    step = _nice_step(top_value)
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


# ---- batches --------------------------------------------------------------------------


def _batches_section(data: OutputData) -> str:
    inst = data.instance
    table = data.batches
    if table.empty or "batch" not in table.columns:
        return _section("batches", "Batches", "", "<p class='muted'>No batches to grade.</p>")
    records = _records(table)
    records.sort(
        key=lambda r: (
            int(r["late"]) + int(r["unfinished"]) == 0,
            str(r["deadline"]),
            -int(r["priority"]),
        )
    )
    cards = [_batch_card(inst, r) for r in records]
    intro = (
        "Gradings planned, added up day by day, against the gradings required "
        "(items × graders); the deadline is the end of its day."
    )
    legend = (
        "<div class='legend'><span class='key'><i class='line-key blue'></i>planned, "
        "cumulative</span><span class='key'><i style='background:#cbd5e1'></i>planned that "
        "day</span><span class='key'><i class='line-key dashed'></i>required</span>"
        "<span class='key'><i class='line-key red'></i>deadline</span></div>"
    )
    return _section(
        "batches", "Batches", intro, legend + f"<div class='batch-grid'>{''.join(cards)}</div>"
    )


def _batch_card(inst: Instance, row: dict[str, Any]) -> str:
    batch_id = str(row["batch"])
    batch = inst.batch_by_id.get(batch_id)
    late, unfinished = int(row["late"]), int(row["unfinished"])
    required = int(row["required"])
    deadline = dt.date.fromisoformat(str(row["deadline"]))
    finish = _text(row.get("finish_date"))
    if late:
        pill = f"<span class='pill bad'>{late:,} late</span>"
    elif unfinished:
        pill = f"<span class='pill warn'>{unfinished:,} not done</span>"
    else:
        when = _day(dt.date.fromisoformat(finish)) if finish else "–"
        pill = f"<span class='pill ok'>on time · done {_e(when)}</span>"
    meta = [str(row.get("difficulty", "")), str(row.get("skill", ""))]
    if batch is not None:
        meta[1] += f" ≥ {batch.min_level}" if batch.min_level > 1 else ""
        if batch.graders > 1:
            meta.append(f"{batch.items:,} items × {batch.graders} graders")
    meta.append(f"priority {row.get('priority', '')}")
    per_day = [int(row.get(d.isoformat(), 0) or 0) for d in inst.dates]
    release = dt.date.fromisoformat(str(row["release"]))
    chart = _batch_chart(inst, batch_id, per_day, required, release, deadline)
    return (
        f"<div class='batch{' wide' if len(inst.dates) > 10 else ''}' data-batch='{_e(batch_id)}'>"
        "<div class='batch-head'>"
        f"<h3>{_e(batch_id)}</h3>{pill}</div><p class='muted small'>{_e(' · '.join(meta))}"
        f" · {int(row['done_by_deadline']):,} of {required:,} by {_e(_day(deadline))}</p>"
        f"{chart}</div>"
    )


def _batch_chart(
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
    step = _nice_step(top_value, 3)
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


# ---- people ---------------------------------------------------------------------------


def _people_rows(data: OutputData) -> dict[str, dict[str, Any]]:
    if data.people.empty or "person" not in data.people.columns:
        return {}
    return {str(r["person"]): r for r in _records(data.people)}


@dataclass(frozen=True)
class _Load:
    label: str
    value: float
    limit: float
    text: str

    @property
    def ratio(self) -> float:
        if self.limit <= 0:
            return 0.0 if self.value <= 0 else math.inf
        return self.value / self.limit


def _weekly_loads(data: OutputData) -> dict[str, dict[str, float]]:
    """Per person the busiest calendar week's hours, hard hours, hard share and hard days,
    and the longest run of hard days (counting last week's).

    A one-week horizon takes the figures of people.csv (the checker's own); longer
    horizons add the roster's rows up per week.
    """
    inst = data.instance
    people = _people_rows(data)
    week_of = {}
    for w, week in enumerate(inst.weeks()):
        for d in week:
            week_of[inst.dates[d]] = w
    hard_batches = {b.id for b in inst.batches if b.difficulty.is_hard}
    hard_queues = {q.id for q in inst.queues if q.hard}
    hours: dict[tuple[str, int], float] = defaultdict(float)
    hard_hours: dict[tuple[str, int], float] = defaultdict(float)
    hard_dates: dict[str, set[dt.date]] = defaultdict(set)
    for row in data.roster:
        key = (row.person, week_of.get(row.date, 0))
        hours[key] += row.hours
        if row.activity in hard_queues or row.batch in hard_batches:
            hard_hours[key] += row.hours
        if row.hard:
            hard_dates[row.person].add(row.date)
    out: dict[str, dict[str, float]] = {}
    for person in inst.people:
        run = best = person.history.consecutive_hard_days
        for date in inst.dates:
            run = run + 1 if date in hard_dates[person.id] else 0
            best = max(best, run)
        record = {"hard_run": float(best)}
        csv_row = people.get(person.id)
        if len(inst.weeks()) == 1 and csv_row is not None:
            record.update(
                hours=float(csv_row["hours"]),
                hard_hours=float(csv_row["hard_hours"]),
                hard_share=float(csv_row["hard_share"]),
                hard_days=float(csv_row["hard_days"]),
            )
        else:
            weeks = range(len(inst.weeks()))
            record.update(
                hours=max((hours[(person.id, w)] for w in weeks), default=0.0),
                hard_hours=max((hard_hours[(person.id, w)] for w in weeks), default=0.0),
                hard_share=max(
                    (
                        hard_hours[(person.id, w)] / hours[(person.id, w)]
                        for w in weeks
                        if hours[(person.id, w)] > 0
                    ),
                    default=0.0,
                ),
                hard_days=float(
                    max(
                        (
                            sum(1 for d in hard_dates[person.id] if week_of.get(d) == w)
                            for w in weeks
                        ),
                        default=0,
                    )
                ),
            )
        out[person.id] = record
    return out


def _people_loads(data: OutputData) -> list[tuple[Person, list[_Load]]]:
    """Each person's loads against their limits, riskiest first."""
    inst = data.instance
    rules = inst.rules
    loads = _weekly_loads(data)
    entries = []
    for person in inst.people:
        f = loads[person.id]
        max_hours = person.contract.max_hours_per_week
        share = rules.max_hard_share
        measures = [
            _Load(
                "hours",
                f["hours"],
                max_hours,
                f"{_num(round(f['hours'], 1))} / {_num(max_hours)} h",
            ),
            _Load(
                "hard share",
                f["hard_share"],
                share,
                f"{f['hard_share']:.0%} / {share:.0%} · {_num(f['hard_hours'], 1)} h",
            ),
            _Load(
                "hard days",
                f["hard_days"],
                rules.max_hard_days_per_week,
                f"{_num(f['hard_days'])} / {rules.max_hard_days_per_week}",
            ),
            _Load(
                "hard days in a row",
                f["hard_run"],
                rules.max_consecutive_hard_days,
                f"{_num(f['hard_run'])} / {rules.max_consecutive_hard_days}",
            ),
        ]
        entries.append((person, measures))
    entries.sort(
        key=lambda e: (
            -sum(m.ratio >= NEAR_LIMIT for m in e[1]),
            -max(m.ratio for m in e[1]),
            -sum(min(m.ratio, 1.0) for m in e[1]),
            e[0].id,
        )
    )
    return entries


def _people_section(data: OutputData) -> str:
    inst = data.instance
    rules = inst.rules
    if not data.roster:
        return _section("people", "People", "", "<p class='muted'>No roster was written.</p>")
    csv_rows = _people_rows(data)
    weekly = "busiest week" if len(inst.weeks()) > 1 else "week"
    entries = _people_loads(data)
    rows = []
    flagged = 0
    for person, measures in entries:
        csv_row = csv_rows.get(person.id, {})
        near = [m.label for m in measures if m.ratio >= NEAR_LIMIT]
        flagged += bool(near)
        flag = (
            f"<span class='pill bad'>near burnout</span><span class='muted small'>"
            f"{_e(', '.join(near))}</span>"
            if near
            else "<span class='pill ok'>ok</span>"
        )
        with_history = csv_row.get("hard_load_with_history")
        weeks = csv_row.get("weeks")
        history = (
            f"<span class='muted small history'>{_num(with_history, 1)} h hard with last "
            "week</span>"
            if person.history.hard_hours_last_week and not _missing(with_history)
            else ""
        )
        if len(person.history.past_weeks) > 1 and not _missing(weeks):
            history = (
                f"<span class='muted small history'>over {_num(weeks, 0)} weeks with this "
                f"one: {_num(csv_row.get('hard_hours_all_weeks'), 1)} h hard, "
                f"{_num(csv_row.get('night_shifts_all_weeks'), 0)} night shifts, "
                f"{_num(csv_row.get('weekend_days_all_weeks'), 0)} weekend days</span>"
            )
        meters = "".join(f"<td>{_meter(m)}</td>" for m in measures)
        rows.append(
            f"<tr data-person='{_e(person.id)}' class='{'near' if near else ''}'><th "
            "scope='row'><span class='who'>"
            f"{_e(person.display_name)}</span> <span class='muted small'>{_e(person.id)} · "
            f"{_e(', '.join(r.value for r in person.roles))}</span>{history}</th>"
            f"{meters}<td class='flag'>{flag}</td></tr>"
        )
    intro = (
        f"Each person's {weekly} against the limits: contract hours, and the hard-case "
        f"rotation (hard share at most {rules.max_hard_share:.0%} of the hours, at most "
        f"{rules.max_hard_days_per_week} hard days a week and {rules.max_consecutive_hard_days} "
        f"in a row). <b>Near burnout</b>: at or within {1 - NEAR_LIMIT:.0%} of a limit. "
        f"Riskiest first; <b>{flagged} of {len(entries)}</b> flagged."
    )
    head = (
        "<tr><th>Person</th><th>Hours / max</th><th>Hard share / max</th>"
        "<th>Hard days / max</th><th>Hard days in a row / max</th><th></th></tr>"
    )
    table = (
        f"<div class='table-wrap people-wrap'><table class='people'><thead>{head}</thead>"
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )
    return _section("people", "People", intro, table)


def _meter(load: _Load) -> str:
    ratio = load.ratio
    tone = "bad" if ratio >= NEAR_LIMIT else ("warn" if ratio >= 0.75 else "ok")
    width = 0 if ratio <= 0 else min(100.0, ratio * 100)
    return (
        f"<div class='meter {tone}' title='{_e(load.label)}: {_e(load.text)}'>"
        f"<span style='width:{width:.0f}%'></span></div><div class='meter-text'>"
        f"{_e(load.text)}</div>"
    )


# ---- fixes ----------------------------------------------------------------------------


def _fixes_section(data: OutputData) -> str:
    check = data.check
    title = "Reasons and fixes"
    if check is None:
        missing = [str(s) for s in data.summary.get("shortfalls") or []]
        writer = (
            "<code>roster try --write</code> (a roster edited by hand)"
            if data.summary.get("status") == "edited"
            else "<code>roster solve</code>"
        )
        text = (
            f"This folder was written by {writer}. "
            "<code>roster check INSTANCE</code> explains each shortfall "
            "(the capacity arithmetic) and proposes fixes, each checked by finding a roster "
            "with it."
        )
        if not missing:
            return _section("fixes", title, "", f"<p>No shortfalls to fix. {text}</p>")
        items = "".join(f"<li>{_e(s)}</li>" for s in missing)
        return _section("fixes", title, "", f"<ul class='shortfalls'>{items}</ul><p>{text}</p>")
    shortfalls: list[dict[str, Any]] = list(check.get("shortfalls") or [])
    conflicts: list[dict[str, Any]] = list(check.get("conflicts") or [])
    fixes: list[dict[str, Any]] = list(check.get("fixes") or [])
    notes = [str(n) for n in check.get("notes") or []]
    used: set[int] = set()

    def fixes_for(targets: set[str]) -> list[dict[str, Any]]:
        mine = [i for i, f in enumerate(fixes) if str(f.get("target", "")) in targets]
        used.update(mine)
        return [fixes[i] for i in mine]

    blocks = []
    if conflicts:
        items = "".join(f"<li>{_e(c.get('text', ''))}</li>" for c in conflicts)
        relax = fixes_for({str(c.get("text", "")) for c in conflicts})
        fix_html = f"<h4>What would fix it (any one)</h4>{_fix_list(relax)}" if relax else ""
        blocks.append(
            "<div class='target conflict'><h3>These rules contradict each other</h3>"
            f"<p class='muted'>Relax any one of them.</p><ul>{items}</ul>{fix_html}</div>"
        )
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for shortfall in shortfalls:
        by_subject.setdefault(str(shortfall.get("subject", "")), []).append(shortfall)
    for subject, group in by_subject.items():
        why = "".join(f"<li>{_shortfall_line(s)}</li>" for s in group)
        mine = fixes_for({subject})
        fix_html = _fix_list(mine) if mine else "<p class='muted'>No verified fix.</p>"
        kind = str(group[0].get("kind", ""))
        blocks.append(
            f"<div class='target' data-target='{_e(subject)}'><h3>{_e(subject)} "
            f"<span class='pill'>{_e(kind)}</span></h3><h4>Why</h4><ul class='reasons'>{why}"
            f"</ul><h4>What would fix it</h4>{fix_html}</div>"
        )
    rest = [f for i, f in enumerate(fixes) if i not in used]
    if rest:
        blocks.append(f"<div class='target'><h3>Other fixes</h3>{_fix_list(rest)}</div>")
    if notes:
        items = "".join(f"<li>{_e(n)}</li>" for n in notes)
        blocks.append(f"<div class='notes'><h4>Notes</h4><ul>{items}</ul></div>")
    if not blocks:
        blocks.append("<p>No shortfalls: nothing to fix.</p>")
    intro = (
        f"From <code>roster check</code>: verdict <b>{_e(check.get('verdict', ''))}</b>. "
        "What stands in the way, and the changes that would make the week fit, each "
        "checked by solving the changed week again."
    )
    return _section("fixes", title, intro, "\n".join(blocks))


def _shortfall_line(shortfall: dict[str, Any]) -> str:
    binding = shortfall.get("binding")
    pill = f" <span class='pill warn'>binds: {_e(binding)}</span>" if binding else ""
    return f"{_e(shortfall.get('sentence', ''))}{pill}"


def _fix_list(fixes: Iterable[dict[str, Any]]) -> str:
    items = []
    for fix in fixes:
        verified = (
            "<span class='pill ok'>verified</span>"
            if fix.get("verified")
            else "<span class='pill warn'>not verified</span>"
        )
        lines = _changes(fix.get("changes"))
        changes = "".join(f"<li><code>{_e(line)}</code></li>" for line in lines)
        detail = (
            f"<details><summary>{_plural(len(lines), 'change')} to the "
            f"instance</summary><ul>{changes}</ul></details>"
            if changes
            else ""
        )
        kind = str(fix.get("kind", "")).replace("_", " ")
        items.append(
            f"<li class='fix'><span class='pill kind'>{_e(kind)}</span> "
            f"{_e(fix.get('sentence', ''))} {verified}{detail}</li>"
        )
    return f"<ul class='fixes'>{''.join(items)}</ul>"


def _changes(operations: Any) -> list[str]:
    """A fix's patch operations (docs/whatif.md) in words, one line each."""
    if not isinstance(operations, dict):
        return []

    def show(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))

    lines = []
    for op, value in operations.items():
        if op in ("set", "rules", "weights", "deadlines") and isinstance(value, dict):
            prefix = {"set": "", "rules": "rules.", "weights": "weights.", "deadlines": ""}[op]
            for key, item in value.items():
                where = f"batches.{key}.deadline" if op == "deadlines" else f"{prefix}{key}"
                lines.append(f"set {where} = {show(item)}")
        elif op == "add_people" and isinstance(value, list):
            lines += [f"add person {show(person)}" for person in value]
        else:
            lines.append(f"{op}: {show(value)}")
    return lines


# ---- style and script -----------------------------------------------------------------


_JS = """
const filter = document.getElementById('grid-filter');
if (filter) filter.addEventListener('input', () => {
  const q = filter.value.trim().toLowerCase();
  for (const tr of document.querySelectorAll('#grid tbody tr'))
    tr.hidden = q !== '' && !tr.dataset.name.includes(q);
});
"""


def _css(colours: dict[str, tuple[str, str]]) -> str:
    tint, strong = colours[RATING]
    acts = [f".act-rating{{background:{tint};border-color:{strong}}}"]
    for i, (tint, strong) in enumerate(_PALETTE):
        acts.append(f".act-{i}{{background:{tint};border-color:{strong}}}")
    return _CSS + "".join(acts)


_CSS = """
:root{--fg:#0f172a;--muted:#64748b;--line:#e2e8f0;--bg:#f8fafc;--ok:#15803d;--warn:#b45309;
--bad:#b91c1c;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif}
main{max-width:1400px;margin:0 auto;padding:20px 24px 48px}
header h1{margin:0;font-size:26px;letter-spacing:-.01em}
header h1 span{font-weight:400;color:var(--muted);font-size:18px;margin-left:6px}
.facts{margin:4px 0 10px;color:var(--muted)}
nav{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:16px}
nav a{color:var(--fg);text-decoration:none;border:1px solid var(--line);background:#fff;
border-radius:999px;padding:3px 12px;font-size:13px}
nav a:hover{border-color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;
padding:18px 20px;margin:0 0 18px;box-shadow:0 1px 2px rgba(15,23,42,.04)}
h2{margin:0 0 4px;font-size:19px}
h3{font-size:15px;margin:16px 0 8px}
h4{font-size:13px;margin:10px 0 4px;color:var(--muted);text-transform:uppercase;
letter-spacing:.04em}
.intro{margin:0 0 12px;color:#334155;max-width:980px}
a{color:#1d4ed8}
.facts-list a{text-decoration:none}
.muted{color:var(--muted)}
.small{font-size:12px}
.bad-text{color:var(--bad)}
.ok-text{color:var(--ok)}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
background:#f1f5f9;border-radius:4px;padding:1px 4px}
.verdict-top{display:grid;grid-template-columns:minmax(280px,1fr) 2fr;gap:18px;
align-items:stretch}
.banner{border-radius:10px;padding:16px 18px;border:1px solid}
.banner p{margin:6px 0 0}
.verdict-text{font-size:28px;font-weight:700;letter-spacing:-.01em}
.tone-ok{background:#f0fdf4;border-color:#86efac;color:#14532d}
.tone-warn{background:#fffbeb;border-color:#fcd34d;color:#78350f}
.tone-bad{background:#fef2f2;border-color:#fca5a5;color:#7f1d1d}
.tone-unknown{background:#f1f5f9;border-color:#cbd5e1;color:#334155}
.facts-list{display:grid;grid-template-columns:repeat(auto-fit,minmax(180px,1fr));gap:8px 18px;
margin:0;align-content:center}
.facts-list dt{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.facts-list dd{margin:0;font-weight:600}
.goals{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:8px}
.goal{border:1px solid var(--line);border-radius:8px;padding:8px 10px}
.goal-value{font-size:20px;font-weight:700}
.goal-value span{font-size:12px;font-weight:400;color:var(--muted)}
.goal-label{font-size:12px;color:#334155}
.goal.zero .goal-value{color:var(--muted)}
.goal.bad{border-color:#fca5a5;background:#fef2f2}
.goal.bad .goal-value{color:var(--bad)}
ul{padding-left:20px;margin:6px 0}
li{margin:3px 0}
.shortfalls li{color:#7f1d1d}
.legend{display:flex;flex-wrap:wrap;gap:6px 16px;font-size:12px;color:#334155;margin:4px 0 10px}
.key{display:inline-flex;align-items:center;gap:6px}
.key i{display:inline-block;width:16px;height:12px;border-radius:3px;border:1px solid transparent}
.key i.hard-key{background:linear-gradient(135deg,#991b1b 0 7px,#fff 7px);border-color:#94a3b8}
.key i.off-key,td.off{background:repeating-linear-gradient(135deg,#f1f5f9 0 5px,#e2e8f0 5px 10px)}
.key i.line-key{height:0;border:0;border-top:2px solid #0f172a;border-radius:0}
.key i.line-key.blue{border-top-color:#2563eb}
.key i.line-key.dashed{border-top:2px dashed #0f172a}
.key i.line-key.red{border-top-color:#dc2626}
.grid-tools{display:flex;justify-content:space-between;align-items:center;gap:12px;flex-wrap:wrap}
#grid-filter{font:inherit;padding:5px 10px;border:1px solid #cbd5e1;border-radius:8px;width:220px}
.grid-wrap{overflow:auto;max-height:44rem;border:1px solid var(--line);border-radius:8px}
table{border-collapse:separate;border-spacing:0;width:100%}
table.roster{table-layout:fixed}
col.c-person{width:180px}
col.c-hours{width:64px}
.roster th,.roster td{border-bottom:1px solid var(--line);border-right:1px solid var(--line);
padding:3px 4px;vertical-align:top}
.roster thead th{position:sticky;top:0;background:#f8fafc;z-index:2;font-size:12px;
text-align:left;font-weight:600}
.roster thead th span{font-weight:400;color:var(--muted)}
.roster thead th.weekend{background:#eef2f7}
.roster tbody th,.roster tfoot th,.roster thead th:first-child{position:sticky;left:0;
background:#fff;z-index:1;text-align:left;font-weight:400;overflow:hidden;
text-overflow:ellipsis}
.roster thead th:first-child{z-index:3;background:#f8fafc}
.roster tfoot td,.roster tfoot th{background:#f8fafc;font-size:12px;color:var(--muted)}
.who{font-weight:600}
.roster tbody th{white-space:nowrap}
.roster .id{color:var(--muted);font-size:11px}
th .small{display:block}
.num{text-align:right;white-space:nowrap}
td.off{color:var(--muted);font-size:11px;text-align:center;vertical-align:middle}
.slot{border-left:3px solid;border-radius:4px;padding:2px 6px;font-size:12px;line-height:1.25;
overflow:hidden}
.slot+.slot{margin-top:2px}
.slot span{display:block;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.slot .what{color:#475569;font-size:11px}
.slot .what b{color:var(--fg);font-size:12px;margin-right:2px}
.slot .items{color:#475569;font-size:11px}
.slot.hard{background-image:linear-gradient(135deg,#991b1b 0 7px,transparent 7px)}
.act-other{background:#f1f5f9;border-color:#64748b}
.queue h3{margin-top:14px}
.chart-wrap{overflow-x:auto}
svg{display:block;width:100%;height:auto}
svg text{font-size:11px;fill:#64748b}
svg text.strong{fill:#0f172a;font-weight:600}
svg text.deadline{fill:#b91c1c;font-weight:600}
.batch-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(400px,1fr));gap:12px}
.batch{border:1px solid var(--line);border-radius:10px;padding:10px 12px}
.batch-head{display:flex;justify-content:space-between;align-items:center;gap:8px}
.batch.wide{grid-column:1/-1}
.batch h3{margin:0;font-size:14px;overflow-wrap:anywhere}
.batch p{margin:2px 0 6px}
.pill{display:inline-block;font-size:11px;font-weight:600;border-radius:999px;padding:1px 8px;
background:#f1f5f9;color:#334155;white-space:nowrap;vertical-align:middle}
.pill.ok{background:#dcfce7;color:#14532d}
.pill.warn{background:#fef3c7;color:#78350f}
.pill.bad{background:#fee2e2;color:#7f1d1d}
.pill.kind{background:#e0e7ff;color:#312e81}
.table-wrap{overflow-x:auto}
.people-wrap{max-height:44rem;overflow:auto;border:1px solid var(--line);border-radius:8px}
.people th,.people td{text-align:left;padding:5px 10px;border-bottom:1px solid var(--line);
vertical-align:middle}
.people thead th{font-size:12px;color:var(--muted);font-weight:600;background:#f8fafc;
position:sticky;top:0;z-index:1}
.people tbody th{font-weight:400;min-width:220px}
.people .history{display:block}
.people tr.near{background:#fffafa}
.people td{min-width:150px}
.people td.flag{min-width:120px}
.people td.flag .small{display:block}
.meter{height:8px;background:#f1f5f9;border-radius:999px;overflow:hidden;position:relative}
.meter::after{content:"";position:absolute;left:90%;top:0;bottom:0;border-left:1px solid #94a3b8}
.meter span{display:block;height:100%;border-radius:999px}
.meter.ok span{background:#22c55e}
.meter.warn span{background:#f59e0b}
.meter.bad span{background:#dc2626}
.meter-text{font-size:12px;color:#334155;margin-top:2px;white-space:nowrap}
.target{border:1px solid var(--line);border-radius:10px;padding:4px 14px 10px;margin:10px 0}
.target.conflict{border-color:#fca5a5;background:#fef2f2}
.reasons li{color:#334155}
.fixes{list-style:none;padding-left:0}
.fix{padding:6px 0;border-top:1px dashed var(--line)}
.fix:first-child{border-top:0}
details{margin-top:4px;font-size:12px}
summary{cursor:pointer;color:var(--muted)}
@media (max-width:900px){.verdict-top{grid-template-columns:1fr}
.batch-grid{grid-template-columns:1fr}}
@media print{.grid-wrap,.people-wrap{max-height:none;overflow:visible}
#grid-filter,nav{display:none}}
"""
