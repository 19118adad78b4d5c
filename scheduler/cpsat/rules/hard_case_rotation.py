"""Hard-case rotation: hard days a week, hard days in a row, hard share of hours.

    sum_{d in week} hard_day[p, d] <= max_hard_days_per_week
    at most max_consecutive_hard_days hard days in a row, counting
        history.consecutive_hard_days (as for working days)
    10 000 x sum_{week} hard_minutes[p, d, s]
        <= round(10 000 x max_hard_share) x (sum_{week} minutes(s) x on[p, d, s]
                                             + credited minutes of days out)

A shift is hard when it is on a hard queue or grades any item of a hard or
expert batch; its hard minutes are all of it on a hard queue, and the hard
grading time rounded up to minutes on a rating shift (`scheduler.cpsat.variables`).
"""

from __future__ import annotations

from scheduler.checker import hard_case_rotation as checked
from scheduler.cpsat.context import RosterModel
from scheduler.cpsat.rules.consecutive_days import max_run

RULES = checked.RULES
"""The rule ids this family holds: the checker's `hard_case_rotation` family declares them."""


def add(m: RosterModel) -> None:
    inst, v = m.instance, m.vars
    rules = inst.rules
    share_bp = round(rules.max_hard_share * 10_000)
    for person in inst.people:
        hard_days = [v.hard_day.get((person.id, d)) for d in inst.day_range]
        if not any(x is not None for x in hard_days):
            continue
        max_run(
            m,
            m.holding("max_consecutive_hard_days", person.id),
            hard_days,
            rules.max_consecutive_hard_days,
            person.history.consecutive_hard_days,
        )
        slots = v.slots_of[person.id]
        credit = inst.out_minutes(person)
        for week in inst.weeks():
            in_week = [x for d, x in enumerate(hard_days) if d in week and x is not None]
            if len(in_week) > rules.max_hard_days_per_week:
                m.holds(
                    m.model.add(sum(in_week) <= rules.max_hard_days_per_week),
                    "max_hard_days_per_week",
                    person.id,
                    week[0],
                )
            days = set(week)
            hard = [v.hard_minutes[s] for s in slots if s[1] in days and s in v.hard_minutes]
            if not hard:
                continue
            worked = [
                inst.shift_by_id[s].minutes * v.on[(p, d, s)] for p, d, s in slots if d in days
            ]
            out_min = sum(credit.get(d, 0) for d in week)
            m.holds(
                m.model.add(10_000 * sum(hard) <= share_bp * (sum(worked) + out_min)),
                "max_hard_share",
                person.id,
                week[0],
            )
