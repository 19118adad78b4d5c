"""The decomposition bound beside the search: the better bound is kept and named."""

from __future__ import annotations

from models import SolveResult, SolveStatus
from scheduler.cpsat.columns.beside import Found, merged
from scheduler.cpsat.solve import SolveOptions, solve
from tests.helpers import agent, demand, micro


def _result(objective: float | None, bound: float | None, status: SolveStatus) -> SolveResult:
    return SolveResult(
        instance="w",
        status=status,
        objective=objective,
        bound=bound,
        gap=None if objective is None or bound is None else (objective - bound) / objective,
        solve_seconds=1.0,
        workers=2,
        seed=0,
        time_limit=10.0,
        goals=[],
        roster=[],
    )


def test_the_better_bound_is_kept_and_named() -> None:
    feasible = SolveStatus.feasible
    # the decomposition's 90 over the model's 50, under a roster of 100: gap 10 %
    raised = merged(_result(100.0, 50.0, feasible), Found(value=90.0))
    assert (raised.bound, raised.bound_source, raised.gap) == (90.0, "decomposition", 0.1)
    # the model's own is better: kept, and said to be the model's
    kept = merged(_result(100.0, 95.0, feasible), Found(value=90.0))
    assert (kept.bound, kept.bound_source) == (95.0, "model")
    # a bound at the roster's objective proves it optimal
    proven = merged(_result(100.0, 50.0, feasible), Found(value=100.0))
    assert proven.status is SolveStatus.optimal and proven.gap == 0.0
    # no roster, and a person without any schedule: the week cannot be staffed
    none = merged(_result(None, None, SolveStatus.unknown), Found(value=float("inf")))
    assert none.status is SolveStatus.infeasible


def test_a_solve_with_the_decomposition_bound_reports_a_valid_one() -> None:
    # one agent asked each of three days, ana and ben alike (cost 1 an hour): the optimum
    # is 24, which CP-SAT proves at once; whichever bound is reported is at most 24
    inst = micro(
        days=3,
        demand=[demand("general", None)],
        people=[agent("ana", hourly_cost=1), agent("ben", hourly_cost=1)],
    )
    options = SolveOptions(time_limit=20, workers=1, seed=0, decomposition_bound=True)
    result = solve(inst, options)
    assert result.status is SolveStatus.optimal and result.objective == 24
    assert result.bound is not None and result.bound <= 24 + 1e-9
    assert result.bound_source in ("model", "decomposition")
