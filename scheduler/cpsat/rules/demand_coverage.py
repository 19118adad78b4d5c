"""Covering support demand, per shift and per interval.

Per shift (requirements given for a queue, day and shift):

    assigned(q, d, s) = sum_p work[p, d, s, q]
    short(q, d, s) = max(0, required - assigned)     penalty: under_weight (or weights.uncovered)
    over(q, d, s)  = max(0, assigned - required)     penalty: over_weight (or weights.overstaffed)

Required is 0 where no per-shift row is in force but someone works the queue
there all the same (a fixed shift, or a shift worked for interval demand that
has no per-shift row: that is not over demand, see below).

Per interval (requirements given for a queue and an interval of the day), every
shift that holds the whole interval counts, whichever day it started:

    assigned(q, i) = sum_{(d, s) covering i} sum_p work[p, d, s, q]
    short(q, i) = max(0, required - assigned)   penalty: under_weight or uncovered_intervals
    over(q, i)  = max(0, assigned - required)   penalty: over_weight or overstaffed_intervals
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from models import RATING
from scheduler.cpsat.context import SCALE, GoalTerm, RosterModel, Site


def goals(m: RosterModel) -> list[GoalTerm]:
    inst, v, model = m.instance, m.vars, m.model
    weights = inst.weights
    demand = inst.demand_table()
    assigned: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(list)
    able: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    for (p, d, s, a), x in v.work.items():
        if a != RATING:
            assigned[(a, d, s)].append(x)
            able[(a, d, s)].add(p)
    interval_slots = {(q, d, s) for (d, s), queues in inst.interval_queues.items() for q in queues}
    short_terms, over_terms, short_pen, over_pen = [], [], [], []
    for key in sorted(set(demand) | set(assigned)):
        queue, d, shift = key
        row = demand.get(key)
        if row is None and key in interval_slots:
            continue  # worked for interval demand: counted per interval below
        required = row.agents if row else 0
        people = assigned.get(key, [])
        count = sum(people) if people else 0
        name = f"{queue},{d},{shift}"
        if required > 0:
            short = _excess(model, required, count, required, f"short[{name}]")
            under = row.under_weight if row and row.under_weight is not None else weights.uncovered
            short_terms.append(short)
            short_pen.append(under * short)
            m.sites.append(Site(d, d, short, under, frozenset(able[key])))
        if len(people) > required:
            over = _excess(model, count, required, len(people) - required, f"over[{name}]")
            over_w = row.over_weight if row and row.over_weight is not None else weights.overstaffed
            over_terms.append(over)
            over_pen.append(over_w * over)
            m.sites.append(Site(d, d, over, over_w, frozenset(able[key])))
    i_short, i_over, i_short_pen, i_over_pen = [], [], [], []
    for n, (req, covering) in enumerate(
        zip(inst.interval_requirements, inst.interval_covering, strict=True)
    ):
        people = [x for d, s in covering for x in assigned.get((req.queue, d, s), [])]
        who = frozenset(p for d, s in covering for p in able.get((req.queue, d, s), ()))
        count = sum(people) if people else 0
        if req.agents > 0:
            short = _excess(model, req.agents, count, req.agents, f"interval_short[{n}]")
            under = (
                req.under_weight if req.under_weight is not None else weights.uncovered_intervals
            )
            i_short.append(short)
            i_short_pen.append(under * short)
            m.sites.append(Site(req.day, req.day, short, under, who))
        if len(people) > req.agents:
            over = _excess(
                model, count, req.agents, len(people) - req.agents, f"interval_over[{n}]"
            )
            over_w = (
                req.over_weight if req.over_weight is not None else weights.overstaffed_intervals
            )
            i_over.append(over)
            i_over_pen.append(over_w * over)
            m.sites.append(Site(req.day, req.day, over, over_w, who))
    return [
        GoalTerm("uncovered", sum(short_terms), SCALE * sum(short_pen)),
        GoalTerm("overstaffed", sum(over_terms), SCALE * sum(over_pen)),
        GoalTerm("uncovered_intervals", sum(i_short), SCALE * sum(i_short_pen)),
        GoalTerm("overstaffed_intervals", sum(i_over), SCALE * sum(i_over_pen)),
    ]


def _excess(
    model: cp_model.CpModel,
    more: cp_model.LinearExpr | int,
    less: cp_model.LinearExpr | int,
    most: int,
    name: str,
) -> cp_model.IntVar:
    """A variable equal to max(0, more - less), exactly."""
    var = model.new_int_var(0, most, name)
    model.add_max_equality(var, [0, more - less])
    return var
