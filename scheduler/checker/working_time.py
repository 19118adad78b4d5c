"""Working time: shifts a day, hours and days a week, hours over the horizon."""

from __future__ import annotations

from collections import defaultdict

from models import Instance, Person
from scheduler.checker.rows import Days, Report, Worked, hours, weeks

RULES: tuple[str, ...] = (
    "max_shifts_per_day",
    "max_hours_per_week",
    "max_days_per_week",
    "max_hours_total",
    "min_hours_total",
)


def check(
    instance: Instance, person: Person, worked: list[Worked], days: Days, report: Report
) -> None:
    pid, contract, dates = person.id, person.contract, instance.dates
    per_day: dict[int, int] = defaultdict(int)
    for s in worked:
        per_day[s.day] += 1
    for day, count in sorted(per_day.items()):
        if count > contract.max_shifts_per_day:
            report.add(
                "max_shifts_per_day",
                pid,
                dates[day],
                f"works {count} shifts starting this day (max {contract.max_shifts_per_day})",
            )

    max_minutes = contract.max_minutes_per_week
    for first, label, week in weeks(instance):
        worked_min = sum(days.minutes[d] for d in week)
        if worked_min > max_minutes:
            report.add(
                "max_hours_per_week",
                pid,
                first,
                f"works {hours(worked_min)} in {label} (max {hours(max_minutes)})",
            )
        days_worked = sum(days.works[d] for d in week)
        if days_worked > contract.max_days_per_week:
            report.add(
                "max_days_per_week",
                pid,
                first,
                f"works {days_worked} days in {label} (max {contract.max_days_per_week})",
            )

    total = sum(s.minutes for s in worked)
    if contract.max_hours_total is not None and total > round(60 * contract.max_hours_total):
        report.add(
            "max_hours_total",
            pid,
            None,
            f"works {hours(total)} over the horizon (max {contract.max_hours_total:g} h)",
        )
    credited = sum(instance.out_minutes(person).values())  # days out count toward it
    if contract.min_hours_total is not None and total + credited < round(
        60 * contract.min_hours_total
    ):
        out = f" and {hours(credited)} out" if credited else ""
        report.add(
            "min_hours_total",
            pid,
            None,
            f"works {hours(total)}{out} over the horizon (min {contract.min_hours_total:g} h)",
        )
