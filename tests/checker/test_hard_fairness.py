"""The goal hard_spread."""

from __future__ import annotations

from models import RATING
from scheduler.checker import evaluate
from tests.checker.micro import build, work


def test_hard_spread() -> None:
    inst = build(
        extra_people=[
            {
                "id": "dan",
                "roles": ["agent"],
                "skills": {"escalation": 4},
                "history": {"hard_hours_last_week": 2.5},
            }
        ]
    )
    roster = work(inst, "ana", 0, "early", RATING, [("exp1", 60), ("easy1", 100)]) + work(
        inst, "dan", 0, "early", "esc"
    )
    ev = evaluate(inst, roster)
    assert ev.violations == []
    # hard-capable: ana and dan; bob cannot do hard work and does not count (his 0 would
    # be the minimum otherwise).
    # ana: 60 expert items × 60 000 ms = 60 hard minutes of her 8 h rating shift (not 480).
    # dan: round(60 × 2.5) = 150 from history + 480 on the hard queue esc = 630.
    # 630 − 60 = 570 min = 9.5 h × 20 = 190.
    goal = ev.goal("hard_spread")
    assert (goal.value, goal.penalty) == (9.5, 190)
    assert [p.hard_load_with_history for p in ev.people] == [1.0, 0.0, 10.5]
    assert [p.hard_hours for p in ev.people] == [1.0, 0.0, 8.0]
    # dan on the history alone (150) against ana's grading (60): 90 min = 1.5 h × 20 = 30
    ev = evaluate(inst, work(inst, "ana", 0, "early", RATING, [("exp1", 60)]))
    assert (ev.goal("hard_spread").value, ev.goal("hard_spread").penalty) == (1.5, 30)
    # with one hard-capable person the spread is 0
    alone = build()
    assert evaluate(alone, work(alone, "ana", 0, "early", "esc")).goal("hard_spread").value == 0
