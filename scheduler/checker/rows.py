"""The roster, read: rows resolved, shifts worked, each person's days, and the row rules.

Rows naming an unknown person, shift, activity or batch, a date outside the
horizon, or a batch or items where the row format has none, are reported as
`known_reference` and are otherwise skipped. Several rows of one person, date
and shift are one shift worked (`Worked`).

A shift is hard (for hard days, hard runs and the `hard` column) when it is on
a hard queue or grades at least one hard or expert item; its hard minutes are
`models.hard_work.hard_minutes`, the one definition of docs/rules.md.

The row rules (`ROW_RULES`) are properties of the written rows alone: the model
writes them right by construction (`scheduler.cpsat.roster_values`), so no rule
family of it holds them.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from models import RATING, Assignment, Batch, Instance, Person, Queue, ShiftTemplate, Violation
from models.hard_work import hard_minutes

ROW_RULES: tuple[str, ...] = ("known_reference", "shift_times", "hard_flag", "hours_column")

MS_PER_MINUTE = 60_000
BASIS_POINTS = 10_000
_EPS = 1e-9


@dataclass
class Row:
    """A roster row whose references all resolve."""

    row: Assignment
    day: int
    person: Person
    shift: ShiftTemplate
    queue: Queue | None
    batch: Batch | None


@dataclass
class Worked:
    """One shift worked: a person, a day and a template, with all its rows."""

    person: Person
    day: int
    template: ShiftTemplate
    start: dt.datetime
    end: dt.datetime
    start_abs: int
    end_abs: int
    rows: list[Row] = field(default_factory=list)
    hard: bool = False
    hard_reason: str = ""
    hard_minutes: int = 0

    @property
    def minutes(self) -> int:
        return self.template.minutes

    @property
    def activities(self) -> list[str]:
        return sorted({r.row.activity for r in self.rows})


@dataclass
class Days:
    """One person's figures per day of the horizon, from the shifts worked."""

    works: list[bool]
    hard: list[bool]
    minutes: list[int]
    hard_minutes: list[int]
    items: list[int]

    @classmethod
    def of(cls, horizon: int, worked: list[Worked]) -> Days:
        days = cls(
            [False] * horizon, [False] * horizon, [0] * horizon, [0] * horizon, [0] * horizon
        )
        for s in worked:
            days.works[s.day] = True
            days.minutes[s.day] += s.minutes
            if s.hard:
                days.hard[s.day] = True
            days.hard_minutes[s.day] += s.hard_minutes
            days.items[s.day] += sum(r.row.items for r in s.rows if r.batch is not None)
        return days


class Report:
    """Collects violations, without duplicates, sorted in the order of `order`."""

    def __init__(self, order: tuple[str, ...]) -> None:
        self._order = {rule: i for i, rule in enumerate(order)}
        self._seen: set[tuple[str, str | None, dt.date | None, str]] = set()
        self.items: list[Violation] = []

    def add(self, rule: str, person: str | None, date: dt.date | None, message: str) -> None:
        key = (rule, person, date, message)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(Violation(rule=rule, person=person, date=date, message=message))

    def sorted(self) -> list[Violation]:
        order = self._order
        return sorted(
            self.items,
            key=lambda v: (
                v.date or dt.date.min,
                v.person or "",
                order.get(v.rule, len(order)),
                v.message,
            ),
        )


# ---- words for messages ---------------------------------------------------------


def hours(minutes: int | float) -> str:
    """Minutes as hours for messages: `8 h`, `7.5 h`."""
    value = minutes / 60
    return f"{value:g} h" if abs(value - round(value, 2)) < _EPS else f"{value:.2f} h"


def num(value: float) -> str:
    if abs(value - round(value)) < _EPS:
        return str(round(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def clock(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


# ---- time -------------------------------------------------------------------------


def _utc(instance: Instance, local: dt.datetime) -> dt.datetime:
    """A local clock time of the horizon's time zone as a UTC instant."""
    zone = ZoneInfo(instance.horizon.timezone)
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def elapsed(instance: Instance, earlier: dt.datetime, later: dt.datetime) -> int:
    """Real minutes from one local clock time to another (daylight saving counted), floored.

    Both times go through UTC first: subtracting two datetimes that share one
    tzinfo object is wall-clock arithmetic in Python and would miss the hour
    gained or lost at a daylight-saving change. `Instance.minutes_between` does
    the same; this stays the checker's own so that it does not depend on the
    helper it checks, and tests assert the two agree.
    """
    delta = _utc(instance, later) - _utc(instance, earlier)
    return math.floor(delta.total_seconds() / 60)


def weeks(instance: Instance) -> list[tuple[dt.date, str, list[int]]]:
    """Each week of the horizon: its first date, its name in messages, its days."""
    return [
        (instance.dates[week[0]], f"the week of {instance.dates[week[0]]}", week)
        for week in instance.weeks()
    ]


# ---- reading the rows -------------------------------------------------------------


def resolve(instance: Instance, roster: list[Assignment], report: Report | None) -> list[Row]:
    """Rows whose references resolve; the others reported as `known_reference`
    (when a report is given) and skipped."""
    rows: list[Row] = []
    first, last = instance.dates[0], instance.dates[-1]
    for row in roster:
        problems: list[str] = []
        person = instance.person_by_id.get(row.person)
        shift = instance.shift_by_id.get(row.shift)
        queue = instance.queue_by_id.get(row.activity)
        batch = instance.batch_by_id.get(row.batch) if row.batch else None
        if person is None:
            problems.append(f"unknown person {row.person!r}")
        if shift is None:
            problems.append(f"unknown shift {row.shift!r}")
        if queue is None and row.activity != RATING:
            problems.append(f"unknown activity {row.activity!r} (neither a queue nor {RATING!r})")
        if row.batch and batch is None:
            problems.append(f"unknown batch {row.batch!r}")
        if queue is not None and (row.batch or row.items):
            problems.append(
                f"a row on queue {row.activity} names batch {row.batch!r} and "
                f"{row.items} items (queue rows have neither)"
            )
        if row.activity == RATING and not row.batch and row.items:
            problems.append(f"a rating row grades {row.items} items of no batch")
        day = (row.date - instance.horizon.start).days
        if not 0 <= day < instance.horizon.days:
            problems.append(f"date {row.date} is outside the horizon ({first} to {last})")
        if problems:
            if report is not None:
                report.add("known_reference", row.person, row.date, "; ".join(problems))
            continue
        assert person is not None and shift is not None
        rows.append(Row(row, day, person, shift, queue, batch))
    return rows


def group_shifts(instance: Instance, rows: list[Row]) -> dict[str, list[Worked]]:
    """Shifts worked per person id, sorted by start."""
    origin = dt.datetime.combine(instance.horizon.start, dt.time())
    shifts: dict[tuple[str, int, str], Worked] = {}
    for r in rows:
        key = (r.person.id, r.day, r.shift.id)
        if key not in shifts:
            start, end = instance.shift_times(r.day, r.shift)
            shifts[key] = Worked(
                person=r.person,
                day=r.day,
                template=r.shift,
                start=start,
                end=end,
                start_abs=elapsed(instance, origin, start),
                end_abs=elapsed(instance, origin, end),
            )
        shifts[key].rows.append(r)
    for s in shifts.values():
        _classify_hard(instance, s)
    by_person: dict[str, list[Worked]] = defaultdict(list)
    for s in shifts.values():
        by_person[s.person.id].append(s)
    for worked in by_person.values():
        worked.sort(key=lambda s: (s.start_abs, s.template.id))
    return by_person


def worked_shifts(instance: Instance, roster: list[Assignment]) -> dict[str, list[Worked]]:
    """Shifts worked per person id, by start, from roster rows; rows with unknown
    references are skipped."""
    return group_shifts(instance, resolve(instance, roster, None))


def _classify_hard(instance: Instance, s: Worked) -> None:
    """Whether the shift is hard, why, and its hard minutes (docs/rules.md, roster rows).

    One row on a hard queue or one hard or expert item makes the shift hard. (A
    shift with rows on a hard queue and on rating breaks `one_activity_per_shift`;
    it counts as a hard queue shift, all minutes hard.)
    """
    queue_row = next((r for r in s.rows if r.queue is not None and r.queue.hard), None)
    item_row = next(
        (r for r in s.rows if r.batch is not None and r.batch.difficulty.is_hard and r.row.items),
        None,
    )
    if queue_row is not None and queue_row.queue is not None:
        s.hard, s.hard_reason = True, f"hard queue {queue_row.queue.id}"
    elif item_row is not None and item_row.batch is not None:
        batch = item_row.batch
        s.hard = True
        s.hard_reason = f"{item_row.row.items} items of {batch.difficulty.value} batch {batch.id}"
    s.hard_minutes = hard_minutes(instance, s.person, s.minutes, [r.row for r in s.rows])


# ---- the row rules ----------------------------------------------------------------


def check_rows(instance: Instance, rows: list[Row], report: Report) -> None:
    """`shift_times` and `hours_column`, row by row."""
    for r in rows:
        row, pid = r.row, r.person.id
        start, end = instance.shift_times(r.day, r.shift)
        if row.start != start or row.end != end:
            report.add(
                "shift_times",
                pid,
                row.date,
                f"{r.shift.id} on {row.date} runs {clock(start)} to {clock(end)}, "
                f"the row says {clock(row.start)} to {clock(row.end)}",
            )
        if not instance.runs_on(r.shift, r.day):
            report.add(
                "shift_times",
                pid,
                row.date,
                f"{r.shift.id} runs on {', '.join(r.shift.weekdays)}, "
                f"not on a {row.date.strftime('%A')}",
            )
        _check_hours(instance, r, report)


def _check_hours(instance: Instance, r: Row, report: Report) -> None:
    """A row's hours: its shift's on a queue, its items' grading time (to the hundredth
    of an hour, as written) on a rating row, at most the shift on a row of time left."""
    row = r.row
    if r.batch is not None:
        expected = round(row.items * instance.item_ms(r.person, r.batch) / 3_600_000, 2)
        what = f"{row.items} items of {r.batch.id} take {expected:g} h"
    elif r.queue is not None:
        expected = r.shift.hours
        what = f"{r.shift.id} is {expected:g} h"
    else:  # the time left over in a rating shift
        if row.hours > r.shift.hours + 0.005:
            report.add(
                "hours_column",
                r.person.id,
                row.date,
                f"a row of time left over says {num(row.hours)} h, more than the "
                f"{r.shift.hours:g} h of {r.shift.id}",
            )
        return
    if abs(row.hours - expected) > 0.005:
        report.add(
            "hours_column", r.person.id, row.date, f"{what}; the row says {num(row.hours)} h"
        )


def check_hard_flags(worked: list[Worked], report: Report) -> None:
    """`hard_flag`: every row of a hard shift says hard, and no other row does."""
    for s in worked:
        pid, date = s.person.id, s.rows[0].row.date
        for r in s.rows:
            if s.hard and not r.row.hard:
                report.add(
                    "hard_flag",
                    pid,
                    date,
                    f"a row of {s.template.id} on {r.row.activity} says hard = no, "
                    f"but the shift is hard ({s.hard_reason})",
                )
            elif not s.hard and r.row.hard:
                report.add(
                    "hard_flag",
                    pid,
                    date,
                    f"a row of {s.template.id} on {r.row.activity} says hard = yes, "
                    "but the shift has no hard queue and no hard or expert items",
                )
