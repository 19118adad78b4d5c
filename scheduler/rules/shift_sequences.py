"""Forbidden successions: a shift that may not follow another on the next day.

    on[p, d, t] + on[p, d + 1, u] <= 1      for every u in forbidden_next(t)

(As the shift-scheduling benchmarks state rest rules; with clock times, the
`min_rest` rule says the same.)
"""

from __future__ import annotations

from scheduler.context import RosterModel


def add(m: RosterModel) -> None:
    inst, v = m.instance, m.vars
    for person in inst.people:
        for _, d, t in v.slots_of[person.id]:
            for u in inst.shift_by_id[t].forbidden_next:
                after = v.on.get((person.id, d + 1, u))
                if after is not None:
                    m.hard(
                        m.model.add(v.on[(person.id, d, t)] + after <= 1),
                        "shift_sequence",
                        person.id,
                    )
