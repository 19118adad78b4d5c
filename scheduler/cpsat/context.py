"""What every rule module works on: the model, its variables and its goal terms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from models import Instance
from models.goals import GOAL_LABELS
from scheduler.cpsat.variables import Variables

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


Group = tuple[str, str, int | None, str | None]
"""A group of hard constraints a user would name as one rule: (rule, person, day or
week, detail). `scheduler.diagnosis.conflicts` switches groups off to find which contradict."""


@dataclass(frozen=True)
class Site:
    """A place in the objective: `var` units at `weight` each (or 1 - `var` when
    `negated`), over days first..last, which `people` could change."""

    first: int
    last: int
    var: cp_model.IntVar
    weight: float
    people: frozenset[str]
    negated: bool = False
    grading: bool = False
    """Paid for gradings (a batch late): moving items between days can change it."""

    def paid(self, values: list[int]) -> float:
        """What a roster (every variable's value, by index) pays here."""
        value = values[self.var.index]
        return self.weight * (1 - value if self.negated else value)


@dataclass
class RosterModel:
    instance: Instance
    model: cp_model.CpModel
    vars: Variables
    goals: list[GoalTerm] = field(default_factory=list)
    guarded: bool = False
    """Build every hard rule behind a switch (a guard literal per group)."""
    guards: dict[Group, cp_model.IntVar] = field(default_factory=dict)
    sites: list[Site] = field(default_factory=list)
    """Where the objective is paid: shortfalls and excess of demand, late gradings. The
    neighbourhood search looks there (`scheduler.cpsat.search.lns`)."""
    hard_loads: dict[str, cp_model.IntVar] = field(default_factory=dict)
    """Each hard-capable person's hard load in minutes (`rules.hard_fairness`), when the
    spread of them is a goal: the neighbourhood search frees everyone at the top together."""

    def holds(
        self,
        constraint: cp_model.Constraint,
        rule: str,
        person: str,
        at: int | None = None,
        detail: str | None = None,
    ) -> cp_model.Constraint:
        """A hard rule's constraint; when guarded, it holds only while its group is on."""
        if self.guarded:
            group = (rule, person, at, detail)
            guard = self.guards.get(group)
            if guard is None:
                guard = self.model.new_bool_var(f"guard[{rule},{person},{at},{detail}]")
                self.guards[group] = guard
            constraint.only_enforce_if(guard)
        return constraint

    def holding(
        self, rule: str, person: str, at: int | None = None, detail: str | None = None
    ) -> Callable[[cp_model.Constraint], cp_model.Constraint]:
        """`hard` with the group fixed, for helpers shared by several rules."""

        def mark(constraint: cp_model.Constraint) -> cp_model.Constraint:
            return self.holds(constraint, rule, person, at, detail)

        return mark

    objective_is_goals: bool = True
    """The model minimises the goals' sum (False where a caller minimises something else,
    as `scheduler.replan` the changes): only then is its objective compared with the
    checker's (`scheduler.cpsat.solve.certified`)."""

    def objective(self) -> cp_model.LinearExprT:
        return sum((g.penalty for g in self.goals), start=cp_model.LinearExpr.constant(0))
