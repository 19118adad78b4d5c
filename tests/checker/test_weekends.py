"""Weekends worked."""

from __future__ import annotations

import pytest

from tests.checker.micro import Case, check_case, days

CASES = [
    # max_weekends
    Case(
        "weekend_not_allowed",
        "max_weekends",
        lambda i: days(i, "ana", [5]),
        lambda i: days(i, "ana", [4]),
        changes={"people": {"ana": {"contract": {"max_weekends": 0}}}},
        message="works on 1 weekends (max 0)",
    ),
    Case(
        # 14 days: Saturdays 5 and 12 are two weekends; Saturday and Sunday 5, 6 are one
        "two_weekends",
        "max_weekends",
        lambda i: days(i, "ana", [5, 12]),
        lambda i: days(i, "ana", [5, 6]),
        changes={"people": {"ana": {"contract": {"max_weekends": 1}}}, "horizon": {"days": 14}},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)
