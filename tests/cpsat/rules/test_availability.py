"""Availability, fixed days off and fixed assignments decide who can work."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.helpers import agent, demand, figure, micro, solve_checked, worked


def test_unavailable_day_leaves_demand_uncovered() -> None:
    # One agent, one agent wanted each of 3 days; away on Tuesday: 1 agent-shift short.
    inst = micro(
        demand=[demand("general", None)],
        people=[agent("ana", unavailable=["tue"])],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1
    assert worked(result, "ana") == ["2026-11-30", "2026-12-02"]


def test_unavailable_range_and_single_shift() -> None:
    # Away Mon-Tue (range) and not on the day shift Wednesday: all 3 days short.
    inst = micro(
        demand=[demand("general", None)],
        people=[
            agent(
                "ana",
                unavailable=[
                    {"from": "2026-11-30", "to": "2026-12-01"},
                    {"day": "wed", "shift": "day"},
                ],
            )
        ],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 3
    assert worked(result, "ana") == []


def test_fixed_day_off_is_kept() -> None:
    inst = micro(demand=[demand("general", None)], people=[agent("ana", days_off=["mon"])])
    result, _ = solve_checked(inst)
    assert "2026-11-30" not in worked(result, "ana")
    assert figure(result, "uncovered") == 1


def test_fixed_assignment_is_worked_even_when_not_needed() -> None:
    # No demand at all: cost alone would leave Ana at home, but she is fixed on Tuesday.
    inst = micro(
        people=[agent("ana", fixed=[{"day": "tue", "shift": "day", "activity": "general"}])]
    )
    result, _ = solve_checked(inst)
    assert worked(result, "ana") == ["2026-12-01"]
    # required 0 there, so the fixed agent is one agent-shift over demand
    assert figure(result, "overstaffed") == 1


def test_fixed_assignment_on_unavailable_day_is_an_input_error() -> None:
    with pytest.raises(ValidationError, match=r"people\[0\]\.fixed\[0\]: ana is fixed on tue day"):
        micro(people=[agent("ana", unavailable=["tue"], fixed=[{"day": "tue", "shift": "day"}])])


def test_fixed_shift_without_demand_is_worked_on_a_queue() -> None:
    # No demand anywhere; Ana is fixed on Monday's shift without an activity: she works
    # it on a queue she can do, one agent-shift over demand.
    inst = micro(days=1, people=[agent("ana", fixed=[{"day": "mon", "shift": "day"}])])
    result, _ = solve_checked(inst)
    assert worked(result, "ana") == ["2026-11-30"]
    assert figure(result, "overstaffed") == 1
