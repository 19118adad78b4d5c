"""Shifts of one template over the horizon."""

from __future__ import annotations

import pytest

from tests.checker.micro import Case, check_case, days

CASES = [
    # max_shifts_per_template
    Case(
        "too_many_nights",
        "max_shifts_per_template",
        lambda i: days(i, "ana", [0, 1], "night"),
        lambda i: days(i, "ana", [0], "night") + days(i, "ana", [2], "early"),
        changes={"people": {"ana": {"contract": {"max_shifts": {"night": 1}}}}},
        message="works night 2 times (max 1)",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)
