"""Forbidden successions: a shift that may not follow another on the next day."""

from __future__ import annotations

from tests.helpers import agent, contract, demand, figure, micro, solve_checked

SHIFTS = [
    {"id": "early", "start": "06:00", "hours": 8},
    {"id": "late", "start": "14:00", "hours": 8, "forbidden_next": ["early"]},
]


def test_late_may_not_be_followed_by_early() -> None:
    # Late Monday, early Tuesday wanted; no rest rule, but early may not follow late:
    # one of the two is short. Without the succession rule both are covered.
    wanted = [demand("general", "mon", shift="late"), demand("general", "tue", shift="early")]
    ana = agent("ana", **contract(min_rest_hours=0))
    result, _ = solve_checked(micro(days=2, shifts=SHIFTS, demand=wanted, people=[ana]))
    assert figure(result, "uncovered") == 1
    free = [{**s, "forbidden_next": []} for s in SHIFTS]
    result, _ = solve_checked(micro(days=2, shifts=free, demand=wanted, people=[ana]))
    assert figure(result, "uncovered") == 0


def test_early_may_follow_late_two_days_later() -> None:
    wanted = [demand("general", "mon", shift="late"), demand("general", "wed", shift="early")]
    ana = agent("ana", **contract(min_rest_hours=0))
    result, _ = solve_checked(micro(days=3, shifts=SHIFTS, demand=wanted, people=[ana]))
    assert figure(result, "uncovered") == 0
