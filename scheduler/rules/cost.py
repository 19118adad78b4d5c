"""Cost: hours worked times each person's hourly cost.

    cost = sum_{p, d, s} hourly_cost(p) x minutes(s) / 60 x on[p, d, s]

Penalty: weights.cost per unit. (In internal units the coefficient of on[p, d, s]
is weights.cost x hourly_cost(p) x minutes(s), rounded to an integer.)
"""

from __future__ import annotations

from scheduler.context import GoalTerm, RosterModel


def goals(m: RosterModel) -> list[GoalTerm]:
    inst, v = m.instance, m.vars
    figure = []
    penalty = []
    for (p, _, s), on in v.on.items():
        person = inst.person_by_id[p]
        minutes = inst.shift_by_id[s].minutes
        figure.append(round(person.hourly_cost * minutes * 1000) * on)
        penalty.append(round(inst.weights.cost * person.hourly_cost * minutes) * on)
    return [
        GoalTerm(
            "cost",
            sum(figure) if figure else 0,
            sum(penalty) if penalty else 0,
            60_000,
        )
    ]
