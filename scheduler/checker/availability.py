"""`availability` and `fixed_assignment`: days and shifts a person cannot or must work."""

from __future__ import annotations

from models import Instance, Person
from scheduler.checker.rows import Report, Worked

RULES: tuple[str, ...] = ("availability", "fixed_assignment")


def check(instance: Instance, person: Person, worked: list[Worked], report: Report) -> None:
    pid, dates = person.id, instance.dates
    off_days, off_slots = instance.unavailable_slots(person)
    fixed_off: set[int] = set()
    for ref in person.days_off:
        fixed_off.update(instance.days_of(ref))
    for s in worked:
        date = dates[s.day]
        if s.day in fixed_off:
            report.add("availability", pid, date, f"works {s.template.id} on a fixed day off")
        elif s.day in off_days:
            report.add("availability", pid, date, f"works {s.template.id} on an unavailable day")
        if (s.day, s.template.id) in off_slots:
            report.add(
                "availability", pid, date, f"works {s.template.id}, a shift marked unavailable"
            )

    by_key = {(s.day, s.template.id): s for s in worked}
    for fixed in person.fixed:
        day = instance.day_of(fixed.day)
        if not 0 <= day < instance.horizon.days:
            continue
        date = dates[day]
        what = f"{fixed.shift}" + (f" on {fixed.activity}" if fixed.activity else "")
        s_fixed = by_key.get((day, fixed.shift))
        if s_fixed is None:
            report.add("fixed_assignment", pid, date, f"is fixed to {what} but does not work it")
        elif fixed.activity is not None and s_fixed.activities != [fixed.activity]:
            report.add(
                "fixed_assignment",
                pid,
                date,
                f"is fixed to {what} but works it on {', '.join(s_fixed.activities)}",
            )
        if s_fixed is None:
            continue
        for batch, count in fixed.items.items():
            graded = sum(r.row.items for r in s_fixed.rows if r.row.batch == batch)
            if graded != count:
                report.add(
                    "fixed_assignment",
                    pid,
                    date,
                    f"is fixed to grade {count} items of {batch} in {fixed.shift} but grades "
                    f"{graded}",
                )
