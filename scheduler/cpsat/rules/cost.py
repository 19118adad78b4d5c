"""Cost: hours worked times each person's hourly cost.

    cost = sum_{p, d, s} hourly_cost(p) x minutes(s) / 60 x on[p, d, s]

Penalty: weights.cost per unit. Hourly costs have at most two decimals, so in
cents x minutes the figure is an exact integer: 100 x 60 = 6 000 per unit.
"""

from __future__ import annotations

from scheduler.cpsat.context import SCALE, GoalTerm, RosterModel

CENT_MINUTES = 6000
"""Cents x minutes in one unit of cost (an hour at a cost of 1)."""


def goals(m: RosterModel) -> list[GoalTerm]:
    inst, v = m.instance, m.vars
    terms = []
    for (p, _, s), on in v.on.items():
        cents = round(inst.person_by_id[p].hourly_cost * 100)
        terms.append(cents * inst.shift_by_id[s].minutes * on)
    figure = sum(terms) if terms else 0
    # penalty = weights.cost x figure / CENT_MINUTES, in internal units (x SCALE)
    per_cent_minute = SCALE // CENT_MINUTES * inst.weights.cost
    return [GoalTerm("cost", figure, per_cent_minute * figure, CENT_MINUTES)]
