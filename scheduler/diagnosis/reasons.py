"""Reasons for shortfalls: the capacity arithmetic behind each late batch and uncovered shift.

`shortfall_reasons(instance, roster, evaluation)` gives one `Reason` per late batch and per
short requirement (a per-shift row, or a run of consecutive short intervals of
one queue), each with the numbers behind it, the resource that binds and a plain
sentence an eval or ops lead can read. It is pure arithmetic on the instance, the
roster rows and the checker's evaluation: no solver.

Late batch (`kind="batch"`). For every qualified rater four upper bounds on the
gradings of this batch between its release and its deadline, if they did nothing
else:

- *rating time*: per day the longest rating shifts they could work
  (`max_shifts_per_day` of them, available and allowed to rate), in whole items
  per shift, with at most `max_days_per_week` days and `max_hours_per_week` a
  calendar week and no run longer than `max_consecutive_days`;
- *weekly item caps*: `max_items_per_week` for every week of the window in which
  they could rate at all;
- *one grading per item per person*: `batch.items`;
- for hard and expert batches, *hard-work share*: hard minutes at most
  `max_hard_share` of the most they could work that week, on at most
  `max_hard_days_per_week` days and no more than `max_consecutive_hard_days` in a row
  (the sentence says whether the share or the hard days bind).

The capacity is the sum over raters of the smallest of the four. When it is
below the gradings required, the binding resource is that bound when it is the
same for every rater, else *each rater's own limit* (the sentence says which
holds whom: one rater's time plus another's cap); otherwise the raters' time
went to *other work* (named from the roster), or, when they did no other work
then, the *goal weights* left it unused. With no qualified rater at all the
binding resource is *qualified people*.

Uncovered requirement (`kind="queue"`). Every agent qualified for the queue is
placed in one class at the (first short) interval: unavailable, a fixed day off,
working it, working elsewhere then, working another shift that day, at a weekly
limit, kept off by rest and rotation rules, or free. Whether a person could have
been added is decided by adding one shift that holds the interval to their
rostered shifts and testing the rules that shift touches (docs/rules.md). The
binding resource: *qualified people* when fewer qualified agents are available
than required; else *goal weights* when someone free was left off; else the
largest of *other work*, *weekly limits*, and the rest and rotation rules, which
are named by the rule that keeps the most of them off: *min rest*, *days in a row*,
*minimum runs*, *hard days a week*, *hard days in a row*, *hard-work share*.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass

from models import RATING, Assignment, Batch, Evaluation, Instance, Person, Queue, ShiftTemplate
from models.result import BatchRow, CoverageRow
from scheduler.checker import Worked, day_runs, worked_shifts

_MS_PER_MINUTE = 60_000
_BASIS_POINTS = 10_000

RATING_TIME = "rating time"
ITEM_CAPS = "weekly item caps"
DISTINCT = "one grading per item per person"
HARD_SHARE = "hard-work share"
OTHER_WORK = "other work"
GOAL_WEIGHTS = "goal weights"
QUALIFIED = "qualified people"
WEEKLY_LIMITS = "weekly limits"
PER_RATER = "each rater's own limit"
MIN_REST = "min rest"
DAYS_IN_A_ROW = "days in a row"
MIN_RUNS = "minimum runs"
HARD_DAYS = "hard days a week"
HARD_RUN = "hard days in a row"

BINDINGS: dict[str, str] = {
    RATING_TIME: "the qualified raters' rating shifts, days and hours a week hold too few items",
    ITEM_CAPS: "the qualified raters' max_items_per_week caps",
    DISTINCT: "each rater grades an item at most once: too few raters for items x graders",
    HARD_SHARE: "hard work is at most max_hard_share of a week's hours, on at most "
    "max_hard_days_per_week days, max_consecutive_hard_days in a row",
    OTHER_WORK: "the people had the capacity but were rostered on other batches or queues",
    GOAL_WEIGHTS: "someone could have been used but was left off for a cheaper or fairer roster",
    QUALIFIED: "too few qualified people are available at that time",
    WEEKLY_LIMITS: "the qualified people free then have reached a limit on days, hours, "
    "weekends or shifts",
    PER_RATER: "the raters are held by different limits (time for one, the item cap for "
    "another): the capacity is the sum of each one's own least bound",
    MIN_REST: "adding the shift would leave less than min_rest_hours between shifts",
    DAYS_IN_A_ROW: "adding the shift would pass max_consecutive_days",
    MIN_RUNS: "adding the shift would break min_consecutive_days or min_consecutive_days_off",
    HARD_DAYS: "adding the shift would pass max_hard_days_per_week",
    HARD_RUN: "adding the shift would pass max_consecutive_hard_days",
}
"""Every binding resource a reason can name, and what it means."""


@dataclass(frozen=True)
class Reason:
    """Why one batch is late or one queue is short, with the numbers behind it."""

    kind: str
    """"batch" or "queue"."""
    subject: str
    """The batch id, or the queue id."""
    when: str
    """E.g. "by Wed 2026-12-02", or "Mon 2026-11-30 13:00-14:30"."""
    figures: dict[str, float | int | str]
    """Every number the sentence uses, named."""
    binding: str
    """The resource that binds: a key of `BINDINGS`."""
    sentence: str
    """One or two plain sentences with the numbers."""


def shortfall_reasons(
    instance: Instance, roster: list[Assignment], evaluation: Evaluation
) -> list[Reason]:
    """A reason for every short requirement and every late batch of an evaluated roster."""
    worked = worked_shifts(instance, roster)
    out = [_queue_reason(instance, run, worked) for run in _short_runs(evaluation.coverage)]
    for row in evaluation.batches:
        if row.late > 0 and row.deadline is not None:
            out.append(_batch_reason(instance, row, roster))
    return out


# ---- text helpers -------------------------------------------------------------


def duration(minutes: float) -> str:
    """Minutes as a person reads them, rounded up to the minute: 1 min, 8 h, 8 h 20 min."""
    whole = math.ceil(minutes - 1e-9)
    hours, rest = divmod(whole, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" if not rest else f"{hours} h {rest} min"


def _plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def _day(date: dt.date) -> str:
    return f"{date:%a %Y-%m-%d}"


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# ---- late batches -----------------------------------------------------------------


def _best_days(
    values: list[int],
    weeks: list[list[int]],
    per_week: int,
    run_limit: int,
    run_before: int,
    caps: list[int],
) -> int:
    """The most a person can collect on chosen days: `values[d]` on each chosen day, at
    most `per_week` days and `caps[w]` in week w, no run of chosen days longer than
    `run_limit` (`run_before` chosen days just before the first).

    Exact over weeks (every subset of a week's usable days); runs longer than a week
    below the limit are merged, which can only allow more: an upper bound.
    """
    floor_state = max(0, run_limit - 7)

    def state(run: int) -> int:
        run = min(run, run_limit)
        return run if run >= floor_state else 0

    best = {state(run_before): 0}
    for week, cap in zip(weeks, caps, strict=True):
        usable = [d for d in week if values[d] > 0]
        options: list[tuple[int, int, int, bool]] = []  # gain, lead, trail, whole week
        for mask in range(1 << len(usable)):
            chosen = {usable[i] for i in range(len(usable)) if mask >> i & 1}
            if len(chosen) > per_week:
                continue
            run = longest = lead = 0
            leading = True
            for d in week:
                if d in chosen:
                    run += 1
                    longest = max(longest, run)
                    if leading:
                        lead += 1
                else:
                    run = 0
                    leading = False
            if longest > run_limit:
                continue
            gain = min(cap, sum(values[d] for d in chosen))
            options.append((gain, lead, run, leading))
        nxt: dict[int, int] = {}
        for entry, total in best.items():
            for gain, lead, trail, whole in options:
                if entry + lead > run_limit:
                    continue
                exit_state = state(entry + trail if whole else trail)
                if nxt.get(exit_state, -1) < total + gain:
                    nxt[exit_state] = total + gain
        best = nxt
    return max(best.values(), default=0)


def _day_shifts(instance: Instance, person: Person, day: int, rating: bool) -> list[ShiftTemplate]:
    """Shifts the person could work that day (rating ones only when `rating`)."""
    off_days, off_slots = instance.unavailable_slots(person)
    if day in off_days:
        return []
    return [
        t
        for t in instance.shifts
        if instance.runs_on(t, day)
        and (day, t.id) not in off_slots
        and person.contract.max_shifts.get(t.id, 1) > 0
        and (not rating or instance.allows(t, RATING))
    ]


@dataclass(frozen=True)
class _Bounds:
    time: int
    caps: int
    distinct: int
    hard: int | None
    """Under the hard share, hard days a week and hard days in a row (hard batches only)."""
    hard_days: int | None
    """Under the hard days a week and in a row alone."""


def _rater_bounds(instance: Instance, person: Person, batch: Batch, window: range) -> _Bounds:
    """Upper bounds on the gradings of `batch` one rater could give in the window."""
    contract, rules = person.contract, instance.rules
    ms = instance.item_ms(person, batch)
    per_day = contract.max_shifts_per_day
    weeks = instance.weeks()
    horizon = instance.horizon.days
    items = [0] * horizon
    for d in window:
        counts = sorted(
            (t.minutes * _MS_PER_MINUTE // ms for t in _day_shifts(instance, person, d, True)),
            reverse=True,
        )
        items[d] = sum(counts[:per_day])
    starts_at_zero = window.start == 0
    week_cap = contract.max_minutes_per_week * _MS_PER_MINUTE // ms
    time = _best_days(
        items,
        weeks,
        contract.max_days_per_week,
        contract.max_consecutive_days,
        person.history.consecutive_days_worked if starts_at_zero else 0,
        [week_cap] * len(weeks),
    )
    rating_weeks = sum(1 for week in weeks if any(items[d] for d in week))
    caps = contract.max_items_per_week * rating_weeks
    hard: int | None = None
    hard_days: int | None = None
    if batch.difficulty.is_hard:
        share_bp = round(_BASIS_POINTS * rules.max_hard_share)
        out = instance.out_minutes(person)
        share_caps = []
        for week in weeks:
            day_minutes = sorted(
                (
                    sum(
                        sorted((t.minutes for t in _day_shifts(instance, person, d, False)))[
                            -per_day:
                        ]
                    )
                    for d in week
                ),
                reverse=True,
            )
            most = min(
                contract.max_minutes_per_week, sum(day_minutes[: contract.max_days_per_week])
            )
            most += sum(out.get(d, 0) for d in week)  # days out count as work, not hard
            share_caps.append(share_bp * most // _BASIS_POINTS * _MS_PER_MINUTE // ms)
        hard_days_args = (
            items,
            weeks,
            min(rules.max_hard_days_per_week, contract.max_days_per_week),
            rules.max_consecutive_hard_days,
            person.history.consecutive_hard_days if starts_at_zero else 0,
        )
        hard = _best_days(*hard_days_args, share_caps)
        hard_days = _best_days(*hard_days_args, [week_cap] * len(weeks))
    return _Bounds(time, caps, batch.items, hard, hard_days)


_ALLOW_NAME = {
    RATING_TIME: "rating time",
    ITEM_CAPS: "weekly item caps",
    DISTINCT: "one grading per item",
    HARD_SHARE: "the hard-work limits",
}
_OWN_NAME = {
    RATING_TIME: "rating time",
    ITEM_CAPS: "the weekly item cap",
    DISTINCT: "one grading per item",
    HARD_SHARE: "the hard-work limits",
}
_FIGURE_KEY = {
    RATING_TIME: "rating_time",
    ITEM_CAPS: "weekly_item_caps",
    DISTINCT: "distinct_graders",
    HARD_SHARE: "hard_share",
}


def _batch_reason(instance: Instance, row: BatchRow, roster: list[Assignment]) -> Reason:
    batch = instance.batch_by_id[row.batch]
    assert row.deadline is not None
    release = instance.release_day(batch)
    deadline = min(instance.deadline_day(batch), instance.horizon.days - 1)
    window = range(release, deadline + 1)
    rate = instance.rates.per_hour(batch.difficulty)
    qualified = [p for p in instance.people if instance.can_grade(p, batch)]
    bounds = [_rater_bounds(instance, p, batch, window) for p in qualified]
    aggregates: dict[str, int] = {
        RATING_TIME: sum(b.time for b in bounds),
        ITEM_CAPS: sum(b.caps for b in bounds),
        DISTINCT: sum(b.distinct for b in bounds),
    }
    if batch.difficulty.is_hard:
        aggregates[HARD_SHARE] = sum(b.hard or 0 for b in bounds)
    capacity = sum(
        min(b.time, b.caps, b.distinct, b.time if b.hard is None else b.hard) for b in bounds
    )
    late_hours = row.late / rate
    late_time = duration(60 * late_hours)
    when = f"by {_day(row.deadline)}"
    figures: dict[str, float | int | str] = {
        "required": row.required,
        "done_by_deadline": row.done_by_deadline,
        "late": row.late,
        "rate_per_hour": rate,
        "hours_needed": late_hours,
        "difficulty": batch.difficulty.value,
        "skill": batch.skill,
        "min_level": batch.min_level,
        "priority": batch.priority,
        "release": row.release.isoformat(),
        "deadline": row.deadline.isoformat(),
        "qualified": len(qualified),
        **{_FIGURE_KEY[name]: value for name, value in aggregates.items()},
        "capacity": capacity,
    }
    level = f" (level ≥ {batch.min_level})" if batch.min_level > 1 else ""
    planned = "is" if row.done_by_deadline == 1 else "are"
    first = (
        f"{batch.id} needs {row.required:,} gradings of {batch.difficulty.value} "
        f"{batch.skill}{level} {when}; {row.done_by_deadline:,} {planned} planned, "
        f"{row.late:,} late = {late_time} of grading at {rate:g} an hour."
    )
    raters = _plural(len(qualified), "qualified rater")
    if not qualified:
        sentence = f"{first} No rater has {batch.skill} level {batch.min_level}."
        return Reason("batch", batch.id, when, figures, QUALIFIED, sentence)
    own = [_own_limit(b) for b in bounds]
    if capacity < row.required and len({name for name, _ in own}) > 1:
        figures["per_rater"] = "; ".join(
            f"{p.id}: {name} {n:,}" for p, (name, n) in zip(qualified, own, strict=True)
        )
        clause = _per_rater_clause(qualified, own)
        sentence = f"{first} Its {raters} could give at most {capacity:,} by then: {clause}."
        return Reason("batch", batch.id, when, figures, PER_RATER, sentence)
    if capacity < row.required:
        order = list(aggregates)
        binding = min(order, key=lambda name: (aggregates[name], order.index(name)))
        days_bind = sum(b.hard_days or 0 for b in bounds) <= aggregates.get(HARD_SHARE, 0)
        clause = _resource_clause(instance, batch, binding, len(qualified), days_bind)
        runner = _runner_up(aggregates, binding, row.required)
        if aggregates[runner] == aggregates[binding]:
            clause += f" ({_ALLOW_NAME[runner]}, too, would allow only {aggregates[runner]:,})"
        else:
            clause += f" ({_ALLOW_NAME[runner]} would allow {aggregates[runner]:,})"
        if binding == HARD_SHARE:
            rules = instance.rules
            if days_bind:
                figures["max_hard_days_per_week"] = rules.max_hard_days_per_week
                figures["max_consecutive_hard_days"] = rules.max_consecutive_hard_days
            else:
                figures["max_hard_share"] = rules.max_hard_share
        sentence = f"{first} Its {raters} could give at most {capacity:,} by then: {clause}."
        return Reason("batch", batch.id, when, figures, binding, sentence)
    return _other_work(instance, batch, row, roster, qualified, window, figures, when, first)


def _own_limit(b: _Bounds) -> tuple[str, int]:
    """The bound that holds one rater, and its gradings (ties: the first in this order)."""
    named = [(RATING_TIME, b.time), (ITEM_CAPS, b.caps), (DISTINCT, b.distinct)]
    if b.hard is not None:
        named.append((HARD_SHARE, b.hard))
    return min(named, key=lambda pair: pair[1])


def _per_rater_clause(people: list[Person], own: list[tuple[str, int]]) -> str:
    """E.g. "rating time holds Ria (2,400); the weekly item cap holds Sam (750)"."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for person, (name, n) in zip(people, own, strict=True):
        by_kind[name].append(f"{person.display_name} ({n:,})")
    parts = []
    for name, who in by_kind.items():
        shown = who[:3] + ([f"{len(who) - 3} more"] if len(who) > 3 else [])
        parts.append(f"{_OWN_NAME[name]} holds {_join(shown)}")
    return "each is held by a limit of their own: " + "; ".join(parts)


def _runner_up(aggregates: dict[str, int], binding: str, required: int) -> str:
    """The bound to quote beside the binding one: the next that also falls short, else
    rating time (what the time alone would allow), else the smallest other."""
    order = list(aggregates)
    others = [name for name in order if name != binding]
    short = [name for name in others if aggregates[name] < required]
    if short:
        return min(short, key=lambda name: (aggregates[name], order.index(name)))
    if binding != RATING_TIME:
        return RATING_TIME
    return min(others, key=lambda name: (aggregates[name], order.index(name)))


def _resource_clause(
    instance: Instance, batch: Batch, binding: str, qualified: int, days_bind: bool
) -> str:
    if binding == RATING_TIME:
        return "their rating time binds"
    if binding == ITEM_CAPS:
        return "their weekly item caps bind"
    if binding == DISTINCT:
        return (
            f"one grading per item per person binds: {batch.items:,} items × "
            f"{_plural(qualified, 'rater')}"
        )
    rules = instance.rules
    if days_bind:
        return (
            f"the hard-work limits bind: hard work on at most "
            f"{_plural(rules.max_hard_days_per_week, 'day')} a week, "
            f"{rules.max_consecutive_hard_days:,} in a row"
        )
    return (
        f"the hard-work limits bind: hard work is at most {100 * rules.max_hard_share:g} % of "
        "a week's hours"
    )


def _other_work(
    instance: Instance,
    batch: Batch,
    row: BatchRow,
    roster: list[Assignment],
    qualified: list[Person],
    window: range,
    figures: dict[str, float | int | str],
    when: str,
    first: str,
) -> Reason:
    """Enough capacity: what the qualified raters did instead between release and deadline."""
    ids = {p.id for p in qualified}
    other: dict[str, int] = defaultdict(int)
    queue_shifts: set[tuple[str, dt.date, str]] = set()
    unused = 0.0
    for a in roster:
        day = (a.date - instance.horizon.start).days
        if a.person not in ids or day not in window:
            continue
        if a.activity == RATING:
            if a.batch and a.batch != batch.id and a.items > 0:
                other[a.batch] += a.items
            elif not a.batch:
                unused += a.hours
        elif a.activity in instance.queue_by_id and a.shift in instance.shift_by_id:
            queue_shifts.add((a.person, a.date, a.shift))
    queue_hours = sum(instance.shift_by_id[s].minutes for _, _, s in queue_shifts) / 60
    top = sorted(other.items(), key=lambda kv: (-kv[1], kv[0]))
    figures["other_gradings"] = sum(other.values())
    figures["queue_hours"] = queue_hours
    figures["unused_rating_hours"] = round(unused, 2)
    at_cap = _at_item_cap(instance, roster, qualified, window)
    figures["at_item_cap"] = at_cap
    parts = []
    for batch_id, count in top[:3]:
        priority = (
            instance.batch_by_id[batch_id].priority if batch_id in instance.batch_by_id else 0
        )
        figures[f"gradings:{batch_id}"] = count
        figures[f"priority:{batch_id}"] = priority
        parts.append(f"{count:,} gradings of {batch_id} (priority {priority})")
    if len(top) > 3:
        rest = sum(count for _, count in top[3:])
        figures["gradings:more"] = rest
        parts.append(f"{rest:,} of {_plural(len(top) - 3, 'more batch', 'more batches')}")
    if queue_hours:
        parts.append(f"{queue_hours:.1f} h on queues")
    capacity = int(figures["capacity"])
    raters = _plural(len(qualified), "qualified rater")
    head = (
        f"{first} Its {raters} could give up to {capacity:,} by then, enough for all "
        f"{row.required:,}"
    )
    if parts:
        sentence = (
            f"{head}, but their time went to other work: {_join(parts)}; "
            f"this batch has priority {batch.priority}."
        )
        if at_cap:
            sentence += (
                f" {at_cap:,} of them reached {'their' if at_cap > 1 else 'a'} weekly item cap."
            )
        return Reason("batch", batch.id, when, figures, OTHER_WORK, sentence)
    idle = f" ({unused:.1f} h of rating time idle)" if unused >= 0.05 else ""
    sentence = (
        f"{head}, but did no other work then: the roster left the time unused{idle} "
        "for a cheaper or fairer roster."
    )
    return Reason("batch", batch.id, when, figures, GOAL_WEIGHTS, sentence)


def _at_item_cap(
    instance: Instance, roster: list[Assignment], qualified: list[Person], window: range
) -> int:
    """Qualified raters who graded their full `max_items_per_week` in a week of the window."""
    graded: dict[tuple[str, int], int] = defaultdict(int)
    week_of = {d: w for w, week in enumerate(instance.weeks()) for d in week}
    for a in roster:
        day = (a.date - instance.horizon.start).days
        if a.batch and day in week_of:
            graded[(a.person, week_of[day])] += a.items
    weeks = {week_of[d] for d in window}
    return sum(
        1
        for p in qualified
        if any(graded[(p.id, w)] >= p.contract.max_items_per_week for w in weeks)
    )


# ---- uncovered requirements -------------------------------------------------------


def _short_runs(coverage: list[CoverageRow]) -> list[list[CoverageRow]]:
    """Short per-shift rows one by one; short intervals of a queue in a row merged."""
    runs: list[list[CoverageRow]] = [[r] for r in coverage if r.short and r.shift is not None]
    merged: list[list[CoverageRow]] = []
    for r in sorted(
        (r for r in coverage if r.short and r.shift is None), key=lambda r: (r.queue, r.start)
    ):
        last = merged[-1][-1] if merged else None
        if last is not None and last.queue == r.queue and last.end == r.start:
            merged[-1].append(r)
        else:
            merged.append([r])
    return sorted(runs + merged, key=lambda run: (run[0].start, run[0].queue, run[0].end))


# A person's class at a short requirement: (group, key, detail). Groups decide the binding.
_UNAVAILABLE, _WORKS_IT, _OTHER, _WEEKLY, _REST, _FREE = (
    "unavailable",
    "works_it",
    "other_work",
    "weekly_limits",
    "rest_rotation",
    "free",
)
_SLOT_ORDER = {_UNAVAILABLE: 0, _OTHER: 1, _WEEKLY: 2, _REST: 3, _FREE: 4}


@dataclass(frozen=True)
class _Class:
    group: str
    key: str
    detail: str = ""


def _slots(
    instance: Instance, queue: Queue, row: CoverageRow, allowed_only: bool = True
) -> list[tuple[int, ShiftTemplate]]:
    """(day, shift) pairs that would count towards the row, allowed on the queue (with
    `allowed_only` False: whatever they allow; day -1 is the day before the horizon)."""
    day = (row.date - instance.horizon.start).days
    if row.shift is not None:
        candidates = [(day, instance.shift_by_id[row.shift])]
    else:
        candidates = []
        for d in (day, day - 1):
            if d < 0 and allowed_only:
                continue
            for t in instance.shifts:  # d may be -1, the day before the horizon
                if not instance.runs_on(t, d):
                    continue
                start, end = instance.shift_times(d, t)
                if start <= row.start and end >= row.end:
                    candidates.append((d, t))
    if not allowed_only:
        return candidates
    return [(d, t) for d, t in candidates if instance.allows(t, queue.id)]


def _classify(
    instance: Instance,
    person: Person,
    queue: Queue,
    row: CoverageRow,
    slots: list[tuple[int, ShiftTemplate]],
    worked: list[Worked],
    held: str = "",
) -> _Class:
    """Where a qualified person is at the row's time, and why they were not added to it.
    `held` says why no slot holds it: "queue" (none allows the queue), "before" (only a
    shift starting before the horizon would; validation makes sure some shift holds
    every interval on some day)."""
    for s in worked:
        if queue.id in s.activities and (s.day, s.template.id) in {(d, t.id) for d, t in slots}:
            return _Class(_WORKS_IT, "works_it")
    for s in worked:
        if s.start < row.end and s.end > row.start:
            queues = sorted(a for a in s.activities if a != RATING)
            return _Class(_OTHER, "elsewhere", queues[0] if queues else RATING)
    if not slots:
        return _Class(_UNAVAILABLE, "no_shift", held)
    best: _Class | None = None
    for day, template in slots:
        found = _slot_class(instance, person, queue, day, template, worked)
        if best is None or _SLOT_ORDER[found.group] > _SLOT_ORDER[best.group]:
            best = found
    assert best is not None
    return best


def _slot_class(
    instance: Instance,
    person: Person,
    queue: Queue,
    day: int,
    template: ShiftTemplate,
    worked: list[Worked],
) -> _Class:
    """Why adding this shift on this queue to the person's roster would break a rule."""
    contract, history, rules = person.contract, person.history, instance.rules
    fixed_off = {d for ref in person.days_off for d in instance.days_of(ref)}
    off_days, off_slots = instance.unavailable_slots(person)
    if day in fixed_off:
        return _Class(_UNAVAILABLE, "day_off")
    if day in off_days or (day, template.id) in off_slots:
        return _Class(_UNAVAILABLE, "unavailable")
    start, end = instance.shift_times(day, template)
    same_day = [s for s in worked if s.day == day]
    if len(same_day) >= contract.max_shifts_per_day or any(
        s.start < end and s.end > start for s in worked
    ):
        return _Class(_OTHER, "other_shift")

    week = next(w for w in instance.weeks() if day in w)
    in_week = [s for s in worked if s.day in week]
    days_in_week = {s.day for s in in_week}
    if day not in days_in_week and len(days_in_week) >= contract.max_days_per_week:
        return _Class(_WEEKLY, "limit_days", str(contract.max_days_per_week))
    minutes = sum(s.minutes for s in in_week)
    if minutes + template.minutes > contract.max_minutes_per_week:
        return _Class(_WEEKLY, "limit_hours", f"{contract.max_hours_per_week:g}")
    limit = contract.max_shifts.get(template.id)
    if limit is not None and sum(1 for s in worked if s.template.id == template.id) >= limit:
        return _Class(_WEEKLY, "limit_shifts", f"{limit} {template.id}")
    worked_days = {s.day for s in worked}
    if contract.max_weekends is not None:
        weekends = instance.weekends()
        used = sum(1 for w in weekends if worked_days.intersection(w))
        mine = next((w for w in weekends if day in w), None)
        if (
            mine is not None
            and not worked_days.intersection(mine)
            and used >= contract.max_weekends
        ):
            return _Class(_WEEKLY, "limit_weekends", str(contract.max_weekends))

    if _breaks_rest(instance, person, day, start, end, worked):
        return _Class(_REST, "rest", f"{contract.min_rest_hours:g}")
    horizon = instance.horizon.days
    flags = [d in worked_days for d in range(horizon)]
    added = list(flags)
    added[day] = True
    if _max_run_breaks(added, contract.max_consecutive_days, history.consecutive_days_worked) > (
        _max_run_breaks(flags, contract.max_consecutive_days, history.consecutive_days_worked)
    ):
        return _Class(_REST, "consecutive", str(contract.max_consecutive_days))
    if _min_run_breaks(instance, person, added) > _min_run_breaks(instance, person, flags):
        return _Class(_REST, "min_run")
    if queue.hard:
        hard_days = {s.day for s in worked if s.hard}
        if day not in hard_days and len(hard_days & set(week)) >= rules.max_hard_days_per_week:
            return _Class(_REST, "hard_days", str(rules.max_hard_days_per_week))
        hard_flags = [d in hard_days for d in range(horizon)]
        hard_added = list(hard_flags)
        hard_added[day] = True
        limit_hard = rules.max_consecutive_hard_days
        if _max_run_breaks(hard_added, limit_hard, history.consecutive_hard_days) > (
            _max_run_breaks(hard_flags, limit_hard, history.consecutive_hard_days)
        ):
            return _Class(_REST, "hard_run", str(limit_hard))
        share_bp = round(_BASIS_POINTS * rules.max_hard_share)
        hard_minutes = sum(s.hard_minutes for s in in_week) + template.minutes
        if _BASIS_POINTS * hard_minutes > share_bp * (minutes + template.minutes):
            return _Class(_REST, "hard_share", f"{100 * rules.max_hard_share:g}")
    return _Class(_FREE, "free")


def _breaks_rest(
    instance: Instance,
    person: Person,
    day: int,
    start: dt.datetime,
    end: dt.datetime,
    worked: list[Worked],
) -> bool:
    """Whether a shift from `start` to `end` on `day` leaves too little rest (docs/rules.md)."""
    need = person.contract.min_rest_minutes
    later = [s for s in worked if s.day > day]
    if later and instance.minutes_between(end, min(s.start for s in later)) < need:
        return True
    for a in worked:
        if a.day >= day:
            continue
        following = [s.start for s in worked if s.day > a.day]
        if (not following or start < min(following)) and instance.minutes_between(
            a.end, start
        ) < need:
            return True
    last = person.history.last_shift_end
    return last is not None and instance.minutes_between(last.replace(tzinfo=None), start) < need


def _max_run_breaks(flags: list[bool], limit: int, before: int) -> int:
    """Runs of True longer than `limit`, counting `before` days just before day 0."""
    return sum(
        1
        for first, last, kind in day_runs(flags)
        if kind and (before if first == 0 else 0) + last - first + 1 > limit
    )


def _min_run_breaks(instance: Instance, person: Person, flags: list[bool]) -> int:
    """Bounded runs of work or of days off shorter than the contract's minimums, over
    the days the person is not out (as `scheduler.checker.consecutive_days` judges)."""
    contract, history = person.contract, person.history
    out = instance.out_minutes(person)
    flags = [flag for d, flag in enumerate(flags) if d not in out]
    if not flags:
        return 0
    count = 0
    for kind, minimum, same, other in (
        (
            True,
            contract.min_consecutive_days,
            history.consecutive_days_worked,
            history.consecutive_days_off,
        ),
        (
            False,
            contract.min_consecutive_days_off,
            history.consecutive_days_off,
            history.consecutive_days_worked,
        ),
    ):
        if minimum <= 1:
            continue
        for first, last, run_kind in day_runs(flags):
            if run_kind != kind or last == len(flags) - 1:
                continue
            length = last - first + 1
            if first == 0:
                if same > 0:
                    length += same
                elif other == 0:
                    continue
            if length < minimum:
                count += 1
        if same > 0 and flags[0] != kind and same < minimum:
            count += 1
    return count


def _phrase(key: str, detail: str, n: int, queue: str) -> str:
    one = n == 1
    verb = {True: ("is", "has", "works", "was"), False: ("are", "have", "work", "were")}[one]
    be, have, work, was = verb
    if key == "unavailable":
        return f"{n} {be} unavailable"
    if key == "day_off":
        return f"{n} {have} the day off"
    if key == "no_shift":
        if detail == "before":
            return f"{n} cannot: only a shift starting before the horizon would hold it"
        return f"{n} cannot: no shift holding it allows {queue}"
    if key == "works_it":
        return f"{n} {work} it"
    if key == "elsewhere":
        if detail == RATING:
            return f"{n} {be} rating then"
        if detail == queue:
            return f"{n} {work} it in another shift then"
        return f"{n} {work} {detail} then"
    if key == "other_shift":
        return f"{n} already {work} another shift that day"
    if key == "limit_days":
        return f"{n} {have} reached {_plural(int(detail), 'day')} that week"
    if key == "limit_hours":
        return f"{n} would pass {detail} h that week"
    if key == "limit_shifts":
        limit, shift = detail.split(" ", 1)
        return f"{n} {have} reached {limit} {shift} shifts"
    if key == "limit_weekends":
        return f"{n} {have} worked {_plural(int(detail), 'weekend')} already"
    if key == "rest":
        return f"{n} would rest less than {detail} h between shifts"
    if key == "consecutive":
        return f"{n} would work more than {detail} days in a row"
    if key == "min_run":
        return f"{n} would break a minimum run of days on or off"
    if key == "hard_days":
        return f"{n} {have} had {_plural(int(detail), 'hard day')} that week"
    if key == "hard_run":
        return f"{n} would have more than {detail} hard days in a row"
    if key == "hard_share":
        return f"{n} would pass the {detail} % hard share"
    return f"{n} {was} free but left off for a cheaper or fairer roster"


_KEY_ORDER = (
    "unavailable",
    "day_off",
    "no_shift",
    "works_it",
    "elsewhere",
    "other_shift",
    "limit_days",
    "limit_hours",
    "limit_shifts",
    "limit_weekends",
    "rest",
    "consecutive",
    "min_run",
    "hard_days",
    "hard_run",
    "hard_share",
    "free",
)


_REST_RULES = {
    "rest": MIN_REST,
    "consecutive": DAYS_IN_A_ROW,
    "min_run": MIN_RUNS,
    "hard_days": HARD_DAYS,
    "hard_run": HARD_RUN,
    "hard_share": HARD_SHARE,
}
"""The binding named for each way a rest or rotation rule keeps someone off."""


def _queue_reason(
    instance: Instance, run: list[CoverageRow], worked: dict[str, list[Worked]]
) -> Reason:
    first, final = run[0], run[-1]
    queue = instance.queue_by_id[first.queue]
    when = f"{_day(first.date)} {first.start:%H:%M}-{final.end:%H:%M}"
    qualified = [p for p in instance.people if instance.can_work_queue(p, queue)]
    slots = _slots(instance, queue, first)
    held = ""
    if not slots:
        holding = _slots(instance, queue, first, allowed_only=False)
        in_horizon = [d for d, _ in holding if d >= 0]
        held = "before" if holding and not in_horizon else "queue"
    classes = [
        _classify(instance, p, queue, first, slots, worked.get(p.id, []), held) for p in qualified
    ]
    groups: dict[str, int] = defaultdict(int)
    details: dict[tuple[str, str], int] = defaultdict(int)
    members: dict[str, list[str]] = defaultdict(list)
    for person, c in zip(qualified, classes, strict=True):
        groups[c.group] += 1
        details[(c.key, c.detail)] += 1
        members[c.group].append(person.id)
    available = len(qualified) - groups[_UNAVAILABLE]
    figures: dict[str, float | int | str] = {
        "required": first.required,
        "assigned": first.assigned,
    }
    if first.shift is not None:
        figures["short"] = first.short
        short_text = f"{_plural(first.short, 'agent-shift')} short"
        shift_text = f" ({first.shift})"
    else:
        total = sum(r.short for r in run)
        most = max(r.short for r in run)
        figures.update(short=total, intervals=len(run), most_at_once=most)
        short_text = f"{_plural(total, 'agent-interval')} short"
        if len(run) > 1:
            short_text += f", at most {most:,} at once"
        shift_text = ""
    figures["qualified"] = len(qualified)
    figures["available"] = available
    for group in (_UNAVAILABLE, _WORKS_IT, _OTHER, _WEEKLY, _REST, _FREE):
        figures[group] = groups[group]
    for (key, detail), n in details.items():
        figures[f"{key}:{detail}" if detail else key] = n
    for group, ids in members.items():
        figures[f"who:{group}"] = ", ".join(ids)

    if available < first.required:
        binding = QUALIFIED
    elif groups[_FREE]:
        binding = GOAL_WEIGHTS
    else:
        ranked = [(OTHER_WORK, _OTHER), (WEEKLY_LIMITS, _WEEKLY), (_REST, _REST)]
        binding = max(ranked, key=lambda pair: (groups[pair[1]], -ranked.index(pair)))[0]
        if binding == _REST:  # the rule that keeps the most of them off
            rest = [(key, n) for (key, _), n in details.items() if key in _REST_RULES]
            key = max(rest, key=lambda kn: (kn[1], -_KEY_ORDER.index(kn[0])))[0]
            binding = _REST_RULES[key]

    at = f" at {first.start:%H:%M}" if len(run) > 1 else ""
    head = (
        f"{queue.id} {when}{shift_text} needs {_plural(first.required, 'agent')}, "
        f"has {first.assigned:,}{at} ({short_text})."
    )
    if not qualified:
        sentence = f"{head} No agent has {queue.skill} level {queue.min_level}."
        return Reason("queue", queue.id, when, figures, binding, sentence)
    order = {key: i for i, key in enumerate(_KEY_ORDER)}
    parts = [
        _phrase(key, detail, n, queue.id)
        for (key, detail), n in sorted(details.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]
    who = (
        f"{len(qualified):,} agent qualifies"
        if len(qualified) == 1
        else (f"{len(qualified):,} agents qualify")
    )
    sentence = f"{head} {who}: {_join(parts)}."
    return Reason("queue", queue.id, when, figures, binding, sentence)
