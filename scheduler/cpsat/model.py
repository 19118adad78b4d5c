"""The CP-SAT model of a roster: variables, hard rules and named goals.

The order in which rule families are added lives here and only here.
The objective is the sum of the goals' penalties. Internally every penalty is
multiplied by `SCALE` (6,000, `scheduler.cpsat.context`) so that goals counted in
hours are exact in minutes and costs in cents; reported figures divide it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from ortools.sat.python import cp_model

from models import Instance
from scheduler.cpsat.context import GoalTerm, RosterModel
from scheduler.cpsat.rules import (
    availability,
    batch_deadlines,
    consecutive_days,
    cost,
    demand_coverage,
    hard_case_rotation,
    hard_fairness,
    item_grading,
    min_hours,
    min_rest,
    preferences,
    shift_limits,
    shift_sequences,
    weekends,
    working_time,
)
from scheduler.cpsat.variables import make_variables

HARD_RULES: list[Callable[[RosterModel], None]] = [
    availability.add,
    min_rest.add,
    shift_sequences.add,
    working_time.add,
    consecutive_days.add,
    weekends.add,
    shift_limits.add,
    item_grading.add,
    hard_case_rotation.add,
]
"""Hard rule families, in the order they are added."""

GOALS: list[Callable[[RosterModel], list[GoalTerm]]] = [
    demand_coverage.goals,
    batch_deadlines.goals,
    hard_fairness.goals,
    preferences.goals,
    min_hours.goals,
    cost.goals,
]
"""Goal families, in the priority order of the goals in docs/rules.md."""


def build_model(
    instance: Instance,
    guarded: bool = False,
    named: Collection[tuple[str, int, str, str]] = (),
) -> RosterModel:
    """The full model; with `guarded`, only the hard rules, each group behind a guard.

    `named`: (person, day index, shift, activity) work of a roster the model must be able
    to keep exactly (`scheduler.cpsat.variables.possible_activities`)."""
    model = cp_model.CpModel()
    variables = make_variables(instance, model, guarded=guarded, named=named)
    roster_model = RosterModel(instance, model, variables, guarded=guarded)
    for add_rule in HARD_RULES:
        add_rule(roster_model)
    if guarded:
        return roster_model
    for add_goals in GOALS:
        roster_model.goals.extend(add_goals(roster_model))
    model.minimize(roster_model.objective())
    return roster_model
