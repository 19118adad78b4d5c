"""Every decision variable of the model, made in one place.

Rule modules read these and add only their own auxiliaries.

- `work[p, d, s, a]`: person p works shift s of day d on activity a (a queue or
  `rating`). Made wherever the hard rules allow it at all: the shift runs that
  day, the person is available and qualified, and the template allows the
  activity. The model's space of rosters is the checker's, with one reduction
  proven safe below (`possible_activities`).
- `on[p, d, s]`: p works shift s of day d (on some activity).
- `day_on[p, d]`: p works a shift starting on day d.
- `items[p, d, s, b]`: items of batch b that p grades in shift s of day d; made for
  released batches p is qualified for, on shifts where p may rate.
- `hard[p, d, s]`: the shift is hard (a hard queue, or any item of a hard batch),
  exactly; `hard_day[p, d]`: some shift of that day is hard.
- `hard_minutes[p, d, s]`: its hard minutes: all of it on a hard queue; on a
  rating shift the hard grading time rounded up to whole minutes, exactly:
      60 000 r >= sum_hard ms x items  and  60 000 r <= sum_hard ms x items + 59 999
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models import RATING, Instance, Person
from scheduler.checker import activities as checked

RULES = checked.RULES
"""The rule ids the variables hold: the checker's `activities` family declares them."""

Slot = tuple[str, int, str]
"""(person id, day index, shift id)."""


@dataclass
class Variables:
    work: dict[tuple[str, int, str, str], cp_model.IntVar] = field(default_factory=dict)
    on: dict[Slot, cp_model.IntVar] = field(default_factory=dict)
    day_on: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    items: dict[tuple[str, int, str, str], cp_model.IntVar] = field(default_factory=dict)
    grades_hard: dict[tuple[str, int, str, str], cp_model.IntVar] = field(default_factory=dict)
    hard: dict[Slot, cp_model.IntVar] = field(default_factory=dict)
    hard_minutes: dict[Slot, cp_model.LinearExprT] = field(default_factory=dict)
    hard_day: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)
    slots_of: dict[str, list[Slot]] = field(default_factory=lambda: defaultdict(list))
    unavailable: list[Slot] = field(default_factory=list)
    """Slots made only to be switched off by availability (when guarded)."""
    activities_of: dict[Slot, list[str]] = field(default_factory=dict)
    batches_of: dict[Slot, list[str]] = field(default_factory=dict)


def possible_activities(
    inst: Instance, person: Person, day: int, shift_id: str, named: Collection[str] = ()
) -> list[str]:
    """Activities a person could do in a shift, before any rule but qualification.

    Every queue the person is qualified for and the template allows is possible. A
    queue is *idle* in a shift when no per-shift demand row is in force for it there,
    its shift holds no interval with demand on it, and no fixed assignment names it:
    an agent there counts only as over demand, one agent-shift at `weights.overstaffed`
    (no row gives its own weight). Two idle queues of the same hardness are then
    interchangeable for every rule and goal of docs/rules.md: qualification and the
    template are checked here; hours, rest, days, runs and preferences see only the
    shift; the hard rules and the fairness goal see only whether the queue is hard
    (a hard queue's shift is hard for all its minutes); coverage pays the same weight
    for each. So of the idle queues only the first non-hard and the first hard one (in
    the instance's order) are offered: every roster the checker accepts has one of the
    same objective in the model, with the other idle queues renamed. `named` are
    activities a given roster puts the person on here (a published roster being
    re-planned), offered too so that it can be kept exactly. `tests/test_space.py`
    checks the reduction by enumeration.
    """
    shift = inst.shift_by_id[shift_id]
    demand = inst.demand_in_force
    fixed_here = {
        f.activity
        for f in person.fixed
        if f.shift == shift_id and f.activity is not None and day in inst.days_of(f.day)
    }
    out = []
    idle_kinds: set[bool] = set()
    for queue in inst.queues:
        if not inst.can_work_queue(person, queue) or not inst.allows(shift, queue.id):
            continue
        busy = (
            (queue.id, day, shift_id) in demand
            or queue.id in inst.interval_queues.get((day, shift_id), ())
            or queue.id in fixed_here
            or queue.id in named
        )
        if busy:
            out.append(queue.id)
        elif queue.hard not in idle_kinds:
            idle_kinds.add(queue.hard)
            out.append(queue.id)
    if "rater" in person.roles and inst.allows(shift, RATING):
        out.append(RATING)
    return out


def rating_batches(inst: Instance, person: Person, day: int) -> list[str]:
    return [b.id for b in inst.batches if inst.can_grade(person, b) and inst.release_day(b) <= day]


def make_variables(
    inst: Instance,
    model: cp_model.CpModel,
    guarded: bool = False,
    named: Collection[tuple[str, int, str, str]] = (),
) -> Variables:
    """Variables for every shift a person could work; with `guarded`, also for those they
    are unavailable for, so that availability becomes a rule that can be named. `named`
    are (person, day, shift, activity) work a given roster holds (`possible_activities`)."""
    v = Variables()
    named_at: dict[Slot, set[str]] = defaultdict(set)
    for p, d, s, a in named:
        named_at[(p, d, s)].add(a)
    for person in inst.people:
        off_days, off_slots = inst.unavailable_slots(person)
        for d in inst.day_range:
            if d in off_days and not guarded:
                continue
            day_slots = []
            for shift in inst.shifts:
                if not inst.runs_on(shift, d):
                    continue
                away = d in off_days or (d, shift.id) in off_slots
                if away and not guarded:
                    continue
                activities = possible_activities(
                    inst, person, d, shift.id, named_at.get((person.id, d, shift.id), ())
                )
                if not activities:
                    continue
                slot = (person.id, d, shift.id)
                if away:
                    v.unavailable.append(slot)
                v.slots_of[person.id].append(slot)
                v.activities_of[slot] = activities
                on = model.new_bool_var(f"on[{person.id},{d},{shift.id}]")
                v.on[slot] = on
                day_slots.append(on)
                doing = []
                for a in activities:
                    var = model.new_bool_var(f"work[{person.id},{d},{shift.id},{a}]")
                    v.work[(person.id, d, shift.id, a)] = var
                    doing.append(var)
                model.add(sum(doing) == on)
                if RATING in activities:
                    _make_items(inst, model, v, person, d, shift.id)
                _make_hard(inst, model, v, slot)
            if day_slots:
                day_on = model.new_bool_var(f"day_on[{person.id},{d}]")
                v.day_on[(person.id, d)] = day_on
                model.add_max_equality(day_on, day_slots)
                hard_slots = [v.hard[s] for s in v.slots_of[person.id] if s[1] == d and s in v.hard]
                if hard_slots:
                    hard_day = model.new_bool_var(f"hard_day[{person.id},{d}]")
                    v.hard_day[(person.id, d)] = hard_day
                    model.add_max_equality(hard_day, hard_slots)
    return v


def _make_items(
    inst: Instance, model: cp_model.CpModel, v: Variables, person: Person, d: int, shift_id: str
) -> None:
    shift_ms = inst.shift_by_id[shift_id].minutes * 60_000
    batches = rating_batches(inst, person, d)
    v.batches_of[(person.id, d, shift_id)] = batches
    for batch_id in batches:
        batch = inst.batch_by_id[batch_id]
        cap = min(batch.items, shift_ms // inst.item_ms(person, batch))
        if cap <= 0:
            continue
        key = (person.id, d, shift_id, batch_id)
        n = model.new_int_var(0, cap, f"items[{person.id},{d},{shift_id},{batch_id}]")
        v.items[key] = n
        if batch.difficulty.is_hard:
            graded = model.new_bool_var(f"grades_hard[{person.id},{d},{shift_id},{batch_id}]")
            v.grades_hard[key] = graded
            model.add(n >= 1).only_enforce_if(graded)
            model.add(n == 0).only_enforce_if(graded.Not())


def _make_hard(inst: Instance, model: cp_model.CpModel, v: Variables, slot: Slot) -> None:
    person_id, d, shift_id = slot
    reasons = [
        v.work[(person_id, d, shift_id, q)]
        for q in v.activities_of[slot]
        if q != RATING and inst.queue_by_id[q].hard
    ]
    reasons += [
        v.grades_hard[(person_id, d, shift_id, b)]
        for b in v.batches_of.get(slot, [])
        if (person_id, d, shift_id, b) in v.grades_hard
    ]
    if not reasons:
        return
    hard = model.new_bool_var(f"hard[{person_id},{d},{shift_id}]")
    v.hard[slot] = hard
    model.add_max_equality(hard, reasons)
    minutes = inst.shift_by_id[shift_id].minutes
    queue_minutes = [
        minutes * v.work[(person_id, d, shift_id, q)]
        for q in v.activities_of[slot]
        if q != RATING and inst.queue_by_id[q].hard
    ]
    person = inst.person_by_id[person_id]
    hard_ms = [
        inst.item_ms(person, inst.batch_by_id[b]) * v.items[(person_id, d, shift_id, b)]
        for b in v.batches_of.get(slot, [])
        if (person_id, d, shift_id, b) in v.grades_hard
    ]
    parts: list[cp_model.LinearExprT] = list(queue_minutes)
    if hard_ms:
        rounded = model.new_int_var(0, minutes, f"hard_grading_minutes[{person_id},{d},{shift_id}]")
        model.add(60_000 * rounded >= sum(hard_ms))
        model.add(60_000 * rounded <= sum(hard_ms) + 59_999)
        parts.append(rounded)
    v.hard_minutes[slot] = sum(parts)
