"""Maximum weekends worked over the horizon.

weekend_on[p, w] = max_{d in Sat, Sun of w} day_on[p, d]
sum_w weekend_on[p, w] <= max_weekends
"""

from __future__ import annotations

from scheduler.checker import weekends as checked
from scheduler.cpsat.context import RosterModel

RULES = checked.RULES
"""The rule ids this family holds: the checker's `weekends` family declares them."""


def add(m: RosterModel) -> None:
    inst, v = m.instance, m.vars
    for person in inst.people:
        limit = person.contract.max_weekends
        if limit is None:
            continue
        worked = []
        for w, days in enumerate(inst.weekends()):
            lits = [v.day_on[(person.id, d)] for d in days if (person.id, d) in v.day_on]
            if not lits:
                continue
            on = m.model.new_bool_var(f"weekend_on[{person.id},{w}]")
            m.model.add_max_equality(on, lits)
            worked.append(on)
        if len(worked) > limit:
            m.holds(m.model.add(sum(worked) <= limit), "max_weekends", person.id)
