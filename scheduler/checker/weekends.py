"""`max_weekends`: weekends with a shift starting on Saturday or Sunday."""

from __future__ import annotations

from models import Instance, Person
from scheduler.checker.rows import Days, Report

RULES: tuple[str, ...] = ("max_weekends",)


def check(instance: Instance, person: Person, days: Days, report: Report) -> None:
    limit = person.contract.max_weekends
    if limit is None:
        return
    weekends = sum(any(days.works[d] for d in weekend) for weekend in instance.weekends())
    if weekends > limit:
        report.add("max_weekends", person.id, None, f"works on {weekends} weekends (max {limit})")
