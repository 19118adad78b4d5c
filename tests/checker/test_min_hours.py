"""The goal min_hours_short."""

from __future__ import annotations

import pytest

from scheduler.checker import evaluate
from tests.checker.micro import build, work


def test_min_hours_short() -> None:
    inst = build(horizon={"days": 10}, people={"ana": {"contract": {"min_hours_per_week": 20}}})
    ev = evaluate(inst, work(inst, "ana", 0, "early"))
    assert ev.violations == []
    # week 1 (7 days): floor(60 × 20 × 7 / 7) = 1 200 min − 480 worked = 720.
    # week 2 (3 days): floor(60 × 20 × 3 / 7) = floor(514.29) = 514 − 0 = 514.
    # 1 234 min = 20.5667 h × 10.
    goal = ev.goal("min_hours_short")
    assert goal.value == pytest.approx(1234 / 60)
    assert goal.penalty == pytest.approx(1234 / 60 * 10)
    assert ev.people[0].min_hours_short == pytest.approx(1234 / 60)
    assert ev.people[1].min_hours_short == 0
