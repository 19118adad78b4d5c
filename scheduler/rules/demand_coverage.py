"""Covering support demand: agent-shifts short and over, per queue, day and shift.

    assigned(q, d, s) = sum_p work[p, d, s, q]
    short(q, d, s) = max(0, required - assigned)     penalty: under_weight (or weights.uncovered)
    over(q, d, s)  = max(0, assigned - required)     penalty: over_weight (or weights.overstaffed)

Required is 0 where no demand row is in force (a fixed assignment can still put
someone there).
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from models import RATING
from scheduler.context import SCALE, GoalTerm, RosterModel


def goals(m: RosterModel) -> list[GoalTerm]:
    inst, v, model = m.instance, m.vars, m.model
    weights = inst.weights
    demand = inst.demand_table()
    assigned: dict[tuple[str, int, str], list[cp_model.IntVar]] = defaultdict(list)
    for (_, d, s, a), x in v.work.items():
        if a != RATING:
            assigned[(a, d, s)].append(x)
    short_terms, over_terms, short_pen, over_pen = [], [], [], []
    for key in sorted(set(demand) | set(assigned)):
        queue, d, shift = key
        row = demand.get(key)
        required = row.agents if row else 0
        people = assigned.get(key, [])
        count = sum(people) if people else 0
        if required > 0:
            short = model.new_int_var(0, required, f"short[{queue},{d},{shift}]")
            model.add_max_equality(short, [0, required - count])
            under_w = (
                row.under_weight if row and row.under_weight is not None else weights.uncovered
            )
            short_terms.append(short)
            short_pen.append(under_w * short)
        if len(people) > required:
            over = model.new_int_var(0, len(people) - required, f"over[{queue},{d},{shift}]")
            model.add_max_equality(over, [0, count - required])
            over_w = row.over_weight if row and row.over_weight is not None else weights.overstaffed
            over_terms.append(over)
            over_pen.append(over_w * over)
    return [
        GoalTerm(
            "uncovered",
            sum(short_terms),
            SCALE * sum(short_pen),
        ),
        GoalTerm(
            "overstaffed",
            sum(over_terms),
            SCALE * sum(over_pen),
        ),
    ]
