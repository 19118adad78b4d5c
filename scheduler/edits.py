"""Changing a roster by hand with the checker at hand: try edits, write them, keep them.

`try_edits` applies edits (`models.edits`) to a roster and asks the checker what
they break and what they change; `write_edited` writes the edited roster as a
full output folder, marked as edited, with `edits.json` holding the edits and the
pins they leave; `pinned` makes an instance keep those pins in a later solve
(`roster solve --pin`, `roster replan`, the service).

A pin is the last word on a person, day and shift an edit touched: worked as the
edited roster has it (the shift and its activity, and the items of each batch an
`items` edit set), or not worked at all (an unassigned or moved-away shift, and every
shift of a day someone is `out`). A shift the instance fixes is released where a pin
says it is not worked: the pin is the later, explicit word.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from models import RATING, Assignment, Evaluation, InputError, Instance, read_roster_csv
from models.edits import (
    Assign,
    Edit,
    EditLog,
    GoalChange,
    Items,
    Move,
    Out,
    Pin,
    Swap,
    TryResult,
    Unassign,
)
from models.errors import suggest
from models.patch import PatchError, patched
from models.roster import shift_rows
from scheduler.checker import evaluate

EDITS_FILE = "edits.json"
"""In an edited output folder: its `EditLog`."""


@dataclass(frozen=True)
class Folder:
    """An output folder read back: its instance, roster, summary and edit log."""

    path: Path
    instance: Instance
    roster: list[Assignment]
    summary: dict[str, Any]
    log: EditLog | None


def read_folder(path: Path) -> Folder:
    """An output folder of roster; anything else is bad input naming it."""
    from scheduler.outputs.folder import MARKER

    if not path.is_dir():
        raise InputError([f"{path}: not a folder (give an output folder of roster solve)"])
    if not (path / MARKER).exists():
        raise InputError([f"{path}: not an output folder of roster (no {MARKER} file in it)"])
    missing = [
        n for n in ("instance.json", "roster.csv", "summary.json") if not (path / n).exists()
    ]
    if missing:
        raise InputError([f"{path}: not an output folder of roster (missing {', '.join(missing)})"])
    try:
        instance = Instance.model_validate_json((path / "instance.json").read_text())
        summary = json.loads((path / "summary.json").read_text())
        log = None
        if (path / EDITS_FILE).exists():
            log = EditLog.model_validate_json((path / EDITS_FILE).read_text())
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError([f"{path}: its files cannot be read back: {first}"]) from None
    return Folder(path, instance, read_roster_csv(path / "roster.csv"), summary, log)


Key = tuple[str, dt.date, str]
"""A person, a date and a shift."""


class _Roster:
    """Roster rows by person, date and shift, for edits to change."""

    def __init__(self, instance: Instance, rows: list[Assignment]) -> None:
        self.instance = instance
        self.shifts: dict[Key, list[Assignment]] = {}
        for row in rows:
            self.shifts.setdefault((row.person, row.date, row.shift), []).append(row)
        self.touched: dict[Key, set[str]] = {}
        """Keys an edit changed, with the batches an `items` edit set there."""

    def rows(self) -> list[Assignment]:
        return [row for rows in self.shifts.values() for row in rows]

    def on(self, person: str, date: dt.date) -> list[Key]:
        return [k for k in self.shifts if k[0] == person and k[1] == date]

    def put(self, key: Key, activity: str, items: dict[str, int]) -> None:
        person, date, shift = key
        day = (date - self.instance.horizon.start).days
        self.shifts[key] = shift_rows(self.instance, person, day, shift, activity, items)
        self.touched.setdefault(key, set())

    def drop(self, key: Key) -> list[Assignment]:
        self.touched.setdefault(key, set())
        return self.shifts.pop(key)


def _items_of(rows: list[Assignment]) -> dict[str, int]:
    return {r.batch: r.items for r in rows if r.batch}


class _Check:
    """The references of one edit, each a clear message when wrong."""

    def __init__(self, instance: Instance, edit: Edit, where: str) -> None:
        self.instance, self.edit, self.where = instance, edit, where

    def fail(self, message: str) -> InputError:
        return InputError([f"{self.edit.text}: {message}"])

    def person(self, person: str) -> None:
        if person not in self.instance.person_by_id:
            known = [p.id for p in self.instance.people]
            raise self.fail(f"no person {person!r} in {self.where}{suggest(person, known)}")

    def date(self, date: dt.date) -> int:
        inst = self.instance
        day = (date - inst.horizon.start).days
        if not 0 <= day < inst.horizon.days:
            raise self.fail(f"{date} is outside the horizon ({inst.dates[0]} to {inst.dates[-1]})")
        return day

    def shift(self, shift: str, date: dt.date) -> None:
        inst = self.instance
        day = self.date(date)
        if shift not in inst.shift_by_id:
            known = [s.id for s in inst.shifts]
            raise self.fail(f"no shift {shift!r} in {self.where}{suggest(shift, known)}")
        if not inst.runs_on(inst.shift_by_id[shift], day):
            raise self.fail(f"shift {shift!r} does not run on {date:%a %Y-%m-%d}")

    def activity(self, activity: str) -> None:
        known = [q.id for q in self.instance.queues] + [RATING]
        if activity not in known:
            raise self.fail(
                f"no activity {activity!r} (a queue or rating){suggest(activity, known)}"
            )

    def batch(self, batch: str) -> None:
        if batch not in self.instance.batch_by_id:
            known = [b.id for b in self.instance.batches]
            raise self.fail(f"no batch {batch!r} in {self.where}{suggest(batch, known)}")


def apply_edits(
    instance: Instance, roster: list[Assignment], edits: list[Edit], where: str = "the instance"
) -> tuple[list[Assignment], dict[Key, set[str]]]:
    """The roster with the edits made in order, and the keys they touched (with the
    batches `items` edits set there). A reference that does not hold (an unknown
    person, a date outside the horizon, a shift that does not run that day or is not
    worked) is bad input naming the edit."""
    state = _Roster(instance, roster)
    for edit in edits:
        check = _Check(instance, edit, where)
        check.person(edit.person)
        check.date(edit.date)
        if isinstance(edit, Assign):
            check.shift(edit.shift, edit.date)
            check.activity(edit.activity)
            key = (edit.person, edit.date, edit.shift)
            before = state.shifts.get(key)
            kept = _items_of(before) if before and before[0].activity == edit.activity else {}
            state.put(key, edit.activity, kept)
        elif isinstance(edit, Unassign):
            check.shift(edit.shift, edit.date)
            key = (edit.person, edit.date, edit.shift)
            if key not in state.shifts:
                raise check.fail(f"{edit.person} does not work {edit.shift} on {edit.date}")
            state.drop(key)
        elif isinstance(edit, Swap):
            check.person(edit.other)
            if edit.other == edit.person:
                raise check.fail("a swap needs two different people")
            mine, theirs = state.on(edit.person, edit.date), state.on(edit.other, edit.date)
            if not mine and not theirs:
                raise check.fail(f"neither {edit.person} nor {edit.other} works on {edit.date}")
            dropped = {key: state.drop(key) for key in mine + theirs}
            for (person, date, shift), rows in dropped.items():
                to = edit.other if person == edit.person else edit.person
                state.put((to, date, shift), rows[0].activity, _items_of(rows))
        elif isinstance(edit, Move):
            check.shift(edit.shift, edit.date)
            check.shift(edit.to_shift, edit.to_date)
            key = (edit.person, edit.date, edit.shift)
            if key not in state.shifts:
                raise check.fail(f"{edit.person} does not work {edit.shift} on {edit.date}")
            if (edit.person, edit.to_date, edit.to_shift) in state.shifts:
                raise check.fail(
                    f"{edit.person} works {edit.to_shift} on {edit.to_date} already (to change "
                    f"its activity: assign {edit.person} {edit.to_date} {edit.to_shift} ACTIVITY)"
                )
            rows = state.drop(key)
            state.put((edit.person, edit.to_date, edit.to_shift), rows[0].activity, _items_of(rows))
        elif isinstance(edit, Out):
            day = check.date(edit.date)
            for key in state.on(edit.person, edit.date):
                state.drop(key)
            # every shift of the day is touched: the pins keep the person off all of them
            for template in instance.shifts:
                if instance.runs_on(template, day):
                    state.touched.setdefault((edit.person, edit.date, template.id), set())
        elif isinstance(edit, Items):
            check.batch(edit.batch)
            rating = [
                k for k in state.on(edit.person, edit.date) if state.shifts[k][0].activity == RATING
            ]
            if not rating:
                raise check.fail(
                    f"{edit.person} works no rating shift on {edit.date}: assign one first "
                    f"(assign {edit.person} {edit.date} SHIFT {RATING})"
                )
            grading = [k for k in rating if edit.batch in _items_of(state.shifts[k])]
            key = (grading or rating)[0]
            items = _items_of(state.shifts[key])
            items[edit.batch] = edit.items
            state.put(key, RATING, items)
            state.touched[key].add(edit.batch)
    return state.rows(), state.touched


def released_fixed(
    instance: Instance,
    person: str,
    start: dt.date,
    end: dt.date,
    where: Path | str,
    shift: str | None = None,
) -> tuple[Instance, list[str]]:
    """The instance without `person`'s fixed shifts from `start` to `end` (only `shift`,
    when given), and a line for each one released. Someone out cannot be held to a
    shift, so a sick call on a fixed shift frees it for whoever covers instead of
    making the week impossible."""
    kept, released = [], []
    for entry in instance.person_by_id[person].fixed:
        date = instance.date_at(instance.day_of(entry.day))
        if start <= date <= end and shift in (None, entry.shift):
            released.append(f"{person}'s fixed shift {entry.shift} on {date} is released")
        else:
            kept.append(entry.model_dump(mode="json", exclude_defaults=True))
    if not released:
        return instance, []
    try:
        changed = patched(instance, {"set": {f"people.{person}.fixed": kept}}, Path(where))
    except PatchError as exc:
        raise InputError([f"{where}: {exc}"]) from None
    return changed, released


def rostered_hours(
    instance: Instance, roster: list[Assignment], person: str, date: dt.date
) -> float:
    """The hours of the shifts a person has on a date in a roster: what a day out from
    it credits (`Unavailability.credit_hours`)."""
    shifts = {r.shift for r in roster if (r.person, r.date) == (person, date)}
    minutes = sum(instance.shift_by_id[s].minutes for s in shifts if s in instance.shift_by_id)
    return min(24.0, minutes / 60)


def out_entry(
    instance: Instance, roster: list[Assignment], person: str, date: dt.date, reason: str
) -> dict[str, Any]:
    """The unavailability of a person out on a date of the roster, credited with the
    hours they had that day: their share, minimum hours and runs are not held against
    them (docs/format.md, `credit_hours`)."""
    return {
        "day": date.isoformat(),
        "reason": reason,
        "credit_hours": rostered_hours(instance, roster, person, date),
    }


def with_outs(
    instance: Instance, edits: list[Edit], where: Path | str, roster: list[Assignment]
) -> Instance:
    """The instance the edits leave: each person `out` on a day is out then (unavailable,
    credited with the hours `roster` gave them that day), with a shift fixed for them
    that day released."""
    outs = [e for e in edits if isinstance(e, Out)]
    if not outs:
        return instance
    away: dict[str, list[dict[str, Any]]] = {}
    for out in outs:
        instance, _ = released_fixed(instance, out.person, out.date, out.date, where)
        away.setdefault(f"people.{out.person}.unavailable", []).append(
            out_entry(instance, roster, out.person, out.date, "out (edited by hand)")
        )
    try:
        return patched(instance, {"append": away}, Path(where))
    except PatchError as exc:
        raise InputError([f"{where}: {exc}"]) from None


def goal_changes(before: Evaluation, after: Evaluation) -> list[GoalChange]:
    return [
        GoalChange(
            name=a.name,
            label=a.label,
            unit=a.unit,
            before=b.value,
            after=a.value,
            penalty_before=b.penalty,
            penalty_after=a.penalty,
        )
        for b, a in zip(before.goals, after.goals, strict=True)
    ]


def try_edits(
    instance: Instance,
    roster: list[Assignment],
    edits: list[Edit],
    where: str = "the instance",
    before: Evaluation | None = None,
) -> tuple[TryResult, list[Assignment], Evaluation, dict[Key, set[str]]]:
    """What the checker says of the roster after the edits: the hard rules it breaks
    (and which of them are new) and every goal before and after."""
    before = before or evaluate(instance, roster)
    rows, touched = apply_edits(instance, roster, edits, where)
    after = evaluate(with_outs(instance, edits, where, roster), rows)
    old = {(v.rule, v.person, v.date, v.message) for v in before.violations}
    result = TryResult(
        edits=edits,
        violations=after.violations,
        new_violations=[
            v for v in after.violations if (v.rule, v.person, v.date, v.message) not in old
        ],
        goals=goal_changes(before, after),
        objective_before=before.objective,
        objective_after=after.objective,
    )
    return result, rows, after, touched


def pins_after(
    earlier: list[Pin], rows: list[Assignment], touched: dict[Key, set[str]]
) -> list[Pin]:
    """The pins of earlier edits, with the last word on each key the new edits touched."""
    pins = {(p.person, p.date, p.shift): p for p in earlier}
    by_key: dict[Key, list[Assignment]] = {}
    for row in rows:
        by_key.setdefault((row.person, row.date, row.shift), []).append(row)
    for key, batches in touched.items():
        person, date, shift = key
        worked = by_key.get(key)
        if worked is None:
            pins[key] = Pin(person=person, date=date, shift=shift, works=False)
            continue
        activity = worked[0].activity
        previous = pins.get(key)
        named = set(batches)
        if previous is not None and previous.works and previous.activity == activity:
            named |= set(previous.items)
        graded = _items_of(worked)
        items = {b: graded.get(b, 0) for b in sorted(named)} if activity == RATING else {}
        pins[key] = Pin(
            person=person, date=date, shift=shift, works=True, activity=activity, items=items
        )
    return sorted(pins.values(), key=lambda p: (p.date, p.person, p.shift))


def pinned(instance: Instance, pins: list[Pin], where: Path) -> Instance:
    """The instance with the pins as fixed shifts (with their items) and unavailable
    shifts (releasing a shift the instance fixed there); pins outside its horizon are
    left out."""
    fixed: dict[str, list[dict[str, Any]]] = {}
    away: dict[str, list[dict[str, Any]]] = {}
    start, last = instance.horizon.start, instance.dates[-1]
    problems = []
    for pin in pins:
        if not start <= pin.date <= last:
            continue
        if pin.person not in instance.person_by_id or pin.shift not in instance.shift_by_id:
            problems.append(
                f"{where}/{EDITS_FILE}: the pin of {pin.person} {pin.date} {pin.shift} names "
                "a person or shift the instance does not have"
            )
            continue
        if pin.works:
            entry: dict[str, Any] = {
                "day": pin.date.isoformat(),
                "shift": pin.shift,
                "activity": pin.activity,
            }
            if pin.items:
                entry["items"] = dict(pin.items)
            fixed.setdefault(f"people.{pin.person}.fixed", []).append(entry)
        else:
            instance, _ = released_fixed(
                instance, pin.person, pin.date, pin.date, where / EDITS_FILE, shift=pin.shift
            )
            away.setdefault(f"people.{pin.person}.unavailable", []).append(
                {"day": pin.date.isoformat(), "shift": pin.shift, "reason": "unassigned by hand"}
            )
    if problems:
        raise InputError(problems)
    if not fixed and not away:
        return instance
    try:
        return patched(instance, {"append": {**fixed, **away}}, where / EDITS_FILE)
    except PatchError as exc:
        raise InputError([f"{where}/{EDITS_FILE}: {exc}"]) from None


def folder_pins(path: Path) -> list[Pin]:
    """The pins of an edited output folder (none for any other folder or file)."""
    file = (path if path.is_dir() else path.parent) / EDITS_FILE
    if not file.exists():
        return []
    try:
        return EditLog.model_validate_json(file.read_text()).pins
    except (OSError, ValueError, ValidationError) as exc:
        first = str(exc).splitlines()[0]
        raise InputError([f"{file}: cannot be read: {first}"]) from None


def write_edited(
    out_dir: Path,
    folder: Folder,
    edits: list[Edit],
    rows: list[Assignment],
    evaluation: Evaluation,
    touched: dict[Key, set[str]],
    exports: bool = True,
) -> EditLog:
    """A full output folder for the edited roster, marked as edited, with `edits.json`."""
    from models import SolveResult, SolveStatus
    from scheduler.outputs.folder import check_out_dir, write_outputs

    check_out_dir(out_dir, "--write")
    earlier = folder.log
    log = EditLog(
        source=earlier.source if earlier else str(folder.path),
        edits=[*(earlier.edits if earlier else []), *edits],
        pins=pins_after(earlier.pins if earlier else [], rows, touched),
    )
    summary = folder.summary
    bound = summary.get("bound")
    objective = evaluation.objective
    gap = None
    if isinstance(bound, (int, float)):
        gap = 0.0 if abs(objective) < 1e-9 else max(0.0, (objective - bound) / abs(objective))
    result = SolveResult(
        instance=folder.instance.name,
        status=SolveStatus.edited,
        objective=objective,
        bound=bound if isinstance(bound, (int, float)) else None,
        gap=gap,
        solve_seconds=0.0,
        workers=int(summary.get("workers") or 0),
        seed=int(summary.get("seed") or 0),
        time_limit=None,
        goals=evaluation.goals,
        roster=rows,
    )
    write_outputs(
        out_dir,
        with_outs(folder.instance, edits, folder.path, folder.roster),
        result,
        evaluation,
        extra={EDITS_FILE: log.model_dump_json(indent=1) + "\n"},
        exports=exports,
        summary_extra={
            "edited": {
                "from": str(folder.path),
                "source": log.source,
                "edits": [e.text for e in log.edits],
                "pins": len(log.pins),
            }
        },
    )
    return log


def _figure(value: float) -> str:
    value = round(value, 2)  # sums of hundredths: 200,122.0000001 is 200,122
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def format_try(result: TryResult) -> str:
    """What `roster try` prints: the edits, the hard rules broken, the goals changed."""
    lines = [f"Edit{'s' if len(result.edits) > 1 else ''}:"]
    lines += [f"  {e.text}" for e in result.edits]
    if result.violations:
        count = len(result.violations)
        new = {str(v) for v in result.new_violations}
        lines.append(
            f"{count} hard rule violation{'s' if count != 1 else ''} "
            f"({len(new)} made by the edits):"
        )
        lines += [
            f"  {v}{'' if str(v) in new else '  (before the edits too)'}" for v in result.violations
        ]
    else:
        lines.append("Every hard rule holds.")
    changed = [g for g in result.goals if g.changed]
    if changed:
        lines.append("Goals:")
        width = max(len(g.label) for g in changed)
        for g in changed:
            lines.append(
                f"  {g.label:<{width}}  {_figure(g.before)} -> {_figure(g.after)} {g.unit}"
            )
    else:
        lines.append("No goal changes.")
    delta = result.objective_change
    lines.append(
        f"objective {_figure(result.objective_before)} -> {_figure(result.objective_after)} "
        f"({'+' if delta >= 0 else '-'}{_figure(abs(delta))})"
    )
    return "\n".join(lines)
