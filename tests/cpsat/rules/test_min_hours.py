"""Minimum hours a week, prorated to the days of the week in the horizon."""

from __future__ import annotations

from tests.helpers import contract, figure, micro, rater, solve_checked, worked


def test_min_hours_make_someone_work_without_demand() -> None:
    # A full week, no work wanted; minimum 16 h: two 8-hour shifts (short costs 10/h,
    # an hour worked costs 1), so 16 h worked and nothing short.
    inst = micro(days=7, people=[rater("ria", **contract(min_hours_per_week=16))])
    result, _ = solve_checked(inst)
    assert len(worked(result, "ria")) == 2
    assert figure(result, "min_hours_short") == 0


def test_min_hours_prorated_and_short_when_unavailable() -> None:
    # 2 days of a week in the horizon: target floor(40 x 2 / 7) = 11.43 h; away both
    # days, so 11.43 h short (685 minutes).
    inst = micro(
        days=2,
        people=[rater("ria", unavailable=["mon", "tue"], **contract(min_hours_per_week=40))],
    )
    result, _ = solve_checked(inst)
    assert abs(figure(result, "min_hours_short") - 685 / 60) < 1e-9


def test_a_day_out_credits_its_hours_towards_the_minimum() -> None:
    # The same 2 days (target 685 minutes); out on Monday with 8 h credited (480
    # minutes) and away Tuesday: 685 - 480 = 205 minutes short.
    inst = micro(
        days=2,
        people=[
            rater(
                "ria",
                unavailable=[{"day": "mon", "credit_hours": 8}, "tue"],
                **contract(min_hours_per_week=40),
            )
        ],
    )
    result, _ = solve_checked(inst)
    assert abs(figure(result, "min_hours_short") - 205 / 60) < 1e-9
