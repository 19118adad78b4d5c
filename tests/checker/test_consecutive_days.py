"""Runs of days worked and off, across the horizon's edges."""

from __future__ import annotations

import pytest

from scheduler.checker import evaluate
from tests.checker.micro import Case, build, check_case, days, rules_of

CASES = [
    # max_consecutive_days
    Case(
        # 4 days before the horizon + days 0 and 1 = 6 > 5; days 0 and 2: runs of 5 and 1
        "history_run_too_long",
        "max_consecutive_days",
        lambda i: days(i, "ana", [0, 1]),
        lambda i: days(i, "ana", [0, 2]),
        changes={"people": {"ana": {"history": {"consecutive_days_worked": 4}}}},
        message="works 6 days in a row (max 5, 4 before the horizon)",
    ),
    Case(
        "run_too_long",
        "max_consecutive_days",
        lambda i: days(i, "ana", [0, 1, 2, 3]),
        lambda i: days(i, "ana", [0, 1, 2, 4]),
        changes={"people": {"ana": {"contract": {"max_consecutive_days": 3}}}},
        message="works 4 days in a row (max 3)",
    ),
    # min_consecutive_days (min 2)
    Case(
        "single_day_inside",
        "min_consecutive_days",
        lambda i: days(i, "ana", [2]),
        lambda i: days(i, "ana", [2, 3]),
        changes={"people": {"ana": {"contract": {"min_consecutive_days": 2}}}},
        message="works only 1 day in a row (min 2)",
    ),
    Case(
        # 1 day worked before the horizon, day 0 off: that history run is bounded and too short
        "history_run_cut_short",
        "min_consecutive_days",
        lambda i: days(i, "ana", [3, 4]),
        lambda i: days(i, "ana", [0, 3, 4]),
        changes={
            "people": {
                "ana": {
                    "contract": {"min_consecutive_days": 2},
                    "history": {"consecutive_days_worked": 1},
                }
            }
        },
        message="just before the horizon",
    ),
    Case(
        # days off before the horizon bound the run at day 0 on the left
        "day_zero_run_after_days_off",
        "min_consecutive_days",
        lambda i: days(i, "ana", [0]),
        lambda i: days(i, "ana", [0, 1]),
        changes={
            "people": {
                "ana": {
                    "contract": {"min_consecutive_days": 2},
                    "history": {"consecutive_days_off": 3},
                }
            }
        },
    ),
    # min_consecutive_days_off (min 2)
    Case(
        "single_day_off",
        "min_consecutive_days_off",
        lambda i: days(i, "ana", [0, 2]),
        lambda i: days(i, "ana", [0, 3]),
        changes={"people": {"ana": {"contract": {"min_consecutive_days_off": 2}}}},
        message="is off only 1 day in a row (min 2)",
    ),
    Case(
        # 1 day off before the horizon, then working day 0: that day off stands alone
        "history_day_off_cut_short",
        "min_consecutive_days_off",
        lambda i: days(i, "ana", [0]),
        lambda i: days(i, "ana", [1]),
        changes={
            "people": {
                "ana": {
                    "contract": {"min_consecutive_days_off": 2},
                    "history": {"consecutive_days_off": 1},
                }
            }
        },
    ),
    Case(
        # worked before the horizon, day 0 off, day 1 worked: 1 day off bounded on both sides
        "day_zero_off_after_work",
        "min_consecutive_days_off",
        lambda i: days(i, "ana", [1]),
        lambda i: days(i, "ana", [2]),
        changes={
            "people": {
                "ana": {
                    "contract": {"min_consecutive_days_off": 2},
                    "history": {"consecutive_days_worked": 2},
                }
            }
        },
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)


def test_runs_reaching_the_horizon_end_or_unknown_start_are_exempt() -> None:
    inst = build(
        people={"ana": {"contract": {"min_consecutive_days": 3, "min_consecutive_days_off": 3}}}
    )
    # day 0 alone: history unknown (both counts 0), exempt; days 1-5 off then day 6:
    # the off run is 5 long, the run at day 6 reaches the end.
    assert evaluate(inst, days(inst, "ana", [0, 6])).violations == []
    # the off run of days 1-2 is bounded by worked days 0 and 3: too short
    ev = evaluate(inst, days(inst, "ana", [0, 3, 4, 5, 6]))
    assert rules_of(ev) == {"min_consecutive_days_off"}
