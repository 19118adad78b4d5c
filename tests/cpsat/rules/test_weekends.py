"""Maximum weekends worked over the horizon."""

from __future__ import annotations

from tests.helpers import agent, contract, demand, figure, micro, solve_checked


def test_max_weekends() -> None:
    # Two weeks; an agent wanted on each Saturday; at most one weekend: one short.
    inst = micro(
        days=14,
        demand=[demand("general", "sat")],
        people=[agent("ana", **contract(max_weekends=1))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1
