"""Proven floors of one goal over every roster."""

from __future__ import annotations

from scheduler.cpsat.columns.floors import goal_floor
from tests.helpers import agent, contract, demand, micro


def test_one_agent_for_two_asked_each_day_leaves_at_least_one_short_a_day() -> None:
    # Two agents asked on each of three days, ana the only agent and at most 2 days of
    # work a week: at least 1 short on the days she works and 2 on the other, 4 in all
    inst = micro(
        days=3,
        demand=[demand("general", None, agents=2)],
        people=[agent("ana", **contract(max_days_per_week=2))],
    )
    assert goal_floor(inst, "uncovered", time_limit=20) == 4


def test_a_week_that_can_be_covered_has_no_floor() -> None:
    inst = micro(days=2, demand=[demand("general", None)], people=[agent("ana"), agent("ben")])
    assert goal_floor(inst, "uncovered", time_limit=20) == 0
