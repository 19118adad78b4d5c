"""Shifts a day, hours a week and days a week."""

from __future__ import annotations

from tests.helpers import agent, contract, demand, figure, micro, solve_checked


def test_max_hours_per_week() -> None:
    # 3 days x 8 h wanted, at most 16 h a week: one day short.
    inst = micro(
        demand=[demand("general", None)], people=[agent("ana", **contract(max_hours_per_week=16))]
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_max_days_per_week() -> None:
    inst = micro(
        demand=[demand("general", None)], people=[agent("ana", **contract(max_days_per_week=2))]
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_max_shifts_per_day() -> None:
    # Two shifts on one day that do not overlap; one shift a day allowed: one short,
    # two allowed: none short.
    shifts = [
        {"id": "a", "start": "06:00", "hours": 4},
        {"id": "b", "start": "12:00", "hours": 4},
    ]
    wanted = [demand("general", None, shift="a"), demand("general", None, shift="b")]
    one = micro(days=1, shifts=shifts, demand=wanted, people=[agent("ana")])
    result, _ = solve_checked(one)
    assert figure(result, "uncovered") == 1
    two = micro(
        days=1,
        shifts=shifts,
        demand=wanted,
        people=[agent("ana", **contract(max_shifts_per_day=2))],
    )
    result, _ = solve_checked(two)
    assert figure(result, "uncovered") == 0


def test_weekly_limits_hold_per_calendar_week() -> None:
    # 14 days from Monday, an agent wanted every day, at most 2 days a week:
    # 2 + 2 worked, 10 short. A whole-horizon reading (2 days in all) would give 12.
    inst = micro(
        days=14,
        demand=[demand("general", None)],
        people=[agent("ana", **contract(max_days_per_week=2))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 10
