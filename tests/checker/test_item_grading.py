"""Item grading: items a week, grading time, release, distinct graders, batch totals."""

from __future__ import annotations

import pytest

from tests.checker.micro import Case, check_case, easy

CASES = [
    # max_items_per_week
    Case(
        "too_many_items",
        "max_items_per_week",
        lambda i: easy(i, "ana", 0, 101),
        lambda i: easy(i, "ana", 0, 100),
        changes={"people": {"ana": {"contract": {"max_items_per_week": 100}}}},
        message="grades 101 items in the week of 2026-11-30 (max 100)",
    ),
    # rating_time: easy 150/h → 24 000 ms an item; 8 h = 28 800 000 ms = exactly 1 200 items
    Case(
        "grading_longer_than_shift",
        "rating_time",
        lambda i: easy(i, "ana", 0, 1201),
        lambda i: easy(i, "ana", 0, 1200),
        changes={"people": {"ana": {"contract": {"max_items_per_week": 10_000}}}},
        message="takes 28,824,000 ms, more than the shift's 28,800,000 ms",
    ),
    # batch_release
    Case(
        "graded_before_release",
        "batch_release",
        lambda i: easy(i, "ana", 1, 10),
        lambda i: easy(i, "ana", 2, 10),
        changes={
            "batches": [
                {
                    "id": "easy1",
                    "items": 50,
                    "difficulty": "easy",
                    "skill": "safety",
                    "release": "wed",
                }
            ]
        },
        message="before its release on 2026-12-02",
    ),
    # distinct_graders: 10 items graded twice; one person can do at most 10
    Case(
        "same_item_twice",
        "distinct_graders",
        lambda i: easy(i, "ana", 0, 11),
        lambda i: easy(i, "ana", 0, 10),
        changes={
            "batches": [
                {"id": "easy1", "items": 10, "graders": 2, "difficulty": "easy", "skill": "safety"}
            ]
        },
    ),
    # batch_total: 6 + 6 = 12 gradings of 10 items graded once
    Case(
        "more_than_needed",
        "batch_total",
        lambda i: easy(i, "ana", 0, 6) + easy(i, "bob", 0, 6),
        lambda i: easy(i, "ana", 0, 5) + easy(i, "bob", 0, 5),
        changes={
            "batches": [{"id": "easy1", "items": 10, "difficulty": "easy", "skill": "safety"}]
        },
        message="12 gradings of easy1, more than 10 items × 1 graders = 10",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)
