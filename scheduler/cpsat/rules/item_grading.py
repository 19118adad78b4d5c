"""Grading items: time in the shift, release, distinct graders, totals, weekly caps.

    sum_b item_ms(p, b) x items[p, d, s, b] <= 60 000 x minutes(s) x work[p, d, s, rating]
    items[p, d, s, b] exists only from b's release day on (made in variables)
    sum_{d, s} items[p, d, s, b] <= items(b)             one person grades an item once
    sum_{p, d, s} items[p, d, s, b] <= items(b) x graders(b)
    sum_{d in week, s, b} items[p, d, s, b] <= max_items_per_week
    sum_{d in week, s, b} items[p, d, s, b]
        <= max_items_per_week x sum_{d in week, s} work[p, d, s, rating]

The last one adds no rule (any rating shift in the week lifts it to the cap, and
with none there are no items) but bounds the LP relaxation: a rater whose weekly cap
is reached within one shift (750 easy items take 5 hours of an 8-hour shift) pays a
whole shift for the cap, not 5/8 of one (benchmarks/README.md, *Cuts on rating shifts: one kept,
one reverted*).

Given the caps, the gradings of a batch can always be dealt to items so that
no item gets the same person twice (fill the graders' columns in turn).
"""

from __future__ import annotations

from collections import defaultdict

from models import RATING
from scheduler.checker import item_grading as checked
from scheduler.cpsat.context import RosterModel

RULES = checked.RULES
"""The rule ids this family holds: the checker's `item_grading` family declares them."""


def add(m: RosterModel) -> None:
    inst, v = m.instance, m.vars
    by_slot = defaultdict(list)
    by_person_batch = defaultdict(list)
    by_batch = defaultdict(list)
    by_person_day = defaultdict(list)
    for (p, d, s, b), n in v.items.items():
        ms = inst.item_ms(inst.person_by_id[p], inst.batch_by_id[b])
        by_slot[(p, d, s)].append(ms * n)
        by_person_batch[(p, b)].append(n)
        by_batch[b].append(n)
        by_person_day[(p, d)].append(n)
    for (p, d, s), times in by_slot.items():
        rating = v.work[(p, d, s, RATING)]
        m.model.add(sum(times) <= inst.shift_by_id[s].minutes * 60_000 * rating)
    for (_, b), counts in by_person_batch.items():
        m.model.add(sum(counts) <= inst.batch_by_id[b].items)
    for b, counts in by_batch.items():
        m.model.add(sum(counts) <= inst.batch_by_id[b].required)
    for person in inst.people:
        cap = person.contract.max_items_per_week
        for week in inst.weeks():
            counts = [n for d in week for n in by_person_day.get((person.id, d), [])]
            if counts:
                m.model.add(sum(counts) <= cap)
                rating_shifts = [
                    v.work[(p, d, s, RATING)]
                    for p, d, s in v.slots_of[person.id]
                    if d in week and (p, d, s, RATING) in v.work
                ]
                m.model.add(sum(counts) <= cap * sum(rating_shifts))
