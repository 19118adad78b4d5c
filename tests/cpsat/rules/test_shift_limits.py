"""Per-template limits over the horizon."""

from __future__ import annotations

from tests.helpers import agent, contract, demand, figure, micro, solve_checked


def test_max_shifts_of_a_template() -> None:
    # 3 day shifts wanted, at most 2 of template `day`: one short.
    inst = micro(
        demand=[demand("general", None)],
        people=[agent("ana", **contract(max_shifts={"day": 2}))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1
