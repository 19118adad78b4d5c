"""Runs of working days and days off, with history."""

from __future__ import annotations

from models import Instance
from tests.helpers import agent, contract, demand, figure, micro, solve_checked, worked


def test_max_consecutive_days() -> None:
    # 3 days wanted, at most 2 in a row: one short.
    inst = micro(
        demand=[demand("general", None)],
        people=[agent("ana", **contract(max_consecutive_days=2))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_history_counts_towards_max_consecutive_days() -> None:
    # Worked the last 4 days of last week, max 5 in a row: at most one of Mon, Tue.
    inst = micro(
        days=2,
        demand=[demand("general", None)],
        people=[agent("ana", history={"consecutive_days_worked": 4})],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1
    assert len(worked(result, "ana")) == 1


def test_min_consecutive_days() -> None:
    # Wanted only Tuesday; Monday and Wednesday are fixed days off: a 1-day run between
    # days off is shorter than the minimum 2, so Tuesday stays uncovered. (Were Monday
    # free, Mon-Tue would be a run of 2, Monday over demand at 50 < 100,000.)
    inst = micro(
        demand=[demand("general", "tue")],
        people=[agent("ana", days_off=["mon", "wed"], **contract(min_consecutive_days=2))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1
    # with minimum 1 the same day is covered
    inst = micro(
        demand=[demand("general", "tue")],
        people=[agent("ana", history={"consecutive_days_off": 3})],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 0


def test_min_consecutive_days_off() -> None:
    # Wanted Mon and Wed, Tuesday a fixed day off; working both leaves a single day off
    # between: too short for a minimum of 2 days off, so one of them is short.
    inst = micro(
        demand=[demand("general", "mon"), demand("general", "wed")],
        people=[agent("ana", days_off=["tue"], **contract(min_consecutive_days_off=2))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_short_history_run_must_continue() -> None:
    # One day worked before the horizon, minimum 3 in a row: Mon and Tue must be worked
    # although nobody is needed (2 agent-shifts over demand).
    inst = micro(
        days=3,
        demand=[demand("general", None, agents=0)],
        people=[
            agent("ana", history={"consecutive_days_worked": 1}, **contract(min_consecutive_days=3))
        ],
    )
    result, _ = solve_checked(inst)
    assert worked(result, "ana")[:2] == ["2026-11-30", "2026-12-01"]


def test_a_day_out_neither_ends_nor_starts_a_run() -> None:
    # Wanted Monday and Wednesday, at least 2 days in a row and 2 days off in a row;
    # Tuesday ana is out (a sick call). Judged without Tuesday, Mon-Wed is one run of
    # 2 worked days: both covered. Were Tuesday plain leave, Mon and Wed would be
    # 1-day runs around a 1-day break: at most one of them could be worked.
    def week(away: dict[str, object]) -> Instance:
        return micro(
            demand=[demand("general", "mon"), demand("general", "wed")],
            people=[
                agent(
                    "ana",
                    unavailable=[away],
                    history={"consecutive_days_off": 2},
                    **contract(min_consecutive_days=2, min_consecutive_days_off=2),
                )
            ],
        )

    result, _ = solve_checked(week({"day": "tue", "credit_hours": 8}))
    assert figure(result, "uncovered") == 0
    result, _ = solve_checked(week({"day": "tue"}))
    assert figure(result, "uncovered") == 1  # Wednesday, the last day, ends no run
