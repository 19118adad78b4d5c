"""`shift_sequence`: a shift that may not follow another on the next day."""

from __future__ import annotations

from collections import defaultdict

from models import Instance, Person
from scheduler.checker.rows import Report, Worked

RULES: tuple[str, ...] = ("shift_sequence",)


def check(instance: Instance, person: Person, worked: list[Worked], report: Report) -> None:
    on_day: dict[int, set[str]] = defaultdict(set)
    for s in worked:
        on_day[s.day].add(s.template.id)
    for s in worked:
        for following in s.template.forbidden_next:
            if following in on_day.get(s.day + 1, set()):
                report.add(
                    "shift_sequence",
                    person.id,
                    instance.dates[s.day + 1],
                    f"works {following} the day after {s.template.id}, which it may not follow",
                )
