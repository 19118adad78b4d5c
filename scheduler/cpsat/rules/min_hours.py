"""Minimum hours a week, as a goal.

Per person and calendar week, with the target prorated to the days of the week
inside the horizon:

    target = round(60 x min_hours_per_week) x days_in_horizon // 7      minutes
    short  = max(0, target - credited - sum_{week} minutes(s) x on[p, d, s])

where `credited` are the minutes credited for the week's days out from rostered
work (`Instance.out_minutes`).

Penalty: weights.min_hours_short per hour short.
"""

from __future__ import annotations

from scheduler.cpsat.context import PER_MINUTE, GoalTerm, RosterModel


def goals(m: RosterModel) -> list[GoalTerm]:
    inst, v, model = m.instance, m.vars, m.model
    shorts = []
    for person in inst.people:
        if person.contract.min_hours_per_week <= 0:
            continue
        out = inst.out_minutes(person)
        for w, week in enumerate(inst.weeks()):
            credited = sum(out.get(d, 0) for d in week)
            target = max(0, person.contract.min_minutes(len(week)) - credited)
            days = set(week)
            worked = [
                inst.shift_by_id[s].minutes * v.on[(p, d, s)]
                for p, d, s in v.slots_of[person.id]
                if d in days
            ]
            short = model.new_int_var(0, target, f"min_hours_short[{person.id},{w}]")
            model.add_max_equality(short, [0, target - (sum(worked) if worked else 0)])
            shorts.append(short)
    total = sum(shorts) if shorts else 0
    return [
        GoalTerm(
            "min_hours_short",
            total,
            PER_MINUTE * inst.weights.min_hours_short * total,
            60,
        )
    ]
