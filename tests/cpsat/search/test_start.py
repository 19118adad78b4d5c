"""The person-by-person first roster (`scheduler.cpsat.search.start`)."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

import pytest

from models import Assignment, Instance, Role
from scheduler.checker import evaluate
from scheduler.cpsat.search import start
from tests.helpers import SOFT_QUEUES, agent, demand, micro, rater, shift_row


def test_a_residual_batch_asks_what_the_others_left_and_keeps_each_persons_cap() -> None:
    """A batch of 100 items graded twice (200 gradings): whatever the others graded,
    one person may grade each item once, so at most 100, and all of what is left up to
    that (the others' gradings may be on any items)."""
    inst = micro(
        people=[rater("ria"), rater("sam")],
        batches=[{"id": "b", "items": 100, "difficulty": "easy", "skill": "safety", "graders": 2}],
    )

    def residual(graded: int) -> list[tuple[str, int, int]]:
        left = start.residual_instance(inst, ["ria"], Counter(), Counter({"b": graded}))
        return [(b.id, b.items, b.graders) for b in left.batches]

    assert residual(0) == [("b", 100, 2)]  # 200 gradings left; ria's cap stays 100
    assert residual(50) == [("b", 100, 1)]  # 150 left: ria may still grade all 100 items
    assert residual(120) == [("b", 80, 1)]  # 80 left: all of them
    assert residual(200) == []  # nothing left to grade


def test_the_people_with_fewest_options_are_solved_first() -> None:
    """One day, one agent wanted on the general queue (short costs 3x the usual) and one
    on the escalation queue. `flex` can work both, `gen` only the general queue. Solved
    alone first, `flex` would take the general queue (the dearer one to leave short) and
    `gen` would find nothing open to them; taken from fewest options up, `gen` covers the
    general queue and `flex` the escalations, whatever the order they are listed in (a
    hard shift may be all of one's week here)."""
    inst = micro(
        days=1,
        rules={"max_hard_share": 1.0},
        demand=[
            {"queue": "general", "shift": "day", "day": None, "agents": 1, "under_weight": 300_000},
            {"queue": "esc", "shift": "day", "day": None, "agents": 1},
        ],
        people=[agent("flex"), {"id": "gen", "roles": ["agent"], "skills": {"general": 3}}],
    )
    rows = start.person_by_person(inst, deadline=time.monotonic() + 60)
    assert rows is not None
    assert sorted((r.person, r.activity) for r in rows) == [("flex", "esc"), ("gen", "general")]


def test_person_by_person_gives_up_once_its_pace_overruns_the_time_it_may_take() -> None:
    """With no time to spare (`within=0`), it stops after the people it needs to judge its
    pace and returns no roster; with no such limit, every person gets one."""
    inst = micro(days=2, people=[agent(f"a{i}") for i in range(6)])
    solved: list[int] = []
    rows = start.person_by_person(inst, time.monotonic() + 60, done=solved.append, within=0.0)
    assert rows is None
    assert solved == list(range(1, start.GIVE_UP_AFTER + 1))
    solved.clear()
    assert start.person_by_person(inst, time.monotonic() + 60, done=solved.append) is not None
    assert solved[-1] == 6


def test_a_person_fills_the_queue_nobody_after_them_could_fill() -> None:
    """One day: one agent wanted on the general queue (short costs 1.5x the usual) and one
    on the escalation queue. `flex` (general and escalations) and `chat` (general and a
    chat queue) have as many options and `flex` is listed first. Alone, `flex` would take
    the general queue (the dearer one to leave short) and `chat` could not take the
    escalations; but nobody after `flex` could work them, while `chat` could work the
    general queue, so `flex` takes the escalations."""
    inst = micro(
        days=1,
        rules={"max_hard_share": 1.0},
        queues=[
            {"id": "general", "skill": "general"},
            {"id": "esc", "skill": "escalation", "min_level": 3, "hard": True},
            {"id": "chat", "skill": "safety"},
        ],
        demand=[
            {"queue": "general", "shift": "day", "day": None, "agents": 1, "under_weight": 150_000},
            {"queue": "esc", "shift": "day", "day": None, "agents": 1},
        ],
        people=[
            agent("flex"),
            {"id": "chat", "roles": ["agent"], "skills": {"general": 3, "safety": 3}},
        ],
    )
    rows = start.person_by_person(inst, deadline=time.monotonic() + 60)
    assert rows is not None
    assert sorted((r.person, r.activity) for r in rows) == [("chat", "general"), ("flex", "esc")]


def _late_batch(**parts: Any) -> Instance:
    """400 medium safety items released and due Monday (half a shift of one rater)."""
    batch = {
        "id": "x",
        "items": 400,
        "difficulty": "medium",
        "skill": "safety",
        "release": "mon",
        "deadline": "mon",
    }
    return micro(days=3, batches=[batch], **parts)


def _grading(inst: Instance, person: str, d: int, batch: str, items: int) -> list[Assignment]:
    """`person` rates on the `day` shift of day `d`: `items` of `batch` in 4 h, 4 h idle."""
    start_at, end_at = inst.shift_times(d, inst.shift_by_id["day"])
    row = Assignment(
        date=inst.dates[d],
        shift="day",
        start=start_at,
        end=end_at,
        person=person,
        role=Role.rater,
        activity="rating",
        batch=batch,
        items=items,
        hours=4.0,
        hard=False,
    )
    return [row, row.model_copy(update={"batch": "", "items": 0})]


def test_gradings_done_late_by_one_person_are_taken_up_on_time_by_another() -> None:
    """Ria (away on Monday) grades the Monday batch on Tuesday, late. Re-solved alone she
    can do no better; Sam can grade it on Monday, once he sees Ria's late gradings as
    open (a person alone counts the others' gradings as done, late or not), and Ria, then
    re-solved, drops them."""
    inst = _late_batch(people=[rater("ria", unavailable=[{"day": "mon"}]), rater("sam")])
    rows = _grading(inst, "ria", 1, "x", 400)
    assert evaluate(inst, rows).goal("late_items").value == 400
    filled = start.fill_late_gradings(inst, rows, deadline=time.monotonic() + 60)
    evaluation = evaluate(inst, filled)
    assert evaluation.violations == []
    assert evaluation.goal("late_items").value == 0
    assert sorted((r.person, r.date.isoformat(), r.items) for r in filled if r.batch) == [
        ("sam", "2026-11-30", 400)
    ]


def test_a_grader_on_a_queue_shift_hands_it_to_an_agent_and_grades_on_time() -> None:
    """Dee (rater and agent) is on Monday's escalation shift and grades the Monday batch
    on Tuesday, late; nobody else may grade it. Alone, Dee keeps the shift (an open one
    weighs more than the late gradings); given away, Bo (agent only) takes it and Dee
    grades on Monday: both moves are kept because the whole roster is better."""
    dee = {"id": "dee", "roles": ["rater", "agent"], "skills": {"safety": 3, "escalation": 3}}
    inst = _late_batch(queues=SOFT_QUEUES, demand=[demand("esc", "mon")], people=[dee, agent("bo")])
    rows = [shift_row(inst, "dee", 0, "day", queue="esc"), *_grading(inst, "dee", 1, "x", 400)]
    before = evaluate(inst, rows)
    filled = start.fill_late_gradings(inst, rows, deadline=time.monotonic() + 60)
    after = evaluate(inst, filled)
    assert after.violations == []
    assert after.goal("late_items").value == 0 and after.objective < before.objective
    assert sorted((r.person, r.date.isoformat(), r.activity, r.items) for r in filled) == [
        ("bo", "2026-11-30", "esc", 0),
        ("dee", "2026-11-30", "rating", 0),
        ("dee", "2026-11-30", "rating", 400),
    ]


def test_gradings_not_done_at_all_are_offered_too() -> None:
    """Nobody grades the Monday batch: its gradings are open like late ones, and Sam (Ria
    is away on Monday) takes them on time."""
    inst = _late_batch(people=[rater("ria", unavailable=[{"day": "mon"}]), rater("sam")])
    assert evaluate(inst, []).goal("unfinished_items").value == 400
    filled = start.fill_late_gradings(inst, [], deadline=time.monotonic() + 60)
    assert sorted((r.person, r.date.isoformat(), r.items) for r in filled if r.batch) == [
        ("sam", "2026-11-30", 400)
    ]


def test_person_by_person_ends_with_both_repairs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The open shifts are offered first, then the late gradings, each given the rows
    the one before returned."""
    calls: list[str] = []

    def repair(name: str) -> Any:
        def run(instance: Instance, rows: list[Assignment], *args: Any) -> list[Assignment]:
            calls.append(name)
            return [*rows, *_grading(instance, "sam", 0, "x", 400)] if name == "open" else rows

        return run

    monkeypatch.setattr(start, "fill_open_demand", repair("open"))
    monkeypatch.setattr(start, "fill_late_gradings", repair("late"))
    inst = _late_batch(people=[rater("ria", unavailable=[{"day": "mon"}]), rater("sam")])
    rows = start.person_by_person(inst, deadline=time.monotonic() + 60)
    assert calls == ["open", "late"]
    assert rows is not None and rows[-2:] == _grading(inst, "sam", 0, "x", 400)
