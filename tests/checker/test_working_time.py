"""Working time: shifts a day, hours and days a week, hours over the horizon."""

from __future__ import annotations

import pytest

from scheduler.checker import evaluate
from tests.checker.micro import Case, build, check_case, days, rules_of

CASES = [
    # max_shifts_per_day
    Case(
        "two_shifts_one_day",
        "max_shifts_per_day",
        lambda i: days(i, "ana", [0], "early") + days(i, "ana", [0], "late"),
        lambda i: days(i, "ana", [0], "early"),
        message="works 2 shifts starting this day (max 1)",
    ),
    # max_hours_per_week: 3 × 8 h = 24 h > 16 h
    Case(
        "too_many_hours",
        "max_hours_per_week",
        lambda i: days(i, "ana", [0, 1, 2]),
        lambda i: days(i, "ana", [0, 1]),
        changes={"people": {"ana": {"contract": {"max_hours_per_week": 16}}}},
        message="works 24 h in the week of 2026-11-30 (max 16 h)",
    ),
    # max_days_per_week
    Case(
        "too_many_days",
        "max_days_per_week",
        lambda i: days(i, "ana", [0, 1, 2]),
        lambda i: days(i, "ana", [0, 1]),
        changes={"people": {"ana": {"contract": {"max_days_per_week": 2}}}},
        message="works 3 days in the week of 2026-11-30 (max 2)",
    ),
    # max_hours_total: 3 shifts of 8 h = 24 h over the horizon, at most 16
    Case(
        "too_many_hours_in_all",
        "max_hours_total",
        lambda i: days(i, "ana", [0, 1, 2]),
        lambda i: days(i, "ana", [0, 1]),
        changes={"people": {"ana": {"contract": {"max_hours_total": 16}}}},
        message="works 24 h over the horizon (max 16 h)",
    ),
    # min_hours_total: one 8 h shift against a minimum of 16 h over the horizon
    Case(
        "too_few_hours_in_all",
        "min_hours_total",
        lambda i: days(i, "ana", [0]),
        lambda i: days(i, "ana", [0, 2]),
        changes={"people": {"ana": {"contract": {"min_hours_total": 16}}}},
        message="works 8 h over the horizon (min 16 h)",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)


def test_contract_limits_in_whole_minutes() -> None:
    inst = build(
        people={
            "ana": {
                "contract": {
                    "max_hours_per_week": 15.75,
                    "min_rest_hours": 8.25,
                    "min_hours_per_week": 7.5,
                }
            }
        },
        horizon={"days": 10},
    )
    contract = inst.person_by_id["ana"].contract
    assert (contract.max_minutes_per_week, contract.min_rest_minutes) == (945, 495)
    # two 8 h shifts: 960 min > 945; late (ends 22:00) then early (06:00): 480 min < 495
    ev = evaluate(inst, days(inst, "ana", [0], "late") + days(inst, "ana", [1], "early"))
    assert rules_of(ev) == {"max_hours_per_week", "min_rest"}
    messages = " | ".join(v.message for v in ev.violations)
    assert "works 16 h in the week of 2026-11-30 (max 15.75 h)" in messages
    assert "rests 8 h" in messages and "(min 8.25 h)" in messages
    # one shift a week (480 ≤ 945) with days of rest between them: both rules hold
    ev = evaluate(inst, days(inst, "ana", [0], "late") + days(inst, "ana", [7], "early"))
    assert ev.violations == []
    # min_hours_short: week 1 (7 days) round(60 × 7.5) × 7 // 7 = 450 − 480 → 0;
    # week 2 (3 days) 450 × 3 // 7 = 192 − 480 → 0; with nothing worked 450 + 192 = 642 min
    assert ev.people[0].min_hours_short == 0
    assert evaluate(inst, []).people[0].min_hours_short == 642 / 60
    assert contract.min_minutes(3) == 192
