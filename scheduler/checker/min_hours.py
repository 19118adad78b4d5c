"""The goal `min_hours_short`: minutes short of each week's minimum hours."""

from __future__ import annotations

from models import Instance, Person
from scheduler.checker.rows import Days


def short_minutes(instance: Instance, person: Person, days: Days) -> int:
    """Per week, the minimum less the minutes worked and those credited for days out."""
    credit = instance.out_minutes(person)
    return sum(
        max(
            0,
            person.contract.min_minutes(len(week))
            - sum(days.minutes[d] + credit.get(d, 0) for d in week),
        )
        for week in instance.weeks()
    )
