"""Fixes: for each shortfall or contradiction, the least change of each kind that removes it.

A fix is a set of patch operations (`models.patch`, the language of `roster whatif`
scenarios), naming people, batches and demand rows by id or key, so that it applies
to the instance whatever file its lists came from. Every fix is proposed only after
CP-SAT found, for the changed instance, a roster that keeps every hard rule, has none
of the shortfall it targets and no other shortfall worse than the roster checked
(`meets`); for a contradiction, after its rules were shown to hold together. A fix is
what makes it fit, never a trade of the shortfall against a price.

Each limit is searched over its whole range by bisection for the least change that
fits (a later deadline, fewer graders per item, a lower service level, a looser
rotation rule, a contract limit), on the ground that loosening a limit further never
makes a week harder to staff. Where no value of the range fits, a note says so.

Extra people are sized by a model of their own (`extra_people`): hypothetical people
available all horizon are added, the target's shortfall is required to be zero and
every other shortfall no worse than in the roster found, and the number of shifts they
work is minimised (then their minutes), with no other goal: the extra people take no
part in fairness, preferences or minimum hours. Each extra person used becomes, in the
fix, a person fixed on exactly the shifts the model gave them and unavailable on the
other days, so that the days in the text and in the change agree.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any

from ortools.sat.python import cp_model

from models import RATING, Evaluation, Instance
from models.instance import Requirement
from models.patch import PatchError, instance_data, patched, row_key
from scheduler.cpsat import params
from scheduler.cpsat.context import RosterModel
from scheduler.cpsat.model import build_model
from scheduler.cpsat.signals import hold_signals
from scheduler.cpsat.solve import SolveOptions
from scheduler.diagnosis.budget import Budget, OutOfTimeError
from scheduler.diagnosis.conflicts import Conflict, rules_hold
from scheduler.diagnosis.reasons import duration


@dataclass
class Fix:
    kind: str
    target: str
    sentence: str
    operations: dict[str, Any]
    """Patch operations (`models.patch`): a `roster whatif` scenario's operations."""
    figures: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "target": self.target,
            "sentence": self.sentence,
            "changes": self.operations,
            "figures": self.figures,
            "verified": True,
        }

    def scenario(self, number: int) -> dict[str, Any]:
        """The fix as a `roster whatif` scenario (docs/whatif.md)."""
        name = f"fix-{number}-{self.kind}-{self.target}"[:64]
        return {"name": name, "description": self.sentence, **self.operations}


@dataclass(frozen=True)
class Target:
    """A shortfall to remove: a late batch, or a queue short of agents."""

    kind: str
    """"batch" or "queue"."""
    id: str

    def left(self, evaluation: Evaluation) -> int:
        """Gradings late, or agent-shifts and agent-intervals short, in a roster."""
        if self.kind == "batch":
            return sum(b.late for b in evaluation.batches if b.batch == self.id)
        return sum(r.short for r in evaluation.coverage if r.queue == self.id)


def _day(date: dt.date) -> str:
    return f"{date:%a %Y-%m-%d}"


def first_fitting(values: list[Any], fits: Callable[[Any], bool]) -> Any | None:
    """The first of `values` (ordered from the smallest change to the largest) that
    fits, by bisection, when fitting is monotone along them; None when none does."""
    i = least(0, len(values) - 1, lambda k: fits(values[k]))
    return None if i is None else values[i]


def least(low: int, high: int, fits: Callable[[int], bool]) -> int | None:
    """The least value in [low, high] that fits, when fitting is monotone (once a value
    fits, every larger one does); None when even `high` does not."""
    if low > high or not fits(high):
        return None
    while low < high:
        middle = (low + high) // 2
        if fits(middle):
            high = middle
        else:
            low = middle + 1
    return high


# ---- solving a changed instance ------------------------------------------------------


class _Prober:
    """Applies operations and says whether the target can then be met (`meets`)."""

    def __init__(
        self, instance: Instance, now: Evaluation, options: SolveOptions, budget: Budget
    ) -> None:
        self.instance = instance
        self.now = now
        self.options = options
        self.budget = budget
        self._seen: dict[str, bool] = {}

    def timed(self) -> SolveOptions:
        """The options of the next solve, its time limit the budget's (`OutOfTimeError` once
        the budget is spent)."""
        return replace(self.options, time_limit=self.budget.seconds())

    def fits(self, operations: dict[str, Any], target: Target) -> bool:
        key = repr((sorted(operations.items(), key=str), target))
        if key not in self._seen:
            try:
                changed = patched(self.instance, operations)
            except PatchError:
                self._seen[key] = False
            else:
                self._seen[key] = meets(changed, target, self.now, self.timed())
        return self._seen[key]


def shortfall_model(changed: Instance, target: Target, now: Evaluation) -> RosterModel:
    """The roster model of a changed instance in which the target's shortfall is zero and
    every other shortfall (per requirement, per batch) no worse than in `now`."""
    rm = build_model(changed)
    model, v = rm.model, rm.vars
    short_now = {
        (r.queue, r.date, r.shift, None if r.shift else r.start): r.short for r in now.coverage
    }
    on_queue: dict[tuple[str, int, str], list[Any]] = defaultdict(list)
    for (_, d, s, a), x in v.work.items():
        on_queue[(a, d, s)].append(x)
    for req in changed.requirements:
        key = (req.queue, changed.dates[req.day], req.shift, None if req.shift else req.start)
        allowed = 0 if target == Target("queue", req.queue) else short_now.get(key, 0)
        if req.agents - allowed > 0:
            model.add(_cover_expr(changed, on_queue, req) >= req.agents - allowed)
    late_now = {b.batch: b.late for b in now.batches}
    done_by: dict[str, list[Any]] = defaultdict(list)
    for (_, d, _, b), x in v.items.items():
        if d <= changed.deadline_day(changed.batch_by_id[b]):
            done_by[b].append(x)
    for batch in changed.batches:
        if changed.deadline_day(batch) >= changed.horizon.days:
            continue  # cannot be late within the horizon
        allowed = 0 if target == Target("batch", batch.id) else late_now.get(batch.id, 0)
        if batch.required - allowed > 0:
            model.add(sum(done_by[batch.id]) >= batch.required - allowed)
    return rm


def _solver(options: SolveOptions) -> cp_model.CpSolver:
    return params.solver(options.time_limit or 20.0, options.workers or 1, options.seed)


def meets(changed: Instance, target: Target, now: Evaluation, options: SolveOptions) -> bool:
    """Whether a roster of the changed instance keeps every hard rule, has none of the
    target's shortfall and no other shortfall worse than `now` (found by CP-SAT within
    the time limit: a feasibility search, which stops at the first such roster)."""
    rm = shortfall_model(changed, target, now)
    rm.model.clear_objective()  # type: ignore[no-untyped-call]
    status = _solver(options).solve(rm.model)
    return status in (cp_model.OPTIMAL, cp_model.FEASIBLE)


# ---- fixes for shortfalls -------------------------------------------------------------


def shortfall_fixes(
    instance: Instance,
    evaluation: Evaluation,
    options: SolveOptions,
    notes: list[str],
    budget: Budget | None = None,
) -> list[Fix]:
    """Fixes for each shortfall; `notes` gathers what was tried and found not to help.
    With a `budget`, the search stops when it is spent and keeps what it found."""
    budget = budget or Budget(math.inf, options.time_limit or 20.0)
    probe = _Prober(instance, evaluation, options, budget)
    targets = [Target("batch", row.batch) for row in evaluation.batches if row.late]
    targets += [
        Target("queue", q) for q in sorted({r.queue for r in evaluation.coverage if r.short})
    ]
    fixes: list[Fix] = []
    for number, target in enumerate(targets, 1):
        try:
            budget.say(
                f"looking for fixes to {target.kind} {target.id}, {number} of {len(targets)}"
            )
            _target_fixes(probe, target, evaluation, notes, fixes)
        except (OutOfTimeError, KeyboardInterrupt) as stop:
            left = ", ".join(f"{t.kind} {t.id}" for t in targets[number:])
            why = (
                f"stopped at its time limit ({budget.total:g} s)"
                if isinstance(stop, OutOfTimeError)
                else "was stopped"
            )
            if isinstance(stop, KeyboardInterrupt):
                hold_signals()  # the fixes found so far are written, not lost
            notes.append(
                f"The search for fixes {why} while looking at {target.kind} {target.id}"
                + (f"; {left} not looked at." if left else ".")
                + (
                    " A longer time limit may find more."
                    if isinstance(stop, OutOfTimeError)
                    else ""
                )
            )
            break
    return fixes


def _target_fixes(
    probe: _Prober, target: Target, evaluation: Evaluation, notes: list[str], fixes: list[Fix]
) -> None:
    """The target's fixes, added to `fixes` as each is found (so that a search stopped
    by its budget keeps them)."""
    instance = probe.instance
    if target.kind == "batch":
        for make in (_later_deadline, _fewer_graders):
            found = make(probe, target, evaluation, notes)
            if found is not None:
                fixes.append(found)
        fixes += _extra_people_fix(probe, target, evaluation, notes)
        if instance.batch_by_id[target.id].difficulty.is_hard:
            fixes += _rotation_fixes(probe, target, notes)
        return
    fixes += _extra_people_fix(probe, target, evaluation, notes)
    found = _lower_service_level(probe, target, notes)
    if found is not None:
        fixes.append(found)
    if instance.queue_by_id[target.id].hard:
        fixes += _rotation_fixes(probe, target, notes)


def _later_deadline(
    probe: _Prober, target: Target, evaluation: Evaluation, notes: list[str]
) -> Fix | None:
    instance = probe.instance
    batch = instance.batch_by_id[target.id]
    row = next(b for b in evaluation.batches if b.batch == target.id)
    first = instance.deadline_day(batch) + 1
    last = instance.horizon.days - 1
    if first > last:
        return None

    def ops(day: int) -> dict[str, Any]:
        return {"deadlines": {batch.id: instance.dates[day].isoformat()}}

    day = least(first, last, lambda d: probe.fits(ops(d), target))
    if day is None:
        notes.append(f"No later deadline within the horizon lets {batch.id} finish in time.")
        return None
    date = instance.dates[day]
    old = f"{_day(row.deadline)} to " if row.deadline is not None else ""
    return Fix(
        "later_deadline",
        batch.id,
        f"Move the deadline of {batch.id} from {old}{_day(date)}: the earliest day all "
        f"{row.required:,} gradings are done in time.",
        ops(day),
        {"deadline": date.isoformat()},
    )


def _fewer_graders(
    probe: _Prober, target: Target, evaluation: Evaluation, notes: list[str]
) -> Fix | None:
    batch = probe.instance.batch_by_id[target.id]
    if batch.graders <= 1:
        return None

    def ops(graders: int) -> dict[str, Any]:
        return {"set": {f"batches.{batch.id}.graders": graders}}

    # the most graders per item that fits: the least "graders removed"
    removed = least(1, batch.graders - 1, lambda k: probe.fits(ops(batch.graders - k), target))
    if removed is None:
        notes.append(f"Even one grader per item does not let {batch.id} finish in time.")
        return None
    graders = batch.graders - removed
    return Fix(
        "fewer_graders",
        batch.id,
        f"Grade {batch.id} by {graders} instead of {batch.graders} people per item: it is "
        "then done by its deadline.",
        ops(graders),
        {"graders": graders},
    )


def _lower_service_level(probe: _Prober, target: Target, notes: list[str]) -> Fix | None:
    instance = probe.instance
    rows = [
        i
        for i, row in enumerate(instance.demand)
        if row.forecast is not None and target.id in {t for t, _ in row.targets()}
    ]
    if not rows:
        return None
    data = instance_data(instance)["demand"]
    keys = [row_key(data[i]) for i in rows]
    paths = [k if keys.count(k) == 1 and k else str(i) for k, i in zip(keys, rows, strict=True)]
    current = max(instance.demand[i].forecast.service_level for i in rows)  # type: ignore[union-attr]
    now = round(100 * current)

    def ops(percent: int) -> dict[str, Any]:
        return {"set": {f"demand.{p}.forecast.service_level": percent / 100 for p in paths}}

    # whole percents from the promise down to 50 %: the least lowering that fits
    drop = least(1, now - 50, lambda k: probe.fits(ops(now - k), target))
    if drop is None:
        notes.append(f"No service level down to 50 % lets the people on {target.id} cover it.")
        return None
    level = (now - drop) / 100
    return Fix(
        "lower_service_level",
        target.id,
        f"Promise {level:.0%} answered in time on {target.id} instead of {current:.0%}: "
        "the people there now cover it.",
        ops(now - drop),
        {"service_level": level},
    )


_ROTATION: list[tuple[str, str]] = [
    ("max_hard_days_per_week", "hard days a week"),
    ("max_consecutive_hard_days", "hard days in a row"),
    ("max_hard_share", "hard share of a week's hours"),
]


def _join_words(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} or {parts[-1]}"


def _rules_fit(probe: _Prober, target: Target, name: str, value: Any) -> bool:
    return probe.fits({"rules": {name: value}}, target)


def _rotation_fixes(probe: _Prober, target: Target, notes: list[str]) -> list[Fix]:
    """Each hard-case rotation limit loosened alone, by the least that lets the target fit."""
    instance = probe.instance
    fixes = []
    tried: list[str] = []
    for name, words in _ROTATION:
        now = getattr(instance.rules, name)
        if name == "max_hard_share":
            values: list[Any] = [p / 100 for p in range(round(100 * now) + 1, 101)]
        else:
            top = 7 if name == "max_hard_days_per_week" else instance.horizon.days
            values = list(range(now + 1, top + 1))
        found = first_fitting(values, partial(_rules_fit, probe, target, name))
        if found is None:
            if values:
                tried.append(f"{words} (rules.{name})")
            continue
        shown = (lambda x: f"{round(100 * x)} %") if name == "max_hard_share" else str
        outcome = "on time" if target.kind == "batch" else "covered"
        fixes.append(
            Fix(
                "relax_rotation",
                target.id,
                f"Allow {shown(found)} {words} instead of {shown(now)} (rules.{name}): "
                f"{target.id} is then {outcome}.",
                {"rules": {name: found}},
                {name: found},
            )
        )
    if tried:
        notes.append(f"Loosening alone the {_join_words(tried)} does not close {target.id}.")
    return fixes


# ---- extra people ----------------------------------------------------------------------

EXTRA_PEOPLE = 10
"""At most this many hypothetical people are offered to the sizing model."""


def _extra_people_fix(
    probe: _Prober, target: Target, evaluation: Evaluation, notes: list[str]
) -> list[Fix]:
    sized = extra_people(probe.instance, evaluation, target, probe.timed())
    if isinstance(sized, str):
        notes.append(sized)
        return []
    fix, proven = sized
    if not probe.fits(fix.operations, target):  # the people as written, fixed on their days
        notes.append(
            f"The {fix.figures['shifts_added']} extra shifts sized for {target.id} did not "
            "close it once fixed on their days."
        )
        return []
    if proven:
        fix.sentence += " No fewer shifts close it."
    else:
        fix.sentence += " (Fewer shifts may do: no fewer were ruled out within the time limit.)"
    fix.figures["least_proven"] = proven
    return [fix]


def _pool(instance: Instance, target: Target, evaluation: Evaluation) -> list[dict[str, Any]]:
    """Hypothetical people for a target: qualified for it, and for every queue (an agent)
    or every batch skill (a rater), so that they can also free someone who is."""
    taken = {p.id for p in instance.people}
    if target.kind == "batch":
        batch = instance.batch_by_id[target.id]
        skills: dict[str, int] = {}
        for b in instance.batches:
            skills[b.skill] = max(skills.get(b.skill, 1), b.min_level)
        late = target.left(evaluation)
        longest = max(
            (s.minutes for s in instance.shifts if instance.allows(s, RATING)), default=480
        )
        minutes = late * 60 / instance.rates.per_hour(batch.difficulty)
        count = min(EXTRA_PEOPLE, 2 * math.ceil(minutes / longest) + 1)
        role, kind = "rater", batch.skill
    else:
        skills = {}
        for q in instance.queues:
            skills[q.skill] = max(skills.get(q.skill, 1), q.min_level)
        most = max(r.short for r in evaluation.coverage if r.queue == target.id)
        count = min(EXTRA_PEOPLE, most + 2)
        role, kind = "agent", target.id
    out: list[dict[str, Any]] = []
    k = 0
    while len(out) < count:
        k += 1
        pid = f"extra-{kind}-{k}"
        if pid not in taken:
            out.append(
                {
                    "id": pid,
                    "name": f"extra {kind} {role} {k}",
                    "roles": [role],
                    "skills": skills,
                }
            )
    return out


def _cover_expr(
    instance: Instance, on_queue: dict[tuple[str, int, str], list[Any]], req: Requirement
) -> Any:
    """The agents a requirement counts in the model (every shift that holds it)."""
    slots = [(req.day, req.shift)] if req.shift is not None else instance.covering_shifts(req)
    return sum(x for d, s in slots for x in on_queue.get((req.queue, d, s), []))


def extra_people(
    instance: Instance, evaluation: Evaluation, target: Target, options: SolveOptions
) -> tuple[Fix, bool] | str:
    """The fewest shifts of hypothetical people that remove the target's shortfall while
    leaving no other shortfall worse (the fix, and whether that count is proven least),
    or a note saying why there is none."""
    pool = _pool(instance, target, evaluation)
    extended = patched(instance, {"add_people": pool})
    rm = shortfall_model(extended, target, evaluation)
    model, v = rm.model, rm.vars
    extra_ids = [e["id"] for e in pool]
    slots = [s for pid in extra_ids for s in v.slots_of[pid]]
    minutes = {s: extended.shift_by_id[s[2]].minutes for s in slots}
    most_minutes = sum(minutes.values()) + 1
    # the fewest shifts first, then the fewest minutes among them
    model.minimize(sum((most_minutes + minutes[s]) * v.on[s] for s in slots))
    solver = _solver(options)
    status = solver.solve(model)
    noun = "gradings late" if target.kind == "batch" else "shortfall"
    if status == cp_model.INFEASIBLE:
        return (
            f"Even {len(pool)} more people qualified for {target.id}, available all horizon, "
            f"cannot remove its {noun} within the rules."
        )
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return f"No staffing by extra people for {target.id} was found within the time limit."
    worked = [s for s in slots if solver.boolean_value(v.on[s])]
    activities = {
        s: next(a for a in v.activities_of[s] if solver.boolean_value(v.work[(*s, a)]))
        for s in worked
    }
    return _extra_fix(instance, target, evaluation, pool, worked, activities), (
        status == cp_model.OPTIMAL
    )


def _extra_fix(
    instance: Instance,
    target: Target,
    evaluation: Evaluation,
    pool: list[dict[str, Any]],
    worked: list[tuple[str, int, str]],
    activities: dict[tuple[str, int, str], str],
) -> Fix:
    people = []
    for person in pool:
        mine = sorted((d, s) for p, d, s in worked if p == person["id"])
        if not mine:
            continue
        days = {d for d, _ in mine}
        people.append(
            {
                **person,
                "fixed": [{"day": instance.dates[d].isoformat(), "shift": s} for d, s in mine],
                "unavailable": [
                    {"day": instance.dates[d].isoformat()}
                    for d in instance.day_range
                    if d not in days
                ],
            }
        )
    shifts = sorted(worked, key=lambda s: (s[1], s[2], s[0]))
    lengths = sorted({instance.shift_by_id[s].hours for _, _, s in shifts})
    length = " or ".join(f"{h:g} h" for h in lengths)
    places = Counter(
        f"{_day(instance.dates[d])} {s}"
        + ("" if activities[(p, d, s)] == RATING else f" on {activities[(p, d, s)]}")
        for p, d, s in shifts
    )
    where = ", ".join(place + (f" ×{n}" if n > 1 else "") for place, n in places.items())
    role = "rater" if target.kind == "batch" else "agent"
    skills = ", ".join(f"{k} {lvl}" for k, lvl in pool[0]["skills"].items())
    more = f"{len(people)} more {role}{'s' if len(people) > 1 else ''} ({skills})"
    count = len(shifts)
    shifts_text = f"{count} {'rating ' if target.kind == 'batch' else ''}shift"
    shifts_text += "s" if count > 1 else ""
    figures: dict[str, Any] = {
        "shifts_added": count,
        "hours_added": sum(instance.shift_by_id[s].hours for _, _, s in shifts),
        "people": len(people),
        "shifts": [f"{instance.dates[d].isoformat()} {s}" for _, d, s in shifts],
    }
    if target.kind == "batch":
        batch = instance.batch_by_id[target.id]
        late = target.left(evaluation)
        rate = instance.rates.per_hour(batch.difficulty)
        need = late * 60 / rate
        figures.update(gradings=late, grading_minutes=math.ceil(need - 1e-9))
        level = f" (level ≥ {batch.min_level})" if batch.min_level > 1 else ""
        sentence = (
            f"{duration(need)} of {batch.difficulty.value} {batch.skill}{level} grading "
            f"({late:,} grading{'s' if late != 1 else ''} at {rate:g} an hour) is missing by "
            "the deadline of "
            f"{batch.id}: add {shifts_text} of {length} ({where}) by {more}."
        )
    else:
        short = target.left(evaluation)
        figures.update(short=short)
        sentence = (
            f"{target.id} is {short:,} short: add {shifts_text} of {length} ({where}) by {more}."
        )
    return Fix("extra_people", target.id, sentence, {"add_people": people}, figures)


# ---- fixes for contradictions -----------------------------------------------------------


@dataclass(frozen=True)
class _Limit:
    """A limit a contradiction may be fixed by loosening: where it is and its range."""

    path: str
    """Dotted path below the person (`contract.min_rest_hours`), or below `rules`."""
    words: str
    lowest: float
    highest: float
    step: float
    """The unit searched in: a minute (1/60 h), an hour, a day, a percent."""
    loosen_up: bool
    """True when a larger value is looser."""


def _contract_limits(instance: Instance, rule: str, detail: str | None) -> list[_Limit]:
    days = instance.horizon.days
    minute = 1 / 60
    table: dict[str, _Limit] = {
        "min_rest": _Limit("contract.min_rest_hours", "min rest", 0, 48, minute, False),
        "max_consecutive_days": _Limit(
            "contract.max_consecutive_days", "days in a row", 1, days + 31, 1, True
        ),
        "min_consecutive_days": _Limit(
            "contract.min_consecutive_days", "minimum days in a row", 1, days, 1, False
        ),
        "min_consecutive_days_off": _Limit(
            "contract.min_consecutive_days_off", "minimum days off in a row", 1, days, 1, False
        ),
        "max_days_per_week": _Limit("contract.max_days_per_week", "days a week", 0, 7, 1, True),
        "max_hours_per_week": _Limit(
            "contract.max_hours_per_week", "hours a week", 0, 168, minute, True
        ),
        "max_weekends": _Limit(
            "contract.max_weekends", "weekends", 0, len(instance.weekends()), 1, True
        ),
        "max_shifts_per_day": _Limit("contract.max_shifts_per_day", "shifts a day", 1, 4, 1, True),
        "max_hours_total": _Limit(
            "contract.max_hours_total", "maximum hours over the horizon", 0, 24 * days, minute, True
        ),
        "min_hours_total": _Limit(
            "contract.min_hours_total",
            "minimum hours over the horizon",
            0,
            24 * days,
            minute,
            False,
        ),
    }
    if rule == "max_shifts_per_template" and detail:
        return [_Limit(f"contract.max_shifts.{detail}", f"{detail} shifts", 0, days, 1, True)]
    return [table[rule]] if rule in table else []


_RULE_LIMITS: dict[str, _Limit] = {
    "max_hard_days_per_week": _Limit("max_hard_days_per_week", "hard days a week", 0, 7, 1, True),
    "max_consecutive_hard_days": _Limit(
        "max_consecutive_hard_days", "hard days in a row", 1, 28, 1, True
    ),
    "max_hard_share": _Limit("max_hard_share", "hard share", 0, 1, 0.01, True),
}


def _current(data: dict[str, Any], path: str) -> Any:
    node: Any = data
    for part in path.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _set_holds(holds: Callable[[dict[str, Any]], bool], path: str, value: Any) -> bool:
    return holds({"set": {path: value}})


def _loosened(limit: _Limit, now: float) -> list[Any]:
    """Every value of the limit looser than `now`, from the least change to the most:
    whole steps, so that a minute stays a whole minute (509 / 60 h, not 8.483333)."""
    per = round(1 / limit.step)  # steps in a unit: 60 a minute, 100 a percent, 1 a day
    here, edge = round(now * per), round((limit.highest if limit.loosen_up else limit.lowest) * per)
    sign = 1 if limit.loosen_up else -1
    steps = range(here + sign, edge + sign, sign)
    return [n if per == 1 else n / per for n in steps]


def _show_value(limit: _Limit, value: float) -> str:
    if limit.step == 0.01:
        return f"{round(100 * value)} %"
    if limit.step < 1:
        return duration(60 * value) if value else "0 h"
    return f"{value:g}"


def conflict_fixes(
    instance: Instance,
    conflicts: list[Conflict],
    options: SolveOptions,
    notes: list[str],
    budget: Budget | None = None,
) -> list[Fix]:
    """For each rule of the contradiction, the least loosening of it that lets all hold.
    With a `budget`, the search stops when it is spent and keeps what it found."""
    budget = budget or Budget(math.inf, options.time_limit or 20.0)

    def holds(operations: dict[str, Any]) -> bool:
        try:
            changed = patched(instance, operations)
        except PatchError:
            return False
        return rules_hold(changed, budget.seconds(), options.seed)

    fixes: list[Fix] = []
    for number, conflict in enumerate(conflicts, 1):
        try:
            budget.say(f"looking for fixes to the contradiction, rule {number} of {len(conflicts)}")
            _conflict_fixes(instance, conflict, holds, notes, fixes)
        except (OutOfTimeError, KeyboardInterrupt) as stop:
            if isinstance(stop, KeyboardInterrupt):
                hold_signals()  # the fixes found so far are written, not lost
                why = "was stopped"
            else:
                why = f"stopped at its time limit ({budget.total:g} s)"
            notes.append(
                f"The search for fixes {why} at rule {number} of {len(conflicts)} of the "
                "contradiction."
            )
            break
    return fixes


def _conflict_fixes(
    instance: Instance,
    conflict: Conflict,
    holds: Callable[[dict[str, Any]], bool],
    notes: list[str],
    fixes: list[Fix],
) -> None:
    data = instance_data(instance)
    rule, person_id, at, detail = conflict.group
    person = instance.person_by_id[person_id]
    who = person.display_name
    if rule == "fixed_assignment" and at is not None:
        kept = [
            f.model_dump(mode="json", exclude_none=True)
            for f in person.fixed
            if not (f.shift == detail and at in instance.days_of(f.day))
        ]
        ops = {"set": {f"people.{person_id}.fixed": kept}}
        if holds(ops):
            fixes.append(
                Fix(
                    "drop_fixed",
                    conflict.text,
                    f"Drop {who}'s fixed {detail} shift on {_day(instance.dates[at])}.",
                    ops,
                )
            )
        return
    if rule in _RULE_LIMITS:
        limits, base, owner = [_RULE_LIMITS[rule]], "rules", "the rule"
        person_data: dict[str, Any] = data.get("rules", {})
        defaults = instance.rules.model_dump()
    else:
        limits = _contract_limits(instance, rule, detail)
        base, owner = f"people.{person_id}", f"{who}'s"
        person_data = next(p for p in data["people"] if p["id"] == person_id)
        defaults = {"contract": person.contract.model_dump()}
    if not limits:
        notes.append(f"No loosening of '{conflict.text}' is tried: it is not a limit.")
        return
    for limit in limits:
        now = _current(person_data, limit.path)
        if now is None:
            now = _current(defaults, limit.path)
        if now is None:
            continue
        values = _loosened(limit, now)
        path = f"{base}.{limit.path}"
        found = first_fitting(values, partial(_set_holds, holds, path))
        if found is None:
            if values:
                notes.append(
                    f"Loosening {owner} {limit.words} alone, even to "
                    f"{_show_value(limit, values[-1])}, does not let the rules hold."
                )
            continue
        fixes.append(
            Fix(
                "relax_rule",
                conflict.text,
                f"Set {owner} {limit.words} to {_show_value(limit, found)} (now "
                f"{_show_value(limit, now)}): the least change that lets every rule hold.",
                {"set": {path: found}},
                {limit.path: found},
            )
        )
