"""`max_shifts_per_template`: shifts of one template over the horizon."""

from __future__ import annotations

from collections import defaultdict

from models import Person
from scheduler.checker.rows import Report, Worked

RULES: tuple[str, ...] = ("max_shifts_per_template",)


def check(person: Person, worked: list[Worked], report: Report) -> None:
    per_template: dict[str, int] = defaultdict(int)
    for s in worked:
        per_template[s.template.id] += 1
    for shift_id, limit in person.contract.max_shifts.items():
        count = per_template.get(shift_id, 0)
        if count > limit:
            report.add(
                "max_shifts_per_template",
                person.id,
                None,
                f"works {shift_id} {count} times (max {limit})",
            )
