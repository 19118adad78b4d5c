"""The goal preferences."""

from __future__ import annotations

from scheduler.checker import evaluate
from tests.checker.micro import build, work


def test_preferences() -> None:
    inst = build(
        shifts=[{"id": "wkday", "start": "09:00", "hours": 8, "weekdays": ["mon", "fri"]}],
        people={
            "ana": {
                "preferences": [
                    {"kind": "want", "day": "mon", "shift": "early", "weight": 3},
                    {"kind": "avoid", "shift": "night", "weight": 2},
                    {"kind": "want", "day": "2026-12-02", "weight": 1},
                ]
            }
        },
    )
    roster = work(inst, "ana", 2, "early") + work(inst, "ana", 3, "night")
    ev = evaluate(inst, roster)
    assert ev.violations == []
    # want early on Monday: not worked → 3.  avoid night, 7 days: worked on Thursday → 2.
    # want any shift on Wednesday: worked → 0.
    # 5 points × 5 = 25; met 0 of 1 + 6 of 7 + 1 of 1 = 7 of 9 day-wishes.
    goal = ev.goal("preferences")
    assert (goal.value, goal.penalty) == (5, 25)
    assert (ev.people[0].preferences_met, ev.people[0].preferences_total) == (7, 9)
