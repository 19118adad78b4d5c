"""Working time: shifts a day, hours a week, days a week.

    sum_s on[p, d, s] <= max_shifts_per_day                      for each day d
    sum_{d in week, s} minutes(s) x on[p, d, s] <= 60 x max_hours_per_week
    sum_{d in week} day_on[p, d] <= max_days_per_week
    60 x min_hours_total <= sum_{d, s} minutes(s) x on[p, d, s] <= 60 x max_hours_total

Weeks are calendar weeks cut to the horizon; a shift counts in the week it starts.
The minimum over the horizon counts the minutes credited for days out from
rostered work (`Instance.out_minutes`) as worked.
"""

from __future__ import annotations

from scheduler.checker import working_time as checked
from scheduler.cpsat.context import RosterModel

RULES = checked.RULES
"""The rule ids this family holds: the checker's `working_time` family declares them."""


def add(m: RosterModel) -> None:
    inst, v = m.instance, m.vars
    for person in inst.people:
        contract = person.contract
        slots = v.slots_of[person.id]
        for d in inst.day_range:
            today = [v.on[s] for s in slots if s[1] == d]
            if len(today) > contract.max_shifts_per_day:
                m.holds(
                    m.model.add(sum(today) <= contract.max_shifts_per_day),
                    "max_shifts_per_day",
                    person.id,
                    d,
                )
        max_minutes = contract.max_minutes_per_week
        for week in inst.weeks():
            days = set(week)
            minutes = [
                inst.shift_by_id[s].minutes * v.on[(p, d, s)] for p, d, s in slots if d in days
            ]
            if minutes:
                m.holds(
                    m.model.add(sum(minutes) <= max_minutes),
                    "max_hours_per_week",
                    person.id,
                    week[0],
                )
            worked = [v.day_on[(person.id, d)] for d in week if (person.id, d) in v.day_on]
            if len(worked) > contract.max_days_per_week:
                m.holds(
                    m.model.add(sum(worked) <= contract.max_days_per_week),
                    "max_days_per_week",
                    person.id,
                    week[0],
                )
        total = [inst.shift_by_id[s].minutes * v.on[(p, d, s)] for p, d, s in slots]
        if contract.max_hours_total is not None:
            limit = round(60 * contract.max_hours_total)
            m.holds(m.model.add(sum(total) <= limit), "max_hours_total", person.id)
        if contract.min_hours_total is not None:
            credited = sum(inst.out_minutes(person).values())  # days out count toward it
            least = round(60 * contract.min_hours_total) - credited
            if least > 0:
                m.holds(m.model.add(sum(total) >= least), "min_hours_total", person.id)
