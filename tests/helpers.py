"""Micro-instances and a solve-and-check helper shared by the solver tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from models import Assignment, Evaluation, Instance, SolveResult, SolveStatus
from models.roster import shift_rows
from scheduler.checker import evaluate
from scheduler.cpsat.context import RosterModel
from scheduler.cpsat.search import lns
from scheduler.cpsat.solve import SolveOptions, solve

ROOT = Path(__file__).resolve().parents[1]
"""The repository."""
CURTOIS = ROOT / "benchmarks" / "data" / "curtois-qu"
"""The Curtois-Qu instances the project has, with their source (its README.md)."""
REFERENCES = CURTOIS / "reference_solutions" / "monolith_colgen"
"""Printed reference rosters, each followed by its objective."""

MONDAY = "2026-11-30"


SOFT_QUEUES: list[dict[str, Any]] = [
    {"id": "general", "skill": "general"},
    {"id": "esc", "skill": "escalation", "min_level": 3},
]
"""`micro`'s two queues with escalation not hard: a day all hard is over the default
hard share, so one agent on one day could not take it."""


def agent(pid: str, **extra: Any) -> dict[str, Any]:
    """An agent who can work the general and the escalation queue."""
    return {"id": pid, "roles": ["agent"], "skills": {"general": 3, "escalation": 3}, **extra}


def rater(pid: str, **extra: Any) -> dict[str, Any]:
    return {"id": pid, "roles": ["rater"], "skills": {"safety": 3}, **extra}


def contract(**limits: Any) -> dict[str, Any]:
    return {"contract": limits}


def micro(days: int = 3, **parts: Any) -> Instance:
    """A small instance: one 09:00-17:00 `day` shift, a general and a hard `esc` queue."""
    data: dict[str, Any] = {
        "name": "micro",
        "horizon": {"start": MONDAY, "days": days},
        "skills": ["general", "escalation", "safety"],
        "shifts": [{"id": "day", "start": "09:00", "hours": 8}],
        "queues": [
            {"id": "general", "skill": "general"},
            {"id": "esc", "skill": "escalation", "min_level": 3, "hard": True},
        ],
        "demand": [],
        "people": [],
        "batches": [],
    }
    data.update(parts)
    return Instance.model_validate(data)


def demand(queue: str, day: str | None, agents: int = 1, shift: str = "day") -> dict[str, Any]:
    return {"queue": queue, "shift": shift, "day": day, "agents": agents}


def solve_checked(
    inst: Instance, expect: SolveStatus = SolveStatus.optimal
) -> tuple[SolveResult, Evaluation]:
    """Solve with one worker and a fixed seed; the checker must agree with the solver."""
    result = solve(inst, SolveOptions(time_limit=30, workers=1, seed=0))
    assert result.status is expect, result.status
    return result, check_agrees(inst, result)


def check_agrees(inst: Instance, result: SolveResult) -> Evaluation:
    """The checker finds no violation in the roster and the solver's goal figures."""
    evaluation = evaluate(inst, result.roster)
    assert evaluation.violations == [], [str(v) for v in evaluation.violations]
    solver_figures = {g.name: (g.value, g.penalty) for g in result.goals}
    checker_figures = {g.name: (g.value, g.penalty) for g in evaluation.goals}
    assert solver_figures.keys() == checker_figures.keys()
    for name, (value, penalty) in solver_figures.items():
        c_value, c_penalty = checker_figures[name]
        assert abs(value - c_value) < 1e-6, (name, value, c_value)
        assert abs(penalty - c_penalty) < 1e-6, (name, penalty, c_penalty)
    assert result.objective is not None
    assert abs(result.objective - evaluation.objective) < 1e-6
    return evaluation


def figure(result: SolveResult, name: str) -> float:
    return result.goal(name).value


def worked(result: SolveResult, person: str) -> list[str]:
    """Dates (ISO) a person works, in order, one entry per shift."""
    seen = sorted({(a.date, a.shift) for a in result.roster if a.person == person})
    return [d.isoformat() for d, _ in seen]


def shift_row(
    inst: Instance, person: str, d: int, shift: str, queue: str = "general"
) -> Assignment:
    """A roster row: `person` on `shift` of day index `d`, taking `queue`."""
    (row,) = shift_rows(inst, person, d, shift, queue)
    return row


def no_roster_week() -> Instance:
    """Four days worked before the horizon and fixed on Monday and Tuesday, against at
    most five in a row: no roster exists."""
    return micro(
        days=3,
        demand=[demand("general", None)],
        people=[
            agent(
                "ana",
                history={"consecutive_days_worked": 4},
                fixed=[{"day": "mon", "shift": "day"}, {"day": "tue", "shift": "day"}],
            ),
            agent("bo"),
        ],
    )


def record_searches(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Every neighbourhood search started from now on: whether it looked for a first
    roster of its own (`scheduler.cpsat.search.lns.run`'s `first`)."""
    searches: list[bool] = []
    real_run = lns.run

    def run(
        rm: RosterModel, shared: lns.Shared, deadline: float, seed: int, first: bool = True
    ) -> None:
        searches.append(first)
        real_run(rm, shared, deadline, seed, first=first)

    monkeypatch.setattr(lns, "run", run)
    return searches
