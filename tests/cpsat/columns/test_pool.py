"""A roster from the pool of schedules keeps every rule and is scored by the checker."""

from __future__ import annotations

from scheduler.checker import evaluate
from scheduler.cpsat.columns.bound import decomposition_bound
from scheduler.cpsat.columns.pool import pool_roster
from scheduler.formats import read_instance
from tests.helpers import ROOT, agent, demand, micro


def test_the_pool_roster_of_small_week_keeps_every_rule_and_is_above_the_bound() -> None:
    inst = read_instance(ROOT / "instances" / "small-week.yaml")
    bound = decomposition_bound(inst, time_limit=30, seed=0)
    assert bound.link is not None and bound.value is not None
    rows = pool_roster(inst, bound.link, bound.pool, seconds=10)
    assert rows is not None
    evaluation = evaluate(inst, rows)
    assert evaluation.violations == []
    assert evaluation.objective >= bound.value - 1e-6


def test_a_pool_where_one_schedule_each_covers_the_week_finds_it() -> None:
    # one agent asked each of two days; ana works Monday, ben Tuesday in the pool's
    # best columns (ana is unavailable Tuesday, ben Monday): the roster is both, 16 h
    inst = micro(
        days=2,
        demand=[demand("general", None)],
        people=[
            agent("ana", hourly_cost=1, unavailable=["tue"]),
            agent("ben", hourly_cost=1, unavailable=["mon"]),
        ],
    )
    bound = decomposition_bound(inst, time_limit=20, seed=0)
    assert bound.link is not None
    rows = pool_roster(inst, bound.link, bound.pool, seconds=10)
    assert rows is not None
    assert sorted((r.person, r.date.isoformat()) for r in rows) == [
        ("ana", "2026-11-30"),
        ("ben", "2026-12-01"),
    ]
    assert evaluate(inst, rows).objective == 16
