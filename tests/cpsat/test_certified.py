"""The figures a solve reports are the checker's on the roster it returns."""

from __future__ import annotations

import pytest

from models import GoalFigure, Instance, SolveResult
from scheduler.checker import evaluate
from scheduler.cpsat.solve import STRICT, ModelCheckerMismatchError, SolveOptions, certified, solve
from tests.helpers import agent, demand, micro


def _week_and_result() -> tuple[Instance, SolveResult]:
    # One agent, Monday's general shift wanted: covered, objective 8 h x cost 1 = 8.
    inst = micro(days=1, demand=[demand("general", "mon")], people=[agent("ana")])
    return inst, solve(inst, SolveOptions(time_limit=10, workers=1, seed=0))


def test_a_solve_reports_the_checker_s_objective_and_goals() -> None:
    inst, result = _week_and_result()
    evaluation = evaluate(inst, result.roster)
    assert result.objective == evaluation.objective == 8
    assert result.goals == evaluation.goals
    assert result.model_objective == 8
    assert result.model_disagrees == []


def test_a_solver_figure_unlike_the_checker_s_raises_when_strict() -> None:
    inst, result = _week_and_result()
    # the solver claims 2 less for the cost goal than the roster pays (8 -> 6)
    claimed = [
        g.model_copy(update={"penalty": g.penalty - 2}) if g.name == "cost" else g
        for g in result.goals
    ]
    with pytest.raises(ModelCheckerMismatchError, match="cost: solver 6, checker 8"):
        certified(inst, result, claimed, 6.0, 6.0)


def test_a_disagreement_is_recorded_and_the_checker_s_figures_written(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(STRICT)
    inst, result = _week_and_result()
    claimed = [GoalFigure(**{**g.model_dump(), "penalty": 0.0}) for g in result.goals]
    # the solver says 6 for a roster the checker scores 8, and its bound is 6
    out = certified(inst, result.model_copy(update={"objective": 6.0}), claimed, 6.0, 6.0)
    assert out.objective == 8
    assert out.goals == evaluate(inst, result.roster).goals
    assert "objective: solver 6, checker 8" in out.model_disagrees
    assert "cost: solver 0, checker 8" in out.model_disagrees


def test_the_objective_at_a_solution_is_summed_from_its_values() -> None:
    from ortools.sat.python import cp_model

    from scheduler.cpsat.roster_values import ObjectiveAt

    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    y = model.new_bool_var("y")
    model.minimize(3 * x - 2 * y + 7)
    # x = 2, y = 1: 3 x 2 - 2 x 1 + 7 = 11
    assert ObjectiveAt(model)([2, 1]) == 11
    # x = 0, y = 0: the offset alone
    assert ObjectiveAt(model)([0, 0]) == 7


def test_the_model_s_objective_is_the_roster_s_whatever_the_solver_says_of_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ortools.sat.python import cp_model

    # CP-SAT's own objective value, for callbacks and the final response alike, is made
    # a million off; the roster is the same, so its objective stays 8 (as above) and
    # nothing disagrees with the checker.
    off = property(lambda self: 1e6)
    monkeypatch.setattr(cp_model.CpSolverSolutionCallback, "objective_value", off)
    monkeypatch.setattr(cp_model.CpSolver, "objective_value", off)
    for workers in (1, 2):
        inst = micro(days=1, demand=[demand("general", "mon")], people=[agent("ana")])
        result = solve(inst, SolveOptions(time_limit=10, workers=workers, seed=0))
        assert result.objective == 8
        assert result.model_objective == 8
        assert result.model_disagrees == []


def test_each_better_roster_is_handed_over_as_rows_and_the_last_is_the_result() -> None:
    # Monday's general shift asks one agent; ana costs 1 an hour, ben 2. Whatever
    # rosters come first, each one handed over passes the checker, their objectives
    # fall, and the last is the roster returned (ana's: 8).
    inst = micro(
        days=1,
        demand=[demand("general", "mon")],
        people=[agent("ana", hourly_cost=1), agent("ben", hourly_cost=2)],
    )
    seen: list[list] = []  # type: ignore[type-arg]
    for workers in (1, 2):
        seen.clear()
        options = SolveOptions(
            time_limit=10,
            workers=workers,
            seed=0,
            on_roster=lambda _, rows, _source: seen.append(rows),
        )
        result = solve(inst, options)
        assert seen, "at least the first roster is handed over"
        objectives = [evaluate(inst, rows).objective for rows in seen]
        assert all(not evaluate(inst, rows).violations for rows in seen)
        assert objectives == sorted(objectives, reverse=True)
        assert sorted(seen[-1], key=str) == sorted(result.roster, key=str)
        assert result.objective == 8
