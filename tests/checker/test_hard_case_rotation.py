"""Hard-case rotation: hard days a week, hard runs, the hard share."""

from __future__ import annotations

import pytest

from models import RATING
from scheduler.checker import evaluate
from tests.checker.micro import Case, build, check_case, days, rules_of, work

CASES = [
    # max_hard_days_per_week
    Case(
        "too_many_hard_days",
        "max_hard_days_per_week",
        lambda i: days(i, "ana", [0, 1, 3], activity="esc"),
        lambda i: days(i, "ana", [0, 1], activity="esc"),
        changes={"rules": {"max_hard_days_per_week": 2}},
        message="has hard work on 3 days in the week of 2026-11-30 (max 2)",
    ),
    Case(
        "expert_items_are_hard",
        "max_hard_days_per_week",
        lambda i: (
            work(i, "ana", 0, "early", RATING, [("exp1", 1)])
            + work(i, "ana", 1, "early", RATING, [("exp1", 1)])
        ),
        lambda i: (
            work(i, "ana", 0, "early", RATING, [("exp1", 1)])
            + work(i, "ana", 1, "early", RATING, [("easy1", 1)])
        ),
        changes={"rules": {"max_hard_days_per_week": 1}},
    ),
    # max_consecutive_hard_days
    Case(
        "hard_run_too_long",
        "max_consecutive_hard_days",
        lambda i: days(i, "ana", [0, 1, 2], activity="esc"),
        lambda i: days(i, "ana", [0, 1, 3], activity="esc"),
        changes={"rules": {"max_consecutive_hard_days": 2}},
        message="has hard work 3 days in a row (max 2)",
    ),
    Case(
        "hard_run_with_history",
        "max_consecutive_hard_days",
        lambda i: days(i, "ana", [0], activity="esc"),
        lambda i: days(i, "ana", [1], activity="esc"),
        changes={
            "rules": {"max_consecutive_hard_days": 2},
            # a hard day is a worked day: the 2 hard days are among 2 worked days
            "people": {
                "ana": {"history": {"consecutive_hard_days": 2, "consecutive_days_worked": 2}}
            },
        },
        message="(max 2, 2 before the horizon)",
    ),
    # max_hard_share. Hard minutes of a rating shift are its hard grading time: an expert
    # item takes ana (speed 1) ceil(3 600 000 / 60) = 60 000 ms, one minute.
    Case(
        # 61 expert items = 61 hard minutes of the 480 worked: 61/480 = 12.71 % > 12.5 %.
        # 60 items = 60/480 = 12.5 % exactly is allowed (counting the whole 8 h shift as
        # hard, 480/480, it would not be).
        "hard_share_of_grading_time",
        "max_hard_share",
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 61), ("easy1", 100)]),
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 60), ("easy1", 100)]),
        changes={"rules": {"max_hard_share": 0.125}},
        message="61 of 480 minutes in the week of 2026-11-30 are hard (12.71 %, max 12.5 %)",
    ),
    Case(
        # a shift on the hard queue esc counts all its 480 minutes, a rating shift only its
        # expert grading: 480 + 61 = 541 of 960 > 56.25 % × 960 = 540; 480 + 60 = 540 holds
        "hard_share_queue_and_grading",
        "max_hard_share",
        lambda i: (
            days(i, "ana", [0], activity="esc") + work(i, "ana", 1, "early", RATING, [("exp1", 61)])
        ),
        lambda i: (
            days(i, "ana", [0], activity="esc") + work(i, "ana", 1, "early", RATING, [("exp1", 60)])
        ),
        changes={"rules": {"max_hard_share": 0.5625}},
        message="541 of 960 minutes",
    ),
    Case(
        # 160 expert items = 160 hard minutes of 480 = 1/3. Share 0.33334 is 3 333 basis
        # points once rounded: 10 000 × 160 = 1 600 000 > 3 333 × 480 = 1 599 840, a
        # violation although 1/3 < 0.33334. At 0.3334 (3 334 bp): 3 334 × 480 = 1 600 320.
        "hard_share_basis_points",
        "max_hard_share",
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 160)]),
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 160)]),
        changes={"rules": {"max_hard_share": 0.33334}},
        fixed_changes={"rules": {"max_hard_share": 0.3334}},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)


def test_one_expert_item_is_one_hard_minute_and_a_hard_day() -> None:
    inst = build(rules={"max_hard_days_per_week": 1, "max_hard_share": 0.002})
    # 1 expert item at speed 1: ceil(3 600 000 / 60) = 60 000 ms = 1 hard minute of 480
    rows = work(inst, "ana", 0, "early", RATING, [("exp1", 1)])
    assert all(r.hard for r in rows)
    ev = evaluate(inst, rows)
    # share 0.002 = 20 bp: 10 000 × 1 ≤ 20 × 480 = 9 600 fails, a whole shift would too;
    # only that rule breaks, max_hard_days_per_week (1 day ≤ 1) holds
    assert rules_of(ev) == {"max_hard_share"}
    assert "1 of 480 minutes" in ev.violations[0].message
    ana = ev.people[0]
    assert (ana.hard_days, ana.hard_hours, ana.hard_share) == (1, 1 / 60, 1 / 480)
    assert ana.hard_load_with_history == 1 / 60
    # it is a hard day like any other: a second one breaks max_hard_days_per_week
    two = rows + work(inst, "ana", 1, "early", RATING, [("exp1", 1)])
    ok = build(rules={"max_hard_days_per_week": 1, "max_hard_share": 0.0021})
    assert rules_of(evaluate(ok, two)) == {"max_hard_days_per_week"}
    assert rules_of(evaluate(ok, rows)) == set()
