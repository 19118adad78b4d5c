"""The goal cost."""

from __future__ import annotations

import pytest

from scheduler.checker import evaluate
from tests.checker.micro import build, days, penalty_sum


def test_cost() -> None:
    inst = build(
        people={"ana": {"hourly_cost": 2.0}, "bob": {"hourly_cost": 0.5}}, weights={"cost": 3}
    )
    roster = days(inst, "ana", [0, 1]) + days(inst, "bob", [0])
    ev = evaluate(inst, roster)
    # ana 16 h × 2.0 = 32, bob 8 h × 0.5 = 4 → 36 × weight 3 = 108
    goal = ev.goal("cost")
    assert (goal.value, goal.penalty) == (36, 108)
    assert ev.objective == pytest.approx(penalty_sum(ev))
    # costs to the cent are exact: ana 24 h × 0.10 = 2.40, bob 8 h × 0.35 = 2.80 → 5.20,
    # × 3 = 15.60 (hour by hour in floats, 0.8 + 0.8 + 0.8 would be 2.4000000000000004)
    cents = build(
        people={"ana": {"hourly_cost": 0.1}, "bob": {"hourly_cost": 0.35}}, weights={"cost": 3}
    )
    ev = evaluate(cents, days(cents, "ana", [0, 1, 2]) + days(cents, "bob", [0]))
    goal = ev.goal("cost")
    assert (goal.value, goal.penalty) == (5.2, 15.6)
