"""What every rule module works on: the model, its variables and its goal terms."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models import Instance
from models.result import GOAL_LABELS
from scheduler.variables import Variables

SCALE = 6000
"""Internal objective units per reported unit.

60 so that goals counted in hours are exact in minutes, times 100 so that costs
in cents are exact too.
"""

PER_MINUTE = SCALE // 60
"""Internal units of a goal weighted per hour, for each minute."""


@dataclass
class GoalTerm:
    """A soft goal: its figure (in `unit`, after dividing by `divisor`) and its penalty.

    `penalty` is in internal units (reported objective x SCALE).
    """

    name: str
    figure: cp_model.LinearExprT
    penalty: cp_model.LinearExprT
    divisor: int = 1

    @property
    def label(self) -> str:
        return GOAL_LABELS[self.name][0]

    @property
    def unit(self) -> str:
        return GOAL_LABELS[self.name][1]


@dataclass
class RosterModel:
    instance: Instance
    model: cp_model.CpModel
    vars: Variables
    goals: list[GoalTerm] = field(default_factory=list)

    def objective(self) -> cp_model.LinearExprT:
        return sum((g.penalty for g in self.goals), start=cp_model.LinearExpr.constant(0))
