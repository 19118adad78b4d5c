"""Cost: the cheaper person works when all else is equal."""

from __future__ import annotations

from tests.helpers import agent, demand, figure, micro, solve_checked, worked


def test_cheaper_agent_takes_the_shift() -> None:
    # One 8-hour shift; Ana costs 2 an hour, Bo 1: Bo works, cost 8.
    inst = micro(
        days=1,
        demand=[demand("general", "mon")],
        people=[agent("ana", hourly_cost=2), agent("bo", hourly_cost=1)],
    )
    result, _ = solve_checked(inst)
    assert worked(result, "bo") == ["2026-11-30"]
    assert figure(result, "cost") == 8
