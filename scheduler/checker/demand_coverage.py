"""The demand goals: `uncovered`, `overstaffed`, `uncovered_intervals`, `overstaffed_intervals`.

Demand is counted per shift and per interval: an interval's assigned agents are
the distinct people with a row on its queue in a shift whose span holds the whole
interval, whichever day (that day or the day before) the shift started. Required
agents come from `Instance.requirements` (a forecast's Erlang staffing lives in
`models.queueing`, not here); the checker decides by itself which worked shifts
hold which intervals.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from models import Instance
from models.instance import Requirement
from models.result import CoverageRow
from scheduler.checker.rows import Row

_Figure = tuple[int, int]
"""A goal's value and penalty."""


def _weight(given: int | None, default: int) -> int:
    """A demand row's own weight when it gives one (even 0), else the default."""
    return default if given is None else given


def _holds(span: tuple[dt.datetime, dt.datetime], day: int, req: Requirement) -> bool:
    """Whether a shift starting on `day` spans the whole interval: it started that day or
    the day before, and runs from the interval's start to its end (local clock times)."""
    return req.day - 1 <= day <= req.day and span[0] <= req.start and span[1] >= req.end


def _coverage_row(
    req: Requirement | None,
    queue: str,
    shift: str | None,
    span: tuple[dt.datetime, dt.datetime],
    date: dt.date,
    assigned: int,
) -> CoverageRow:
    required = req.agents if req is not None else 0
    achieved = req.achieved(assigned) if req is not None else None
    return CoverageRow(
        queue=queue,
        date=date,
        shift=shift,
        start=span[0],
        end=span[1],
        required=required,
        assigned=assigned,
        short=max(0, required - assigned),
        over=max(0, assigned - required),
        forecast=req.contacts if req is not None else None,
        service_level=achieved.service_level if achieved is not None else None,
    )


def coverage(instance: Instance, rows: list[Row]) -> tuple[list[CoverageRow], dict[str, _Figure]]:
    """Coverage rows and the four demand goals (docs/rules.md, goals).

    Per interval requirement: the distinct people with a row on its queue in a
    shift that spans the whole interval (a person counts once, even with two such
    rows). Per (queue, day, shift): the people with a row there, against the
    per-shift requirement, or 0 without one; a slot without a per-shift
    requirement that spans an interval requirement on its queue is counted per
    interval only, so it gets no per-shift row and no overstaffing.
    """
    weights = instance.weights
    per_shift = instance.demand_table()
    assigned: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    spans: dict[tuple[int, str], tuple[dt.datetime, dt.datetime]] = {}
    for r in rows:
        if r.queue is not None:
            assigned[(r.queue.id, r.day, r.shift.id)].add(r.person.id)
            if (r.day, r.shift.id) not in spans:
                spans[(r.day, r.shift.id)] = instance.shift_times(r.day, r.shift)
    by_queue_day: dict[tuple[str, int], list[tuple[str, set[str]]]] = defaultdict(list)
    for (queue_id, day, shift_id), people in assigned.items():
        by_queue_day[(queue_id, day)].append((shift_id, people))

    out: list[CoverageRow] = []
    counted_per_interval: set[tuple[str, int, str]] = set()
    i_short = i_short_pen = i_over = i_over_pen = 0
    for req in instance.interval_requirements:
        present: set[str] = set()
        for day in (req.day - 1, req.day):
            for shift_id, people in by_queue_day.get((req.queue, day), []):
                if _holds(spans[(day, shift_id)], day, req):
                    present |= people
                    counted_per_interval.add((req.queue, day, shift_id))
        date = instance.dates[req.day]
        row = _coverage_row(req, req.queue, None, (req.start, req.end), date, len(present))
        i_short += row.short
        i_short_pen += row.short * _weight(req.under_weight, weights.uncovered_intervals)
        i_over += row.over
        i_over_pen += row.over * _weight(req.over_weight, weights.overstaffed_intervals)
        out.append(row)

    s_short = s_short_pen = s_over = s_over_pen = 0
    for key in set(per_shift) | set(assigned):
        queue_id, day, shift_id = key
        in_force = per_shift.get(key)
        if in_force is None and key in counted_per_interval:
            continue  # worked for interval demand: counted per interval, not as overstaffing
        span = spans.get((day, shift_id))
        if span is None:
            span = instance.shift_times(day, instance.shift_by_id[shift_id])
        count = len(assigned.get(key, ()))
        row = _coverage_row(in_force, queue_id, shift_id, span, instance.dates[day], count)
        under_w = _weight(in_force.under_weight if in_force else None, weights.uncovered)
        over_w = _weight(in_force.over_weight if in_force else None, weights.overstaffed)
        s_short += row.short
        s_short_pen += row.short * under_w
        s_over += row.over
        s_over_pen += row.over * over_w
        out.append(row)

    out.sort(key=lambda c: (c.start, c.queue, c.end, c.shift or ""))
    figures = {
        "uncovered": (s_short, s_short_pen),
        "overstaffed": (s_over, s_over_pen),
        "uncovered_intervals": (i_short, i_short_pen),
        "overstaffed_intervals": (i_over, i_over_pen),
    }
    return out, figures
