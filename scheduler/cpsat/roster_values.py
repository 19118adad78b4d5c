"""A solver's values read back as goal figures and roster rows (docs/rules.md, "Roster rows").

Any solver whose response holds values for the model's variables will do: the
main search's, or a neighbourhood step's on a clone of the model (`scheduler.cpsat.search.lns`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import FlatIntExpr

from models import RATING, Assignment, GoalFigure
from models.roster import shift_rows
from scheduler.cpsat.context import SCALE, RosterModel


class Solution(Protocol):
    """What the readers below need of a solver: the value of a variable or expression."""

    def value(self, expression: cp_model.LinearExprT) -> int: ...

    def boolean_value(self, literal: cp_model.IntVar) -> bool: ...


class Values:
    """A roster held as every variable's value (by index), read like a solver.

    The best roster of a solve is read from the values the search kept for it
    (`scheduler.cpsat.search.lns.Incumbent`), never from whichever solver ran last, so that its
    rows and its objective are of one and the same roster."""

    def __init__(self, values: list[int]) -> None:
        self._values = values

    def value(self, expression: cp_model.LinearExprT) -> int:
        if not isinstance(expression, cp_model.LinearExpr):
            return int(expression)
        flat = FlatIntExpr(expression)
        return int(
            flat.offset
            + sum(c * self._values[v.index] for v, c in zip(flat.vars, flat.coeffs, strict=True))
        )

    def boolean_value(self, literal: cp_model.IntVar) -> bool:
        return bool(self.value(literal))


class ObjectiveAt:
    """A model's objective at a solution, summed exactly from the solution's values.

    Rosters are ranked and reported by this, never by the solver's `objective_value`:
    on the demo week (one worker, 5 s), CP-SAT 9.15 handed its callback a roster whose
    objective is 14,359,200 units with an `objective_value` of 14,383,200; the goals
    read off the same values, and the checker, agree with the first
    (benchmarks/README.md, *The solver's objective value*).
    """

    def __init__(self, model: cp_model.CpModel) -> None:
        objective = model.proto.objective
        self._terms = list(zip(objective.vars, objective.coeffs, strict=True))
        self._offset = int(objective.offset)

    def __call__(self, solution: Sequence[int]) -> int:
        total = self._offset
        for ref, coeff in self._terms:
            total += coeff * (solution[ref] if ref >= 0 else -solution[-ref - 1])
        return total


def goal_figures(rm: RosterModel, solver: Solution) -> list[GoalFigure]:
    return [
        GoalFigure(
            name=g.name,
            label=g.label,
            unit=g.unit,
            value=solver.value(g.figure) / g.divisor,
            penalty=solver.value(g.penalty) / SCALE,
        )
        for g in rm.goals
    ]


def extract_roster(rm: RosterModel, solver: Solution) -> list[Assignment]:
    """Roster rows from the solver's values (docs/rules.md, "Roster rows";
    `models.roster.shift_rows` writes them)."""
    inst, v = rm.instance, rm.vars
    rows: list[Assignment] = []
    for (p, d, s, activity), x in v.work.items():
        if not solver.boolean_value(x):
            continue
        items: dict[str, int] = {}
        if activity == RATING:
            for b in v.batches_of.get((p, d, s), []):
                n_var = v.items.get((p, d, s, b))
                items[b] = solver.value(n_var) if n_var is not None else 0
        made = shift_rows(inst, p, d, s, activity, items)
        hard_var = v.hard.get((p, d, s))
        hard = hard_var is not None and solver.boolean_value(hard_var)
        if any(row.hard != hard for row in made):
            # the model's hardness is the rows' by its constraints; keep what it says, so
            # that a disagreement shows as the checker's `hard_flag`, never hidden
            made = [row.model_copy(update={"hard": hard}) for row in made]
        rows += made
    return rows
