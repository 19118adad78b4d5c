"""Who can cover: ranked changes around one gap that keep every hard rule.

Three questions an ops lead asks of a written roster:

- `cover_shift`: an open or uncovered shift (a day, a shift, a queue): who could
  take it?
- `cover_person`: someone is out from one day to another: who could take each of
  their shifts in that span?
- `cover_batch`: gradings to place: which rater could grade N more items of a batch,
  and where?

Candidates come from the checker's rules, never from a re-solve of the week: every
change touches one or two people, the rest of the roster stays as it is. For a
shift, each person who could work it is tried with the checker's rules of their own
rows (`scheduler.checker.check_person`); the ones that pass are ranked by what they
cost in their own goals and in the hard-load spread, and the best few are scored
by the whole checker (`evaluate`), which also confirms every rule between people.
Where nobody free can take a shift, two-step changes are offered: A takes the
shift and leaves one of theirs (the same shift on another activity, or a shift that
day or the day before or after), and B takes that one. For a batch, each rater's
part is a small CP-SAT model of that rater alone (their rating shifts with time
left, and new rating shifts on the days they could work one), placing as many of
the items as they can, as early as they can, in as few new shifts as they can.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from models import RATING, Assignment, Evaluation, InputError, Instance, Person, Violation
from models.edits import Assign, Candidate, CoverResult, Edit, Items, Out, Unassign
from models.errors import suggest
from scheduler.checker import PersonCheck, check_person, evaluate, own_penalty
from scheduler.checker.rows import hours
from scheduler.edits import apply_edits, goal_changes, with_outs

TOP = 5
"""Candidates listed by default."""
SCORED = 4
"""Candidates scored by the whole checker for each one listed."""
MIN_SCORED = 10
"""Candidates scored by the whole checker at least, whatever `top`."""
STEP_PEOPLE = 12
"""People tried as the first step of a two-step change (the best by their own cost)."""


@dataclass
class _Week:
    """A roster, its evaluation, and each person's rows, checked once."""

    instance: Instance
    roster: list[Assignment]
    evaluation: Evaluation
    rows: dict[str, list[Assignment]] = field(default_factory=dict)
    checks: dict[str, PersonCheck] = field(default_factory=dict)
    baseline: Evaluation | None = None
    """What goal changes are counted from, when not this roster (`cover_person`: the
    roster as written, before the person's shift was taken off)."""

    @classmethod
    def of(cls, instance: Instance, roster: list[Assignment]) -> _Week:
        week = cls(instance, roster, evaluate(instance, roster))
        for row in roster:
            week.rows.setdefault(row.person, []).append(row)
        return week

    def check(self, person: str) -> PersonCheck:
        if person not in self.checks:
            who = self.instance.person_by_id[person]
            self.checks[person] = check_person(self.instance, who, self.rows.get(person, []))
        return self.checks[person]

    def load(self, person: Person, check: PersonCheck) -> int:
        """Hard minutes the fairness goal counts for the person (history included)."""
        return self.instance.carried_hard_minutes(person) + check.part.hard_minutes

    @cached_property
    def loads(self) -> list[tuple[int, str]]:
        """The fairness goal's load of each person who could do hard work, in minutes
        (from the evaluation's people rows), highest first."""
        inst = self.instance
        capable = {p.id for p in inst.people if inst.is_hard_capable(p)}
        out = [
            (round(row.hard_load_with_history * 60), row.person)
            for row in self.evaluation.people
            if row.person in capable
        ]
        return sorted(out, reverse=True)

    def spread(self, changed: dict[str, int]) -> int:
        """The spread of the loads with those of `changed` people replaced."""
        rest = [load for load, pid in self.loads if pid not in changed]
        highest = max([*rest[:1], *changed.values()])
        lowest = min([*rest[-1:], *changed.values()])
        return highest - lowest


@dataclass
class _Tried:
    edits: list[Edit]
    people: dict[str, PersonCheck]
    """The new check of each person the edits touch."""
    own: float
    """Change of the touched people's own goals and of the spread, objective units."""


def _try(week: _Week, edits: list[Edit]) -> _Tried | None:
    """The edits on the touched people's rows alone; None when a rule of theirs breaks."""
    inst = week.instance
    touched = {e.person for e in edits} | {getattr(e, "other", e.person) for e in edits}
    rows = [r for p in touched for r in week.rows.get(p, [])]
    after, _ = apply_edits(inst, rows, edits)
    by_person: dict[str, list[Assignment]] = {p: [] for p in touched}
    for row in after:
        by_person[row.person].append(row)
    checks = {}
    own = 0.0
    for p, mine in by_person.items():
        who = inst.person_by_id[p]
        new = check_person(inst, who, mine)
        if _added(week.check(p).violations, new.violations):
            return None
        checks[p] = new
        own += own_penalty(inst, new) - own_penalty(inst, week.check(p))
    return _Tried(edits, checks, own + _spread_change(week, checks))


def _added(before: list[Violation], after: list[Violation]) -> bool:
    """Whether `after` breaks a rule as `before` did not (one that held, or a breach
    made worse or different). A candidate is judged on the rules the change breaks,
    not on one someone else broke already."""
    held = {(v.rule, v.person, v.date, v.message) for v in before}
    return any((v.rule, v.person, v.date, v.message) not in held for v in after)


def _spread_change(week: _Week, checks: dict[str, PersonCheck]) -> float:
    inst = week.instance
    if not inst.weights.hard_spread:
        return 0.0
    loads = week.loads
    if len(loads) < 2:
        return 0.0
    capable = {pid for _, pid in loads}
    changed = {
        pid: week.load(inst.person_by_id[pid], check)
        for pid, check in checks.items()
        if pid in capable
    }
    if not changed:
        return 0.0
    change = week.spread(changed) - (loads[0][0] - loads[-1][0])
    return change * inst.weights.hard_spread / 60


def _scored(
    week: _Week, tried: list[_Tried], top: int, reason_of: dict[int, str]
) -> list[Candidate]:
    """The best by their own cost, scored by the whole checker; those breaking a rule
    between people left out; best first."""
    inst = week.instance
    base = week.baseline or week.evaluation
    out: list[tuple[float, int, Candidate]] = []
    ranked = sorted(range(len(tried)), key=lambda i: tried[i].own)
    for i in ranked[: max(top * SCORED, MIN_SCORED)]:
        rows, _ = apply_edits(inst, week.roster, tried[i].edits)
        after = evaluate(inst, rows)
        if _added(week.evaluation.violations, after.violations):
            continue
        change = after.objective - base.objective
        out.append(
            (
                change,
                i,
                Candidate(
                    edits=tried[i].edits,
                    goals=[g for g in goal_changes(base, after) if g.changed],
                    objective_change=change,
                    reason=reason_of.get(i, ""),
                ),
            )
        )
    out.sort(key=lambda t: (t[0], t[1]))
    return [c for _, _, c in out[:top]]


def _on(rows: Iterable[Assignment], date: dt.date) -> list[Assignment]:
    return [r for r in rows if r.date == date]


def _reason(week: _Week, person: str, date: dt.date, shift: str, check: PersonCheck) -> str:
    """Why the person fits: free that day or not, the week's hours, the rest around."""
    inst = week.instance
    who = inst.person_by_id[person]
    before = week.rows.get(person, [])
    mine = _on(before, date)
    parts = ["free that day" if not mine else f"instead of {mine[0].shift} on {mine[0].activity}"]
    day = (date - inst.horizon.start).days
    for week_days in inst.weeks():
        if day in week_days:
            minutes = sum(check.part.days.minutes[d] for d in week_days)
            limit = who.contract.max_minutes_per_week
            parts.append(f"{hours(minutes)} of {hours(limit)} that week")
    start, end = inst.shift_times(day, inst.shift_by_id[shift])
    ends = [r.end for r in before if r.end <= start and (r.date, r.shift) != (date, shift)]
    if who.history.last_shift_end is not None:
        ends.append(who.history.last_shift_end)
    if ends:
        rest = (start - max(ends)).total_seconds() / 60
        parts.append(f"rest {hours(rest)} since the last shift")
    starts = [r.start for r in before if r.start >= end]
    if starts:
        parts.append(f"{hours((min(starts) - end).total_seconds() / 60)} before the next")
    return f"{person}: " + ", ".join(parts)


def _check_target(inst: Instance, date: dt.date, shift: str, activity: str) -> None:
    day = (date - inst.horizon.start).days
    where = f"--shift {date} {shift} {activity}"
    if not 0 <= day < inst.horizon.days:
        raise InputError(
            [f"{where}: {date} is outside the horizon ({inst.dates[0]} to {inst.dates[-1]})"]
        )
    if shift not in inst.shift_by_id:
        known = [s.id for s in inst.shifts]
        raise InputError([f"{where}: no shift {shift!r}{suggest(shift, known)}"])
    if not inst.runs_on(inst.shift_by_id[shift], day):
        raise InputError([f"{where}: shift {shift!r} does not run on {date:%a %Y-%m-%d}"])
    if activity == RATING:
        raise InputError(
            [f"{where}: {RATING} is not a queue (gradings to place: --batch BATCH --items N)"]
        )
    known = [q.id for q in inst.queues]
    if activity not in known:
        raise InputError([f"{where}: no queue {activity!r}{suggest(activity, known)}"])


def _can_take(inst: Instance, person: Person, shift: str, activity: str) -> bool:
    template = inst.shift_by_id[shift]
    if not inst.allows(template, activity):
        return False
    if activity == RATING:
        return "rater" in person.roles
    return inst.can_work_queue(person, inst.queue_by_id[activity])


def _shift_candidates(
    week: _Week,
    date: dt.date,
    shift: str,
    activity: str,
    top: int,
    first: list[Edit],
    away: set[str],
    items: dict[str, int] | None = None,
) -> CoverResult:
    """Candidates for one shift on `week` (whose roster already has `first` made),
    listed with `first` before their own edits. A rating shift's `items` go with it to
    whoever takes it, when they can grade them; else it is offered without them."""
    inst = week.instance
    what = f"{shift} on {date:%a %Y-%m-%d}, {activity}"
    tried: list[_Tried] = []
    reasons: dict[int, str] = {}
    for person in inst.people:
        if person.id in away or not _can_take(inst, person, shift, activity):
            continue
        if any((r.date, r.shift) == (date, shift) for r in week.rows.get(person.id, [])):
            continue  # there already: a switch of activity is a two-step change
        one = None
        fitting = _fitting(week, person, date, shift, items)
        for edits in _takes(person.id, date, shift, activity, items, fitting):
            one = _try(week, edits)
            if one is not None:
                break
        if one is not None:
            reasons[len(tried)] = _reason(week, person.id, date, shift, one.people[person.id])
            tried.append(one)
    singles = _scored(week, tried, top, reasons)
    if singles:
        return CoverResult(
            what=what,
            candidates=_prefixed(singles, first),
            two_step=False,
            note=_dearer_than_open(week, singles),
        )
    pairs = _two_steps(week, date, shift, activity, top, away, items)
    note = _dearer_than_open(week, pairs) or (
        "" if pairs else "nobody can take it, alone or by a two-step change"
    )
    return CoverResult(
        what=what, candidates=_prefixed(pairs, first), two_step=bool(pairs), note=note
    )


def _dearer_than_open(week: _Week, candidates: list[Candidate]) -> str:
    """What to say when even the best way to take the shift leaves the objective higher
    than leaving it open (no demand left uncovered by it, or items nobody taking it may
    grade): each candidate keeps the rules, but none is worth making."""
    if not candidates:
        return ""
    base = week.baseline or week.evaluation
    open_change = week.evaluation.objective - base.objective
    best = candidates[0].objective_change
    if best < open_change - 1e-6:
        return ""
    return (
        f"leaving it open costs less: objective {_signed(open_change)} open, "
        f"{_signed(best)} for the best way to take it"
    )


def _signed(value: float) -> str:
    return f"{'+' if value >= 0 else '-'}{_n(abs(value))}"


def _takes(
    person: str,
    date: dt.date,
    shift: str,
    activity: str,
    items: dict[str, int] | None,
    fitting: dict[str, int] | None = None,
) -> list[list[Edit]]:
    """The edits by which `person` takes a shift: with all its items, with those that
    fit them (`_fitting`), then without any."""
    take: list[Edit] = [Assign(person=person, date=date, shift=shift, activity=activity)]
    out = []
    for counts in (items, fitting):
        graded: list[Edit] = [
            Items(person=person, date=date, batch=b, items=n)
            for b, n in (counts or {}).items()
            if n
        ]
        if graded and take + graded not in out:
            out.append(take + graded)
    return [*out, take]


def _fitting(
    week: _Week, person: Person, date: dt.date, shift: str, items: dict[str, int] | None
) -> dict[str, int]:
    """Of a rating shift's items, those `person` could grade in it: the batches they may
    grade, within the shift's time and their weekly item limit."""
    inst = week.instance
    if not items:
        return {}
    day = (date - inst.horizon.start).days
    check = week.check(person.id)
    room = person.contract.max_items_per_week
    for days in inst.weeks():
        if day in days:
            room -= sum(check.part.days.items[d] for d in days)
    left_ms = inst.shift_by_id[shift].minutes * 60_000
    out = {}
    for batch_id, n in items.items():
        batch = inst.batch_by_id.get(batch_id)
        if batch is None or not inst.can_grade(person, batch) or room <= 0:
            continue
        ms = inst.item_ms(person, batch)
        take = min(n, room, left_ms // ms)
        if take > 0:
            out[batch_id] = take
            room -= take
            left_ms -= take * ms
    return out


def _prefixed(candidates: list[Candidate], first: list[Edit]) -> list[Candidate]:
    return [c.model_copy(update={"edits": [*first, *c.edits]}) for c in candidates]


def _two_steps(
    week: _Week,
    date: dt.date,
    shift: str,
    activity: str,
    top: int,
    away: set[str],
    items: dict[str, int] | None = None,
) -> list[Candidate]:
    """A takes the shift and gives up one of theirs (the same shift on another activity,
    or a shift that day or the day before or after); B takes A's. The first steps tried
    are the cheapest for A's own goals."""
    inst = week.instance
    firsts: list[tuple[float, Person, Assignment, _Tried]] = []
    for person in inst.people:
        if person.id in away or not _can_take(inst, person, shift, activity):
            continue
        mine = week.rows.get(person.id, [])
        if any((r.date, r.shift, r.activity) == (date, shift, activity) for r in mine):
            continue  # there already
        near = {(r.date, r.shift): r for r in mine if abs((r.date - date).days) <= 1}
        for (d, s), row in near.items():
            step = None
            fitting = _fitting(week, person, date, shift, items)
            for take in _takes(person.id, date, shift, activity, items, fitting):
                if (d, s) == (date, shift):
                    if row.activity == activity:
                        break
                    edits: list[Edit] = take  # the same shift, on the activity asked
                else:
                    edits = [Unassign(person=person.id, date=d, shift=s), *take]
                step = _try(week, edits)
                if step is not None:
                    break
            if step is not None:
                firsts.append((step.own, person, row, step))
    firsts.sort(key=lambda t: (t[0], t[1].id, t[2].date, t[2].shift))
    tried: list[_Tried] = []
    reasons: dict[int, str] = {}
    seen_people: set[str] = set()
    for _, a, row, step in firsts:
        if len(seen_people) >= STEP_PEOPLE and a.id not in seen_people:
            break
        seen_people.add(a.id)
        given = row.activity
        items = {
            r.batch: r.items
            for r in week.rows[a.id]
            if (r.date, r.shift) == (row.date, row.shift) and r.batch
        }
        for b in inst.people:
            if b.id in away or b.id == a.id or not _can_take(inst, b, row.shift, given):
                continue
            if any((r.date, r.shift) == (row.date, row.shift) for r in week.rows.get(b.id, [])):
                continue  # B works that shift already
            second: list[Edit] = [
                Assign(person=b.id, date=row.date, shift=row.shift, activity=given)
            ]
            second += [
                Items(person=b.id, date=row.date, batch=k, items=n) for k, n in items.items()
            ]
            both = _try(week, [*step.edits, *second])
            if both is None:
                continue
            reasons[len(tried)] = (
                f"{a.id} leaves {row.shift} on {row.date:%a} ({given}) for it; then "
                + _reason(week, b.id, row.date, row.shift, both.people[b.id])
            )
            tried.append(both)
    return _scored(week, tried, top, reasons)


def cover_shift(
    instance: Instance,
    roster: list[Assignment],
    date: dt.date,
    shift: str,
    activity: str,
    top: int = TOP,
) -> CoverResult:
    """Who could take `shift` on `date` on `activity`, best first."""
    _check_target(instance, date, shift, activity)
    return _shift_candidates(_Week.of(instance, roster), date, shift, activity, top, [], set())


def cover_person(
    instance: Instance,
    roster: list[Assignment],
    person: str,
    first: dt.date,
    last: dt.date | None = None,
    top: int = TOP,
) -> list[CoverResult]:
    """`person` is out from `first` to `last` (default: the same day): for each of
    their shifts then, who could take it once they are off it, best first. Each
    candidate's edits begin with `out PERSON DATE` (off the day's shifts, a fixed one
    released); its goal changes are from the roster as written."""
    inst = instance
    if person not in inst.person_by_id:
        known = [p.id for p in inst.people]
        raise InputError([f"--person: no person {person!r}{suggest(person, known)}"])
    last = last or first
    for flag, date in (("--from", first), ("--to", last)):
        if not inst.dates[0] <= date <= inst.dates[-1]:
            raise InputError(
                [f"{flag}: {date} is outside the horizon ({inst.dates[0]} to {inst.dates[-1]})"]
            )
    if last < first:
        raise InputError([f"--to: {last} is before --from {first}"])
    out = []
    shifts = sorted(
        {
            (r.date, r.start, r.shift, r.activity)
            for r in roster
            if r.person == person and first <= r.date <= last
        }
    )
    week = _Week.of(inst, roster)
    for date, _, shift, activity in shifts:
        # out that day: off every shift of it, and off a shift the instance fixed then
        off: list[Edit] = [Out(person=person, date=date)]
        gone, _ = apply_edits(inst, roster, off)
        graded = {
            r.batch: r.items
            for r in roster
            if (r.person, r.date, r.shift) == (person, date, shift) and r.batch
        }
        without = _Week.of(with_outs(inst, off, "the roster", roster), gone)
        without.baseline = week.evaluation
        result = _shift_candidates(without, date, shift, activity, top, off, {person}, graded)
        out.append(result)
    return out


def format_cover(results: list[CoverResult], folder: str) -> str:
    lines: list[str] = []
    for result in results:
        lines.append(f"Cover {result.what}:")
        if result.two_step:
            lines.append("  Nobody can take it alone; two-step changes:")
        if not result.candidates:
            lines.append(f"  {result.note or 'no candidate keeps every hard rule'}")
        elif result.note:
            lines.append(f"  ({result.note})")
        for rank, c in enumerate(result.candidates, start=1):
            sign = "+" if c.objective_change >= 0 else "-"
            lines.append(f"  {rank}. {c.reason} (objective {sign}{_n(abs(c.objective_change))})")
            for g in c.goals:
                lines.append(f"       {g.label}: {_n(g.before)} -> {_n(g.after)} {g.unit}")
            lines.append(f"       roster try {folder} {' '.join(e.text for e in c.edits)}")
    return "\n".join(lines)


def _n(value: float) -> str:
    value = round(value, 2)  # sums of hundredths: 200,122.0000001 is 200,122
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


@dataclass(frozen=True)
class _Slot:
    """Where a rater could grade: a rating shift of theirs with time left, or a new one."""

    day: int
    date: dt.date
    shift: str
    new: bool
    room: int
    """Items of the batch that fit in its time."""
    graded: int
    """Items of the batch already graded there."""


def cover_batch(
    instance: Instance, roster: list[Assignment], batch: str, items: int, top: int = TOP
) -> CoverResult:
    """Which rater could grade `items` more items of `batch`, and where, best first: each
    rater's share is a small CP-SAT model of that rater alone (`_rater_plan`)."""
    inst = instance
    if batch not in inst.batch_by_id:
        known = [b.id for b in inst.batches]
        raise InputError([f"--batch: no batch {batch!r}{suggest(batch, known)}"])
    if items < 1:
        raise InputError([f"--items: {items} must be 1 or more"])
    week = _Week.of(inst, roster)
    row = next(b for b in week.evaluation.batches if b.batch == batch)
    open_items = row.required - row.done
    what = f"{items:,} gradings of {batch}"
    if open_items <= 0:
        return CoverResult(
            what=what, candidates=[], two_step=False, note=f"{batch} is done", open=False
        )
    wanted = min(items, open_items)
    note = "" if wanted == items else f"only {open_items:,} gradings of {batch} are still open"
    tried: list[_Tried] = []
    reasons: dict[int, str] = {}
    for person in inst.people:
        if not inst.can_grade(person, inst.batch_by_id[batch]):
            continue
        plan = _rater_plan(week, person, batch, wanted)
        if plan is None:
            continue
        edits, placed, new = plan
        one = _try(week, edits)
        if one is None:
            continue
        reasons[len(tried)] = f"{person.id}: grades {placed:,} of the {wanted:,}" + (
            f" in {new} new rating shift{'s' if new != 1 else ''}"
            if new
            else " in shifts of theirs"
        )
        tried.append(one)
    candidates = _scored(week, tried, top, reasons)
    if not candidates:
        able = [p.id for p in inst.people if inst.can_grade(p, inst.batch_by_id[batch])]
        note = (
            f"none of the {len(able)} raters who can grade {batch} ({', '.join(able)}) has "
            "room for any of it within the hard rules (time in their rating shifts, a free "
            "day for a new one, their weekly hours, days and items)"
            if able
            else f"nobody can grade {batch} (skill and level)"
        )
    return CoverResult(what=what, candidates=candidates, two_step=False, note=note)


def _rater_plan(
    week: _Week, person: Person, batch_id: str, wanted: int
) -> tuple[list[Edit], int, int] | None:
    """The most of `wanted` items the rater can grade, as early as they can, in as few
    new rating shifts as they can: the edits, the items placed, the new shifts."""
    from ortools.sat.python import cp_model

    inst = week.instance
    batch = inst.batch_by_id[batch_id]
    ms = inst.item_ms(person, batch)
    mine = week.rows.get(person.id, [])
    done_here = sum(r.items for r in mine if r.batch == batch_id)
    limit = min(wanted, batch.items - done_here)  # each item once per grader
    if limit <= 0:
        return None
    check = week.check(person.id)
    slots: list[_Slot] = []
    for day in range(inst.release_day(batch), inst.horizon.days):
        date = inst.dates[day]
        today = [r for r in mine if r.date == date]
        rating = sorted({r.shift for r in today if r.activity == RATING})
        for shift in rating:
            rows = [r for r in today if r.shift == shift]
            used = sum(
                r.items * inst.item_ms(person, inst.batch_by_id[r.batch]) for r in rows if r.batch
            )
            room = (inst.shift_by_id[shift].minutes * 60_000 - used) // ms
            graded = sum(r.items for r in rows if r.batch == batch_id)
            if room > 0:
                slots.append(_Slot(day, date, shift, False, room, graded))
        if today:
            continue
        for template in inst.shifts:
            if not inst.runs_on(template, day) or not inst.allows(template, RATING):
                continue
            alone = _try(
                week, [Assign(person=person.id, date=date, shift=template.id, activity=RATING)]
            )
            if alone is not None:
                slots.append(
                    _Slot(day, date, template.id, True, template.minutes * 60_000 // ms, 0)
                )
    if not slots:
        return None
    model = cp_model.CpModel()
    x = [model.new_int_var(0, s.room, "") for s in slots]
    y = {i: model.new_bool_var("") for i, s in enumerate(slots) if s.new}
    for i, var in y.items():
        model.add(x[i] <= slots[i].room * var)
    for day in range(inst.horizon.days):  # one new shift a day at most
        opened = [y[i] for i, s in enumerate(slots) if s.new and s.day == day]
        if len(opened) > 1:
            model.add_at_most_one(opened)
    contract = person.contract
    for week_days in inst.weeks():
        inside = [i for i, s in enumerate(slots) if s.day in week_days]
        if not inside:
            continue
        graded = sum(check.part.days.items[d] for d in week_days)
        model.add(sum(x[i] for i in inside) <= max(0, contract.max_items_per_week - graded))
        new_here = [i for i in inside if slots[i].new]
        if new_here:
            minutes = sum(check.part.days.minutes[d] for d in week_days)
            worked = sum(check.part.days.works[d] for d in week_days)
            model.add(
                sum(inst.shift_by_id[slots[i].shift].minutes * y[i] for i in new_here)
                <= max(0, contract.max_minutes_per_week - minutes)
            )
            model.add(sum(y[i] for i in new_here) <= max(0, contract.max_days_per_week - worked))
    total = sum(x)
    model.add(total <= limit)
    deadline = inst.deadline_day(batch)
    late = sum(x[i] for i, s in enumerate(slots) if s.day > deadline)
    # the most items first, then the fewest late, the fewest new shifts, the earliest
    horizon = inst.horizon.days
    scale = (len(slots) + 1) * (horizon + 1) * (limit + 1)
    model.minimize(
        -total * scale * scale
        + late * scale
        + sum(y.values()) * (horizon + 1) * (limit + 1)
        + sum(s.day * x[i] for i, s in enumerate(slots))
    )
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 2.0
    if solver.solve(model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    edits: list[Edit] = []
    placed = new = 0
    for i, s in enumerate(slots):
        n = solver.value(x[i])
        if n <= 0:
            continue
        placed += n
        if s.new:
            new += 1
            edits.append(Assign(person=person.id, date=s.date, shift=s.shift, activity=RATING))
        edits.append(Items(person=person.id, date=s.date, batch=batch_id, items=s.graded + n))
    return (edits, placed, new) if placed else None
