"""Who may do what on a shift: qualification, allowed activities, one activity per shift."""

from __future__ import annotations

import pytest

from models import RATING, Role
from tests.checker.micro import Case, check_case, copy_rows, work

CASES = [
    # activity_allowed
    Case(
        "rating_on_chat_only_shift",
        "activity_allowed",
        lambda i: work(i, "ana", 0, "night", RATING),
        lambda i: work(i, "ana", 0, "night", "chat"),
        changes={"shifts": [{"id": "night", "activities": ["chat"]}]},
    ),
    # qualification
    Case(
        "level_too_low_for_queue",
        "qualification",
        lambda i: work(i, "bob", 0, "early", "esc"),
        lambda i: work(i, "ana", 0, "early", "esc"),
        message="queue esc needs escalation level 3, bob has 2",
    ),
    Case(
        "not_a_rater",
        "qualification",
        lambda i: work(i, "carl", 0, "early", RATING),
        lambda i: work(i, "carl", 0, "early", "chat"),
        changes={"extra_people": [{"id": "carl", "roles": ["agent"], "skills": {"support": 1}}]},
    ),
    Case(
        "not_an_agent",
        "qualification",
        lambda i: work(i, "rita", 0, "early", "chat"),
        lambda i: work(i, "rita", 0, "early", RATING),
        changes={"extra_people": [{"id": "rita", "roles": ["rater"], "skills": {"support": 3}}]},
    ),
    Case(
        "level_too_low_for_batch",
        "qualification",
        lambda i: work(i, "bob", 0, "early", RATING, [("exp1", 10)]),
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 10)]),
    ),
    Case(
        "row_role_mismatch",
        "qualification",
        lambda i: copy_rows(work(i, "ana", 0, "early"), role=Role.rater),
        lambda i: work(i, "ana", 0, "early"),
    ),
    # one_activity_per_shift
    Case(
        "two_activities",
        "one_activity_per_shift",
        lambda i: work(i, "ana", 0, "early", "chat") + work(i, "ana", 0, "early", RATING),
        lambda i: work(i, "ana", 0, "early", "chat"),
    ),
    Case(
        "queue_shift_two_rows",
        "one_activity_per_shift",
        lambda i: work(i, "ana", 0, "early", "chat") * 2,
        lambda i: work(i, "ana", 0, "early", "chat"),
        message="has 2 rows",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)
