"""Covering demand: agent-shifts short and over, with per-row weights."""

from __future__ import annotations

from tests.helpers import agent, demand, figure, micro, solve_checked


def test_short_and_over_are_counted_per_shift() -> None:
    # Two agents wanted on Monday, one exists: 1 short. Nobody wanted Tuesday but Bo is
    # fixed there: 1 over.
    inst = micro(
        days=2,
        demand=[demand("general", "mon", agents=2), demand("general", "tue", agents=0)],
        people=[
            agent("ana"),
            agent("bo", fixed=[{"day": "tue", "shift": "day"}], days_off=["mon"]),
        ],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1
    assert figure(result, "overstaffed") == 1


def test_row_weights_override_the_defaults() -> None:
    # Nobody can work: 3 agents short at under_weight 7 cost 21.
    inst = micro(
        days=1,
        demand=[{**demand("general", "mon", agents=3), "under_weight": 7}],
        people=[agent("ana", days_off=["mon"])],
    )
    result, _ = solve_checked(inst)
    assert result.goal("uncovered").penalty == 21


def test_date_row_beats_weekday_row_beats_default() -> None:
    # Default 1 agent, Tuesdays 0, but 2026-12-02 (a Wednesday) 2. Two agents available:
    # Mon 1, Tue 0, Wed 2 -> all covered with 3 agent-shifts.
    inst = micro(
        demand=[
            demand("general", None, agents=1),
            demand("general", "tue", agents=0),
            demand("general", "2026-12-02", agents=2),
        ],
        people=[agent("ana"), agent("bo")],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 0
    assert len(result.roster) == 3
