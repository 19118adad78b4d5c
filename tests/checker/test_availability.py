"""Availability and fixed assignments."""

from __future__ import annotations

import pytest

from models import RATING
from tests.checker.micro import Case, check_case, work

CASES = [
    # availability
    Case(
        "unavailable_day",
        "availability",
        lambda i: work(i, "ana", 2, "early"),
        lambda i: work(i, "ana", 3, "early"),
        changes={"people": {"ana": {"unavailable": ["2026-12-02"]}}},
    ),
    Case(
        "unavailable_range",
        "availability",
        lambda i: work(i, "ana", 2, "early"),
        lambda i: work(i, "ana", 4, "early"),
        changes={"people": {"ana": {"unavailable": [{"from": "2026-12-01", "to": "2026-12-03"}]}}},
    ),
    Case(
        "unavailable_slot",
        "availability",
        lambda i: work(i, "ana", 2, "early"),
        lambda i: work(i, "ana", 2, "late"),
        changes={"people": {"ana": {"unavailable": [{"day": "wed", "shift": "early"}]}}},
    ),
    Case(
        "fixed_day_off",
        "availability",
        lambda i: work(i, "ana", 2, "early"),
        lambda i: work(i, "ana", 3, "early"),
        changes={"people": {"ana": {"days_off": ["wed"]}}},
        message="fixed day off",
    ),
    # fixed_assignment
    Case(
        "fixed_not_worked",
        "fixed_assignment",
        lambda i: [],
        lambda i: work(i, "ana", 1, "early", "chat"),
        changes={
            "people": {"ana": {"fixed": [{"day": "tue", "shift": "early", "activity": "chat"}]}}
        },
    ),
    Case(
        "fixed_other_activity",
        "fixed_assignment",
        lambda i: work(i, "ana", 1, "early", RATING),
        lambda i: work(i, "ana", 1, "early", "chat"),
        changes={
            "people": {"ana": {"fixed": [{"day": "tue", "shift": "early", "activity": "chat"}]}}
        },
    ),
    Case(
        "fixed_any_activity",
        "fixed_assignment",
        lambda i: work(i, "ana", 1, "late", RATING),
        lambda i: work(i, "ana", 1, "early", RATING),
        changes={"people": {"ana": {"fixed": [{"day": "2026-12-01", "shift": "early"}]}}},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)
