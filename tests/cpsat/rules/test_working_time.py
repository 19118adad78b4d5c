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


def test_four_weeks_apply_weekly_hours_per_calendar_week() -> None:
    # 28 days; an agent wanted on each of the 7 days of the first week only. At most
    # 40 h a week: 5 of those 8-hour shifts, 2 short. Read over the whole horizon
    # (4 x 40 = 160 h) all 7 would fit; the weekly reading must leave 2 uncovered.
    inst = micro(
        days=28,
        demand=[demand("general", f"2026-12-0{d}") for d in range(1, 7)]
        + [demand("general", "2026-11-30")],
        people=[agent("ana", **contract(max_days_per_week=7, max_consecutive_days=7))],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 2


def test_the_checker_reads_weekly_hours_per_week_too() -> None:
    # Six 8-hour shifts in the first week (48 h > 40 h) and none after: a violation of
    # the first week's limit, though 48 h is far below 4 x 40 h over the horizon.
    import datetime as dt

    from models import Assignment, Role
    from scheduler.checker import evaluate

    inst = micro(
        days=28, people=[agent("ana", **contract(max_days_per_week=7, max_consecutive_days=7))]
    )
    rows = []
    for d in range(6):
        date = dt.date(2026, 11, 30) + dt.timedelta(days=d)
        start = dt.datetime.combine(date, dt.time(9))
        rows.append(
            Assignment(
                date=date,
                shift="day",
                start=start,
                end=start + dt.timedelta(hours=8),
                person="ana",
                role=Role.agent,
                activity="general",
                hours=8,
                hard=False,
            )
        )
    rules = {v.rule for v in evaluate(inst, rows).violations}
    assert "max_hours_per_week" in rules


def test_hours_over_the_whole_horizon() -> None:
    # Three 8-hour shifts wanted; at most 16 h over the horizon: one short.
    over = micro(
        demand=[demand("general", None)], people=[agent("ana", **contract(max_hours_total=16))]
    )
    result, _ = solve_checked(over)
    assert figure(result, "uncovered") == 1
    # At least 24 h over the horizon is hard: she works all three days although only
    # one agent-shift is wanted (two over demand).
    under = micro(
        demand=[demand("general", None, agents=0), demand("general", "mon")],
        people=[agent("ana", **contract(min_hours_total=24))],
    )
    result, _ = solve_checked(under)
    assert figure(result, "overstaffed") == 2
