"""Rest and forbidden successions stated as cliques: exactly the rosters of the rules.

For a person who works at most one shift a day, `min_rest` and `shift_sequences`
state the conflicts of a shift with the next day's shifts as one at-most-one each
(and leave same-day pairs to `max_shifts_per_day`). These tests enumerate every
roster the model admits for one person over three days and compare the set with
every roster the independent checker accepts, found by brute force over all 2^9
choices of (day, shift).
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from ortools.sat.python import cp_model

from models import Assignment, Instance
from scheduler.checker import evaluate
from scheduler.cpsat.model import build_model
from tests.helpers import shift_row

SHIFTS = ["early", "late", "night"]


def _instance(max_shifts_per_day: int) -> Instance:
    return Instance.model_validate(
        {
            "name": "rest",
            "horizon": {"start": "2026-11-30", "days": 3},
            "skills": ["general"],
            "shifts": [
                {"id": "early", "start": "06:00", "hours": 8},
                {"id": "late", "start": "14:00", "hours": 8, "forbidden_next": ["early"]},
                {"id": "night", "start": "22:00", "hours": 8, "forbidden_next": ["late"]},
            ],
            "queues": [{"id": "general", "skill": "general"}],
            # demand on every shift, only so that every shift can be worked (a goal, not a rule)
            "demand": [{"queue": "general", "shift": s, "agents": 1} for s in SHIFTS],
            "people": [
                {
                    "id": "a",
                    "roles": ["agent"],
                    "skills": {"general": 1},
                    "contract": {
                        "min_rest_hours": 9,
                        "max_shifts_per_day": max_shifts_per_day,
                        "max_days_per_week": 7,
                        "max_hours_per_week": 168,
                    },
                }
            ],
            "batches": [],
        }
    )


def _rows(inst: Instance, worked: frozenset[tuple[int, str]]) -> list[Assignment]:
    return [shift_row(inst, "a", d, s) for d, s in sorted(worked)]


class _Collect(cp_model.CpSolverSolutionCallback):
    def __init__(self, on: dict[tuple[int, str], Any]) -> None:
        super().__init__()
        self._on = on
        self.rosters: set[frozenset[tuple[int, str]]] = set()

    def on_solution_callback(self) -> None:
        self.rosters.add(frozenset(k for k, var in self._on.items() if self.boolean_value(var)))


@pytest.mark.parametrize("per_day", [1, 2])
def test_the_model_admits_exactly_the_rosters_the_checker_accepts(per_day: int) -> None:
    inst = _instance(per_day)
    rm = build_model(inst)
    rm.model.clear_objective()  # type: ignore[no-untyped-call]
    on = {(d, s): var for (p, d, s), var in rm.vars.on.items()}
    assert len(on) == 9
    solver = cp_model.CpSolver()
    solver.parameters.enumerate_all_solutions = True
    solver.parameters.num_workers = 1
    collect = _Collect(on)
    assert solver.solve(rm.model, collect) == cp_model.OPTIMAL
    cells = [(d, s) for d in range(3) for s in SHIFTS]
    accepted = {
        frozenset(choice)
        for n in range(len(cells) + 1)
        for choice in itertools.combinations(cells, n)
        if not evaluate(inst, _rows(inst, frozenset(choice))).violations
    }
    assert collect.rosters == accepted
    # the rules bite: some rosters are refused, and with two a day, some have two a day
    assert len(accepted) < 2 ** len(cells)
    assert any(len({d for d, _ in r}) < len(r) for r in accepted) == (per_day == 2)
