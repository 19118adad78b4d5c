"""Micro-instances and roster rows for the checker's tests.

`build` makes the base instance (two people, four shifts, two queues, two batches)
with changes; `work` writes the rows of one shift as docs/rules.md says; a `Case`
is a roster that breaks exactly one rule and the same roster corrected.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from models import RATING, Assignment, Evaluation, Instance, Role
from scheduler.checker import evaluate

START = dt.date(2026, 11, 30)  # a Monday

# ---- building micro-instances -----------------------------------------------


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_by_id(
    base: list[dict[str, Any]], over: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    out = copy.deepcopy(base)
    for item in over:
        for i, existing in enumerate(out):
            if existing["id"] == item["id"]:
                out[i] = merge(existing, item)
                break
        else:
            out.append(copy.deepcopy(item))
    return out


BASE: dict[str, Any] = {
    "name": "micro",
    "horizon": {"start": START.isoformat(), "days": 7},
    "skills": ["support", "escalation", "safety"],
    "shifts": [
        {"id": "early", "start": "06:00", "hours": 8},
        {"id": "mid", "start": "10:00", "hours": 8},
        {"id": "late", "start": "14:00", "hours": 8},
        {"id": "night", "start": "22:00", "hours": 8},
    ],
    "queues": [
        {"id": "chat", "skill": "support"},
        {"id": "esc", "skill": "escalation", "min_level": 3, "hard": True},
    ],
    "people": [
        {
            "id": "ana",
            "name": "Ana",
            "roles": ["agent", "rater"],
            "skills": {"support": 2, "escalation": 3, "safety": 3},
        },
        {
            # neither esc (needs 3) nor exp1 (needs safety 2): not hard-capable
            "id": "bob",
            "roles": ["agent", "rater"],
            "skills": {"support": 1, "escalation": 2, "safety": 1},
        },
    ],
    "batches": [
        {"id": "easy1", "items": 5000, "difficulty": "easy", "skill": "safety"},
        {"id": "exp1", "items": 1000, "difficulty": "expert", "skill": "safety", "min_level": 2},
    ],
    # Rotation limits out of the way unless a test sets them.
    "rules": {"max_hard_days_per_week": 7, "max_consecutive_hard_days": 7, "max_hard_share": 1.0},
}


def build(
    *,
    people: dict[str, dict[str, Any]] | None = None,
    extra_people: Sequence[dict[str, Any]] = (),
    shifts: Sequence[dict[str, Any]] = (),
    batches: list[dict[str, Any]] | None = None,
    demand: Sequence[dict[str, Any]] = (),
    rules: dict[str, Any] | None = None,
    weights: dict[str, Any] | None = None,
    horizon: dict[str, Any] | None = None,
    rates: dict[str, Any] | None = None,
) -> Instance:
    """The base instance with changes: people by id, shifts merged by id, batches replaced."""
    data = copy.deepcopy(BASE)
    data["people"] = _merge_by_id(
        data["people"], [{"id": pid, **fields} for pid, fields in (people or {}).items()]
    )
    data["people"] += list(extra_people)
    data["shifts"] = _merge_by_id(data["shifts"], shifts)
    if batches is not None:
        data["batches"] = batches
    data["demand"] = list(demand)
    data["rules"] = merge(data["rules"], rules or {})
    data["weights"] = weights or {}
    data["horizon"] = merge(data["horizon"], horizon or {})
    if rates is not None:
        data["rates"] = rates
    return Instance.model_validate(data)


def work(
    inst: Instance,
    person: str,
    day: int,
    shift: str,
    activity: str = "chat",
    grades: Sequence[tuple[str, int]] = (),
    hard: bool | None = None,
) -> list[Assignment]:
    """The rows of one shift, written as docs/rules.md says (hard flag recomputed here)."""
    template = inst.shift_by_id[shift]
    start, end = inst.shift_times(day, template)
    common: dict[str, Any] = {
        "date": inst.dates[day],
        "shift": shift,
        "start": start,
        "end": end,
        "person": person,
    }
    if activity != RATING:
        queue = inst.queue_by_id[activity]
        flag = queue.hard if hard is None else hard
        return [
            Assignment(
                **common, role=Role.agent, activity=activity, hours=template.hours, hard=flag
            )
        ]
    who = inst.person_by_id[person]
    flag = any(inst.batch_by_id[b].difficulty.is_hard and n > 0 for b, n in grades)
    if hard is not None:
        flag = hard
    rows = []
    used = 0
    for batch_id, items in grades:
        ms = items * inst.item_ms(who, inst.batch_by_id[batch_id])
        used += ms
        rows.append(
            Assignment(
                **common,
                role=Role.rater,
                activity=RATING,
                batch=batch_id,
                items=items,
                hours=ms / 3_600_000,
                hard=flag,
            )
        )
    left = template.minutes * 60_000 - used
    # the row for the time left over, only when at least a minute is left
    if left >= 60_000 or not rows:
        rows.append(
            Assignment(
                **common, role=Role.rater, activity=RATING, hours=left / 3_600_000, hard=flag
            )
        )
    return rows


def days(
    inst: Instance,
    person: str,
    day_list: Sequence[int],
    shift: str = "early",
    activity: str = "chat",
) -> list[Assignment]:
    return [row for d in day_list for row in work(inst, person, d, shift, activity)]


def rules_of(ev: Evaluation) -> set[str]:
    return {v.rule for v in ev.violations}


def penalty_sum(ev: Evaluation) -> float:
    return sum(g.penalty for g in ev.goals)


# ---- one case per way of breaking a rule -----------------------------------

Roster = Callable[[Instance], list[Assignment]]


@dataclass
class Case:
    id: str
    rule: str
    broken: Roster
    fixed: Roster
    changes: dict[str, Any] = field(default_factory=dict)
    fixed_changes: dict[str, Any] | None = None
    message: str = ""


def copy_rows(rows: list[Assignment], **update: Any) -> list[Assignment]:
    return [r.model_copy(update=update) for r in rows]


def easy(inst: Instance, person: str, day: int, items: int) -> list[Assignment]:
    return work(inst, person, day, "early", RATING, [("easy1", items)])


HIST_LAST_23 = {"ana": {"history": {"last_shift_end": "2026-11-29T23:00"}}}


def check_case(case: Case) -> None:
    """The broken roster breaks exactly the case's rule (with its message); the fixed
    one breaks none."""
    inst = build(**case.changes)
    broken = evaluate(inst, case.broken(inst))
    assert rules_of(broken) == {case.rule}, [str(v) for v in broken.violations]
    if case.message:
        assert any(case.message in v.message for v in broken.violations), [
            v.message for v in broken.violations
        ]
    fixed_inst = (
        inst if case.fixed_changes is None else build(**merge(case.changes, case.fixed_changes))
    )
    fixed = evaluate(fixed_inst, case.fixed(fixed_inst))
    assert fixed.violations == [], [str(v) for v in fixed.violations]
