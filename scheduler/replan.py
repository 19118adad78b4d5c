"""Pinning shifts and re-planning a published roster with the fewest changes.

Re-planning keeps every row before `--from` as it was (pinned as fixed shifts),
solves the disturbed week for the rules and goals first, then, with the goals
held at what that solve reached, changes as few of the published assignments
from `--from` on as it can. An assignment is a (person, date, shift) with its
activity; it counts as changed when it is dropped, moved to another activity,
or added where the person was off.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from models import RATING, Assignment, InputError, Instance, SolveResult
from models.patch import PatchError, patched
from scheduler.cpsat.context import SCALE, RosterModel
from scheduler.cpsat.model import build_model
from scheduler.cpsat.solve import SolveOptions, solve_model


def pin_rows(
    instance: Instance, rows: list[Assignment], until: dt.date | None, where: Path
) -> Instance:
    """The instance with every row dated in the horizon (up to `until`) as a fixed shift,
    a rating shift with exactly the items it grades of each batch.

    A pin that cannot be worked at all is an input error naming the pin; one that
    breaks a rule together with others makes the week not staffable, and `roster
    check` names the rules.
    """
    problems = []
    fixed: dict[str, list[dict[str, Any]]] = {}
    entries: dict[tuple[str, dt.date, str], dict[str, Any]] = {}
    for number, row in enumerate(rows, start=2):
        if row.date < instance.horizon.start or row.date > instance.dates[-1]:
            continue
        if until is not None and row.date > until:
            continue
        key = (row.person, row.date, row.shift)
        if key in entries:  # another row of one rating shift: its batch's items
            if row.batch:
                entries[key]["items"][row.batch] = row.items
            continue
        if row.person not in instance.person_by_id:
            problems.append(f"{where}: row {number}: person {row.person!r} is not in the instance")
            continue
        if row.shift not in instance.shift_by_id:
            problems.append(f"{where}: row {number}: shift {row.shift!r} is not in the instance")
            continue
        if row.batch and row.batch not in instance.batch_by_id:
            problems.append(f"{where}: row {number}: batch {row.batch!r} is not in the instance")
            continue
        entry: dict[str, Any] = {
            "day": row.date.isoformat(),
            "shift": row.shift,
            "activity": row.activity,
        }
        if row.activity == RATING:
            # exactly the items graded, none of any other batch: the shift is kept
            # as it was, its grading too
            entry["items"] = {b.id: 0 for b in instance.batches}
            if row.batch:
                entry["items"][row.batch] = row.items
        entries[key] = entry
        fixed.setdefault(f"people.{row.person}.fixed", []).append(entry)
    if problems:
        raise InputError(problems)
    return _patched(instance, {"append": fixed} if fixed else {}, where)


def _patched(instance: Instance, operations: dict[str, Any], where: Path) -> Instance:
    """The instance patched (`models.patch`); what fails is an input error of `where`."""
    if not operations:
        return instance
    try:
        return patched(instance, operations, where)
    except PatchError as exc:
        raise InputError([f"{where}: {exc}"]) from None


def _nothing_else_before(instance: Instance, rows: list[Assignment], since: dt.date) -> Instance:
    """Before `since`, nobody works a shift the published roster did not give them."""
    worked = {(r.person, r.date, r.shift) for r in rows}
    away: dict[str, list[dict[str, str]]] = {}
    for person in instance.people:
        entries = away.setdefault(f"people.{person.id}.unavailable", [])
        for date in instance.dates:
            if date >= since:
                break
            shifts = [s for s in instance.shifts if (person.id, date, s.id) not in worked]
            if len(shifts) == len(instance.shifts):
                entries.append({"day": date.isoformat(), "reason": "before the re-plan"})
            else:
                entries += [{"day": date.isoformat(), "shift": s.id} for s in shifts]
    additions = {path: entries for path, entries in away.items() if entries}
    return _patched(instance, {"append": additions} if additions else {}, Path(instance.name))


@dataclass(frozen=True)
class Change:
    person: str
    date: dt.date
    shift: str
    before: str
    """The activity before, or "off"."""
    after: str

    def as_row(self) -> dict[str, str]:
        return {
            "person": self.person,
            "date": self.date.isoformat(),
            "shift": self.shift,
            "before": self.before,
            "after": self.after,
        }


def changes_between(
    before: list[Assignment], after: list[Assignment], since: dt.date
) -> list[Change]:
    """Assignments from `since` on that differ between two rosters."""

    def activities(rows: list[Assignment]) -> dict[tuple[str, dt.date, str], str]:
        return {(r.person, r.date, r.shift): r.activity for r in rows if r.date >= since}

    old, new = activities(before), activities(after)
    out = [
        Change(p, d, s, old.get((p, d, s), "off"), new.get((p, d, s), "off"))
        for (p, d, s) in sorted(set(old) | set(new), key=lambda k: (k[1], k[0], k[2]))
        if old.get((p, d, s)) != new.get((p, d, s))
    ]
    return out


def kept_past(
    instance: Instance, previous: list[Assignment], since: dt.date, where: Path
) -> Instance:
    """The week a re-plan solves: the published rows before `since` fixed as they were,
    and nothing else worked before it. Its rules are what a contradiction is named in."""
    before = [r for r in previous if r.date < since]
    pinned = pin_rows(instance, before, since - dt.timedelta(days=1), where)
    return _nothing_else_before(pinned, before, since)


def replan(
    instance: Instance,
    previous: list[Assignment],
    since: dt.date,
    options: SolveOptions,
    where: Path,
    on_stage: Callable[[str], None] | None = None,
) -> tuple[SolveResult, list[Change]]:
    """Re-plan from `since` on: the rules and goals first, then the fewest changes.
    `on_stage` is told which of the two searches runs."""
    tell = on_stage or (lambda _text: None)
    pinned = kept_past(instance, previous, since, where)
    named = _named(pinned, previous)
    start = build_model(pinned, named=named)
    _hint(start, previous)  # start from the published roster: the rules mostly hold there
    tell(f"1 of 2: the best roster from {since.isoformat()} on, the rules and goals")
    first = solve_model(start, options)
    if not first.has_roster or first.objective is None:
        return first, []
    tell("2 of 2: the fewest changes to the roster before, the goals held")
    # The second search minimises changes, not the goals: its objective is not the
    # roster's, so it is not shown as progress (each roster it finds still is).
    second = _fewest_changes(pinned, previous, since, first, replace(options, watch=None))
    result = second if second is not None else first
    return result, changes_between(previous, result.roster, since)


def _fewest_changes(
    instance: Instance,
    previous: list[Assignment],
    since: dt.date,
    first: SolveResult,
    options: SolveOptions,
) -> SolveResult | None:
    """Solve again with the goals held at the first solve's objective, minimising changes."""
    rm = build_model(instance, named=_named(instance, previous))
    assert first.objective is not None
    changed = _change_count(rm, previous, since)
    limit = round(first.objective * SCALE) + 1
    rm.model.add(rm.objective() <= limit)
    rm.model.minimize(changed)
    rm.objective_is_goals = False
    _hint(rm, first.roster)
    result = solve_model(rm, options)
    if not result.has_roster:
        return None
    # The search minimised changes; what the roster achieves is the sum of the goals.
    goals = sum(g.penalty for g in result.goals)
    bound = first.bound if first.bound is not None else goals
    gap = 0.0 if goals <= bound + 1e-9 else (goals - bound) / abs(goals)
    return result.model_copy(
        update={"objective": goals, "bound": bound, "gap": gap, "status": first.status}
    )


def _named(instance: Instance, roster: list[Assignment]) -> set[tuple[str, int, str, str]]:
    """The published roster's work, so that the model can keep each of it as it was."""
    index = {date: d for d, date in enumerate(instance.dates)}
    return {(r.person, index[r.date], r.shift, r.activity) for r in roster if r.date in index}


def _change_count(rm: RosterModel, previous: list[Assignment], since: dt.date) -> Any:
    """Sum of: previous assignments not kept as they were, new ones where they were off."""
    inst, v = rm.instance, rm.vars
    index = {date: d for d, date in enumerate(inst.dates)}
    old = {
        (r.person, index[r.date], r.shift): r.activity
        for r in previous
        if r.date >= since and r.date in index
    }
    terms: list[Any] = []
    for slot, on in v.on.items():
        activity = old.get(slot)
        if activity is None:
            terms.append(on)
        else:
            kept = v.work.get((*slot, activity))
            terms.append(1 - kept if kept is not None else 1)
    terms += [1 for slot in old if slot not in v.on]  # can no longer be worked at all
    return sum(terms) if terms else cp_model.LinearExpr.constant(0)


def _hint(rm: RosterModel, roster: list[Assignment]) -> None:
    """Start a solve from a roster (the published one, or the first solve's)."""
    index = {date: d for d, date in enumerate(rm.instance.dates)}
    roster = [r for r in roster if r.date in index]
    worked = {(r.person, index[r.date], r.shift, r.activity) for r in roster}
    for key, var in rm.vars.work.items():
        rm.model.add_hint(var, key in worked)
    items = {
        (r.person, index[r.date], r.shift, r.batch): r.items
        for r in roster
        if r.activity == RATING and r.batch
    }
    for key, var in rm.vars.items.items():
        rm.model.add_hint(var, items.get(key, 0))
