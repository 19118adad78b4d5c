"""Availability, fixed days off and fixed assignments.

Unavailable days and slots, fixed days off and missing qualifications are
enforced where the variables are made: no variable exists for a shift a person
cannot work. This module adds the fixed assignments:

    on[p, d, s] = 1                for each fixed (p, d, s)
    work[p, d, s, a] = 1           when the fixed assignment names activity a
    items[p, d, s, b] = n          for each batch b it fixes n items of

A fixed assignment that cannot be worked at all (the person is unavailable or
unqualified) makes the model infeasible, as it should: the rules contradict.
"""

from __future__ import annotations

from scheduler.checker import availability as checked
from scheduler.cpsat.context import RosterModel

RULES = checked.RULES
"""The rule ids this family holds: the checker's `availability` family declares them."""


def add(m: RosterModel) -> None:
    inst, v = m.instance, m.vars
    for person in inst.people:
        for fixed in person.fixed:
            for d in inst.days_of(fixed.day):
                slot = (person.id, d, fixed.shift)
                where = (d, fixed.shift)
                if slot not in v.on:  # cannot be worked: contradiction
                    m.holds(m.model.add_bool_or([]), "fixed_assignment", person.id, *where)
                    continue
                m.holds(m.model.add(v.on[slot] == 1), "fixed_assignment", person.id, *where)
                if fixed.activity is not None:
                    key = (person.id, d, fixed.shift, fixed.activity)
                    if key not in v.work:
                        m.holds(m.model.add_bool_or([]), "fixed_assignment", person.id, *where)
                    else:
                        m.holds(
                            m.model.add(v.work[key] == 1), "fixed_assignment", person.id, *where
                        )
                for batch, count in fixed.items.items():
                    n = v.items.get((person.id, d, fixed.shift, batch))
                    if n is None:  # the batch cannot be graded there: only none of it
                        if count:
                            m.holds(m.model.add_bool_or([]), "fixed_assignment", person.id, *where)
                        continue
                    m.holds(m.model.add(n == count), "fixed_assignment", person.id, *where)
    # When guarded, unavailable shifts have variables too, switched off here, so that
    # a contradiction can name the day someone is away.
    for slot in v.unavailable:
        m.holds(m.model.add(v.on[slot] == 0), "availability", slot[0], slot[1])
