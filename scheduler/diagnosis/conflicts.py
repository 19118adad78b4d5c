"""Why a week cannot be staffed: a minimal set of hard rules that contradict each other.

The hard rules are built with every group of constraints (a rule of one person,
for one day or week where that matters) behind a guard literal
(`RosterModel.hard`), and solved with all guards assumed true. CP-SAT then names
a set of guards that cannot all hold (`sufficient_assumptions_for_infeasibility`);
dropping members one at a time while the rest still contradict leaves a minimal
set: switch any one of its rules off and the others can hold together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ortools.sat.python import cp_model

from models import Instance
from scheduler.cpsat import params
from scheduler.cpsat.context import Group
from scheduler.cpsat.model import build_model
from scheduler.diagnosis.budget import Budget, OutOfTimeError


@dataclass(frozen=True)
class Conflict:
    """One rule of a contradiction, named as a user would name it."""

    group: Group
    text: str

    @property
    def rule(self) -> str:
        return self.group[0]

    @property
    def person(self) -> str:
        return self.group[1]


def find_conflict(
    instance: Instance, time_limit: float = 30.0, seed: int = 0, budget: Budget | None = None
) -> list[Conflict] | None:
    """A minimal contradicting set of rule groups, or None when the rules can all hold.

    An empty list means infeasible for a reason outside the named rules. With a
    `budget`, each solve takes its time limit from it; once it is spent, the set found
    so far is returned (it still contradicts, but may not be minimal: `budget.spent`).
    """
    budget = budget or Budget(math.inf, time_limit)
    budget.say("looking for the rules that contradict each other")
    rm = build_model(instance, guarded=True)
    guards = rm.guards
    core = _core(rm.model, guards, list(guards), budget.seconds(), seed)
    if core is None:
        return None
    i = 0
    while i < len(core):
        try:
            seconds = budget.seconds()
        except OutOfTimeError:
            break
        smaller = _core(rm.model, guards, core[:i] + core[i + 1 :], seconds, seed)
        if smaller is None:
            i += 1  # this member is needed: without it the rest can hold
        else:
            core = smaller
    return [Conflict(g, describe(instance, g)) for g in core]


def rules_hold(instance: Instance, time_limit: float = 30.0, seed: int = 0) -> bool:
    """Whether every hard rule can hold together (not proven otherwise within the time)."""
    rm = build_model(instance, guarded=True)
    return _core(rm.model, rm.guards, list(rm.guards), time_limit, seed) is None


def holds_without(instance: Instance, drop: Group, time_limit: float = 30.0, seed: int = 0) -> bool:
    """Whether every hard rule but the `drop` group can hold together."""
    rm = build_model(instance, guarded=True)
    on = [group for group in rm.guards if group != drop]
    return _core(rm.model, rm.guards, on, time_limit, seed) is None


def _core(
    model: cp_model.CpModel,
    guards: dict[Group, cp_model.IntVar],
    among: list[Group],
    time_limit: float,
    seed: int,
) -> list[Group] | None:
    """None when the `among` groups can all hold; else the part CP-SAT names as enough."""
    model.clear_assumptions()
    model.add_assumptions([guards[g] for g in among])
    solver = params.assumptions(time_limit, seed)
    if solver.solve(model) != cp_model.INFEASIBLE:
        return None
    named = set(solver.sufficient_assumptions_for_infeasibility())
    core = [g for g in among if guards[g].index in named] or among
    return sorted(core, key=lambda g: (g[1], g[0], -1 if g[2] is None else g[2], g[3] or ""))


def _day(instance: Instance, d: int | None) -> str:
    return "" if d is None else f"{instance.dates[d]:%a %Y-%m-%d}"


def describe(instance: Instance, group: Group) -> str:
    """The rule group in the users' words, with its numbers."""
    rule, person_id, at, detail = group
    person = instance.person_by_id[person_id]
    who = person.display_name
    c = person.contract
    h = person.history
    day = _day(instance, at)
    texts = {
        "availability": f"{who}: unavailable on {day}",
        "fixed_assignment": f"{who}: fixed on {day} {detail}",
        "min_rest": f"{who}: at least {c.min_rest_hours:g} h rest between shifts",
        "min_rest:history": (
            f"{who}: at least {c.min_rest_hours:g} h rest after the last shift before the "
            f"horizon (ended {h.last_shift_end:%a %Y-%m-%d %H:%M})"
            if h.last_shift_end
            else f"{who}: rest after the last shift before the horizon"
        ),
        "one_shift_at_a_time": f"{who}: one shift at a time",
        "one_shift_at_a_time:history": (
            f"{who}: one shift at a time, and the last shift before the horizon ends "
            f"{h.last_shift_end:%a %Y-%m-%d %H:%M}"
            if h.last_shift_end
            else f"{who}: one shift at a time"
        ),
        "max_shifts_per_day": f"{who}: at most {c.max_shifts_per_day} shift(s) on {day}",
        "max_hours_per_week": f"{who}: at most {c.max_hours_per_week:g} h in the week of {day}",
        "max_days_per_week": f"{who}: at most {c.max_days_per_week} days in the week of {day}",
        "max_consecutive_days": (
            f"{who}: at most {c.max_consecutive_days} days in a row"
            + (
                f", {h.consecutive_days_worked} worked before the horizon"
                if h.consecutive_days_worked
                else ""
            )
        ),
        "min_consecutive_days": (
            f"{who}: at least {c.min_consecutive_days} days in a row once at work"
            + (
                f", {h.consecutive_days_worked} worked before the horizon"
                if h.consecutive_days_worked
                else ""
            )
        ),
        "min_consecutive_days_off": (
            f"{who}: at least {c.min_consecutive_days_off} days off in a row"
            + (
                f", {h.consecutive_days_off} off before the horizon"
                if h.consecutive_days_off
                else ""
            )
        ),
        "max_weekends": f"{who}: at most {c.max_weekends} weekend(s) worked",
        "max_hours_total": f"{who}: at most {c.max_hours_total or 0:g} h over the horizon",
        "min_hours_total": f"{who}: at least {c.min_hours_total or 0:g} h over the horizon",
        "shift_sequence": f"{who}: no shift right after one whose forbidden_next names it",
        "max_shifts_per_template": (
            f"{who}: at most {c.max_shifts.get(detail or '', 0)} {detail} shift(s)"
        ),
        "max_hard_days_per_week": (
            f"{who}: at most {instance.rules.max_hard_days_per_week} hard days in the week of {day}"
        ),
        "max_consecutive_hard_days": (
            f"{who}: at most {instance.rules.max_consecutive_hard_days} hard days in a row"
            + (f", {h.consecutive_hard_days} before the horizon" if h.consecutive_hard_days else "")
        ),
        "max_hard_share": (
            f"{who}: at most {instance.rules.max_hard_share:.0%} of the hours hard in the week "
            f"of {day}"
        ),
    }
    if f"{rule}:{detail}" in texts:
        return texts[f"{rule}:{detail}"]
    return texts.get(rule, f"{who}: {rule} {day} {detail or ''}".strip())
