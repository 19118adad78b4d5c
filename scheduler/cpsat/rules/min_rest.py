"""One shift at a time, and minimum rest between shifts.

For shifts i, j of one person (i starting no later than j):

    on[i] + on[j] <= 1     when i and j overlap in time, or
                           when j starts on a later day than i and
                           start(j) - end(i) < 60 x min_rest_hours minutes

and on[j] = 0 when start(j) - history.last_shift_end < the rest (the last shift
before the horizon may end inside it: then a shift starting before that end
overlaps it, and is `one_shift_at_a_time`'s). Times are
real elapsed minutes on the instance's clock, so rest is measured across
midnight and across daylight-saving changes.

For a person who works at most one shift a day, the shifts of one later day that
conflict with i exclude each other already, so they and i are stated as one
clique, and two shifts of one day need no pair at all (`working_time` allows one):
the same rosters, a tighter LP and far fewer constraints (see `shift_sequences`),
except while explaining.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.checker import min_rest as checked
from scheduler.cpsat.context import RosterModel

RULES = checked.RULES
"""The rule ids this family holds: the checker's `min_rest` family declares them."""


def add(m: RosterModel) -> None:
    inst, v = m.instance, m.vars
    for person in inst.people:
        rest = person.contract.min_rest_minutes
        clock = inst.clock_minutes  # real minutes, shared by everyone
        slots = sorted(v.slots_of[person.id], key=lambda s: clock[(s[1], s[2])])
        times = [clock[(d, s)] for _, d, s in slots]
        last_end = person.history.last_shift_end
        origin = dt.datetime.combine(inst.horizon.start, dt.time())
        since_last = None if last_end is None else inst.minutes_between(last_end, origin)
        cliques = person.contract.max_shifts_per_day == 1 and not m.guarded
        for i, slot in enumerate(slots):
            start_i, end_i = times[i]
            if since_last is not None and since_last + start_i < rest:
                off = m.model.add(v.on[slot] == 0)
                if since_last + start_i < 0:  # the last shift (ending inside the horizon)
                    m.holds(off, "one_shift_at_a_time", person.id, None, "history")
                else:
                    m.holds(off, "min_rest", person.id, None, "history")
            by_day: dict[int, list[cp_model.IntVar]] = defaultdict(list)
            for j in range(i + 1, len(slots)):
                start_j, _ = times[j]
                gap = start_j - end_i
                if gap >= max(rest, 0):
                    break  # slots are sorted by start: every later one is far enough too
                overlap = gap < 0
                later_day = slots[j][1] > slot[1]
                if cliques and later_day:
                    by_day[slots[j][1]].append(v.on[slots[j]])
                elif cliques:
                    continue  # the same day: `max_shifts_per_day` allows one already
                elif overlap or later_day:
                    rule = "one_shift_at_a_time" if overlap else "min_rest"
                    m.holds(m.model.add(v.on[slot] + v.on[slots[j]] <= 1), rule, person.id)
            for later in by_day.values():
                m.holds(m.model.add_at_most_one([v.on[slot], *later]), "min_rest", person.id)
