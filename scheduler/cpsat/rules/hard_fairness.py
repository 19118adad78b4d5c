"""A fair spread of hard work, the load carried from earlier weeks included.

Over the people who could do hard work at all (`Instance.is_hard_capable`):

    load(p) = carried(p) + sum hard_minutes[p, d, s]
    carried(p) = Instance.carried_hard_minutes: last week's hard minutes, and with
                 rules.fairness_weeks > 1 the weeks before, weighed by fairness_decay
    spread  = max_p load(p) - min_p load(p)            in minutes; reported in hours

Penalty: weights.hard_spread per hour of spread.
"""

from __future__ import annotations

from scheduler.cpsat.context import PER_MINUTE, GoalTerm, RosterModel


def goals(m: RosterModel) -> list[GoalTerm]:
    inst, v, model = m.instance, m.vars, m.model
    capable = [p for p in inst.people if inst.is_hard_capable(p)]
    if len(capable) < 2:
        return [GoalTerm("hard_spread", 0, 0, 60)]
    loads = []
    top = 0
    for person in capable:
        history = inst.carried_hard_minutes(person)
        slots = [s for s in v.slots_of[person.id] if s in v.hard_minutes]
        terms = [v.hard_minutes[s] for s in slots]
        most = history + sum(inst.shift_by_id[s[2]].minutes for s in slots)
        top = max(top, most)
        load = model.new_int_var(history, most, f"hard_load[{person.id}]")
        model.add(load == history + (sum(terms) if terms else 0))
        loads.append(load)
        if inst.weights.hard_spread > 0:
            m.hard_loads[person.id] = load
    highest = model.new_int_var(0, top, "hard_load_max")
    lowest = model.new_int_var(0, top, "hard_load_min")
    model.add_max_equality(highest, loads)
    model.add_min_equality(lowest, loads)
    spread = highest - lowest
    return [
        GoalTerm(
            "hard_spread",
            spread,
            PER_MINUTE * inst.weights.hard_spread * spread,
            60,
        )
    ]
