"""Hard-case rotation: hard days a week, hard days in a row, hard share of hours."""

from __future__ import annotations

from models import Instance
from tests.helpers import agent, demand, figure, micro, solve_checked

ALL_SHARE = {"max_hard_share": 1.0}


def test_max_hard_days_per_week() -> None:
    # Escalations wanted Mon-Wed, one agent, at most 2 hard days a week: one short.
    inst = micro(
        demand=[demand("esc", None)],
        people=[agent("ana")],
        rules={**ALL_SHARE, "max_hard_days_per_week": 2, "max_consecutive_hard_days": 3},
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1


def test_max_consecutive_hard_days_with_history() -> None:
    # Two hard days just before the horizon, at most 2 in a row: Monday's escalation
    # shift cannot be Ana's; Tuesday's can.
    inst = micro(
        days=2,
        demand=[demand("esc", None)],
        people=[agent("ana", history={"consecutive_days_worked": 2, "consecutive_hard_days": 2})],
        rules=ALL_SHARE,
    )
    result, _ = solve_checked(inst)
    assert figure(result, "uncovered") == 1
    assert [a.date.isoformat() for a in result.roster] == ["2026-12-01"]


def test_hard_share_needs_other_work_beside() -> None:
    # At most half of a week's hours hard. Only escalations wanted (Mon, Tue): a hard
    # shift alone would be 100 % of the hours. Ana can still take one of them with a
    # shift on the general queue the other day (8 hard hours of 16, over demand there:
    # 50 < 100,000), so one is short, not two.
    only_hard = micro(days=2, demand=[demand("esc", None)], people=[agent("ana")])
    result, _ = solve_checked(only_hard)
    assert figure(result, "uncovered") == 1
    assert figure(result, "overstaffed") == 1
    assert sorted(a.activity for a in result.roster) == ["esc", "general"]
    # Only escalations qualified for, with no other queue to work: both are short.
    esc_only = micro(
        days=2,
        demand=[demand("esc", None)],
        people=[agent("ana", skills={"escalation": 3})],
    )
    result, _ = solve_checked(esc_only)
    assert figure(result, "uncovered") == 2
    # With general work on Tuesday, 8 hard hours of 16 is exactly 50 %: both covered.
    mixed = micro(
        days=2,
        demand=[demand("esc", "mon"), demand("general", "tue")],
        people=[agent("ana")],
    )
    result, _ = solve_checked(mixed)
    assert figure(result, "uncovered") == 0
    assert {a.hard for a in result.roster} == {True, False}


def test_expert_batch_makes_a_rating_shift_hard() -> None:
    # A rater grading an expert batch is on hard work: with hard share 0, nothing is graded.
    inst = micro(
        days=1,
        people=[{"id": "ria", "roles": ["rater"], "skills": {"safety": 3}}],
        batches=[{"id": "b", "items": 10, "difficulty": "expert", "skill": "safety"}],
        rules={"max_hard_share": 0.0},
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 10


def test_hard_minutes_of_a_rating_shift_are_its_hard_grading_time() -> None:
    # One 8-hour rating shift, hard share at most half: expert items take 1 minute each
    # at speed 1, so 240 of them are 240 hard minutes of 480 (exactly 50 %) and fit,
    # while a 241st would make 241 of 480. Of 300 items, 240 are graded.
    inst = micro(
        days=1,
        people=[{"id": "ria", "roles": ["rater"], "skills": {"safety": 3}}],
        batches=[{"id": "b", "items": 300, "difficulty": "expert", "skill": "safety"}],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "unfinished_items") == 60
    assert all(a.hard for a in result.roster)


def test_a_day_out_counts_as_work_that_is_not_hard_in_the_share() -> None:
    # Escalations wanted Monday; ana alone, out on Tuesday with its 8 h credited
    # (a sick call). Monday's hard 8 h of 8 worked + 8 credited is 50 %: covered.
    # Without the credit (plain leave) 8 of 8 h is 100 %: short.
    def week(credit: float | None) -> Instance:
        away = {"day": "tue"} if credit is None else {"day": "tue", "credit_hours": credit}
        return micro(
            days=2, demand=[demand("esc", "mon")], people=[agent("ana", unavailable=[away])]
        )

    result, _ = solve_checked(week(8))
    assert figure(result, "uncovered") == 0
    result, _ = solve_checked(week(None))
    assert figure(result, "uncovered") == 1
