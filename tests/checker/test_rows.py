"""The roster rows read: references, shift times, the hard and hours columns, hard minutes."""

from __future__ import annotations

import datetime as dt

import pytest

from models import RATING
from scheduler.checker import evaluate
from tests.checker.micro import START, Case, build, check_case, copy_rows, easy, work

CASES = [
    # known_reference
    Case(
        "unknown_person",
        "known_reference",
        lambda i: copy_rows(work(i, "ana", 0, "early"), person="zed"),
        lambda i: work(i, "ana", 0, "early"),
        message="unknown person 'zed'",
    ),
    Case(
        "unknown_shift",
        "known_reference",
        lambda i: copy_rows(work(i, "ana", 0, "early"), shift="brunch"),
        lambda i: work(i, "ana", 0, "early"),
    ),
    Case(
        "unknown_queue",
        "known_reference",
        lambda i: copy_rows(work(i, "ana", 0, "early"), activity="voice"),
        lambda i: work(i, "ana", 0, "early"),
    ),
    Case(
        "unknown_batch",
        "known_reference",
        lambda i: copy_rows(easy(i, "ana", 0, 10)[:1], batch="nope"),
        lambda i: easy(i, "ana", 0, 10),
    ),
    Case(
        "date_outside_horizon",
        "known_reference",
        lambda i: copy_rows(
            work(i, "ana", 6, "early"),
            date=START + dt.timedelta(days=7),
            start=dt.datetime(2026, 12, 7, 6),
            end=dt.datetime(2026, 12, 7, 14),
        ),
        lambda i: work(i, "ana", 6, "early"),
        message="outside the horizon",
    ),
    Case(
        "queue_row_with_batch",
        "known_reference",
        lambda i: copy_rows(work(i, "ana", 0, "early"), batch="easy1", items=3),
        lambda i: work(i, "ana", 0, "early"),
    ),
    # shift_times
    Case(
        "wrong_clock",
        "shift_times",
        lambda i: copy_rows(
            work(i, "ana", 0, "early"),
            start=dt.datetime(2026, 11, 30, 7),
            end=dt.datetime(2026, 11, 30, 15),
        ),
        lambda i: work(i, "ana", 0, "early"),
        message="the row says 2026-11-30 07:00",
    ),
    Case(
        "wrong_weekday",
        "shift_times",
        lambda i: work(i, "ana", 5, "wkday"),
        lambda i: work(i, "ana", 4, "wkday"),
        changes={
            "shifts": [{"id": "wkday", "start": "09:00", "hours": 8, "weekdays": ["mon", "fri"]}]
        },
        message="not on a Saturday",
    ),
    # hard_flag
    Case(
        "hard_queue_flagged_no",
        "hard_flag",
        lambda i: work(i, "ana", 0, "early", "esc", hard=False),
        lambda i: work(i, "ana", 0, "early", "esc"),
        message="says hard = no",
    ),
    Case(
        "easy_queue_flagged_yes",
        "hard_flag",
        lambda i: work(i, "ana", 0, "early", "chat", hard=True),
        lambda i: work(i, "ana", 0, "early", "chat"),
    ),
    Case(
        # the leftover row of a shift grading expert items belongs to a hard shift too
        "leftover_row_of_hard_shift",
        "hard_flag",
        lambda i: (lambda rows: [*rows[:-1], rows[-1].model_copy(update={"hard": False})])(
            work(i, "ana", 0, "early", RATING, [("exp1", 10)])
        ),
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 10)]),
    ),
    # hours_column
    Case(
        # 80 h written for an 8 h shift
        "queue_row_hours",
        "hours_column",
        lambda i: [
            r.model_copy(update={"hours": 80.0}) for r in work(i, "ana", 0, "early", "chat")
        ],
        lambda i: work(i, "ana", 0, "early", "chat"),
        message="the row says 80 h",
    ),
    Case(
        # 10 expert items at 60 an hour are 10 minutes = 0.17 h, not 2 h
        "rating_row_hours",
        "hours_column",
        lambda i: (lambda rows: [rows[0].model_copy(update={"hours": 2.0}), *rows[1:]])(
            work(i, "ana", 0, "early", RATING, [("exp1", 10)])
        ),
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 10)]),
        message="10 items of exp1 take 0.17 h",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)


def test_several_rows_of_one_shift_are_one_shift() -> None:
    inst = build()
    # 100 easy items × 24 000 ms = 40 min, 60 expert items × 60 000 ms = 60 min, 380 min left
    rows = work(inst, "ana", 0, "early", RATING, [("easy1", 100), ("exp1", 60)])
    assert len(rows) == 3
    ev = evaluate(inst, rows)
    assert ev.violations == []
    ana = ev.people[0]
    assert (ana.hours, ana.shifts, ana.days, ana.items) == (8.0, 1, 1, 160)
    # only the expert grading is hard: 60 of the shift's 480 minutes, yet a hard day
    assert (ana.hard_hours, ana.hard_share, ana.hard_days) == (1.0, 60 / 480, 1)
    assert [b.per_day[0] for b in ev.batches] == [100, 60]


def test_hard_minutes_round_up_once_per_shift() -> None:
    # rates 120 an hour at hard and expert: 30 000 ms an item, half a minute
    inst = build(
        rates={"hard": 120, "expert": 120},
        batches=[
            {"id": "easy1", "items": 500, "difficulty": "easy", "skill": "safety"},
            {"id": "exp1", "items": 100, "difficulty": "expert", "skill": "safety"},
            {"id": "hard1", "items": 100, "difficulty": "hard", "skill": "safety"},
        ],
    )

    def hard_minutes(grades: list[tuple[str, int]]) -> float:
        ev = evaluate(inst, work(inst, "ana", 0, "early", RATING, grades))
        assert ev.violations == []
        return ev.people[0].hard_hours * 60

    # 1 item: 30 000 ms → rounded up to 1 minute
    assert hard_minutes([("exp1", 1)]) == 1
    # 1 hard + 1 expert item: 60 000 ms in the shift → 1 minute (not 1 + 1 row by row)
    assert hard_minutes([("hard1", 1), ("exp1", 1)]) == 1
    # 3 items: 90 000 ms → 2 minutes; easy items add nothing
    assert hard_minutes([("hard1", 2), ("exp1", 1), ("easy1", 100)]) == 2
    # a faster grader takes less hard time: speed 1.5, 180 an hour, 20 000 ms, 3 items = 1 min
    fast = build(rates={"expert": 120}, people={"ana": {"speed": 1.5}})
    ev = evaluate(fast, work(fast, "ana", 0, "early", RATING, [("exp1", 3)]))
    assert ev.people[0].hard_hours * 60 == 1


def test_leftover_row_is_optional() -> None:
    inst = build(people={"ana": {"contract": {"max_items_per_week": 10_000}}})
    # 100 easy items × 24 000 ms = 40 min; 440 min left over, written as a row without batch
    rows = work(inst, "ana", 0, "early", RATING, [("easy1", 100)])
    assert [r.batch for r in rows] == ["easy1", ""]
    with_left = evaluate(inst, rows)
    without = evaluate(inst, rows[:1])
    assert with_left.violations == without.violations == []
    assert with_left.goals == without.goals
    assert with_left.people == without.people
    assert without.people[0].hours == 8.0  # shift minutes, whatever the rows' hours say
    # 1 199 easy items = 28 776 000 ms: 24 s left, less than a minute, so no leftover row;
    # one written anyway is accepted too
    full = work(inst, "ana", 0, "early", RATING, [("easy1", 1199)])
    assert [r.batch for r in full] == ["easy1"]
    extra = full[0].model_copy(update={"batch": "", "items": 0, "hours": 0.01})
    assert evaluate(inst, full).violations == evaluate(inst, [*full, extra]).violations == []


def test_elapsed_agrees_with_instance_minutes_between() -> None:
    from scheduler.checker.rows import elapsed

    for start, timezone in (("2026-03-23", "Europe/Berlin"), ("2026-10-19", "Europe/Berlin")):
        inst = build(horizon={"start": start, "timezone": timezone})
        origin = dt.datetime.fromisoformat(start)
        moments = [origin + dt.timedelta(minutes=m) for m in range(0, 7 * 24 * 60, 97)]
        for earlier in moments[::7]:
            for later in moments:
                assert elapsed(inst, earlier, later) == inst.minutes_between(earlier, later)
