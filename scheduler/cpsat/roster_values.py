"""A solver's values read back as goal figures and roster rows (docs/rules.md, "Roster rows").

Any solver whose response holds values for the model's variables will do: the
main search's, or a neighbourhood step's on a clone of the model (`scheduler.cpsat.search.lns`).
"""

from __future__ import annotations

from typing import Protocol

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import FlatIntExpr

from models import RATING, Assignment, GoalFigure, Role
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
    """Roster rows from the solver's values (docs/rules.md, "Roster rows")."""
    inst, v = rm.instance, rm.vars
    rows: list[Assignment] = []
    for (p, d, s, activity), x in v.work.items():
        if not solver.boolean_value(x):
            continue
        person = inst.person_by_id[p]
        shift = inst.shift_by_id[s]
        start, end = inst.shift_times(d, shift)
        hard_var = v.hard.get((p, d, s))
        hard = hard_var is not None and solver.boolean_value(hard_var)

        base = Assignment(
            date=inst.dates[d],
            shift=s,
            start=start,
            end=end,
            person=p,
            name=person.name,
            role=Role.agent if activity != RATING else Role.rater,
            activity=activity,
            hours=shift.hours,
            hard=hard,
        )
        if activity != RATING:
            rows.append(base)
            continue
        used_ms = 0
        for b in v.batches_of.get((p, d, s), []):
            n_var = v.items.get((p, d, s, b))
            n = solver.value(n_var) if n_var is not None else 0
            if n <= 0:
                continue
            ms = n * inst.item_ms(person, inst.batch_by_id[b])
            used_ms += ms
            rows.append(
                base.model_copy(update={"batch": b, "items": n, "hours": round(ms / 3_600_000, 2)})
            )
        left_ms = shift.minutes * 60_000 - used_ms
        if left_ms >= 60_000:  # time left over, when at least a minute
            rows.append(base.model_copy(update={"hours": round(left_ms / 3_600_000, 2)}))
    return rows
