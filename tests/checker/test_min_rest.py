"""One shift at a time and the rest between shifts, daylight saving counted."""

from __future__ import annotations

import pytest

from scheduler.checker import evaluate
from tests.checker.micro import HIST_LAST_23, Case, build, check_case, days, rules_of

CASES = [
    # one_shift_at_a_time: early 06-14 and mid 10-18 overlap by 4 h; early and late only touch
    Case(
        "overlap_same_day",
        "one_shift_at_a_time",
        lambda i: days(i, "ana", [0], "early") + days(i, "ana", [0], "mid"),
        lambda i: days(i, "ana", [0], "early") + days(i, "ana", [0], "late"),
        changes={"people": {"ana": {"contract": {"max_shifts_per_day": 2}}}},
        message="overlap by 240 min",
    ),
    # min_rest
    Case(
        "late_then_early",
        "min_rest",
        lambda i: days(i, "ana", [0], "late") + days(i, "ana", [1], "early"),
        lambda i: days(i, "ana", [0], "late") + days(i, "ana", [1], "late"),
        message="rests 8 h",
    ),
    Case(
        # night 22:00-06:00 then early at 06:00: no overlap, but 0 h of rest
        "night_across_midnight_then_early",
        "min_rest",
        lambda i: days(i, "ana", [0], "night") + days(i, "ana", [1], "early"),
        lambda i: days(i, "ana", [0], "night") + days(i, "ana", [1], "night"),
        message="rests 0 h",
    ),
    Case(
        # night ends 06:00, late starts 14:00: 8 h of rest
        "night_then_late",
        "min_rest",
        lambda i: days(i, "ana", [0], "night") + days(i, "ana", [1], "late"),
        lambda i: days(i, "ana", [0], "night") + days(i, "ana", [2], "early"),
    ),
    Case(
        # last shift ended 23:00 the day before; 06:00 is 7 h later, 14:00 is 15 h later
        "history_last_shift_end",
        "min_rest",
        lambda i: days(i, "ana", [0], "early"),
        lambda i: days(i, "ana", [0], "late"),
        changes={"people": HIST_LAST_23},
        message="rests 7 h between the last shift before the horizon",
    ),
    Case(
        # Sunday's night shift ended Monday (day 0) 06:00, inside the horizon: an early
        # shift at 06:00 rests 0 h, a late one at 14:00 only 8 h, a night at 22:00 16 h
        "history_ends_inside_the_horizon",
        "min_rest",
        lambda i: days(i, "ana", [0], "early"),
        lambda i: days(i, "ana", [0], "night"),
        changes={"people": {"ana": {"history": {"last_shift_end": "2026-11-30T06:00"}}}},
        message="rests 0 h between the last shift before the horizon",
    ),
    Case(
        # a 24 h shift before the horizon ended Monday 12:00: Monday's early (06-14)
        # overlaps it by 6 h; Monday's night (22:00) rests 10 h, so 8 h of rest is enough
        "history_overlaps_the_first_shift",
        "one_shift_at_a_time",
        lambda i: days(i, "ana", [0], "early"),
        lambda i: days(i, "ana", [0], "night"),
        changes={
            "people": {
                "ana": {
                    "history": {"last_shift_end": "2026-11-30T12:00"},
                    "contract": {"min_rest_hours": 8},
                }
            }
        },
        message="overlaps the last shift before the horizon (ends 2026-11-30 12:00) by 360 min",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{c.id}" for c in CASES])
def test_rule_broken_then_fixed(case: Case) -> None:
    check_case(case)


def test_overlap_across_midnight_is_also_short_rest() -> None:
    # night 22:00-06:00, then a 05:00 shift the next day: 1 h overlap and -1 h of rest
    inst = build(shifts=[{"id": "dawn", "start": "05:00", "hours": 8}])
    ev = evaluate(inst, days(inst, "ana", [0], "night") + days(inst, "ana", [1], "dawn"))
    assert rules_of(ev) == {"one_shift_at_a_time", "min_rest"}


def test_dst_spring_forward_counts_real_time() -> None:
    # Europe/Berlin, 2026-03-29 (day 6) loses 02:00-03:00. A shift ending Saturday 20:00
    # and one starting Sunday 07:00 are 11 clock hours but 10 real hours apart.
    inst = build(
        horizon={"start": "2026-03-23", "timezone": "Europe/Berlin"},
        shifts=[
            {"id": "day", "start": "12:00", "hours": 8},
            {"id": "seven", "start": "07:00", "hours": 8},
            {"id": "eight", "start": "08:00", "hours": 8},
        ],
    )
    ev = evaluate(inst, days(inst, "ana", [5], "day") + days(inst, "ana", [6], "seven"))
    assert rules_of(ev) == {"min_rest"}
    assert "rests 10 h" in ev.violations[0].message
    ev = evaluate(inst, days(inst, "ana", [5], "day") + days(inst, "ana", [6], "eight"))
    assert ev.violations == []
    # a night across the change still counts its template length, 8 h
    ev = evaluate(inst, days(inst, "ana", [5], "night"))
    assert ev.people[0].hours == 8.0


def test_dst_fall_back_counts_real_time() -> None:
    # 2026-10-25 (day 6) repeats 02:00-03:00: Saturday 20:00 to Sunday 06:00 is 11 real hours.
    inst = build(
        horizon={"start": "2026-10-19", "timezone": "Europe/Berlin"},
        shifts=[{"id": "day", "start": "12:00", "hours": 8}],
    )
    ev = evaluate(inst, days(inst, "ana", [5], "day") + days(inst, "ana", [6], "early"))
    assert ev.violations == []
    utc = build(
        horizon={"start": "2026-10-19"}, shifts=[{"id": "day", "start": "12:00", "hours": 8}]
    )
    ev = evaluate(utc, days(utc, "ana", [5], "day") + days(utc, "ana", [6], "early"))
    assert rules_of(ev) == {"min_rest"}


def test_history_rest_across_dst() -> None:
    # last shift ended Saturday 2026-03-28 21:00 (Berlin); Sunday 07:00 is 9 real hours later
    inst = build(
        horizon={"start": "2026-03-29", "days": 2, "timezone": "Europe/Berlin"},
        shifts=[{"id": "seven", "start": "07:00", "hours": 8}],
        people={"ana": {"history": {"last_shift_end": "2026-03-28T21:00"}}},
    )
    ev = evaluate(inst, days(inst, "ana", [0], "seven"))
    assert rules_of(ev) == {"min_rest"}
    assert "rests 9 h" in ev.violations[0].message
