"""Forbidden shift successions."""

from __future__ import annotations

import pytest

from tests.checker.micro import Case, check_case, days

CASES = [
    # shift_sequence: a late may not be followed by an early the next day
    Case(
        "early_after_late",
        "shift_sequence",
        lambda i: days(i, "ana", [0], "late") + days(i, "ana", [1], "early"),
        lambda i: days(i, "ana", [0], "late") + days(i, "ana", [1], "late"),
        changes={
            "shifts": [{"id": "late", "forbidden_next": ["early"]}],
            "people": {"ana": {"contract": {"min_rest_hours": 0}}},
        },
        message="works early the day after late, which it may not follow",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)
