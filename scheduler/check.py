"""`roster check`: a verdict with its reasons, and the smallest changes that make a week fit.

Every fix is a list of changes to the instance (`Change`); it is proposed only
after the changed instance has been solved again and the shortfall or the
contradiction it targets is gone.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from models import Evaluation, Instance, SolveResult
from scheduler.checker import evaluate
from scheduler.explain import Conflict, find_conflict
from scheduler.solve import SolveOptions, solve
from scheduler.verdict import Verdict, verdict

Change = dict[str, Any]
"""{"op": "set", "path": "batches.2.deadline", "value": "2026-12-04"},
{"op": "remove", "path": "people.0.fixed.1"}, or {"op": "add", "path": "people", "value": {...}}."""


@dataclass
class Fix:
    kind: str
    target: str
    sentence: str
    changes: list[Change]
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "sentence": self.sentence,
            "changes": self.changes,
            "figures": self.figures,
            "verified": True,
        }


@dataclass
class CheckReport:
    verdict: Verdict
    result: SolveResult
    evaluation: Evaluation | None
    shortfalls: list[dict[str, Any]]
    conflicts: list[Conflict]
    fixes: list[Fix]
    notes: list[str] = field(default_factory=list)


# ---- changes --------------------------------------------------------------------


def apply_changes(instance: Instance, changes: list[Change]) -> Instance:
    """The instance with the changes made; ValueError when it stops being valid."""
    data = instance.model_dump(mode="json", by_alias=True, exclude_none=True)
    for change in changes:
        *parents, last = str(change["path"]).split(".")
        node: Any = data
        for key in parents:
            node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
        if change["op"] == "set":
            if isinstance(node, list):
                node[int(last)] = change["value"]
            else:
                node[last] = change["value"]
        elif change["op"] == "remove":
            del node[int(last) if isinstance(node, list) else last]
        elif change["op"] == "add":
            node.setdefault(last, []).append(copy.deepcopy(change["value"]))
        else:
            raise ValueError(f"unknown change {change['op']!r}")
    try:
        return Instance.model_validate(data)
    except ValidationError as exc:
        raise ValueError(str(exc)) from None


# ---- the check --------------------------------------------------------------------


def check(
    instance: Instance, options: SolveOptions, fix_time_limit: float | None = None
) -> CheckReport:
    """Solve, judge, explain and look for fixes."""
    result = solve(instance, options)
    evaluation = evaluate(instance, result.roster) if result.has_roster else None
    found = verdict(result, evaluation)
    fix_options = SolveOptions(
        time_limit=fix_time_limit or min(options.time_limit or 30.0, 20.0),
        workers=options.workers,
        seed=options.seed,
    )
    conflicts: list[Conflict] = []
    fixes: list[Fix] = []
    shortfalls: list[dict[str, Any]] = []
    notes: list[str] = []
    if found is Verdict.cannot_staff:
        conflicts = find_conflict(instance, time_limit=fix_options.time_limit or 20.0) or []
        fixes = conflict_fixes(instance, conflicts, fix_options)
    elif found is Verdict.shortfalls and evaluation is not None:
        shortfalls = describe_shortfalls(instance, result, evaluation)
        fixes = shortfall_fixes(instance, evaluation, fix_options, notes)
    return CheckReport(found, result, evaluation, shortfalls, conflicts, fixes, notes)


def describe_shortfalls(
    instance: Instance, result: SolveResult, evaluation: Evaluation
) -> list[dict[str, Any]]:
    from scheduler.reasons import explain

    return [
        {
            "kind": r.kind,
            "subject": r.subject,
            "when": r.when,
            "binding": r.binding,
            "figures": r.figures,
            "sentence": r.sentence,
        }
        for r in explain(instance, result.roster, evaluation)
    ]


# ---- fixes for shortfalls -----------------------------------------------------------


def _late(evaluation: Evaluation, batch_id: str) -> int:
    return next(b.late for b in evaluation.batches if b.batch == batch_id)


def _short(evaluation: Evaluation, queue: str) -> int:
    return sum(r.short for r in evaluation.coverage if r.queue == queue)


def _resolve(
    instance: Instance, changes: list[Change], options: SolveOptions
) -> tuple[SolveResult, Evaluation] | None:
    """Apply, solve again, and evaluate; None when invalid or no roster comes out."""
    try:
        changed = apply_changes(instance, changes)
    except ValueError:
        return None
    result = solve(changed, options)
    if not result.has_roster:
        return None
    return result, evaluate(changed, result.roster)


def _try(instance: Instance, changes: list[Change], options: SolveOptions) -> Evaluation | None:
    solved = _resolve(instance, changes, options)
    return None if solved is None else solved[1]


def shortfall_fixes(
    instance: Instance, evaluation: Evaluation, options: SolveOptions, notes: list[str]
) -> list[Fix]:
    """Fixes for each shortfall; `notes` gathers what was tried and found not to help."""
    fixes: list[Fix] = []
    index = {b.id: i for i, b in enumerate(instance.batches)}
    for row in evaluation.batches:
        if not row.late:
            continue
        batch = instance.batch_by_id[row.batch]
        i = index[row.batch]
        deadline = instance.deadline_day(batch)
        found = False
        for day in range(deadline + 1, instance.horizon.days):
            date = instance.dates[day]
            changes: list[Change] = [
                {"op": "set", "path": f"batches.{i}.deadline", "value": date.isoformat()}
            ]
            after = _try(instance, changes, options)
            if after is not None and _late(after, row.batch) == 0:
                fixes.append(
                    Fix(
                        "later_deadline",
                        row.batch,
                        f"Move the deadline of {row.batch} from {row.deadline:%a %Y-%m-%d} to "
                        f"{date:%a %Y-%m-%d}: the earliest day all {row.required:,} gradings "
                        "are done in time.",
                        changes,
                        {"deadline": date.isoformat()},
                    )
                )
                found = True
                break
        if not found and deadline + 1 < instance.horizon.days:
            notes.append(f"No later deadline within the horizon lets {row.batch} finish in time.")
        if batch.graders > 1:
            changes = [{"op": "set", "path": f"batches.{i}.graders", "value": batch.graders - 1}]
            after = _try(instance, changes, options)
            if after is not None and _late(after, row.batch) == 0:
                fixes.append(
                    Fix(
                        "fewer_graders",
                        row.batch,
                        f"Grade {row.batch} by {batch.graders - 1} instead of {batch.graders} "
                        "people per item: it is then done by its deadline.",
                        changes,
                        {"graders": batch.graders - 1},
                    )
                )
        fix = _extra_people_for_batch(instance, row.batch, row.late, options)
        if fix is not None:
            fixes.append(fix)
    short_queues = sorted({r.queue for r in evaluation.coverage if r.short})
    for queue in short_queues:
        fix = _extra_people_for_queue(instance, evaluation, queue, options)
        if fix is not None:
            fixes.append(fix)
        fix = _lower_service_level(instance, queue, options)
        if fix is not None:
            fixes.append(fix)
    return fixes


def _extra_people_for_batch(
    instance: Instance, batch_id: str, late: int, options: SolveOptions
) -> Fix | None:
    batch = instance.batch_by_id[batch_id]
    hours = late / instance.rates.per_hour(batch.difficulty)
    count = min(8, math.ceil(hours / 30) + 1)
    extras = [
        {
            "id": f"extra-{batch.skill}-{k + 1}",
            "name": f"extra {batch.skill} rater {k + 1}",
            "roles": ["rater"],
            "skills": {batch.skill: batch.min_level},
            "hourly_cost": _extra_cost(instance),
        }
        for k in range(count)
    ]
    return _extra_people(instance, extras, options, batch_id=batch_id)


def _extra_people_for_queue(
    instance: Instance, evaluation: Evaluation, queue_id: str, options: SolveOptions
) -> Fix | None:
    queue = instance.queue_by_id[queue_id]
    most = max(r.short for r in evaluation.coverage if r.queue == queue_id)
    count = min(12, most + 2)
    # qualified for every queue, so that hard-case work can be balanced by other work
    skills = {q.skill: q.min_level for q in instance.queues}
    skills[queue.skill] = max(skills[queue.skill], queue.min_level)
    extras = [
        {
            "id": f"extra-{queue_id}-{k + 1}",
            "name": f"extra {queue_id} agent {k + 1}",
            "roles": ["agent"],
            "skills": skills,
            "hourly_cost": _extra_cost(instance),
        }
        for k in range(count)
    ]
    return _extra_people(instance, extras, options, queue_id=queue_id)


def _extra_cost(instance: Instance) -> float:
    """Ten times the dearest person's hourly cost: extra people are used only where
    a shortfall costs more than they do, and no more than needed."""
    return round(10 * max(p.hourly_cost for p in instance.people), 2) or 10.0


def _extra_people(
    instance: Instance,
    extras: list[dict[str, Any]],
    options: SolveOptions,
    batch_id: str | None = None,
    queue_id: str | None = None,
) -> Fix | None:
    """Hypothetical extra people (dear, so used no more than needed)."""
    changes: list[Change] = [{"op": "add", "path": "people", "value": e} for e in extras]
    solved = _resolve(instance, changes, options)
    if solved is None:
        return None
    result, after = solved
    target = batch_id or queue_id or ""
    if (batch_id and _late(after, batch_id)) or (queue_id and _short(after, queue_id)):
        return None
    ids = {e["id"] for e in extras}
    rows = [a for a in result.roster if a.person in ids]
    used = sorted({a.person for a in rows})
    shifts = sorted({(a.person, a.date, a.shift) for a in rows})
    hours = sum(instance.shift_by_id[s].hours for _, _, s in shifts)
    days = sorted({d for _, d, _ in shifts})
    kept = [c for c in changes if c["value"]["id"] in used]
    if not kept:
        return None
    if batch_id:
        batch = instance.batch_by_id[batch_id]
        skill = (batch.skill, batch.min_level)
    else:
        queue = instance.queue_by_id[target]
        skill = (queue.skill, queue.min_level)
    what = "grading" if batch_id else f"on {queue_id}"
    sentence = (
        f"Add {hours:g} h of {skill[0]} (level >= {skill[1]}) {what} on "
        f"{', '.join(f'{d:%a}' for d in days)}: {len(used)} more "
        f"{'rater' if batch_id else 'agent'}{'s' if len(used) > 1 else ''} for "
        f"{len(shifts)} shift{'s' if len(shifts) > 1 else ''}."
    )
    return Fix(
        "extra_hours",
        target,
        sentence,
        kept,
        {
            "hours": hours,
            "people": len(used),
            "shifts": [f"{d.isoformat()} {s}" for _, d, s in shifts],
            "skill": skill[0],
            "level": skill[1],
        },
    )


def _lower_service_level(instance: Instance, queue_id: str, options: SolveOptions) -> Fix | None:
    rows = [
        i
        for i, row in enumerate(instance.demand)
        if row.forecast is not None and queue_id in {t for t, _ in row.targets()}
    ]
    if not rows:
        return None
    current = max(instance.demand[i].forecast.service_level for i in rows)  # type: ignore[union-attr]
    level = round(current - 0.05, 2)
    while level >= 0.5:
        changes = [
            {"op": "set", "path": f"demand.{i}.forecast.service_level", "value": level}
            for i in rows
        ]
        after = _try(instance, changes, options)
        if after is not None and _short(after, queue_id) == 0:
            return Fix(
                "lower_service_level",
                queue_id,
                f"Promise {level:.0%} answered in time on {queue_id} instead of {current:.0%}: "
                "the people there now cover it.",
                changes,
                {"service_level": level},
            )
        level = round(level - 0.05, 2)
    return None


# ---- fixes for contradictions -------------------------------------------------------

_RELAX_STEPS: dict[str, tuple[str, int]] = {
    # rule -> (contract field, step); tried up to three steps
    "max_consecutive_days": ("max_consecutive_days", 1),
    "min_consecutive_days": ("min_consecutive_days", -1),
    "min_consecutive_days_off": ("min_consecutive_days_off", -1),
    "max_days_per_week": ("max_days_per_week", 1),
    "max_hours_per_week": ("max_hours_per_week", 8),
    "max_weekends": ("max_weekends", 1),
    "min_rest": ("min_rest_hours", -1),
    "min_rest_history": ("min_rest_hours", -1),
}


def conflict_fixes(
    instance: Instance, conflicts: list[Conflict], options: SolveOptions
) -> list[Fix]:
    """For each rule of the contradiction, the smallest relaxation of it that lets all hold."""
    fixes: list[Fix] = []
    people = {p.id: i for i, p in enumerate(instance.people)}
    for conflict in conflicts:
        rule, person_id, at, detail = conflict.group
        person = instance.person_by_id[person_id]
        i = people[person_id]
        candidates: list[tuple[list[Change], str]] = []
        if rule == "fixed_assignment" and at is not None:
            for j, fixed in enumerate(person.fixed):
                if fixed.shift == detail and at in instance.days_of(fixed.day):
                    candidates.append(
                        (
                            [{"op": "remove", "path": f"people.{i}.fixed.{j}"}],
                            f"Drop {person.display_name}'s fixed {detail} shift on "
                            f"{instance.dates[at]:%a %Y-%m-%d}.",
                        )
                    )
        elif rule in _RELAX_STEPS:
            name, step = _RELAX_STEPS[rule]
            now = getattr(person.contract, name)
            for k in (1, 2, 3):
                value = now + k * step
                if value < (0 if step < 0 else 1):
                    break
                candidates.append(
                    (
                        [{"op": "set", "path": f"people.{i}.contract.{name}", "value": value}],
                        f"Set {person.display_name}'s {name.replace('_', ' ')} to {value:g} "
                        f"(now {now:g}).",
                    )
                )
        for changes, sentence in candidates:
            try:
                changed = apply_changes(instance, changes)
            except ValueError:
                continue
            if find_conflict(changed, time_limit=options.time_limit or 20.0) is None:
                fixes.append(Fix("relax_rule", conflict.text, sentence, changes))
                break
    return fixes


# ---- the report -------------------------------------------------------------------


def report_document(report: CheckReport) -> dict[str, Any]:
    r = report.result
    return {
        "verdict": report.verdict.value,
        "status": r.status.value,
        "objective": r.objective,
        "bound": r.bound,
        "gap": r.gap,
        "solve_seconds": round(r.solve_seconds, 3),
        "goals": {g.name: {"value": g.value, "unit": g.unit} for g in r.goals},
        "shortfalls": report.shortfalls,
        "conflicts": [
            {
                "rule": c.rule,
                "person": c.person,
                "day": c.group[2],
                "detail": c.group[3],
                "text": c.text,
            }
            for c in report.conflicts
        ],
        "fixes": [f.as_dict() for f in report.fixes],
        "notes": report.notes,
    }


def report_text(instance: Instance, report: CheckReport) -> str:
    lines = [f"{instance.name}: {report.verdict.value}"]
    if report.verdict is Verdict.fits:
        lines.append("  Every hard rule holds, all demand is covered, every batch is on time.")
    if report.shortfalls:
        lines.append("Shortfalls, and why:")
        lines += [f"  - {s['sentence']}" for s in report.shortfalls]
    if report.conflicts:
        lines.append("These rules contradict each other (relax any one of them):")
        lines += [f"  - {c.text}" for c in report.conflicts]
    elif report.verdict is Verdict.cannot_staff:
        lines.append("  The hard rules contradict each other (no smaller set could be named).")
    if report.verdict is Verdict.unknown:
        lines.append("  No roster was found within the time limit; try a longer --time-limit.")
    if report.fixes:
        lines.append("What would make it fit (each checked by solving again):")
        lines += [f"  - {f.sentence}" for f in report.fixes]
    elif report.verdict in (Verdict.shortfalls, Verdict.cannot_staff):
        lines.append("  No single change of the kinds tried makes it fit.")
    lines += [f"  ({note})" for note in report.notes]
    return "\n".join(lines)
