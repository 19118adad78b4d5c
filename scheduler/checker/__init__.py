"""The independent checker: every hard rule and goal of docs/rules.md, from the roster alone.

`evaluate` reads an instance and the written roster rows and recomputes each
hard rule and each goal figure exactly as `docs/rules.md` defines them. It
never looks at solver variables and imports nothing of the solver: a roster
the model calls feasible must hold here too, and the goal figures must agree.

One module per rule family, named as the model's in `scheduler/cpsat/rules/`
(`activities` for the rules the model holds by its variables), each declaring
its rule ids in `RULES`; `rows` reads the roster (rows resolved, shifts worked,
each person's days) and holds the rules of the written rows alone.

Counting is exact: time in whole minutes (real elapsed time between clock
times, daylight saving counted, see `rows.elapsed`), grading time in whole
milliseconds, the hard share in basis points, costs in cents. Hours in the
output are those minutes divided by 60.

Contract limits in minutes come from the `Contract` helpers
(`min_rest_minutes`, `max_minutes_per_week`, `min_minutes`), so the checker and
the model read the contract the same way. A rating shift's row for the time
left over (empty batch) is optional here: its hours must not pass the shift's, and
a roster with or without it is judged the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from models import Assignment, Evaluation, GoalFigure, Instance, Person, Violation
from models.goals import GOAL_LABELS
from models.result import PersonRow
from scheduler.checker import (
    activities,
    availability,
    batch_deadlines,
    consecutive_days,
    cost,
    demand_coverage,
    hard_case_rotation,
    hard_fairness,
    item_grading,
    min_hours,
    min_rest,
    preferences,
    shift_limits,
    shift_sequences,
    weekends,
    working_time,
)
from scheduler.checker.consecutive_days import day_runs
from scheduler.checker.rows import (
    ROW_RULES,
    Days,
    Report,
    Worked,
    check_hard_flags,
    check_rows,
    group_shifts,
    num,
    resolve,
    worked_shifts,
)

__all__ = [
    "FAMILIES",
    "GOAL_NAMES",
    "ROW_RULES",
    "RULE_IDS",
    "PersonCheck",
    "Worked",
    "check_person",
    "day_runs",
    "evaluate",
    "format_report",
    "own_penalty",
    "worked_shifts",
]

FAMILIES = (
    activities,
    availability,
    min_rest,
    shift_sequences,
    working_time,
    consecutive_days,
    weekends,
    shift_limits,
    item_grading,
    hard_case_rotation,
)
"""The hard rule families; each declares its rule ids in `RULES`."""

RULE_IDS: tuple[str, ...] = (
    "known_reference",
    "shift_times",
    "activity_allowed",
    "qualification",
    "availability",
    "fixed_assignment",
    "one_activity_per_shift",
    "one_shift_at_a_time",
    "max_shifts_per_day",
    "min_rest",
    "max_hours_per_week",
    "max_days_per_week",
    "max_consecutive_days",
    "min_consecutive_days",
    "min_consecutive_days_off",
    "max_weekends",
    "max_shifts_per_template",
    "shift_sequence",
    "max_hours_total",
    "min_hours_total",
    "max_items_per_week",
    "rating_time",
    "batch_release",
    "distinct_graders",
    "batch_total",
    "max_hard_days_per_week",
    "max_consecutive_hard_days",
    "max_hard_share",
    "hard_flag",
    "hours_column",
)
"""Every rule id the checker reports (the families' and `ROW_RULES`), in the order of
the table in docs/rules.md, which is the order violations are listed in.

`hard_flag` (a row's `hard` column disagrees with the shift's recomputed
hardness) and `hours_column` (a row's `hours` disagree with its shift or its
items) are the checker's own additions: they are properties of the written rows.
"""

GOAL_NAMES: tuple[str, ...] = tuple(GOAL_LABELS)


def evaluate(instance: Instance, roster: list[Assignment]) -> Evaluation:
    """Every hard rule and goal figure of docs/rules.md, recomputed from the roster rows."""
    report = Report(RULE_IDS)
    rows = resolve(instance, roster, report)
    check_rows(instance, rows, report)
    for r in rows:
        activities.check_row(instance, r, report)
    shifts_by_person = group_shifts(instance, rows)
    all_shifts = [s for worked in shifts_by_person.values() for s in worked]

    people: list[PersonRow] = []
    minutes: dict[str, int] = {}
    hard_minutes: dict[str, int] = {}
    wish_points = short = 0
    for person in instance.people:
        worked = shifts_by_person.get(person.id, [])
        part = _person_part(instance, person, worked, report)
        minutes[person.id] = part.minutes
        hard_minutes[person.id] = part.hard_minutes
        wish_points += part.wishes.points
        short += part.short_minutes
        people.append(
            _person_row(instance, person, worked, part.days, part.wishes, part.short_minutes)
        )
    item_grading.check(instance, rows, all_shifts, report)

    coverage, demand_figures = demand_coverage.coverage(instance, rows)
    batch_rows, late, late_pen, unfinished = batch_deadlines.batches(instance, rows)

    weights = instance.weights
    spread = hard_fairness.spread_minutes(instance, hard_minutes)
    cents = cost.minute_cents(instance, minutes)
    values: dict[str, tuple[float, float]] = {
        **demand_figures,
        "late_items": (late, late_pen),
        "unfinished_items": (unfinished, unfinished * weights.unfinished_items),
        "hard_spread": (spread / 60, spread * weights.hard_spread / 60),
        "preferences": (wish_points, wish_points * weights.preferences),
        "min_hours_short": (short / 60, short * weights.min_hours_short / 60),
        "cost": (cents / 6_000, cents * weights.cost / 6_000),
    }
    goals = [
        GoalFigure(
            name=name,
            label=GOAL_LABELS[name][0],
            unit=GOAL_LABELS[name][1],
            value=float(values[name][0]),
            penalty=float(values[name][1]),
        )
        for name in GOAL_NAMES
    ]
    return Evaluation(
        violations=report.sorted(),
        goals=goals,
        objective=float(sum(g.penalty for g in goals)),
        coverage=coverage,
        batches=batch_rows,
        people=people,
    )


@dataclass(frozen=True)
class PersonPart:
    """One person's share of the checker's work: their days and goal figures."""

    days: Days
    wishes: preferences.Wishes
    short_minutes: int

    @property
    def minutes(self) -> int:
        return sum(self.days.minutes)

    @property
    def hard_minutes(self) -> int:
        return sum(self.days.hard_minutes)


def _person_part(
    instance: Instance, person: Person, worked: list[Worked], report: Report
) -> PersonPart:
    """The hard rules of one person's shifts (into `report`) and their figures."""
    days = Days.of(instance.horizon.days, worked)
    check_hard_flags(worked, report)
    activities.check(instance, worked, report)
    availability.check(instance, person, worked, report)
    min_rest.check(instance, person, worked, report)
    shift_sequences.check(instance, person, worked, report)
    working_time.check(instance, person, worked, days, report)
    shift_limits.check(person, worked, report)
    consecutive_days.check(person, instance.dates, days, report, instance.out_minutes(person))
    weekends.check(instance, person, days, report)
    item_grading.check_person(instance, person, days, report)
    hard_case_rotation.check(instance, person, days, report)
    wishes = preferences.wishes(instance, person, worked)
    return PersonPart(days, wishes, min_hours.short_minutes(instance, person, days))


@dataclass(frozen=True)
class PersonCheck:
    """What the checker says of one person's rows alone: the hard rules they break, and
    the figures of the goals that are the person's own. The rules between people (a
    batch's total and graders) and the shared goals (coverage, batches, the spread of
    hard load) need the whole roster (`evaluate`)."""

    violations: list[Violation]
    part: PersonPart
    cents: int
    """Minutes x cents an hour (`cost.minute_cents`)."""


def check_person(instance: Instance, person: Person, rows: list[Assignment]) -> PersonCheck:
    """The hard rules and own figures of `person`, from their roster rows alone."""
    report = Report(RULE_IDS)
    resolved = resolve(instance, rows, report)
    check_rows(instance, resolved, report)
    for r in resolved:
        activities.check_row(instance, r, report)
    worked = group_shifts(instance, resolved).get(person.id, [])
    part = _person_part(instance, person, worked, report)
    cents = part.minutes * round(100 * person.hourly_cost)
    return PersonCheck(report.sorted(), part, cents)


def own_penalty(instance: Instance, check: PersonCheck) -> float:
    """The person's own goals in objective units: preferences, minimum hours, cost
    (as `evaluate` weighs them)."""
    w = instance.weights
    part = check.part
    return (
        part.wishes.points * w.preferences
        + part.short_minutes * w.min_hours_short / 60
        + check.cents * w.cost / 6_000
    )


def _person_row(
    instance: Instance,
    person: Person,
    worked: list[Worked],
    days: Days,
    wishes: preferences.Wishes,
    short_minutes: int,
) -> PersonRow:
    minutes, hard = sum(days.minutes), sum(days.hard_minutes)
    history_minutes = instance.carried_hard_minutes(person)
    nights = sum(1 for s in worked if s.template.is_night)
    weekend = sum(
        1 for d, date in enumerate(instance.dates) if days.works[d] and date.weekday() >= 5
    )
    past = person.history.past_weeks
    return PersonRow(
        person=person.id,
        name=person.display_name,
        roles=";".join(role.value for role in person.roles),
        hours=minutes / 60,
        days=sum(days.works),
        shifts=len(worked),
        items=sum(days.items),
        hard_hours=hard / 60,
        hard_share=hard / minutes if minutes else 0.0,
        hard_days=sum(days.hard),
        hard_load_with_history=(history_minutes + hard) / 60,
        preferences_met=wishes.met,
        preferences_total=wishes.total,
        min_hours_short=short_minutes / 60,
        night_shifts=nights,
        weekend_days=weekend,
        weeks=len(past) + 1,
        hard_hours_all_weeks=sum(w.hard_hours for w in past) + hard / 60,
        night_shifts_all_weeks=sum(w.night_shifts for w in past) + nights,
        weekend_days_all_weeks=sum(w.weekend_days for w in past) + weekend,
    )


def format_report(evaluation: Evaluation) -> str:
    """Readable text: the violations (or that there are none), then each goal figure."""
    lines: list[str] = []
    if evaluation.violations:
        count = len(evaluation.violations)
        lines.append(f"{count} hard rule violation{'s' if count != 1 else ''}:")
        lines.extend(str(v) for v in evaluation.violations)
    else:
        lines.append("All hard rules hold.")
    lines.append("")
    for goal in evaluation.goals:
        lines.append(f"{goal.label}: {num(goal.value)} (penalty {num(goal.penalty)})")
    lines.append(f"objective: {num(evaluation.objective)}")
    return "\n".join(lines)
