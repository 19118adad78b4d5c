"""report.html: one self-contained page to look at a planned week.

Everything comes from the output folder (`OutputData`): the verdict and goal
figures, the roster grid, coverage against demand per queue, each batch's
progress against its deadline, each person's load against the rotation limits,
and (for `roster check` folders) the reasons for shortfalls and the verified
fixes. The page needs nothing else: CSS is inline, charts are inline SVG
(`scheduler.outputs.charts`), and a few lines of JS only filter the grid. It opens
offline.

The markup is in the Jinja2 templates of `scheduler/outputs/templates/`; this module
works out what they show (`context`). The service's page renders the same section
templates with the same context (`interactive` on), so a fix to one is a fix to both.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from models import RATING, Assignment, Instance, Person
from scheduler.outputs.charts import (
    SHORT,
    Slot,
    batch_chart,
    coverage_chart,
    day,
    esc,
    lanes,
    missing,
    num,
)
from scheduler.outputs.exports import OutputData
from scheduler.outputs.folder import CARRIED_OVER

TEMPLATES = Path(__file__).resolve().parent / "templates"

NEAR_LIMIT = 0.9
"""A load at or above this share of its limit is flagged "near burnout"."""

SHORTFALL_GOALS = ("uncovered", "uncovered_intervals", "late_items")
"""Goals whose figure above 0 is a shortfall (shown in red), as for `roster check`'s
verdict: gradings left for after the horizon (`unfinished_items`) are not late."""


def _missed(summary: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The summary's shortfall lines, split: those that miss demand or a deadline, and
    those only carried past the horizon."""
    lines = [str(s) for s in summary.get("shortfalls") or []]
    carried = [line for line in lines if line.endswith(CARRIED_OVER)]
    return [line for line in lines if line not in carried], carried


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

_e, _num, _day, _missing = esc, num, day, missing


def _finalize(value: Any) -> Any:
    """Every value a template prints: control characters (which HTML may not hold) as
    spaces, before autoescaping."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return "".join(
            " " if (ord(c) < 32 and c not in "\t\n\r") or ord(c) == 127 else c for c in value
        )
    return value


def environment(*more: Path) -> Environment:
    """The templates' environment: these templates, and `more` folders searched first
    (the service's page)."""
    return _environment(tuple(more))


@cache
def _environment(more: tuple[Path, ...]) -> Environment:
    env = Environment(
        loader=FileSystemLoader([*(str(p) for p in more), str(TEMPLATES)]),
        autoescape=select_autoescape(("html",), default_for_string=True, default=True),
        finalize=_finalize,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["num"] = num
    env.filters["day"] = day
    return env


def write(data: OutputData, path: Path) -> None:
    """Write the report of an output folder as one self-contained HTML file."""
    path.write_text(render(data), encoding="utf-8")


def render(data: OutputData) -> str:
    """The report as an HTML document."""
    return environment().get_template("report.html").render(**context(data))


def context(data: OutputData, interactive: bool = False) -> dict[str, Any]:
    """What the section templates show of an output folder."""
    colours = _activity_colours(data.instance)
    return {
        "header": _header(data),
        "verdict": _verdict_view(data),
        "grid": _grid(data, colours),
        "coverage": _coverage(data, colours),
        "batches": _batches(data),
        "people": _people(data),
        "fixes": _fixes(data),
        "activity_css": Markup(_activity_css(colours)),
        "interactive": interactive,
    }


# ---- small helpers ------------------------------------------------------------------


def _text(value: object) -> str:
    return "" if _missing(value) else str(value)


def _plural(count: int, word: str, words: str = "") -> str:
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def _records(table: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in row.items()} for row in table.to_dict(orient="records")]


def _activity_colours(inst: Instance) -> dict[str, tuple[str, str]]:
    out = {q.id: _PALETTE[i % len(_PALETTE)] for i, q in enumerate(inst.queues)}
    out[RATING] = _RATING_COLOURS
    return out


def _activity_class(inst: Instance, activity: str) -> str:
    if activity == RATING:
        return "act-rating"
    ids = [q.id for q in inst.queues]
    return f"act-{ids.index(activity) % len(_PALETTE)}" if activity in ids else "act-other"


def _activity_css(colours: dict[str, tuple[str, str]]) -> str:
    tint, strong = colours[RATING]
    acts = [f".act-rating{{background:{tint};border-color:{strong}}}"]
    for i, (tint, strong) in enumerate(_PALETTE):
        acts.append(f".act-{i}{{background:{tint};border-color:{strong}}}")
    return "".join(acts)


# ---- header and verdict -------------------------------------------------------------


def _header(data: OutputData) -> dict[str, Any]:
    inst = data.instance
    first, last = inst.dates[0], inst.dates[-1]
    return {
        "name": inst.name,
        "kind": "roster report",
        "facts": [
            f"{_day(first)} – {_day(last)} {last.year}",
            _plural(inst.horizon.days, "day"),
            inst.horizon.timezone,
            _plural(len(inst.people), "person", "people"),
            _plural(len(inst.queues), "queue"),
            _plural(len(inst.batches), "batch", "batches"),
        ],
        "nav": [
            ("verdict", "Verdict"),
            ("grid", "Roster"),
            ("coverage", "Coverage"),
            ("batches", "Batches"),
            ("people", "People"),
            ("fixes", "Fixes"),
        ],
    }


def _verdict_view(data: OutputData) -> dict[str, Any]:
    summary = data.summary
    verdict = _verdict(data)
    status = str(summary.get("status_text") or summary.get("status") or "")
    gap = summary.get("gap")
    if summary.get("status") == "best_found" and not _missing(gap) and gap is not None:
        status += f" (gap {float(gap):.2%} to the bound)"
    facts: list[tuple[str, Any]] = [("solver", status)]
    edited = summary.get("edited")
    if isinstance(edited, dict):
        edits = edited.get("edits") or []
        facts.append(
            (
                "edited",
                f"{len(edits)} edit{'s' if len(edits) != 1 else ''} by hand on "
                f"{edited.get('source', '')}",
            )
        )
        if not _missing(gap) and gap is not None:
            facts[0] = ("solver", f"{status} (gap {float(gap):.2%} to the bound of the solve)")
    elif summary.get("solve_seconds") is not None:
        facts.append(("solve time", f"{float(summary['solve_seconds']):.1f} s"))
    if summary.get("objective") is not None:
        bound = summary.get("bound")
        shown = _num(summary["objective"]) + ("" if bound is None else f" (bound {_num(bound)})")
        facts.append(("objective", shown))
    check = summary.get("check")
    if check is not None:
        violations = check.get("violations") or []
        facts.append(
            (
                "checker",
                "every hard rule holds"
                if check.get("hard_rules_hold")
                else Markup("<b class='bad-text'>{}</b>").format(
                    _plural(len(violations), "violation")
                ),
            )
        )
    if data.roster:
        near = sum(
            any(m.ratio >= NEAR_LIMIT for m in measures) for _, measures in _people_loads(data)
        )
        facts.append(
            (
                "near a limit",
                Markup("<a href='#people'>{} of {} people</a>").format(
                    near, len(data.instance.people)
                ),
            )
        )
    facts.append(("roster rows", _num(len(data.roster))))
    goals = []
    for name, goal in (summary.get("goals") or {}).items():
        value = goal.get("value") or 0
        tone = "bad" if name in SHORTFALL_GOALS and float(value) > 0 else ""
        goals.append(
            {
                "name": name,
                "tone": tone or ("zero" if float(value) == 0 else ""),
                "value": _num(value),
                "unit": goal.get("unit", ""),
                "label": goal.get("label", name),
            }
        )
    return {
        "text": verdict.text,
        "tone": verdict.tone,
        "line": verdict.line,
        "facts": facts,
        "goals": goals,
        "violations": [str(v) for v in (check or {}).get("violations") or []],
        "shortfalls": _missed(summary)[0],
        "carried": _missed(summary)[1],
    }


# ---- roster grid ----------------------------------------------------------------------


def _grid(data: OutputData, colours: dict[str, tuple[str, str]]) -> dict[str, Any]:
    inst = data.instance
    by_cell: dict[tuple[str, dt.date], dict[tuple[dt.datetime, str], list[Assignment]]] = (
        defaultdict(lambda: defaultdict(list))
    )
    for row in data.roster:
        by_cell[(row.person, row.date)][(row.start, row.shift)].append(row)
    hours = _people_rows(data)
    rows = []
    for person in inst.people:
        off_days, _ = inst.unavailable_slots(person)
        # the shifts the instance fixes for this person (a rule: they cannot be moved)
        fixed = {(d, f.shift) for f in person.fixed for d in inst.days_of(f.day)}
        cells = []
        for d, date in enumerate(inst.dates):
            shifts = by_cell.get((person.id, date))
            slots = (
                [
                    _grid_slot(inst, rs, (d, rs[0].shift) in fixed)
                    for _, rs in sorted(shifts.items(), key=lambda kv: kv[0])
                ]
                if shifts
                else []
            )
            cells.append({"date": date.isoformat(), "slots": slots, "off": d in off_days})
        rows.append(
            {
                "id": person.id,
                "name": person.display_name,
                "key": f"{person.display_name} {person.id}".lower(),
                "roles": ", ".join(r.value for r in person.roles),
                "cells": cells,
                "hours": _num(hours.get(person.id, {}).get("hours") or 0),
            }
        )
    working = [len({r.person for r in data.roster if r.date == date}) for date in inst.dates]
    legend = [
        {"name": a, "tint": colours[a][0], "strong": colours[a][1]}
        for a in [*(q.id for q in inst.queues), RATING]
    ]
    return {
        "has_roster": bool(data.roster),
        "has_fixed": any(p.fixed for p in inst.people),
        "rows": rows,
        "dates": [
            {"weekday": f"{d:%a}", "label": f"{d.day} {d:%b}", "weekend": d.weekday() >= 5}
            for d in inst.dates
        ],
        "working": working,
        "legend": legend,
        "min_width": 180 + 64 + 116 * inst.horizon.days,
        "intro": f"{_plural(len(inst.people), 'person', 'people')} × "
        f"{_plural(inst.horizon.days, 'day')}: each cell is a shift and what it is spent on. "
        "Hover a cell for times, batches and items.",
    }


def _grid_slot(inst: Instance, rows: list[Assignment], fixed: bool = False) -> dict[str, Any]:
    first = rows[0]
    activity = first.activity
    hard = any(r.hard for r in rows)
    batches = [r for r in rows if r.batch]
    tip = (
        f"{first.name or first.person}: {first.shift} {first.start:%a %H:%M}–{first.end:%H:%M}, "
        f"{activity}"
    )
    if batches:
        tip += "; " + "; ".join(f"{r.batch}: {r.items:,} items, {r.hours:.2f} h" for r in batches)
    if hard:
        tip += "; hard work"
    if fixed:
        tip += "; fixed by the instance (it may not be moved)"
    if batches:
        extra = ", ".join(f"{r.batch} {r.items:,}" for r in batches)
    elif activity == RATING:
        extra = "no items planned"
    else:
        extra = ""
    return {
        "cls": f"slot {_activity_class(inst, activity)}{' hard' if hard else ''}"
        f"{' fixed' if fixed else ''}",
        "fixed": fixed,
        "tip": tip,
        "activity": activity,
        "shift": first.shift,
        "extra": extra,
        "hard": hard,
    }


# ---- coverage -------------------------------------------------------------------------


def _coverage(data: OutputData, colours: dict[str, tuple[str, str]]) -> dict[str, Any]:
    inst = data.instance
    table = data.coverage
    out: dict[str, Any] = {"short_colour": SHORT, "blocks": []}
    if table.empty or "queue" not in table.columns:
        out["empty"] = "No support demand to cover." if data.roster else "No roster was written."
        return out
    slots: dict[str, list[Slot]] = defaultdict(list)
    for row in _records(table):
        level = row.get("service_level")
        slots[str(row["queue"])].append(
            Slot(
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
    for queue_id in order:
        rows = sorted(slots[queue_id], key=lambda s: (s.start, s.end))
        colour = colours.get(queue_id, _PALETTE[0])[1]
        queue = inst.queue_by_id.get(queue_id)
        per = "interval" if all(not s.shift for s in rows) else "shift"
        levels = [s.service_level for s in rows if s.service_level is not None]
        out["blocks"].append(
            {
                "queue": queue_id,
                "hard": queue is not None and queue.hard,
                "count": _plural(len(rows), per),
                "per": per,
                "short": sum(max(0, s.required - s.assigned) for s in rows),
                "over": sum(max(0, s.assigned - s.required) for s in rows),
                "worst_level": min(levels) if levels else None,
                "charts": [coverage_chart(queue_id, lane, t0, t1, colour) for lane in lanes(rows)],
            }
        )
    return out


# ---- batches --------------------------------------------------------------------------


def _batches(data: OutputData) -> dict[str, Any]:
    inst = data.instance
    table = data.batches
    if table.empty or "batch" not in table.columns:
        return {"cards": []}
    records = _records(table)
    records.sort(
        key=lambda r: (
            int(r["late"]) + int(r["unfinished"]) == 0,
            str(r["deadline"]),
            -int(r["priority"]),
        )
    )
    return {"cards": [_batch_card(inst, r) for r in records], "wide": len(inst.dates) > 10}


def _batch_card(inst: Instance, row: dict[str, Any]) -> dict[str, Any]:
    batch_id = str(row["batch"])
    batch = inst.batch_by_id.get(batch_id)
    late, unfinished = int(row["late"]), int(row["unfinished"])
    required = int(row["required"])
    deadline = dt.date.fromisoformat(str(row["deadline"]))
    finish = _text(row.get("finish_date"))
    if late:
        pill, tone = f"{late:,} late", "bad"
    elif unfinished:
        pill, tone = f"{unfinished:,} not done", "warn"
    else:
        when = _day(dt.date.fromisoformat(finish)) if finish else "–"
        pill, tone = f"on time · done {when}", "ok"
    meta = [str(row.get("difficulty", "")), str(row.get("skill", ""))]
    if batch is not None:
        meta[1] += f" ≥ {batch.min_level}" if batch.min_level > 1 else ""
        if batch.graders > 1:
            meta.append(f"{batch.items:,} items × {batch.graders} graders")
    meta.append(f"priority {row.get('priority', '')}")
    per_day = [int(row.get(d.isoformat(), 0) or 0) for d in inst.dates]
    release = dt.date.fromisoformat(str(row["release"]))
    return {
        "id": batch_id,
        "pill": pill,
        "tone": tone,
        "meta": " · ".join(meta),
        "by_deadline": int(row["done_by_deadline"]),
        "required": required,
        "deadline": _day(deadline),
        "chart": batch_chart(inst, batch_id, per_day, required, release, deadline),
    }


# ---- people ---------------------------------------------------------------------------


def _people(data: OutputData) -> dict[str, Any]:
    inst = data.instance
    rules = inst.rules
    out: dict[str, Any] = {
        "rows": [],
        "weekly": "busiest week" if len(inst.weeks()) > 1 else "week",
        "max_hard_share": rules.max_hard_share,
        "max_hard_days": rules.max_hard_days_per_week,
        "max_run": rules.max_consecutive_hard_days,
        "margin": 1 - NEAR_LIMIT,
        "flagged": 0,
    }
    if not data.roster:
        return out
    csv_rows = _people_rows(data)
    for person, measures in _people_loads(data):
        csv_row = csv_rows.get(person.id, {})
        near = [m.label for m in measures if m.ratio >= NEAR_LIMIT]
        out["flagged"] += bool(near)
        with_history = csv_row.get("hard_load_with_history")
        weeks = csv_row.get("weeks")
        history = (
            f"{_num(with_history, 1)} h hard with last week"
            if person.history.hard_hours_last_week and not _missing(with_history)
            else ""
        )
        if len(person.history.past_weeks) > 1 and not _missing(weeks):
            history = (
                f"over {_num(weeks, 0)} weeks with this one: "
                f"{_num(csv_row.get('hard_hours_all_weeks'), 1)} h hard, "
                f"{_num(csv_row.get('night_shifts_all_weeks'), 0)} night shifts, "
                f"{_num(csv_row.get('weekend_days_all_weeks'), 0)} weekend days"
            )
        out["rows"].append(
            {
                "id": person.id,
                "name": person.display_name,
                "roles": ", ".join(r.value for r in person.roles),
                "history": history,
                "near": near,
                "meters": [_meter(m) for m in measures],
            }
        )
    return out


def _meter(load: _Load) -> dict[str, Any]:
    ratio = load.ratio
    return {
        "tone": "bad" if ratio >= NEAR_LIMIT else ("warn" if ratio >= 0.75 else "ok"),
        "width": f"{0 if ratio <= 0 else min(100.0, ratio * 100):.0f}",
        "label": load.label,
        "text": load.text,
    }


# ---- fixes ----------------------------------------------------------------------------


def _fixes(data: OutputData) -> dict[str, Any]:
    check = data.check
    if check is None:
        return {
            "check": False,
            "edited": data.summary.get("status") == "edited",
            "shortfalls": _missed(data.summary)[0],
            # a solve that found the rules contradict names them in its summary
            "conflicts": [str(c) for c in data.summary.get("conflicts") or []],
        }
    shortfalls: list[dict[str, Any]] = list(check.get("shortfalls") or [])
    conflicts: list[dict[str, Any]] = list(check.get("conflicts") or [])
    fixes: list[dict[str, Any]] = list(check.get("fixes") or [])
    notes = [str(n) for n in check.get("notes") or []]
    used: set[int] = set()

    def fixes_for(targets: set[str]) -> list[dict[str, Any]]:
        mine = [i for i, f in enumerate(fixes) if str(f.get("target", "")) in targets]
        used.update(mine)
        return [_fix(i, fixes[i]) for i in mine]

    blocks: list[dict[str, Any]] = []
    floors = check.get("floors") or {}
    proven = [
        f"at least {float(f.get('at_least', 0)):,.0f} {_label(name)} "
        f"(this roster: {float(f.get('roster', 0)):,.0f})"
        for name, f in floors.items()
        if isinstance(f, dict) and float(f.get("at_least", 0)) > 0
    ]
    if proven:
        blocks.append({"kind": "floors", "lines": proven})
    if conflicts:
        texts = [str(c.get("text", "")) for c in conflicts]
        blocks.append({"kind": "conflict", "lines": texts, "fixes": fixes_for(set(texts))})
    by_subject: dict[str, list[dict[str, Any]]] = {}
    for shortfall in shortfalls:
        by_subject.setdefault(str(shortfall.get("subject", "")), []).append(shortfall)
    for subject, group in by_subject.items():
        blocks.append(
            {
                "kind": "subject",
                "subject": subject,
                "pill": str(group[0].get("kind", "")),
                "reasons": [
                    {"sentence": s.get("sentence", ""), "binding": s.get("binding")} for s in group
                ],
                "fixes": fixes_for({subject}),
            }
        )
    rest = [_fix(i, f) for i, f in enumerate(fixes) if i not in used]
    if rest:
        blocks.append({"kind": "rest", "fixes": rest})
    if notes:
        blocks.append({"kind": "notes", "lines": notes})
    return {"check": True, "verdict": check.get("verdict", ""), "blocks": blocks}


def _label(goal: str) -> str:
    from models.goals import GOAL_LABELS

    return GOAL_LABELS[goal][0] if goal in GOAL_LABELS else goal


def _fix(index: int, fix: dict[str, Any]) -> dict[str, Any]:
    """A fix as shown: `index` is its place in check.json's fixes (and fixes.yaml)."""
    return {
        "index": index,
        "kind": str(fix.get("kind", "")).replace("_", " "),
        "sentence": fix.get("sentence", ""),
        "verified": bool(fix.get("verified")),
        "changes": _changes(fix.get("changes")),
    }


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
        missed = any(float(goals.get(g, {}).get("value") or 0) > 0 for g in SHORTFALL_GOALS)
        missed = missed or bool(_missed(summary)[0])
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
