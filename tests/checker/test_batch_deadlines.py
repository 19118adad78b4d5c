"""The batch goals: late and unfinished items."""

from __future__ import annotations

import datetime as dt

from models import RATING
from scheduler.checker import evaluate
from tests.checker.micro import START, build, work


def test_late_and_unfinished_items() -> None:
    inst = build(
        batches=[
            {
                "id": "due",
                "items": 100,
                "graders": 2,
                "difficulty": "easy",
                "skill": "safety",
                "deadline": "wed",
                "priority": 4,
            },
            {
                "id": "later",
                "items": 10,
                "difficulty": "easy",
                "skill": "safety",
                "release": "2026-11-20",
                "deadline": "2026-12-20",
                "priority": 5,
            },
            {"id": "nodl", "items": 5, "difficulty": "easy", "skill": "safety"},
        ]
    )
    roster = (
        work(inst, "ana", 1, "early", RATING, [("due", 50)])
        + work(inst, "bob", 3, "early", RATING, [("due", 30)])
        + work(inst, "ana", 4, "early", RATING, [("later", 10)])
    )
    ev = evaluate(inst, roster)
    assert ev.violations == []
    # due:   200 gradings needed, 50 by Wednesday → 150 late × priority 4 × 10 = 6 000;
    #        80 done → 120 unfinished.
    # later: deadline after the horizon → never late; 10 of 10 done.
    # nodl:  due on the last day, nothing done → 5 late × 3 × 10 = 150, 5 unfinished.
    late = ev.goal("late_items")
    assert (late.value, late.penalty) == (155, 6_150)
    unfinished = ev.goal("unfinished_items")
    assert (unfinished.value, unfinished.penalty) == (125, 125)
    due, later, nodl = ev.batches
    assert due.per_day == [0, 50, 0, 30, 0, 0, 0]
    assert (due.done, due.done_by_deadline, due.late, due.unfinished) == (80, 50, 150, 120)
    assert (due.deadline, due.finish_date, due.release) == (dt.date(2026, 12, 2), None, START)
    assert (later.deadline, later.release, later.finish_date) == (None, START, dt.date(2026, 12, 4))
    assert (later.late, later.unfinished, later.required) == (0, 0, 10)
    assert (nodl.deadline, nodl.late, nodl.unfinished) == (dt.date(2026, 12, 6), 5, 5)
