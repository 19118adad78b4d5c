"""Per-template limits over the horizon.

sum_d on[p, d, t] <= max_shifts[t]       for each template t the contract limits
"""

from __future__ import annotations

from scheduler.checker import shift_limits as checked
from scheduler.cpsat.context import RosterModel

RULES = checked.RULES
"""The rule ids this family holds: the checker's `shift_limits` family declares them."""


def add(m: RosterModel) -> None:
    v = m.vars
    for person in m.instance.people:
        for shift_id, limit in person.contract.max_shifts.items():
            of_type = [v.on[s] for s in v.slots_of[person.id] if s[2] == shift_id]
            if len(of_type) > limit:
                m.holds(
                    m.model.add(sum(of_type) <= limit),
                    "max_shifts_per_template",
                    person.id,
                    None,
                    shift_id,
                )
