"""Hard work is spread fairly, last week's load included."""

from __future__ import annotations

from tests.helpers import agent, demand, figure, micro, solve_checked, worked


def test_last_weeks_heavy_carrier_gets_less_hard_work() -> None:
    # One escalation shift on Monday; Ana carried 16 hard hours last week, Bo none.
    # Bo takes it: loads 16 and 8, spread 8 h (Ana would give 24 and 0, spread 24).
    inst = micro(
        days=1,
        demand=[demand("esc", "mon")],
        people=[agent("ana", history={"hard_hours_last_week": 16}), agent("bo")],
        rules={"max_hard_share": 1.0},
    )
    result, _ = solve_checked(inst)
    assert worked(result, "bo") == ["2026-11-30"]
    assert worked(result, "ana") == []
    assert figure(result, "hard_spread") == 8
