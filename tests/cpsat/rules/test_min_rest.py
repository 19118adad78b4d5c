"""Minimum rest between shifts on different days, overlaps, and rest from history."""

from __future__ import annotations

from typing import Any

from tests.helpers import agent, contract, demand, figure, micro, solve_checked

SHIFTS: list[dict[str, Any]] = [
    {"id": "early", "start": "06:00", "hours": 8},
    {"id": "late", "start": "14:00", "hours": 8},
]


def test_late_then_early_breaks_eleven_hours_rest() -> None:
    # Late Mon ends 22:00, early Tue starts 06:00: 8 h rest < 11 h, so one is short.
    inst = micro(
        days=2,
        shifts=SHIFTS,
        demand=[demand("general", "mon", shift="late"), demand("general", "tue", shift="early")],
        people=[agent("ana")],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_eight_hours_rest_allows_late_then_early() -> None:
    inst = micro(
        days=2,
        shifts=SHIFTS,
        demand=[demand("general", "mon", shift="late"), demand("general", "tue", shift="early")],
        people=[agent("ana", **contract(min_rest_hours=8))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 0


def test_rest_counts_from_the_last_shift_before_the_horizon() -> None:
    # Last shift ended Sunday 23:00; Monday's early starts 06:00: 7 h < 11 h.
    inst = micro(
        days=1,
        shifts=SHIFTS,
        demand=[demand("general", "mon", shift="early")],
        people=[agent("ana", history={"last_shift_end": "2026-11-29T23:00"})],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_night_shift_crossing_midnight_needs_rest_before_next_evening() -> None:
    # Night Mon 22:00 - Tue 06:00; late Tue starts 14:00: 8 h rest < 11 h.
    inst = micro(
        days=2,
        shifts=[
            {"id": "night", "start": "22:00", "hours": 8},
            {"id": "late", "start": "14:00", "hours": 8},
        ],
        demand=[demand("general", "mon", shift="night"), demand("general", "tue", shift="late")],
        people=[agent("ana")],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_overlapping_shifts_same_day_are_one_at_a_time() -> None:
    # Two shifts a day allowed and no rest rule, but 08-16 and 12-20 overlap: one short.
    inst = micro(
        days=1,
        shifts=[
            {"id": "a", "start": "08:00", "hours": 8},
            {"id": "b", "start": "12:00", "hours": 8},
        ],
        demand=[demand("general", None, shift="a"), demand("general", None, shift="b")],
        people=[agent("ana", **contract(max_shifts_per_day=2, min_rest_hours=0))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_a_night_shift_before_the_horizon_blocks_the_first_morning() -> None:
    # Sunday's night ended Monday 06:00, inside the horizon (history). Monday's early
    # (06:00) would rest 0 h and its late (14:00) 8 h, both under 11 h, so with demand
    # on both and ana alone, two agent-shifts are uncovered.
    inst = micro(
        days=1,
        shifts=SHIFTS,
        demand=[demand("general", "mon", shift="early"), demand("general", "mon", shift="late")],
        people=[agent("ana", history={"last_shift_end": "2026-11-30T06:00"})],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 2


def test_a_shift_before_the_horizon_blocks_the_shifts_it_overlaps() -> None:
    # A 24 h shift ended Monday 10:00 and no rest is asked: Monday's early (06-14)
    # overlaps it and cannot be worked; the late (14:00) can. One agent-shift short.
    inst = micro(
        days=1,
        shifts=SHIFTS,
        demand=[demand("general", "mon", shift="early"), demand("general", "mon", shift="late")],
        people=[
            agent(
                "ana",
                history={"last_shift_end": "2026-11-30T10:00"},
                **contract(min_rest_hours=0, max_shifts_per_day=2),
            )
        ],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1
