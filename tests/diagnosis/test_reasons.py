"""Reasons for shortfalls: micro-instances whose capacity arithmetic is known by construction."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from models import RATING, Assignment, Instance, Role
from scheduler.checker import evaluate
from scheduler.diagnosis.reasons import (
    BINDINGS,
    DAYS_IN_A_ROW,
    DISTINCT,
    GOAL_WEIGHTS,
    HARD_DAYS,
    HARD_RUN,
    HARD_SHARE,
    ITEM_CAPS,
    MIN_REST,
    MIN_RUNS,
    OTHER_WORK,
    PER_RATER,
    QUALIFIED,
    RATING_TIME,
    WEEKLY_LIMITS,
    Reason,
    shortfall_reasons,
)
from tests.helpers import agent, contract, demand, micro, rater, shift_row, solve_checked

ONE_HOUR = [{"id": "hour", "start": "09:00", "hours": 1}]
NO_SHARE_LIMIT = {"max_hard_share": 1.0}


def batch(bid: str = "b", **extra: Any) -> dict[str, Any]:
    return {"id": bid, "items": 100, "difficulty": "expert", "skill": "safety", **extra}


def solved_reasons(inst: Instance) -> list[Reason]:
    result, evaluation = solve_checked(inst)
    return shortfall_reasons(inst, result.roster, evaluation)


def hand_reasons(inst: Instance, roster: list[Assignment]) -> list[Reason]:
    evaluation = evaluate(inst, roster)
    assert evaluation.violations == [], [str(v) for v in evaluation.violations]
    return shortfall_reasons(inst, roster, evaluation)


def only(reasons: list[Reason], kind: str, subject: str) -> Reason:
    found = [r for r in reasons if r.kind == kind and r.subject == subject]
    assert len(found) == 1, reasons
    return found[0]


def queue_shift(inst: Instance, person: str, day: int, shift: str, queue: str) -> Assignment:
    return shift_row(inst, person, day, shift, queue)


# ---- late batches ----------------------------------------------------------------


def test_rating_time_binds_one_rater_ten_hours_short() -> None:
    # Two 1-hour shifts at 60 expert items an hour: 120 of 720 by Tuesday, 600 late = 10 h.
    inst = micro(
        days=2,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria")],
        batches=[batch(items=720, deadline="tue", min_level=3)],
    )
    reason = only(solved_reasons(inst), "batch", "b")
    f = reason.figures
    assert (f["required"], f["done_by_deadline"], f["late"]) == (720, 120, 600)
    assert f["hours_needed"] == 10.0
    assert f["rate_per_hour"] == 60
    assert (f["difficulty"], f["skill"], f["min_level"]) == ("expert", "safety", 3)
    assert f["qualified"] == 1
    assert (f["rating_time"], f["weekly_item_caps"], f["distinct_graders"]) == (120, 750, 720)
    assert f["hard_share"] == 120  # share lifted to 100 %: ties with time, time is named
    assert f["capacity"] == 120
    assert reason.binding == RATING_TIME
    assert reason.when == "by Tue 2026-12-01"
    for text in (
        "720",
        "120 are planned",
        "600 late = 10 h of grading",
        "at 60 an hour",
        "level ≥ 3",
    ):
        assert text in reason.sentence, reason.sentence
    assert "1 qualified rater could give at most 120" in reason.sentence.replace("Its ", "")
    assert "rating time binds (the hard-work limits, too, would allow only 120)" in reason.sentence


def test_weekly_item_cap_binds() -> None:
    # One 8-hour day would hold 1,200 easy items, but the rater's week is capped at 50.
    inst = micro(
        days=1,
        people=[rater("ria", **contract(max_items_per_week=50))],
        batches=[batch(items=200, difficulty="easy")],
    )
    reason = only(solved_reasons(inst), "batch", "b")
    f = reason.figures
    assert (f["late"], f["hours_needed"]) == (150, 1.0)
    assert (f["rating_time"], f["weekly_item_caps"], f["capacity"]) == (1200, 50, 50)
    assert "hard_share" not in f
    assert reason.binding == ITEM_CAPS
    assert "weekly item caps bind (rating time would allow 1,200)" in reason.sentence
    assert "150 late = 1 h of grading" in reason.sentence


def test_one_grading_per_item_per_person_binds() -> None:
    # 10 items graded twice need two people; the only rater can grade each item once.
    inst = micro(
        days=1,
        shifts=ONE_HOUR,
        people=[rater("ria")],
        batches=[batch(items=10, graders=2, difficulty="easy")],
    )
    reason = only(solved_reasons(inst), "batch", "b")
    f = reason.figures
    assert (f["required"], f["done_by_deadline"], f["late"]) == (20, 10, 10)
    assert (f["distinct_graders"], f["rating_time"], f["capacity"]) == (10, 150, 10)
    assert reason.binding == DISTINCT
    assert "one grading per item per person binds: 10 items × 1 rater" in reason.sentence
    assert "would allow 150" in reason.sentence


def test_hard_share_binds() -> None:
    # Expert work is at most half of an 8-hour week: 240 items of 400, 160 late.
    inst = micro(days=1, people=[rater("ria")], batches=[batch(items=400)])
    reason = only(solved_reasons(inst), "batch", "b")
    f = reason.figures
    assert (f["done_by_deadline"], f["late"]) == (240, 160)
    assert (f["rating_time"], f["hard_share"], f["capacity"]) == (480, 240, 240)
    assert reason.binding == HARD_SHARE
    assert f["max_hard_share"] == 0.5
    assert "hard work is at most 50 % of a week's hours (rating time would allow 480)" in (
        reason.sentence
    )


def test_hard_days_a_week_and_in_a_row_bind() -> None:
    # Four 1-hour days, share lifted: hard work on at most 3 days a week, 2 in a row,
    # so 3 x 60 = 180 expert items of 300, though the time would hold 240.
    inst = micro(
        days=4,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria")],
        batches=[batch(items=300)],
    )
    reason = only(solved_reasons(inst), "batch", "b")
    f = reason.figures
    assert (f["done_by_deadline"], f["late"]) == (180, 120)
    assert (f["rating_time"], f["hard_share"], f["capacity"]) == (240, 180, 180)
    assert (f["max_hard_days_per_week"], f["max_consecutive_hard_days"]) == (3, 2)
    assert reason.binding == HARD_SHARE
    assert "hard work on at most 3 days a week, 2 in a row (rating time would allow 240)" in (
        reason.sentence
    )


def test_capacity_spent_on_a_higher_priority_batch() -> None:
    # One hour holds 150 easy items: enough for `lo` (100), but `hi` (priority 5) took it.
    inst = micro(
        days=1,
        shifts=ONE_HOUR,
        people=[rater("ria")],
        batches=[
            batch("hi", items=150, difficulty="easy", priority=5),
            batch("lo", items=100, difficulty="easy", priority=1),
        ],
    )
    reasons = solved_reasons(inst)
    assert [r.subject for r in reasons] == ["lo"]
    reason = reasons[0]
    f = reason.figures
    assert (f["late"], f["rating_time"], f["capacity"]) == (100, 150, 100)
    assert (f["gradings:hi"], f["priority:hi"], f["other_gradings"]) == (150, 5, 150)
    assert reason.binding == OTHER_WORK
    assert "150 gradings of hi (priority 5)" in reason.sentence
    assert "150 gradings of hi (priority 5); this batch has priority 1." in reason.sentence
    assert "enough for all 100" in reason.sentence


def test_capacity_left_unused_is_goal_weights() -> None:
    # Nobody is rostered: the rater had the time but did nothing else.
    inst = micro(days=1, shifts=ONE_HOUR, people=[rater("ria")], batches=[batch(items=30)])
    reason = only(hand_reasons(inst, []), "batch", "b")
    assert reason.binding == GOAL_WEIGHTS
    assert (reason.figures["late"], reason.figures["rating_time"]) == (30, 60)
    assert reason.figures["capacity"] == 30
    assert "did no other work then" in reason.sentence


def test_days_in_a_row_limit_the_rating_time() -> None:
    # Three 1-hour days, but at most 2 in a row: 300 easy items, not 450.
    inst = micro(
        days=3,
        shifts=ONE_HOUR,
        people=[rater("ria", **contract(max_consecutive_days=2, min_consecutive_days=1))],
        batches=[batch(items=1000, difficulty="easy")],
    )
    reason = only(hand_reasons(inst, []), "batch", "b")
    assert reason.figures["rating_time"] == 300
    assert reason.binding == RATING_TIME


def test_no_qualified_rater() -> None:
    inst = micro(days=1, people=[rater("ria")], batches=[batch(items=10, min_level=4)])
    reason = only(hand_reasons(inst, []), "batch", "b")
    assert reason.figures["qualified"] == 0
    assert reason.binding == QUALIFIED
    assert "No rater has safety level 4" in reason.sentence


# ---- uncovered requirements ---------------------------------------------------------


def test_too_few_qualified_agents() -> None:
    # Two agents wanted, one qualifies and is available, the other is unavailable.
    inst = micro(
        days=1,
        demand=[demand("general", "mon", agents=2)],
        people=[
            agent("ana"),
            agent("bo", unavailable=["mon"]),
            {"id": "cy", "roles": ["agent"], "skills": {"escalation": 3}},
        ],
    )
    reason = only(solved_reasons(inst), "queue", "general")
    f = reason.figures
    assert (f["required"], f["assigned"], f["short"]) == (2, 1, 1)
    assert (f["qualified"], f["available"], f["unavailable"], f["works_it"]) == (2, 1, 1, 1)
    assert reason.binding == QUALIFIED
    assert reason.when == "Mon 2026-11-30 09:00-17:00"
    assert reason.sentence == (
        "general Mon 2026-11-30 09:00-17:00 (day) needs 2 agents, has 1 (1 agent-shift short). "
        "2 agents qualify: 1 is unavailable and 1 works it."
    )


def test_short_intervals_in_a_row_make_one_reason() -> None:
    # Two agents wanted 09:00-10:00 in half hours; one agent: 2 agent-intervals short.
    rows = [
        {"queue": "general", "start": s, "minutes": 30, "day": "mon", "agents": 2}
        for s in ("09:00", "09:30")
    ]
    inst = micro(days=1, demand=rows, people=[agent("ana")])
    reasons = solved_reasons(inst)
    assert len(reasons) == 1
    reason = reasons[0]
    f = reason.figures
    assert (f["short"], f["intervals"], f["most_at_once"], f["qualified"]) == (2, 2, 1, 1)
    assert reason.when == "Mon 2026-11-30 09:00-10:00"
    assert reason.binding == QUALIFIED
    assert "has 1 at 09:00 (2 agent-intervals short, at most 1 at once)" in reason.sentence


def test_qualified_agents_at_their_weekly_days() -> None:
    # Three agents for three agents a day on three days, but each works at most 2 days.
    inst = micro(
        days=3,
        demand=[demand("general", None, agents=3)],
        people=[agent(p, **contract(max_days_per_week=2)) for p in ("ana", "bo", "cy")],
    )
    reasons = solved_reasons(inst)
    assert sum(int(r.figures["short"]) for r in reasons) == 3
    for reason in reasons:
        f = reason.figures
        off = 3 - int(f["assigned"])
        assert f["weekly_limits"] == off
        assert f["limit_days:2"] == off
        assert (f["free"], f["available"]) == (0, 3)
        assert reason.binding == WEEKLY_LIMITS
        verb = "has" if off == 1 else "have"
        assert f"{off} {verb} reached 2 days that week" in reason.sentence


def test_rest_keeps_the_late_worker_off_the_early_shift() -> None:
    # Ana works Monday 14:00-22:00; Tuesday 06:00 would leave 8 h of rest, not 11.
    shifts = [
        {"id": "early", "start": "06:00", "hours": 8},
        {"id": "late", "start": "14:00", "hours": 8},
    ]
    inst = micro(
        days=2,
        shifts=shifts,
        demand=[demand("general", "tue", shift="early")],
        people=[agent("ana")],
    )
    roster = [queue_shift(inst, "ana", 0, "late", "general")]
    reason = only(hand_reasons(inst, roster), "queue", "general")
    assert reason.figures["rest_rotation"] == 1
    assert reason.figures["rest:11"] == 1
    assert reason.binding == MIN_REST
    assert "1 would rest less than 11 h between shifts" in reason.sentence


TWO_QUEUES = [{"id": "general", "skill": "general"}, {"id": "chat", "skill": "general"}]


def test_agent_on_another_queue_and_a_free_agent() -> None:
    # One general agent wanted: Ana works chat then (other work); with Bo free it is the weights.
    inst = micro(
        days=1,
        queues=TWO_QUEUES,
        demand=[demand("general", "mon")],
        people=[agent("ana"), agent("bo")],
    )
    roster = [queue_shift(inst, "ana", 0, "day", "chat")]
    reason = only(hand_reasons(inst, roster), "queue", "general")
    assert (reason.figures["other_work"], reason.figures["free"]) == (1, 1)
    assert reason.binding == GOAL_WEIGHTS
    assert "1 works chat then and 1 was free but left off" in reason.sentence
    alone = micro(
        days=1, queues=TWO_QUEUES, demand=[demand("general", "mon")], people=[agent("ana")]
    )
    roster = [queue_shift(alone, "ana", 0, "day", "chat")]
    reason = only(hand_reasons(alone, roster), "queue", "general")
    assert reason.binding == OTHER_WORK
    assert reason.figures["elsewhere:chat"] == 1
    assert "1 works chat then." in reason.sentence


def test_rating_counts_as_other_work_for_a_queue() -> None:
    inst = micro(
        days=1,
        demand=[demand("general", "mon")],
        people=[{**agent("ana"), "roles": ["agent", "rater"]}],
    )
    template = inst.shift_by_id["day"]
    start, end = inst.shift_times(0, template)
    row = Assignment(
        date=inst.dates[0],
        shift="day",
        start=start,
        end=end,
        person="ana",
        role=Role.rater,
        activity=RATING,
        hours=8,
        hard=False,
    )
    reason = only(hand_reasons(inst, [row]), "queue", "general")
    assert reason.binding == OTHER_WORK
    assert "1 is rating then" in reason.sentence


def test_nothing_to_explain_when_all_is_covered() -> None:
    inst = micro(days=1, demand=[demand("general", "mon")], people=[agent("ana")])
    assert solved_reasons(inst) == []


def test_every_binding_is_documented() -> None:
    names = {
        RATING_TIME,
        ITEM_CAPS,
        DISTINCT,
        HARD_SHARE,
        OTHER_WORK,
        GOAL_WEIGHTS,
        QUALIFIED,
        WEEKLY_LIMITS,
        PER_RATER,
        MIN_REST,
        DAYS_IN_A_ROW,
        MIN_RUNS,
        HARD_DAYS,
        HARD_RUN,
    }
    assert names == set(BINDINGS)


def test_reasons_do_not_import_the_solver() -> None:
    # arithmetic on the instance and the roster: importing it loads no OR-Tools
    code = (
        "import sys, scheduler.diagnosis.reasons\n"
        "assert not any(m.startswith('ortools') for m in sys.modules), 'ortools imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_each_rater_held_by_a_limit_of_their_own() -> None:
    # One 8 h day of easy items (150 an hour): Ria's time holds 1,200 (her cap is
    # 10,000), Sam's cap of 50 holds him; capacity 1,200 + 50 = 1,250 of 1,300, and one
    # grading per item holds neither (each may grade 1,300). The caps total 10,050 and
    # the time 2,400, so neither sum names the limit: each rater's own does.
    inst = micro(
        days=1,
        people=[
            rater("ria", **contract(max_items_per_week=10_000)),
            rater("sam", **contract(max_items_per_week=50)),
        ],
        batches=[batch(items=1300, difficulty="easy")],
    )
    reason = only(solved_reasons(inst), "batch", "b")
    f = reason.figures
    assert (f["capacity"], f["late"]) == (1250, 50)
    assert reason.binding == PER_RATER
    assert f["per_rater"] == "ria: rating time 1,200; sam: weekly item caps 50"
    assert "rating time holds ria (1,200); the weekly item cap holds sam (50)" in reason.sentence


def test_one_late_grading_is_shown_to_the_minute() -> None:
    # 61 expert items at 60 an hour in a 1 h shift: one late, one minute of grading.
    inst = micro(
        days=1,
        shifts=ONE_HOUR,
        rules=NO_SHARE_LIMIT,
        people=[rater("ria")],
        batches=[batch(items=61)],
    )
    reason = only(solved_reasons(inst), "batch", "b")
    assert reason.figures["late"] == 1
    assert "1 late = 1 min of grading at 60 an hour" in reason.sentence


def test_a_shortfall_held_by_hard_days_names_that_rule() -> None:
    # Ana has had 3 hard days this week (Mon-Wed on esc); Thursday's esc shift would be
    # a fourth, over max_hard_days_per_week 3: the binding is that rule, not a family.
    inst = micro(
        days=4,
        rules={"max_hard_share": 1.0, "max_consecutive_hard_days": 7},
        demand=[demand("esc", None)],
        people=[agent("ana")],
    )
    roster = [queue_shift(inst, "ana", d, "day", "esc") for d in range(3)]
    reason = only(hand_reasons(inst, roster), "queue", "esc")
    assert reason.figures["hard_days:3"] == 1
    assert reason.binding == HARD_DAYS
    assert "1 has had 3 hard days that week" in reason.sentence


def test_an_hour_only_a_night_before_the_horizon_holds_is_said_as_such() -> None:
    # general at 02:00-03:00 each day of two; the only shift is the night from 22:00
    # (8 h). Tuesday's hour is held by Monday's night, which ana works; Monday's only by
    # Sunday's, before the horizon. The reason says so, where "no shift holding it
    # allows general" would be false (the night allows every activity)
    night = [{"id": "night", "start": "22:00", "hours": 8}]
    rows = [{"queue": "general", "start": "02:00", "minutes": 60, "agents": 1}]
    inst = micro(days=2, shifts=night, demand=rows, people=[agent("ana")])
    (reason,) = solved_reasons(inst)
    assert reason.sentence == (
        "general Mon 2026-11-30 02:00-03:00 needs 1 agent, has 0 (1 agent-interval short). "
        "1 agent qualifies: 1 cannot: only a shift starting before the horizon would hold it."
    )
