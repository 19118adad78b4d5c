"""Forbidden successions: a shift that may not follow another on the next day.

    on[p, d, t] + on[p, d + 1, u] <= 1      for every u in forbidden_next(t)

(As the shift-scheduling benchmarks state rest rules; with clock times, the
`min_rest` rule says the same.) For a person who works at most one shift a day
the shifts of day d + 1 exclude each other already, so the pairs of one shift
are stated as one clique, which is the same set of rosters with a tighter LP:

    on[p, d, t] + sum_{u in forbidden_next(t)} on[p, d + 1, u] <= 1

With many shift types the pairs are far more constraints, which CP-SAT's presolve
would spend seconds merging into cliques itself (benchmarks/README.md, *Rest
cliques*). While explaining (guards per rule), the pairs are kept: a clique leans on
the one-a-day rule, whose guard may be off.
"""

from __future__ import annotations

from scheduler.checker import shift_sequences as checked
from scheduler.cpsat.context import RosterModel

RULES = checked.RULES
"""The rule ids this family holds: the checker's `shift_sequences` family declares them."""


def add(m: RosterModel) -> None:
    inst, v = m.instance, m.vars
    for person in inst.people:
        cliques = person.contract.max_shifts_per_day == 1 and not m.guarded
        for _, d, t in v.slots_of[person.id]:
            now = v.on[(person.id, d, t)]
            after = [
                v.on[(person.id, d + 1, u)]
                for u in inst.shift_by_id[t].forbidden_next
                if (person.id, d + 1, u) in v.on
            ]
            if cliques and after:
                m.holds(m.model.add_at_most_one([now, *after]), "shift_sequence", person.id)
                continue
            for later in after:
                m.holds(m.model.add(now + later <= 1), "shift_sequence", person.id)
