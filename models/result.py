"""What a solve or a check says about a roster: status, figures, tables.

A result is not a roster: it carries the status, objective, bound, gap, time
and the figure of each goal; the roster rows travel beside it.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from pydantic import BaseModel, Field

from models.roster import Assignment


class SolveStatus(StrEnum):
    optimal = "optimal"
    """Proven best under the goal weights."""
    feasible = "best_found"
    """A roster meeting every hard rule; better ones may exist (see the gap)."""
    infeasible = "infeasible"
    """The hard rules contradict each other: no roster exists."""
    unknown = "unknown"
    """The time ran out before any roster was found."""
    edited = "edited"
    """A roster changed by hand after a solve (`roster try --write`); the checker's
    figures, and the bound of the solve it came from."""


class Violation(BaseModel):
    """A hard rule a roster breaks."""

    rule: str
    person: str | None = None
    date: dt.date | None = None
    message: str

    def __str__(self) -> str:
        who = f"{self.person} " if self.person else ""
        when = f"{self.date} " if self.date else ""
        return f"{who}{when}[{self.rule}] {self.message}"


class GoalFigure(BaseModel):
    """One goal's figure in its own unit, and what it costs in the objective."""

    name: str
    label: str
    unit: str
    value: float
    penalty: float


class CoverageRow(BaseModel):
    """Agents required and assigned on a queue in one shift or one interval of the day."""

    queue: str
    date: dt.date = Field(description="The day of the requirement (a shift's start day).")
    shift: str | None = Field(description="The shift; None for an interval row.")
    start: dt.datetime
    end: dt.datetime
    required: int
    assigned: int
    short: int
    over: int
    forecast: float | None = Field(description="Contacts forecast for this queue, if any.")
    service_level: float | None = Field(
        description="Achieved by the assigned agents on the forecast; None without one."
    )


class BatchRow(BaseModel):
    batch: str
    difficulty: str
    skill: str
    priority: int
    required: int = Field(description="Items x graders.")
    release: dt.date
    deadline: dt.date | None = Field(description="None when beyond the horizon.")
    done: int
    done_by_deadline: int
    late: int
    unfinished: int
    finish_date: dt.date | None = Field(description="Day the last needed grading is done.")
    per_day: list[int] = Field(description="Gradings per day of the horizon.")


class PersonRow(BaseModel):
    person: str
    name: str
    roles: str
    hours: float
    days: int
    shifts: int
    items: int
    hard_hours: float
    hard_share: float = Field(description="Hard hours over hours worked (0 when none).")
    hard_days: int
    hard_load_with_history: float = Field(
        description="The hard hours the fairness goal counts from earlier weeks plus these."
    )
    night_shifts: int = Field(default=0, description="Night shifts in the horizon.")
    weekend_days: int = Field(default=0, description="Saturdays and Sundays worked.")
    weeks: int = Field(default=1, description="Weeks of the all_weeks columns: given ones + this.")
    hard_hours_all_weeks: float = Field(default=0, description="Over the weeks given and this.")
    night_shifts_all_weeks: int = Field(default=0, description="Over the weeks given and this.")
    weekend_days_all_weeks: int = Field(default=0, description="Over the weeks given and this.")
    preferences_met: int
    preferences_total: int
    min_hours_short: float


class Evaluation(BaseModel):
    """Everything the checker recomputes from a roster alone."""

    violations: list[Violation]
    goals: list[GoalFigure]
    objective: float
    coverage: list[CoverageRow]
    batches: list[BatchRow]
    people: list[PersonRow]

    @property
    def feasible(self) -> bool:
        return not self.violations

    def goal(self, name: str) -> GoalFigure:
        return next(g for g in self.goals if g.name == name)


class SolveResult(BaseModel):
    """The outcome of a solve: status and figures, with the roster beside them."""

    instance: str
    status: SolveStatus
    objective: float | None
    bound: float | None
    gap: float | None = Field(description="(objective - bound) / objective; 0 when optimal.")
    no_bound_reason: str | None = Field(
        default=None, description="Why a roster comes without a bound, when it does."
    )
    bound_source: str | None = Field(
        default=None,
        description="Which bound `bound` is: 'model' (CP-SAT's, of the compact model or its "
        "LP) or 'decomposition' (the LP over whole schedules); None where only one ran.",
    )
    solve_seconds: float
    stopped_early: bool = Field(default=False, description="Interrupted by the user.")
    first_roster_seconds: float | None = Field(default=None, description="Until the first roster.")
    best_roster_seconds: float | None = Field(default=None, description="Until the best roster.")
    workers: int
    seed: int
    time_limit: float | None
    goals: list[GoalFigure] = Field(
        description="Each goal's figure: the checker's, recomputed from the roster."
    )
    roster: list[Assignment]
    model_objective: float | None = Field(
        default=None,
        description="The solver's own objective for the roster; `objective` is the checker's.",
    )
    model_disagrees: list[str] = Field(
        default_factory=list,
        description="Figures where the solver's value differs from the checker's (a bug).",
    )

    @property
    def has_roster(self) -> bool:
        return self.status in (SolveStatus.optimal, SolveStatus.feasible, SolveStatus.edited)

    def goal(self, name: str) -> GoalFigure:
        return next(g for g in self.goals if g.name == name)
