"""Hard-case rotation: `max_hard_days_per_week`, `max_consecutive_hard_days`,
`max_hard_share`. The share's minutes include the credited minutes of days the
person is out (`Instance.out_minutes`), as work that is not hard."""

from __future__ import annotations

from models import Instance, Person
from scheduler.checker.consecutive_days import check_max_run
from scheduler.checker.rows import BASIS_POINTS, Days, Report, weeks

RULES: tuple[str, ...] = ("max_hard_days_per_week", "max_consecutive_hard_days", "max_hard_share")


def check(instance: Instance, person: Person, days: Days, report: Report) -> None:
    pid, rules, dates = person.id, instance.rules, instance.dates
    share_bp = round(BASIS_POINTS * rules.max_hard_share)
    credit = instance.out_minutes(person)  # days out count as worked, not hard
    for first, label, week in weeks(instance):
        hard_days = sum(days.hard[d] for d in week)
        if hard_days > rules.max_hard_days_per_week:
            report.add(
                "max_hard_days_per_week",
                pid,
                first,
                f"has hard work on {hard_days} days in {label} "
                f"(max {rules.max_hard_days_per_week})",
            )
        worked_min = sum(days.minutes[d] for d in week)
        out_min = sum(credit.get(d, 0) for d in week)
        hard_min = sum(days.hard_minutes[d] for d in week)
        if BASIS_POINTS * hard_min > share_bp * (worked_min + out_min):
            of = f"{worked_min} worked and {out_min} out" if out_min else f"{worked_min}"
            report.add(
                "max_hard_share",
                pid,
                first,
                f"{hard_min} of {of} minutes in {label} are hard "
                f"({100 * hard_min / (worked_min + out_min):.2f} %, max {share_bp / 100:g} %)",
            )
    check_max_run(
        days.hard,
        rules.max_consecutive_hard_days,
        person.history.consecutive_hard_days,
        "max_consecutive_hard_days",
        "has hard work",
        pid,
        dates,
        report,
    )
