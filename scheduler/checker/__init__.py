"""The independent checker: every hard rule and goal of docs/rules.md, from the roster alone.

`evaluate` reads an instance and the written roster rows and recomputes each
hard rule and each goal figure exactly as `docs/rules.md` defines them. It
never looks at solver variables and imports nothing of the solver: a roster
the model calls feasible must hold here too, and the goal figures must agree.

Counting is exact: time in whole minutes (real elapsed time between clock
times, daylight saving counted, see `_elapsed`), grading time in whole
milliseconds, the hard share in basis points, costs in cents. Hours in the
output are those minutes divided by 60.

A shift is hard (for hard days, hard runs and the `hard` column) when it is on
a hard queue or grades at least one hard or expert item. Its hard minutes (for
`max_hard_share`, `hard_spread` and the people rows) are all its minutes on a
hard queue, and on a rating shift the grading time of its hard and expert items
rounded up to whole minutes: one hour of expert grading in an eight-hour rating
shift is 60 hard minutes, not 480.

Contract limits in minutes come from the `Contract` helpers
(`min_rest_minutes`, `max_minutes_per_week`, `min_minutes`), so the checker and
the model read the contract the same way. A rating shift's row for the time
left over (empty batch) is optional here: its hours must not pass the shift's, and
a roster with or without it is judged the same.

Rows naming an unknown person, shift, activity or batch, a date outside the
horizon, or a batch or items where the row format has none, are reported as
`known_reference` and are otherwise skipped. Several rows of one person, date
and shift are one shift worked.

Demand is counted per shift and per interval (`_coverage`): an interval's
assigned agents are the distinct people with a row on its queue in a shift whose
span holds the whole interval, whichever day (that day or the day before) the
shift started. Required agents come from `Instance.requirements` (a forecast's
Erlang staffing lives in `models.queueing`, not here); the checker decides by
itself which worked shifts hold which intervals.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from models import (
    RATING,
    Assignment,
    Batch,
    Evaluation,
    GoalFigure,
    Instance,
    Person,
    Queue,
    Role,
    ShiftTemplate,
    Violation,
)
from models.goals import GOAL_LABELS
from models.instance import Requirement
from models.result import BatchRow, CoverageRow, PersonRow

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
"""Every rule id the checker reports, in the order of the table in docs/rules.md.

`hard_flag` (a row's `hard` column disagrees with the shift's recomputed
hardness) and `hours_column` (a row's `hours` disagree with its shift or its
items) are the checker's own additions: they are properties of the written rows.
"""

ROW_RULES: tuple[str, ...] = ("known_reference", "shift_times", "hard_flag", "hours_column")
"""Rule ids that are properties of written rows alone: the model writes them right by
construction (`scheduler.cpsat.roster_values`), so no rule family of it holds them."""

GOAL_NAMES: tuple[str, ...] = tuple(GOAL_LABELS)


_MS_PER_MINUTE = 60_000
_BASIS_POINTS = 10_000
_EPS = 1e-9


# ---- the roster, digested ---------------------------------------------------


@dataclass
class _Row:
    """A roster row whose references all resolve."""

    row: Assignment
    day: int
    person: Person
    shift: ShiftTemplate
    queue: Queue | None
    batch: Batch | None


@dataclass
class _Shift:
    """One shift worked: a person, a day and a template, with all its rows."""

    person: Person
    day: int
    template: ShiftTemplate
    start: dt.datetime
    end: dt.datetime
    start_abs: int
    end_abs: int
    rows: list[_Row] = field(default_factory=list)
    hard: bool = False
    hard_reason: str = ""
    hard_minutes: int = 0

    @property
    def minutes(self) -> int:
        return self.template.minutes

    @property
    def activities(self) -> list[str]:
        return sorted({r.row.activity for r in self.rows})


class _Report:
    """Collects violations, without duplicates."""

    def __init__(self) -> None:
        self._seen: set[tuple[str, str | None, dt.date | None, str]] = set()
        self.items: list[Violation] = []

    def add(self, rule: str, person: str | None, date: dt.date | None, message: str) -> None:
        key = (rule, person, date, message)
        if key not in self._seen:
            self._seen.add(key)
            self.items.append(Violation(rule=rule, person=person, date=date, message=message))

    def sorted(self) -> list[Violation]:
        order = {rule: i for i, rule in enumerate(RULE_IDS)}
        return sorted(
            self.items,
            key=lambda v: (
                v.date or dt.date.min,
                v.person or "",
                order.get(v.rule, len(order)),
                v.message,
            ),
        )


def _hours(minutes: int | float) -> str:
    """Minutes as hours for messages: `8 h`, `7.5 h`."""
    value = minutes / 60
    return f"{value:g} h" if abs(value - round(value, 2)) < _EPS else f"{value:.2f} h"


def _num(value: float) -> str:
    if abs(value - round(value)) < _EPS:
        return str(round(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _clock(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _resolve(instance: Instance, roster: list[Assignment], report: _Report) -> list[_Row]:
    """Rows whose references resolve; the others reported as `known_reference`."""
    rows: list[_Row] = []
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
            report.add("known_reference", row.person, row.date, "; ".join(problems))
            continue
        assert person is not None and shift is not None
        rows.append(_Row(row, day, person, shift, queue, batch))
    return rows


def _utc(instance: Instance, local: dt.datetime) -> dt.datetime:
    """A local clock time of the horizon's time zone as a UTC instant."""
    zone = ZoneInfo(instance.horizon.timezone)
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def _elapsed(instance: Instance, earlier: dt.datetime, later: dt.datetime) -> int:
    """Real minutes from one local clock time to another (daylight saving counted), floored.

    Both times go through UTC first: subtracting two datetimes that share one
    tzinfo object is wall-clock arithmetic in Python and would miss the hour
    gained or lost at a daylight-saving change. `Instance.minutes_between` now
    does the same; this stays the checker's own so that it does not depend on
    the helper it checks, and tests assert the two agree.
    """
    delta = _utc(instance, later) - _utc(instance, earlier)
    return math.floor(delta.total_seconds() / 60)


def _group_shifts(instance: Instance, rows: list[_Row]) -> dict[str, list[_Shift]]:
    """Shifts worked per person id, sorted by start."""
    origin = dt.datetime.combine(instance.horizon.start, dt.time())
    shifts: dict[tuple[str, int, str], _Shift] = {}
    for r in rows:
        key = (r.person.id, r.day, r.shift.id)
        if key not in shifts:
            start, end = instance.shift_times(r.day, r.shift)
            shifts[key] = _Shift(
                person=r.person,
                day=r.day,
                template=r.shift,
                start=start,
                end=end,
                start_abs=_elapsed(instance, origin, start),
                end_abs=_elapsed(instance, origin, end),
            )
        shifts[key].rows.append(r)
    for s in shifts.values():
        _classify_hard(instance, s)
    by_person: dict[str, list[_Shift]] = defaultdict(list)
    for s in shifts.values():
        by_person[s.person.id].append(s)
    for worked in by_person.values():
        worked.sort(key=lambda s: (s.start_abs, s.template.id))
    return by_person


def _classify_hard(instance: Instance, s: _Shift) -> None:
    """Whether the shift is hard, why, and its hard minutes (docs/rules.md, roster rows).

    On a hard queue every minute of the shift is hard. Otherwise the hard minutes
    are the grading time of its hard and expert items, rounded up to whole
    minutes; one such item makes the shift hard. (A shift with rows on a hard
    queue and on rating breaks `one_activity_per_shift`; it counts as a hard
    queue shift, all minutes hard.)
    """
    hard_ms = 0
    for r in s.rows:
        if r.queue is not None and r.queue.hard:
            s.hard, s.hard_reason, s.hard_minutes = True, f"hard queue {r.queue.id}", s.minutes
            return
        if r.batch is not None and r.batch.difficulty.is_hard and r.row.items > 0:
            hard_ms += r.row.items * instance.item_ms(s.person, r.batch)
            if not s.hard:
                s.hard = True
                s.hard_reason = (
                    f"{r.row.items} items of {r.batch.difficulty.value} batch {r.batch.id}"
                )
    s.hard_minutes = -(-hard_ms // _MS_PER_MINUTE)


# ---- row rules --------------------------------------------------------------


def _check_rows(instance: Instance, rows: list[_Row], report: _Report) -> None:
    for r in rows:
        row, pid = r.row, r.person.id
        start, end = instance.shift_times(r.day, r.shift)
        if row.start != start or row.end != end:
            report.add(
                "shift_times",
                pid,
                row.date,
                f"{r.shift.id} on {row.date} runs {_clock(start)} to {_clock(end)}, "
                f"the row says {_clock(row.start)} to {_clock(row.end)}",
            )
        if not instance.runs_on(r.shift, r.day):
            report.add(
                "shift_times",
                pid,
                row.date,
                f"{r.shift.id} runs on {', '.join(r.shift.weekdays)}, "
                f"not on a {row.date.strftime('%A')}",
            )
        if not instance.allows(r.shift, row.activity):
            allowed = ", ".join(r.shift.activities or [])
            report.add(
                "activity_allowed",
                pid,
                row.date,
                f"{row.activity} is not allowed on {r.shift.id} (allowed: {allowed})",
            )
        _check_qualification(instance, r, report)
        _check_hours(instance, r, report)


def _check_hours(instance: Instance, r: _Row, report: _Report) -> None:
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
                f"a row of time left over says {_num(row.hours)} h, more than the "
                f"{r.shift.hours:g} h of {r.shift.id}",
            )
        return
    if abs(row.hours - expected) > 0.005:
        report.add(
            "hours_column", r.person.id, row.date, f"{what}; the row says {_num(row.hours)} h"
        )


def _check_qualification(instance: Instance, r: _Row, report: _Report) -> None:
    row, person = r.row, r.person
    pid = person.id
    if r.queue is not None:
        queue = r.queue
        if Role.agent not in person.roles:
            report.add("qualification", pid, row.date, f"works queue {queue.id} but is no agent")
        if person.level(queue.skill) < queue.min_level:
            report.add(
                "qualification",
                pid,
                row.date,
                f"queue {queue.id} needs {queue.skill} level {queue.min_level}, "
                f"{pid} has {person.level(queue.skill)}",
            )
        if row.role != Role.agent:
            report.add(
                "qualification",
                pid,
                row.date,
                f"the row on queue {queue.id} says role {row.role.value}, not agent",
            )
        return
    if Role.rater not in person.roles:
        report.add("qualification", pid, row.date, "grades items but is no rater")
    if row.role != Role.rater:
        report.add(
            "qualification",
            pid,
            row.date,
            f"the rating row says role {row.role.value}, not rater",
        )
    batch = r.batch
    if batch is not None and person.level(batch.skill) < batch.min_level:
        report.add(
            "qualification",
            pid,
            row.date,
            f"batch {batch.id} needs {batch.skill} level {batch.min_level}, "
            f"{pid} has {person.level(batch.skill)}",
        )


# ---- shift rules ------------------------------------------------------------


def _check_shifts(
    instance: Instance, person: Person, worked: list[_Shift], report: _Report
) -> None:
    pid = person.id
    dates = instance.dates
    off_days, off_slots = instance.unavailable_slots(person)
    fixed_off: set[int] = set()
    for ref in person.days_off:
        fixed_off.update(instance.days_of(ref))
    contract = person.contract

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
        activities = s.activities
        if len(activities) > 1:
            report.add(
                "one_activity_per_shift",
                pid,
                date,
                f"{s.template.id} has rows on {len(activities)} activities "
                f"({', '.join(activities)})",
            )
        queues = sorted({r.queue.id for r in s.rows if r.queue is not None})
        if queues and len(s.rows) > 1:
            report.add(
                "one_activity_per_shift",
                pid,
                date,
                f"queue shift {s.template.id} on {', '.join(queues)} has {len(s.rows)} rows "
                "(exactly 1 expected)",
            )
        if s.hard:
            for r in s.rows:
                if not r.row.hard:
                    report.add(
                        "hard_flag",
                        pid,
                        date,
                        f"a row of {s.template.id} on {r.row.activity} says hard = no, "
                        f"but the shift is hard ({s.hard_reason})",
                    )
        else:
            for r in s.rows:
                if r.row.hard:
                    report.add(
                        "hard_flag",
                        pid,
                        date,
                        f"a row of {s.template.id} on {r.row.activity} says hard = yes, "
                        "but the shift has no hard queue and no hard or expert items",
                    )

    # fixed assignments
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

    # overlaps and shifts a day
    for i, a in enumerate(worked):
        for b in worked[i + 1 :]:
            if b.start_abs >= a.end_abs:
                break
            if a.start_abs < b.end_abs:
                overlap = min(a.end_abs, b.end_abs) - max(a.start_abs, b.start_abs)
                report.add(
                    "one_shift_at_a_time",
                    pid,
                    dates[b.day],
                    f"{a.template.id} ({_clock(a.start)} to {_clock(a.end)}) and "
                    f"{b.template.id} ({_clock(b.start)} to {_clock(b.end)}) "
                    f"overlap by {overlap} min",
                )
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

    # rest between shifts on different days, and after the last shift before the horizon
    need = contract.min_rest_minutes
    for a in worked:
        later = [b for b in worked if b.day > a.day]
        if not later:
            continue
        nxt = min(later, key=lambda b: (b.start_abs, b.template.id))
        rest = nxt.start_abs - a.end_abs
        if rest < need:
            report.add(
                "min_rest",
                pid,
                dates[nxt.day],
                f"rests {_hours(rest)} between {a.template.id} (ends {_clock(a.end)}) and "
                f"{nxt.template.id} (starts {_clock(nxt.start)}) "
                f"(min {_hours(need)})",
            )
    last_end = person.history.last_shift_end
    if last_end is not None:
        naive_end = last_end.replace(tzinfo=None)
        for s in worked:
            rest = _elapsed(instance, naive_end, s.start)
            if rest < need:
                report.add(
                    "min_rest",
                    pid,
                    dates[s.day],
                    f"rests {_hours(rest)} between the last shift before the horizon "
                    f"(ends {_clock(naive_end)}) and {s.template.id} "
                    f"(starts {_clock(s.start)}) (min {_hours(need)})",
                )

    # forbidden successions: a shift that may not follow another on the next day
    on_day: dict[int, set[str]] = defaultdict(set)
    for s in worked:
        on_day[s.day].add(s.template.id)
    for s in worked:
        for following in s.template.forbidden_next:
            if following in on_day.get(s.day + 1, set()):
                report.add(
                    "shift_sequence",
                    pid,
                    dates[s.day + 1],
                    f"works {following} the day after {s.template.id}, which it may not follow",
                )

    # hours over the whole horizon
    total = sum(s.minutes for s in worked)
    if contract.max_hours_total is not None and total > round(60 * contract.max_hours_total):
        report.add(
            "max_hours_total",
            pid,
            None,
            f"works {_hours(total)} over the horizon (max {contract.max_hours_total:g} h)",
        )
    if contract.min_hours_total is not None and total < round(60 * contract.min_hours_total):
        report.add(
            "min_hours_total",
            pid,
            None,
            f"works {_hours(total)} over the horizon (min {contract.min_hours_total:g} h)",
        )

    # per template over the horizon
    per_template: dict[str, int] = defaultdict(int)
    for s in worked:
        per_template[s.template.id] += 1
    for shift_id, limit in contract.max_shifts.items():
        count = per_template.get(shift_id, 0)
        if count > limit:
            report.add(
                "max_shifts_per_template",
                pid,
                None,
                f"works {shift_id} {count} times (max {limit})",
            )


# ---- day runs ---------------------------------------------------------------


def day_runs(flags: list[bool]) -> list[tuple[int, int, bool]]:
    """Maximal runs as (first day, last day, kind)."""
    out: list[tuple[int, int, bool]] = []
    start = 0
    for d in range(1, len(flags) + 1):
        if d == len(flags) or flags[d] != flags[start]:
            out.append((start, d - 1, flags[start]))
            start = d
    return out


def _check_max_run(
    flags: list[bool],
    limit: int,
    before: int,
    rule: str,
    what: str,
    pid: str,
    dates: list[dt.date],
    report: _Report,
) -> None:
    for first, last, kind in day_runs(flags):
        if not kind:
            continue
        pre = before if first == 0 else 0
        length = pre + last - first + 1
        if length > limit:
            beyond = max(first, first + limit - pre)
            note = f", {pre} before the horizon" if pre else ""
            report.add(
                rule, pid, dates[beyond], f"{what} {length} days in a row (max {limit}{note})"
            )


def _check_min_run(
    flags: list[bool],
    kind: bool,
    minimum: int,
    same_before: int,
    other_before: int,
    rule: str,
    what: str,
    pid: str,
    dates: list[dt.date],
    report: _Report,
) -> None:
    """Runs of `kind` bounded on both sides by the other kind must be `minimum` long.

    `same_before` / `other_before`: the history run of this / the other kind
    right before day 0 (at most one of them above 0).
    """
    if minimum <= 1:
        return
    horizon = len(flags)
    for first, last, run_kind in day_runs(flags):
        if run_kind != kind or last == horizon - 1:
            continue
        length = last - first + 1
        note = ""
        if first == 0:
            if same_before > 0:
                length += same_before
                note = f", {same_before} before the horizon"
            elif other_before == 0:
                continue
        if length < minimum:
            report.add(
                rule,
                pid,
                dates[first],
                f"{what} only {_days(length)} in a row (min {minimum}{note})",
            )
    if same_before > 0 and flags[0] != kind and same_before < minimum:
        report.add(
            rule,
            pid,
            dates[0],
            f"{what} only {_days(same_before)} in a row just before the horizon, "
            f"ended on its first day (min {minimum})",
        )


# ---- the whole check --------------------------------------------------------


@dataclass
class _PersonFigures:
    minutes: int = 0
    hard_minutes: int = 0
    items: int = 0
    days: int = 0
    shifts: int = 0
    hard_days: int = 0
    pref_met: int = 0
    pref_total: int = 0
    pref_points: int = 0
    short_minutes: int = 0


def _check_person(
    instance: Instance,
    person: Person,
    worked: list[_Shift],
    report: _Report,
) -> _PersonFigures:
    pid, contract, history, rules = person.id, person.contract, person.history, instance.rules
    dates = instance.dates
    horizon = instance.horizon.days
    _check_shifts(instance, person, worked, report)

    works = [False] * horizon
    hard_day = [False] * horizon
    minutes = [0] * horizon
    hard_minutes = [0] * horizon
    items = [0] * horizon
    for s in worked:
        works[s.day] = True
        minutes[s.day] += s.minutes
        if s.hard:
            hard_day[s.day] = True
        hard_minutes[s.day] += s.hard_minutes
        items[s.day] += sum(r.row.items for r in s.rows if r.batch is not None)

    max_minutes = contract.max_minutes_per_week
    share_bp = round(_BASIS_POINTS * rules.max_hard_share)
    short_total = 0
    for week in instance.weeks():
        first = dates[week[0]]
        label = f"the week of {first}"
        worked_min = sum(minutes[d] for d in week)
        hard_min = sum(hard_minutes[d] for d in week)
        if worked_min > max_minutes:
            report.add(
                "max_hours_per_week",
                pid,
                first,
                f"works {_hours(worked_min)} in {label} (max {_hours(max_minutes)})",
            )
        days_worked = sum(works[d] for d in week)
        if days_worked > contract.max_days_per_week:
            report.add(
                "max_days_per_week",
                pid,
                first,
                f"works {days_worked} days in {label} (max {contract.max_days_per_week})",
            )
        graded = sum(items[d] for d in week)
        if graded > contract.max_items_per_week:
            report.add(
                "max_items_per_week",
                pid,
                first,
                f"grades {graded} items in {label} (max {contract.max_items_per_week})",
            )
        hard_days = sum(hard_day[d] for d in week)
        if hard_days > rules.max_hard_days_per_week:
            report.add(
                "max_hard_days_per_week",
                pid,
                first,
                f"has hard work on {hard_days} days in {label} "
                f"(max {rules.max_hard_days_per_week})",
            )
        if _BASIS_POINTS * hard_min > share_bp * worked_min:
            report.add(
                "max_hard_share",
                pid,
                first,
                f"{hard_min} of {worked_min} minutes in {label} are hard "
                f"({100 * hard_min / worked_min:.2f} %, max {share_bp / 100:g} %)",
            )
        short_total += max(0, contract.min_minutes(len(week)) - worked_min)

    _check_max_run(
        works,
        contract.max_consecutive_days,
        history.consecutive_days_worked,
        "max_consecutive_days",
        "works",
        pid,
        dates,
        report,
    )
    _check_max_run(
        hard_day,
        rules.max_consecutive_hard_days,
        history.consecutive_hard_days,
        "max_consecutive_hard_days",
        "has hard work",
        pid,
        dates,
        report,
    )
    _check_min_run(
        works,
        True,
        contract.min_consecutive_days,
        history.consecutive_days_worked,
        history.consecutive_days_off,
        "min_consecutive_days",
        "works",
        pid,
        dates,
        report,
    )
    _check_min_run(
        works,
        False,
        contract.min_consecutive_days_off,
        history.consecutive_days_off,
        history.consecutive_days_worked,
        "min_consecutive_days_off",
        "is off",
        pid,
        dates,
        report,
    )
    if contract.max_weekends is not None:
        weekends = sum(any(works[d] for d in weekend) for weekend in instance.weekends())
        if weekends > contract.max_weekends:
            report.add(
                "max_weekends",
                pid,
                None,
                f"works on {weekends} weekends (max {contract.max_weekends})",
            )

    figures = _PersonFigures(
        minutes=sum(minutes),
        hard_minutes=sum(hard_minutes),
        items=sum(items),
        days=sum(works),
        shifts=len(worked),
        hard_days=sum(hard_day),
        short_minutes=short_total,
    )
    _preferences(instance, person, worked, figures)
    return figures


def _preferences(
    instance: Instance, person: Person, worked: list[_Shift], figures: _PersonFigures
) -> None:
    worked_slots = {(s.day, s.template.id) for s in worked}
    worked_days = {s.day for s in worked}
    for pref in person.preferences:
        template = instance.shift_by_id.get(pref.shift) if pref.shift else None
        for day in instance.days_of(pref.day):
            if template is not None:
                if not instance.runs_on(template, day):
                    continue
                works = (day, template.id) in worked_slots
            else:
                works = day in worked_days
            met = works if pref.kind == "want" else not works
            figures.pref_total += 1
            if met:
                figures.pref_met += 1
            else:
                figures.pref_points += pref.weight


def _check_items(
    instance: Instance, rows: list[_Row], shifts: Iterable[_Shift], report: _Report
) -> None:
    dates = instance.dates
    for s in shifts:
        rating = [r for r in s.rows if r.row.activity == RATING and r.batch is not None]
        if not rating:
            continue
        used = sum(r.row.items * instance.item_ms(s.person, r.batch) for r in rating if r.batch)
        available = s.minutes * _MS_PER_MINUTE
        if used > available:
            count = sum(r.row.items for r in rating)
            report.add(
                "rating_time",
                s.person.id,
                dates[s.day],
                f"grading {count} items in {s.template.id} takes {used:,} ms, "
                f"more than the shift's {available:,} ms ({_hours(s.minutes)})",
            )
    per_person: dict[tuple[str, str], int] = defaultdict(int)
    for r in rows:
        batch = r.batch
        if batch is None or r.row.items <= 0:
            continue
        per_person[(r.person.id, batch.id)] += r.row.items
        release = instance.release_day(batch)
        if r.day < release:
            report.add(
                "batch_release",
                r.person.id,
                r.row.date,
                f"grades {r.row.items} items of {batch.id} before its release on {dates[release]}",
            )
    for (pid, batch_id), count in per_person.items():
        batch = instance.batch_by_id[batch_id]
        if count > batch.items:
            report.add(
                "distinct_graders",
                pid,
                None,
                f"grades {count} items of {batch_id}, which has {batch.items} "
                "(each item at most once per person)",
            )


def evaluate(instance: Instance, roster: list[Assignment]) -> Evaluation:
    """Every hard rule and goal figure of docs/rules.md, recomputed from the roster rows."""
    report = _Report()
    rows = _resolve(instance, roster, report)
    _check_rows(instance, rows, report)
    shifts_by_person = _group_shifts(instance, rows)
    all_shifts = [s for worked in shifts_by_person.values() for s in worked]

    figures: dict[str, _PersonFigures] = {}
    for person in instance.people:
        figures[person.id] = _check_person(
            instance, person, shifts_by_person.get(person.id, []), report
        )
    _check_items(instance, rows, all_shifts, report)

    coverage, demand_figures = _coverage(instance, rows)
    batch_rows, late, late_pen, unfinished = _batches(instance, rows, report)

    weights = instance.weights
    loads = [
        round(60 * p.history.hard_hours_last_week) + figures[p.id].hard_minutes
        for p in instance.people
        if instance.is_hard_capable(p)
    ]
    spread_minutes = max(loads) - min(loads) if len(loads) >= 2 else 0
    pref_points = sum(f.pref_points for f in figures.values())
    short_minutes = sum(f.short_minutes for f in figures.values())
    # hourly_cost has at most two decimals: minutes × cents is exact, divided once at the end
    cost_minute_cents = sum(
        figures[p.id].minutes * round(100 * p.hourly_cost) for p in instance.people
    )
    cost_value = cost_minute_cents / 6_000

    values: dict[str, tuple[float, float]] = {
        **demand_figures,
        "late_items": (late, late_pen),
        "unfinished_items": (unfinished, unfinished * weights.unfinished_items),
        "hard_spread": (spread_minutes / 60, spread_minutes * weights.hard_spread / 60),
        "preferences": (pref_points, pref_points * weights.preferences),
        "min_hours_short": (short_minutes / 60, short_minutes * weights.min_hours_short / 60),
        "cost": (cost_value, cost_minute_cents * weights.cost / 6_000),
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
    people = [_person_row(p, figures[p.id]) for p in instance.people]
    return Evaluation(
        violations=report.sorted(),
        goals=goals,
        objective=float(sum(g.penalty for g in goals)),
        coverage=coverage,
        batches=batch_rows,
        people=people,
    )


_Figure = tuple[int, int]
"""A goal's value and penalty."""


def _weight(given: int | None, default: int) -> int:
    """A demand row's own weight when it gives one (even 0), else the default."""
    return default if given is None else given


def _holds(span: tuple[dt.datetime, dt.datetime], day: int, req: Requirement) -> bool:
    """Whether a shift starting on `day` spans the whole interval: it started that day or
    the day before, and runs from the interval's start to its end (local clock times)."""
    return req.day - 1 <= day <= req.day and span[0] <= req.start and span[1] >= req.end


def _coverage_row(
    req: Requirement | None,
    queue: str,
    shift: str | None,
    span: tuple[dt.datetime, dt.datetime],
    date: dt.date,
    assigned: int,
) -> CoverageRow:
    required = req.agents if req is not None else 0
    achieved = req.achieved(assigned) if req is not None else None
    return CoverageRow(
        queue=queue,
        date=date,
        shift=shift,
        start=span[0],
        end=span[1],
        required=required,
        assigned=assigned,
        short=max(0, required - assigned),
        over=max(0, assigned - required),
        forecast=req.contacts if req is not None else None,
        service_level=achieved.service_level if achieved is not None else None,
    )


def _coverage(instance: Instance, rows: list[_Row]) -> tuple[list[CoverageRow], dict[str, _Figure]]:
    """Coverage rows and the four demand goals (docs/rules.md, goals).

    Per interval requirement: the distinct people with a row on its queue in a
    shift that spans the whole interval (a person counts once, even with two such
    rows). Per (queue, day, shift): the people with a row there, against the
    per-shift requirement, or 0 without one; a slot without a per-shift
    requirement that spans an interval requirement on its queue is counted per
    interval only, so it gets no per-shift row and no overstaffing.
    """
    weights = instance.weights
    per_shift = instance.demand_table()
    assigned: dict[tuple[str, int, str], set[str]] = defaultdict(set)
    spans: dict[tuple[int, str], tuple[dt.datetime, dt.datetime]] = {}
    for r in rows:
        if r.queue is not None:
            assigned[(r.queue.id, r.day, r.shift.id)].add(r.person.id)
            if (r.day, r.shift.id) not in spans:
                spans[(r.day, r.shift.id)] = instance.shift_times(r.day, r.shift)
    by_queue_day: dict[tuple[str, int], list[tuple[str, set[str]]]] = defaultdict(list)
    for (queue_id, day, shift_id), people in assigned.items():
        by_queue_day[(queue_id, day)].append((shift_id, people))

    out: list[CoverageRow] = []
    counted_per_interval: set[tuple[str, int, str]] = set()
    i_short = i_short_pen = i_over = i_over_pen = 0
    for req in instance.interval_requirements:
        present: set[str] = set()
        for day in (req.day - 1, req.day):
            for shift_id, people in by_queue_day.get((req.queue, day), []):
                if _holds(spans[(day, shift_id)], day, req):
                    present |= people
                    counted_per_interval.add((req.queue, day, shift_id))
        date = instance.dates[req.day]
        row = _coverage_row(req, req.queue, None, (req.start, req.end), date, len(present))
        i_short += row.short
        i_short_pen += row.short * _weight(req.under_weight, weights.uncovered_intervals)
        i_over += row.over
        i_over_pen += row.over * _weight(req.over_weight, weights.overstaffed_intervals)
        out.append(row)

    s_short = s_short_pen = s_over = s_over_pen = 0
    for key in set(per_shift) | set(assigned):
        queue_id, day, shift_id = key
        in_force = per_shift.get(key)
        if in_force is None and key in counted_per_interval:
            continue  # worked for interval demand: counted per interval, not as overstaffing
        span = spans.get((day, shift_id))
        if span is None:
            span = instance.shift_times(day, instance.shift_by_id[shift_id])
        count = len(assigned.get(key, ()))
        row = _coverage_row(in_force, queue_id, shift_id, span, instance.dates[day], count)
        under_w = _weight(in_force.under_weight if in_force else None, weights.uncovered)
        over_w = _weight(in_force.over_weight if in_force else None, weights.overstaffed)
        s_short += row.short
        s_short_pen += row.short * under_w
        s_over += row.over
        s_over_pen += row.over * over_w
        out.append(row)

    out.sort(key=lambda c: (c.start, c.queue, c.end, c.shift or ""))
    figures = {
        "uncovered": (s_short, s_short_pen),
        "overstaffed": (s_over, s_over_pen),
        "uncovered_intervals": (i_short, i_short_pen),
        "overstaffed_intervals": (i_over, i_over_pen),
    }
    return out, figures


def _batches(
    instance: Instance, rows: list[_Row], report: _Report
) -> tuple[list[BatchRow], int, int, int]:
    horizon = instance.horizon.days
    dates = instance.dates
    per_day: dict[str, list[int]] = {b.id: [0] * horizon for b in instance.batches}
    for r in rows:
        if r.batch is not None:
            per_day[r.batch.id][r.day] += r.row.items
    out: list[BatchRow] = []
    late_total = late_pen = unfinished_total = 0
    for batch in instance.batches:
        graded = per_day[batch.id]
        done = sum(graded)
        required = batch.required
        if done > required:
            report.add(
                "batch_total",
                None,
                None,
                f"{done} gradings of {batch.id}, more than {batch.items} items × "
                f"{batch.graders} graders = {required}",
            )
        deadline = instance.deadline_day(batch)
        in_horizon = deadline < horizon
        by_deadline = sum(graded[: deadline + 1]) if deadline >= 0 else 0
        late = max(0, required - by_deadline) if in_horizon else 0
        unfinished = max(0, required - done)
        finish: dt.date | None = None
        cumulative = 0
        for day, count in enumerate(graded):
            cumulative += count
            if cumulative >= required:
                finish = dates[day]
                break
        late_total += late
        late_pen += late * batch.priority * instance.weights.late_items
        unfinished_total += unfinished
        out.append(
            BatchRow(
                batch=batch.id,
                difficulty=batch.difficulty.value,
                skill=batch.skill,
                priority=batch.priority,
                required=required,
                release=dates[instance.release_day(batch)],
                deadline=dates[deadline] if in_horizon else None,
                done=done,
                done_by_deadline=by_deadline,
                late=late,
                unfinished=unfinished,
                finish_date=finish,
                per_day=graded,
            )
        )
    return out, late_total, late_pen, unfinished_total


def _person_row(person: Person, f: _PersonFigures) -> PersonRow:
    history_minutes = round(60 * person.history.hard_hours_last_week)
    return PersonRow(
        person=person.id,
        name=person.display_name,
        roles=";".join(role.value for role in person.roles),
        hours=f.minutes / 60,
        days=f.days,
        shifts=f.shifts,
        items=f.items,
        hard_hours=f.hard_minutes / 60,
        hard_share=f.hard_minutes / f.minutes if f.minutes else 0.0,
        hard_days=f.hard_days,
        hard_load_with_history=(history_minutes + f.hard_minutes) / 60,
        preferences_met=f.pref_met,
        preferences_total=f.pref_total,
        min_hours_short=f.short_minutes / 60,
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
        lines.append(f"{goal.label}: {_num(goal.value)} (penalty {_num(goal.penalty)})")
    lines.append(f"objective: {_num(evaluation.objective)}")
    return "\n".join(lines)
