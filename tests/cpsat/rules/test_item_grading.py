"""Grading: time in the shift, release, distinct graders, batch totals, weekly caps."""

from __future__ import annotations

from typing import Any

from tests.helpers import contract, figure, micro, rater, solve_checked

ONE_HOUR = [{"id": "hour", "start": "09:00", "hours": 1}]
# Expert work is hard; these tests lift the hard-share limit so that only grading decides.
NO_SHARE_LIMIT = {"max_hard_share": 1.0}


def batch(**extra: Any) -> dict[str, Any]:
    base = {"id": "b", "items": 100, "difficulty": "expert", "skill": "safety"}
    return {**base, **extra}


def test_rating_time_limits_items_per_shift() -> None:
    # Expert rate 60 items/h at speed 1: a 1-hour shift grades at most 60 of 100.
    inst = micro(
        days=1, shifts=ONE_HOUR, rules=NO_SHARE_LIMIT, people=[rater("ria")], batches=[batch()]
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 40


def test_speed_scales_the_rate() -> None:
    # Speed 1.5: 90 items/h, so 10 of 100 are left.
    inst = micro(
        days=1,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria", speed=1.5)],
        batches=[batch()],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 10


def test_no_grading_before_release() -> None:
    # Two days of 60 items each, but released on Tuesday: only 60 graded.
    inst = micro(
        days=2,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria")],
        batches=[batch(release="2026-12-01")],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 40
    assert all(a.date.isoformat() == "2026-12-01" for a in result.roster if a.items)


def test_one_person_grades_each_item_once() -> None:
    # 10 items graded twice each need two people; one rater with time for 60 does only 10.
    inst = micro(
        days=1,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria")],
        batches=[batch(items=10, graders=2)],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 10
    two = micro(
        days=1,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria"), rater("sam")],
        batches=[batch(items=10, graders=2)],
    )
    result, _ = solve_checked(two)
    assert figure(result, "unfinished_items") == 0


def test_batch_total_is_never_exceeded() -> None:
    # Two raters could grade 120; the batch needs 10: exactly 10 are graded, late is 0.
    inst = micro(
        days=1,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria"), rater("sam")],
        batches=[batch(items=10, deadline="mon")],
    )
    result, _ = solve_checked(inst)
    assert sum(a.items for a in result.roster) == 10
    assert figure(result, "late_items") == 0


def test_weekly_item_cap() -> None:
    # Time for 60 a day over 3 days (180), but a cap of 100 a week.
    inst = micro(
        days=3,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria", **contract(max_items_per_week=100))],
        batches=[batch(items=500)],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 400


def test_a_weekly_cap_reached_within_one_shift_costs_one_shift() -> None:
    # Easy items, 150/h: one 8-hour shift has time for 1,200, the cap is 100 a week. The
    # model also states that a week's items need cap-sized shares of rating shifts (a
    # bound for the LP, `item_grading`); the roster is still one shift of 100 items,
    # 400 left, not a second shift.
    inst = micro(
        days=3,
        people=[rater("ria", **contract(max_items_per_week=100))],
        batches=[batch(items=500, difficulty="easy")],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 400
    assert len({row.date for row in result.roster}) == 1


def test_skill_level_below_minimum_cannot_grade() -> None:
    inst = micro(
        days=1,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria")],
        batches=[batch(min_level=4)],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 100
