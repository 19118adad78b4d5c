"""Deadlines: gradings late, weighted by priority, and gradings left undone."""

from __future__ import annotations

from tests.helpers import figure, micro, rater, solve_checked

ONE_HOUR = [{"id": "hour", "start": "09:00", "hours": 1}]
# Expert work is hard; these tests lift the hard-share limit so that only grading decides.
NO_SHARE_LIMIT = {"max_hard_share": 1.0}


def test_late_items_after_the_deadline() -> None:
    # 100 expert items due Monday; 60 fit on Monday, 40 are graded Tuesday: 40 late,
    # none unfinished; penalty 40 x priority 4 x weight 10 = 1600.
    inst = micro(
        days=2,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria")],
        batches=[
            {
                "id": "b",
                "items": 100,
                "difficulty": "expert",
                "skill": "safety",
                "deadline": "mon",
                "priority": 4,
            }
        ],
    )
    result, _ = solve_checked(inst)
    assert figure(result, "late_items") == 40
    assert figure(result, "unfinished_items") == 0
    assert result.goal("late_items").penalty == 1600


def test_higher_priority_batch_goes_first() -> None:
    # Time for 60 items on Monday; two batches of 60 due Monday, priorities 1 and 5:
    # the priority-5 batch is done, the other is 60 late.
    inst = micro(
        days=1,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria")],
        batches=[
            {"id": "low", "items": 60, "difficulty": "expert", "skill": "safety", "priority": 1},
            {"id": "high", "items": 60, "difficulty": "expert", "skill": "safety", "priority": 5},
        ],
    )
    result, _ = solve_checked(inst)
    assert {a.batch: a.items for a in result.roster if a.batch} == {"high": 60}
    assert figure(result, "late_items") == 60
