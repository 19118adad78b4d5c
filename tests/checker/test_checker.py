"""The independent checker, rule by rule and goal by goal, on micro-instances.

Every hard rule of docs/rules.md gets a roster that breaks exactly that rule
and the same roster corrected; every goal gets a roster whose figure is
derived by hand in a comment. No solver is involved.
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import RATING, Assignment, Evaluation, Instance, Role
from scheduler.checker import GOAL_NAMES, RULE_IDS, evaluate, format_report
from tests.helpers import ROOT

START = dt.date(2026, 11, 30)  # a Monday

# ---- building micro-instances -----------------------------------------------


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_by_id(
    base: list[dict[str, Any]], over: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    out = copy.deepcopy(base)
    for item in over:
        for i, existing in enumerate(out):
            if existing["id"] == item["id"]:
                out[i] = _merge(existing, item)
                break
        else:
            out.append(copy.deepcopy(item))
    return out


BASE: dict[str, Any] = {
    "name": "micro",
    "horizon": {"start": START.isoformat(), "days": 7},
    "skills": ["support", "escalation", "safety"],
    "shifts": [
        {"id": "early", "start": "06:00", "hours": 8},
        {"id": "mid", "start": "10:00", "hours": 8},
        {"id": "late", "start": "14:00", "hours": 8},
        {"id": "night", "start": "22:00", "hours": 8},
    ],
    "queues": [
        {"id": "chat", "skill": "support"},
        {"id": "esc", "skill": "escalation", "min_level": 3, "hard": True},
    ],
    "people": [
        {
            "id": "ana",
            "name": "Ana",
            "roles": ["agent", "rater"],
            "skills": {"support": 2, "escalation": 3, "safety": 3},
        },
        {
            # neither esc (needs 3) nor exp1 (needs safety 2): not hard-capable
            "id": "bob",
            "roles": ["agent", "rater"],
            "skills": {"support": 1, "escalation": 2, "safety": 1},
        },
    ],
    "batches": [
        {"id": "easy1", "items": 5000, "difficulty": "easy", "skill": "safety"},
        {"id": "exp1", "items": 1000, "difficulty": "expert", "skill": "safety", "min_level": 2},
    ],
    # Rotation limits out of the way unless a test sets them.
    "rules": {"max_hard_days_per_week": 7, "max_consecutive_hard_days": 7, "max_hard_share": 1.0},
}


def build(
    *,
    people: dict[str, dict[str, Any]] | None = None,
    extra_people: Sequence[dict[str, Any]] = (),
    shifts: Sequence[dict[str, Any]] = (),
    batches: list[dict[str, Any]] | None = None,
    demand: Sequence[dict[str, Any]] = (),
    rules: dict[str, Any] | None = None,
    weights: dict[str, Any] | None = None,
    horizon: dict[str, Any] | None = None,
    rates: dict[str, Any] | None = None,
) -> Instance:
    """The base instance with changes: people by id, shifts merged by id, batches replaced."""
    data = copy.deepcopy(BASE)
    data["people"] = _merge_by_id(
        data["people"], [{"id": pid, **fields} for pid, fields in (people or {}).items()]
    )
    data["people"] += list(extra_people)
    data["shifts"] = _merge_by_id(data["shifts"], shifts)
    if batches is not None:
        data["batches"] = batches
    data["demand"] = list(demand)
    data["rules"] = _merge(data["rules"], rules or {})
    data["weights"] = weights or {}
    data["horizon"] = _merge(data["horizon"], horizon or {})
    if rates is not None:
        data["rates"] = rates
    return Instance.model_validate(data)


def work(
    inst: Instance,
    person: str,
    day: int,
    shift: str,
    activity: str = "chat",
    grades: Sequence[tuple[str, int]] = (),
    hard: bool | None = None,
) -> list[Assignment]:
    """The rows of one shift, written as docs/rules.md says (hard flag recomputed here)."""
    template = inst.shift_by_id[shift]
    start, end = inst.shift_times(day, template)
    common: dict[str, Any] = {
        "date": inst.dates[day],
        "shift": shift,
        "start": start,
        "end": end,
        "person": person,
    }
    if activity != RATING:
        queue = inst.queue_by_id[activity]
        flag = queue.hard if hard is None else hard
        return [
            Assignment(
                **common, role=Role.agent, activity=activity, hours=template.hours, hard=flag
            )
        ]
    who = inst.person_by_id[person]
    flag = any(inst.batch_by_id[b].difficulty.is_hard and n > 0 for b, n in grades)
    if hard is not None:
        flag = hard
    rows = []
    used = 0
    for batch_id, items in grades:
        ms = items * inst.item_ms(who, inst.batch_by_id[batch_id])
        used += ms
        rows.append(
            Assignment(
                **common,
                role=Role.rater,
                activity=RATING,
                batch=batch_id,
                items=items,
                hours=ms / 3_600_000,
                hard=flag,
            )
        )
    left = template.minutes * 60_000 - used
    # the row for the time left over, only when at least a minute is left
    if left >= 60_000 or not rows:
        rows.append(
            Assignment(
                **common, role=Role.rater, activity=RATING, hours=left / 3_600_000, hard=flag
            )
        )
    return rows


def days(
    inst: Instance,
    person: str,
    day_list: Sequence[int],
    shift: str = "early",
    activity: str = "chat",
) -> list[Assignment]:
    return [row for d in day_list for row in work(inst, person, d, shift, activity)]


def rules_of(ev: Evaluation) -> set[str]:
    return {v.rule for v in ev.violations}


def penalty_sum(ev: Evaluation) -> float:
    return sum(g.penalty for g in ev.goals)


# ---- one case per way of breaking a rule -----------------------------------

Roster = Callable[[Instance], list[Assignment]]


@dataclass
class Case:
    id: str
    rule: str
    broken: Roster
    fixed: Roster
    changes: dict[str, Any] = field(default_factory=dict)
    fixed_changes: dict[str, Any] | None = None
    message: str = ""


def _copy(rows: list[Assignment], **update: Any) -> list[Assignment]:
    return [r.model_copy(update=update) for r in rows]


def _easy(inst: Instance, person: str, day: int, items: int) -> list[Assignment]:
    return work(inst, person, day, "early", RATING, [("easy1", items)])


HIST_LAST_23 = {"ana": {"history": {"last_shift_end": "2026-11-29T23:00"}}}

CASES = [
    # known_reference
    Case(
        "unknown_person",
        "known_reference",
        lambda i: _copy(work(i, "ana", 0, "early"), person="zed"),
        lambda i: work(i, "ana", 0, "early"),
        message="unknown person 'zed'",
    ),
    Case(
        "unknown_shift",
        "known_reference",
        lambda i: _copy(work(i, "ana", 0, "early"), shift="brunch"),
        lambda i: work(i, "ana", 0, "early"),
    ),
    Case(
        "unknown_queue",
        "known_reference",
        lambda i: _copy(work(i, "ana", 0, "early"), activity="voice"),
        lambda i: work(i, "ana", 0, "early"),
    ),
    Case(
        "unknown_batch",
        "known_reference",
        lambda i: _copy(_easy(i, "ana", 0, 10)[:1], batch="nope"),
        lambda i: _easy(i, "ana", 0, 10),
    ),
    Case(
        "date_outside_horizon",
        "known_reference",
        lambda i: _copy(
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
        lambda i: _copy(work(i, "ana", 0, "early"), batch="easy1", items=3),
        lambda i: work(i, "ana", 0, "early"),
    ),
    # shift_times
    Case(
        "wrong_clock",
        "shift_times",
        lambda i: _copy(
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
    # activity_allowed
    Case(
        "rating_on_chat_only_shift",
        "activity_allowed",
        lambda i: work(i, "ana", 0, "night", RATING),
        lambda i: work(i, "ana", 0, "night", "chat"),
        changes={"shifts": [{"id": "night", "activities": ["chat"]}]},
    ),
    # qualification
    Case(
        "level_too_low_for_queue",
        "qualification",
        lambda i: work(i, "bob", 0, "early", "esc"),
        lambda i: work(i, "ana", 0, "early", "esc"),
        message="queue esc needs escalation level 3, bob has 2",
    ),
    Case(
        "not_a_rater",
        "qualification",
        lambda i: work(i, "carl", 0, "early", RATING),
        lambda i: work(i, "carl", 0, "early", "chat"),
        changes={"extra_people": [{"id": "carl", "roles": ["agent"], "skills": {"support": 1}}]},
    ),
    Case(
        "not_an_agent",
        "qualification",
        lambda i: work(i, "rita", 0, "early", "chat"),
        lambda i: work(i, "rita", 0, "early", RATING),
        changes={"extra_people": [{"id": "rita", "roles": ["rater"], "skills": {"support": 3}}]},
    ),
    Case(
        "level_too_low_for_batch",
        "qualification",
        lambda i: work(i, "bob", 0, "early", RATING, [("exp1", 10)]),
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 10)]),
    ),
    Case(
        "row_role_mismatch",
        "qualification",
        lambda i: _copy(work(i, "ana", 0, "early"), role=Role.rater),
        lambda i: work(i, "ana", 0, "early"),
    ),
    # availability
    Case(
        "unavailable_day",
        "availability",
        lambda i: work(i, "ana", 2, "early"),
        lambda i: work(i, "ana", 3, "early"),
        changes={"people": {"ana": {"unavailable": ["2026-12-02"]}}},
    ),
    Case(
        "unavailable_range",
        "availability",
        lambda i: work(i, "ana", 2, "early"),
        lambda i: work(i, "ana", 4, "early"),
        changes={"people": {"ana": {"unavailable": [{"from": "2026-12-01", "to": "2026-12-03"}]}}},
    ),
    Case(
        "unavailable_slot",
        "availability",
        lambda i: work(i, "ana", 2, "early"),
        lambda i: work(i, "ana", 2, "late"),
        changes={"people": {"ana": {"unavailable": [{"day": "wed", "shift": "early"}]}}},
    ),
    Case(
        "fixed_day_off",
        "availability",
        lambda i: work(i, "ana", 2, "early"),
        lambda i: work(i, "ana", 3, "early"),
        changes={"people": {"ana": {"days_off": ["wed"]}}},
        message="fixed day off",
    ),
    # fixed_assignment
    Case(
        "fixed_not_worked",
        "fixed_assignment",
        lambda i: [],
        lambda i: work(i, "ana", 1, "early", "chat"),
        changes={
            "people": {"ana": {"fixed": [{"day": "tue", "shift": "early", "activity": "chat"}]}}
        },
    ),
    Case(
        "fixed_other_activity",
        "fixed_assignment",
        lambda i: work(i, "ana", 1, "early", RATING),
        lambda i: work(i, "ana", 1, "early", "chat"),
        changes={
            "people": {"ana": {"fixed": [{"day": "tue", "shift": "early", "activity": "chat"}]}}
        },
    ),
    Case(
        "fixed_any_activity",
        "fixed_assignment",
        lambda i: work(i, "ana", 1, "late", RATING),
        lambda i: work(i, "ana", 1, "early", RATING),
        changes={"people": {"ana": {"fixed": [{"day": "2026-12-01", "shift": "early"}]}}},
    ),
    # one_activity_per_shift
    Case(
        "two_activities",
        "one_activity_per_shift",
        lambda i: work(i, "ana", 0, "early", "chat") + work(i, "ana", 0, "early", RATING),
        lambda i: work(i, "ana", 0, "early", "chat"),
    ),
    Case(
        "queue_shift_two_rows",
        "one_activity_per_shift",
        lambda i: work(i, "ana", 0, "early", "chat") * 2,
        lambda i: work(i, "ana", 0, "early", "chat"),
        message="has 2 rows",
    ),
    # one_shift_at_a_time: early 06-14 and mid 10-18 overlap by 4 h; early and late only touch
    Case(
        "overlap_same_day",
        "one_shift_at_a_time",
        lambda i: days(i, "ana", [0], "early") + days(i, "ana", [0], "mid"),
        lambda i: days(i, "ana", [0], "early") + days(i, "ana", [0], "late"),
        changes={"people": {"ana": {"contract": {"max_shifts_per_day": 2}}}},
        message="overlap by 240 min",
    ),
    # max_shifts_per_day
    Case(
        "two_shifts_one_day",
        "max_shifts_per_day",
        lambda i: days(i, "ana", [0], "early") + days(i, "ana", [0], "late"),
        lambda i: days(i, "ana", [0], "early"),
        message="works 2 shifts starting this day (max 1)",
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
    # max_hours_per_week: 3 × 8 h = 24 h > 16 h
    Case(
        "too_many_hours",
        "max_hours_per_week",
        lambda i: days(i, "ana", [0, 1, 2]),
        lambda i: days(i, "ana", [0, 1]),
        changes={"people": {"ana": {"contract": {"max_hours_per_week": 16}}}},
        message="works 24 h in the week of 2026-11-30 (max 16 h)",
    ),
    # max_days_per_week
    Case(
        "too_many_days",
        "max_days_per_week",
        lambda i: days(i, "ana", [0, 1, 2]),
        lambda i: days(i, "ana", [0, 1]),
        changes={"people": {"ana": {"contract": {"max_days_per_week": 2}}}},
        message="works 3 days in the week of 2026-11-30 (max 2)",
    ),
    # max_consecutive_days
    Case(
        # 4 days before the horizon + days 0 and 1 = 6 > 5; days 0 and 2: runs of 5 and 1
        "history_run_too_long",
        "max_consecutive_days",
        lambda i: days(i, "ana", [0, 1]),
        lambda i: days(i, "ana", [0, 2]),
        changes={"people": {"ana": {"history": {"consecutive_days_worked": 4}}}},
        message="works 6 days in a row (max 5, 4 before the horizon)",
    ),
    Case(
        "run_too_long",
        "max_consecutive_days",
        lambda i: days(i, "ana", [0, 1, 2, 3]),
        lambda i: days(i, "ana", [0, 1, 2, 4]),
        changes={"people": {"ana": {"contract": {"max_consecutive_days": 3}}}},
        message="works 4 days in a row (max 3)",
    ),
    # min_consecutive_days (min 2)
    Case(
        "single_day_inside",
        "min_consecutive_days",
        lambda i: days(i, "ana", [2]),
        lambda i: days(i, "ana", [2, 3]),
        changes={"people": {"ana": {"contract": {"min_consecutive_days": 2}}}},
        message="works only 1 day in a row (min 2)",
    ),
    Case(
        # 1 day worked before the horizon, day 0 off: that history run is bounded and too short
        "history_run_cut_short",
        "min_consecutive_days",
        lambda i: days(i, "ana", [3, 4]),
        lambda i: days(i, "ana", [0, 3, 4]),
        changes={
            "people": {
                "ana": {
                    "contract": {"min_consecutive_days": 2},
                    "history": {"consecutive_days_worked": 1},
                }
            }
        },
        message="just before the horizon",
    ),
    Case(
        # days off before the horizon bound the run at day 0 on the left
        "day_zero_run_after_days_off",
        "min_consecutive_days",
        lambda i: days(i, "ana", [0]),
        lambda i: days(i, "ana", [0, 1]),
        changes={
            "people": {
                "ana": {
                    "contract": {"min_consecutive_days": 2},
                    "history": {"consecutive_days_off": 3},
                }
            }
        },
    ),
    # min_consecutive_days_off (min 2)
    Case(
        "single_day_off",
        "min_consecutive_days_off",
        lambda i: days(i, "ana", [0, 2]),
        lambda i: days(i, "ana", [0, 3]),
        changes={"people": {"ana": {"contract": {"min_consecutive_days_off": 2}}}},
        message="is off only 1 day in a row (min 2)",
    ),
    Case(
        # 1 day off before the horizon, then working day 0: that day off stands alone
        "history_day_off_cut_short",
        "min_consecutive_days_off",
        lambda i: days(i, "ana", [0]),
        lambda i: days(i, "ana", [1]),
        changes={
            "people": {
                "ana": {
                    "contract": {"min_consecutive_days_off": 2},
                    "history": {"consecutive_days_off": 1},
                }
            }
        },
    ),
    Case(
        # worked before the horizon, day 0 off, day 1 worked: 1 day off bounded on both sides
        "day_zero_off_after_work",
        "min_consecutive_days_off",
        lambda i: days(i, "ana", [1]),
        lambda i: days(i, "ana", [2]),
        changes={
            "people": {
                "ana": {
                    "contract": {"min_consecutive_days_off": 2},
                    "history": {"consecutive_days_worked": 2},
                }
            }
        },
    ),
    # max_weekends
    Case(
        "weekend_not_allowed",
        "max_weekends",
        lambda i: days(i, "ana", [5]),
        lambda i: days(i, "ana", [4]),
        changes={"people": {"ana": {"contract": {"max_weekends": 0}}}},
        message="works on 1 weekends (max 0)",
    ),
    Case(
        # 14 days: Saturdays 5 and 12 are two weekends; Saturday and Sunday 5, 6 are one
        "two_weekends",
        "max_weekends",
        lambda i: days(i, "ana", [5, 12]),
        lambda i: days(i, "ana", [5, 6]),
        changes={"people": {"ana": {"contract": {"max_weekends": 1}}}, "horizon": {"days": 14}},
    ),
    # max_shifts_per_template
    Case(
        "too_many_nights",
        "max_shifts_per_template",
        lambda i: days(i, "ana", [0, 1], "night"),
        lambda i: days(i, "ana", [0], "night") + days(i, "ana", [2], "early"),
        changes={"people": {"ana": {"contract": {"max_shifts": {"night": 1}}}}},
        message="works night 2 times (max 1)",
    ),
    # shift_sequence: a late may not be followed by an early the next day
    Case(
        "early_after_late",
        "shift_sequence",
        lambda i: days(i, "ana", [0], "late") + days(i, "ana", [1], "early"),
        lambda i: days(i, "ana", [0], "late") + days(i, "ana", [1], "late"),
        changes={
            "shifts": [{"id": "late", "forbidden_next": ["early"]}],
            "people": {"ana": {"contract": {"min_rest_hours": 0}}},
        },
        message="works early the day after late, which it may not follow",
    ),
    # max_hours_total: 3 shifts of 8 h = 24 h over the horizon, at most 16
    Case(
        "too_many_hours_in_all",
        "max_hours_total",
        lambda i: days(i, "ana", [0, 1, 2]),
        lambda i: days(i, "ana", [0, 1]),
        changes={"people": {"ana": {"contract": {"max_hours_total": 16}}}},
        message="works 24 h over the horizon (max 16 h)",
    ),
    # min_hours_total: one 8 h shift against a minimum of 16 h over the horizon
    Case(
        "too_few_hours_in_all",
        "min_hours_total",
        lambda i: days(i, "ana", [0]),
        lambda i: days(i, "ana", [0, 2]),
        changes={"people": {"ana": {"contract": {"min_hours_total": 16}}}},
        message="works 8 h over the horizon (min 16 h)",
    ),
    # max_items_per_week
    Case(
        "too_many_items",
        "max_items_per_week",
        lambda i: _easy(i, "ana", 0, 101),
        lambda i: _easy(i, "ana", 0, 100),
        changes={"people": {"ana": {"contract": {"max_items_per_week": 100}}}},
        message="grades 101 items in the week of 2026-11-30 (max 100)",
    ),
    # rating_time: easy 150/h → 24 000 ms an item; 8 h = 28 800 000 ms = exactly 1 200 items
    Case(
        "grading_longer_than_shift",
        "rating_time",
        lambda i: _easy(i, "ana", 0, 1201),
        lambda i: _easy(i, "ana", 0, 1200),
        changes={"people": {"ana": {"contract": {"max_items_per_week": 10_000}}}},
        message="takes 28,824,000 ms, more than the shift's 28,800,000 ms",
    ),
    # batch_release
    Case(
        "graded_before_release",
        "batch_release",
        lambda i: _easy(i, "ana", 1, 10),
        lambda i: _easy(i, "ana", 2, 10),
        changes={
            "batches": [
                {
                    "id": "easy1",
                    "items": 50,
                    "difficulty": "easy",
                    "skill": "safety",
                    "release": "wed",
                }
            ]
        },
        message="before its release on 2026-12-02",
    ),
    # distinct_graders: 10 items graded twice; one person can do at most 10
    Case(
        "same_item_twice",
        "distinct_graders",
        lambda i: _easy(i, "ana", 0, 11),
        lambda i: _easy(i, "ana", 0, 10),
        changes={
            "batches": [
                {"id": "easy1", "items": 10, "graders": 2, "difficulty": "easy", "skill": "safety"}
            ]
        },
    ),
    # batch_total: 6 + 6 = 12 gradings of 10 items graded once
    Case(
        "more_than_needed",
        "batch_total",
        lambda i: _easy(i, "ana", 0, 6) + _easy(i, "bob", 0, 6),
        lambda i: _easy(i, "ana", 0, 5) + _easy(i, "bob", 0, 5),
        changes={
            "batches": [{"id": "easy1", "items": 10, "difficulty": "easy", "skill": "safety"}]
        },
        message="12 gradings of easy1, more than 10 items × 1 graders = 10",
    ),
    # max_hard_days_per_week
    Case(
        "too_many_hard_days",
        "max_hard_days_per_week",
        lambda i: days(i, "ana", [0, 1, 3], activity="esc"),
        lambda i: days(i, "ana", [0, 1], activity="esc"),
        changes={"rules": {"max_hard_days_per_week": 2}},
        message="has hard work on 3 days in the week of 2026-11-30 (max 2)",
    ),
    Case(
        "expert_items_are_hard",
        "max_hard_days_per_week",
        lambda i: (
            work(i, "ana", 0, "early", RATING, [("exp1", 1)])
            + work(i, "ana", 1, "early", RATING, [("exp1", 1)])
        ),
        lambda i: (
            work(i, "ana", 0, "early", RATING, [("exp1", 1)])
            + work(i, "ana", 1, "early", RATING, [("easy1", 1)])
        ),
        changes={"rules": {"max_hard_days_per_week": 1}},
    ),
    # max_consecutive_hard_days
    Case(
        "hard_run_too_long",
        "max_consecutive_hard_days",
        lambda i: days(i, "ana", [0, 1, 2], activity="esc"),
        lambda i: days(i, "ana", [0, 1, 3], activity="esc"),
        changes={"rules": {"max_consecutive_hard_days": 2}},
        message="has hard work 3 days in a row (max 2)",
    ),
    Case(
        "hard_run_with_history",
        "max_consecutive_hard_days",
        lambda i: days(i, "ana", [0], activity="esc"),
        lambda i: days(i, "ana", [1], activity="esc"),
        changes={
            "rules": {"max_consecutive_hard_days": 2},
            # a hard day is a worked day: the 2 hard days are among 2 worked days
            "people": {
                "ana": {"history": {"consecutive_hard_days": 2, "consecutive_days_worked": 2}}
            },
        },
        message="(max 2, 2 before the horizon)",
    ),
    # max_hard_share. Hard minutes of a rating shift are its hard grading time: an expert
    # item takes ana (speed 1) ceil(3 600 000 / 60) = 60 000 ms, one minute.
    Case(
        # 61 expert items = 61 hard minutes of the 480 worked: 61/480 = 12.71 % > 12.5 %.
        # 60 items = 60/480 = 12.5 % exactly is allowed (counting the whole 8 h shift as
        # hard, 480/480, it would not be).
        "hard_share_of_grading_time",
        "max_hard_share",
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 61), ("easy1", 100)]),
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 60), ("easy1", 100)]),
        changes={"rules": {"max_hard_share": 0.125}},
        message="61 of 480 minutes in the week of 2026-11-30 are hard (12.71 %, max 12.5 %)",
    ),
    Case(
        # a shift on the hard queue esc counts all its 480 minutes, a rating shift only its
        # expert grading: 480 + 61 = 541 of 960 > 56.25 % × 960 = 540; 480 + 60 = 540 holds
        "hard_share_queue_and_grading",
        "max_hard_share",
        lambda i: (
            days(i, "ana", [0], activity="esc") + work(i, "ana", 1, "early", RATING, [("exp1", 61)])
        ),
        lambda i: (
            days(i, "ana", [0], activity="esc") + work(i, "ana", 1, "early", RATING, [("exp1", 60)])
        ),
        changes={"rules": {"max_hard_share": 0.5625}},
        message="541 of 960 minutes",
    ),
    Case(
        # 160 expert items = 160 hard minutes of 480 = 1/3. Share 0.33334 is 3 333 basis
        # points once rounded: 10 000 × 160 = 1 600 000 > 3 333 × 480 = 1 599 840, a
        # violation although 1/3 < 0.33334. At 0.3334 (3 334 bp): 3 334 × 480 = 1 600 320.
        "hard_share_basis_points",
        "max_hard_share",
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 160)]),
        lambda i: work(i, "ana", 0, "early", RATING, [("exp1", 160)]),
        changes={"rules": {"max_hard_share": 0.33334}},
        fixed_changes={"rules": {"max_hard_share": 0.3334}},
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
    inst = build(**case.changes)
    broken = evaluate(inst, case.broken(inst))
    assert rules_of(broken) == {case.rule}, [str(v) for v in broken.violations]
    if case.message:
        assert any(case.message in v.message for v in broken.violations), [
            v.message for v in broken.violations
        ]
    fixed_inst = (
        inst if case.fixed_changes is None else build(**_merge(case.changes, case.fixed_changes))
    )
    fixed = evaluate(fixed_inst, case.fixed(fixed_inst))
    assert fixed.violations == [], [str(v) for v in fixed.violations]


def test_every_rule_of_the_docs_has_a_case() -> None:
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("## Hard rules", 1)[1].split("###", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert len(documented) >= 20
    assert documented <= set(RULE_IDS)
    assert documented <= {c.rule for c in CASES}
    assert set(RULE_IDS) <= {c.rule for c in CASES}


def test_checker_is_independent_of_the_solver() -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "scheduler" / "checker").glob("*.py")
    )
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    outside = [
        n
        for n in imported
        if n.split(".")[0] == "ortools"
        or (n.startswith("scheduler") and not n.startswith("scheduler.checker"))
    ]
    assert outside == [], imported


# ---- rule edge cases ----------------------------------------------------------


def test_overlap_across_midnight_is_also_short_rest() -> None:
    # night 22:00-06:00, then a 05:00 shift the next day: 1 h overlap and -1 h of rest
    inst = build(shifts=[{"id": "dawn", "start": "05:00", "hours": 8}])
    ev = evaluate(inst, days(inst, "ana", [0], "night") + days(inst, "ana", [1], "dawn"))
    assert rules_of(ev) == {"one_shift_at_a_time", "min_rest"}


def test_runs_reaching_the_horizon_end_or_unknown_start_are_exempt() -> None:
    inst = build(
        people={"ana": {"contract": {"min_consecutive_days": 3, "min_consecutive_days_off": 3}}}
    )
    # day 0 alone: history unknown (both counts 0), exempt; days 1-5 off then day 6:
    # the off run is 5 long, the run at day 6 reaches the end.
    assert evaluate(inst, days(inst, "ana", [0, 6])).violations == []
    # the off run of days 1-2 is bounded by worked days 0 and 3: too short
    ev = evaluate(inst, days(inst, "ana", [0, 3, 4, 5, 6]))
    assert rules_of(ev) == {"min_consecutive_days_off"}


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


def test_one_expert_item_is_one_hard_minute_and_a_hard_day() -> None:
    inst = build(rules={"max_hard_days_per_week": 1, "max_hard_share": 0.002})
    # 1 expert item at speed 1: ceil(3 600 000 / 60) = 60 000 ms = 1 hard minute of 480
    rows = work(inst, "ana", 0, "early", RATING, [("exp1", 1)])
    assert all(r.hard for r in rows)
    ev = evaluate(inst, rows)
    # share 0.002 = 20 bp: 10 000 × 1 ≤ 20 × 480 = 9 600 fails, a whole shift would too;
    # only that rule breaks, max_hard_days_per_week (1 day ≤ 1) holds
    assert rules_of(ev) == {"max_hard_share"}
    assert "1 of 480 minutes" in ev.violations[0].message
    ana = ev.people[0]
    assert (ana.hard_days, ana.hard_hours, ana.hard_share) == (1, 1 / 60, 1 / 480)
    assert ana.hard_load_with_history == 1 / 60
    # it is a hard day like any other: a second one breaks max_hard_days_per_week
    two = rows + work(inst, "ana", 1, "early", RATING, [("exp1", 1)])
    ok = build(rules={"max_hard_days_per_week": 1, "max_hard_share": 0.0021})
    assert rules_of(evaluate(ok, two)) == {"max_hard_days_per_week"}
    assert rules_of(evaluate(ok, rows)) == set()


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


def test_contract_limits_in_whole_minutes() -> None:
    inst = build(
        people={
            "ana": {
                "contract": {
                    "max_hours_per_week": 15.75,
                    "min_rest_hours": 8.25,
                    "min_hours_per_week": 7.5,
                }
            }
        },
        horizon={"days": 10},
    )
    contract = inst.person_by_id["ana"].contract
    assert (contract.max_minutes_per_week, contract.min_rest_minutes) == (945, 495)
    # two 8 h shifts: 960 min > 945; late (ends 22:00) then early (06:00): 480 min < 495
    ev = evaluate(inst, days(inst, "ana", [0], "late") + days(inst, "ana", [1], "early"))
    assert rules_of(ev) == {"max_hours_per_week", "min_rest"}
    messages = " | ".join(v.message for v in ev.violations)
    assert "works 16 h in the week of 2026-11-30 (max 15.75 h)" in messages
    assert "rests 8 h" in messages and "(min 8.25 h)" in messages
    # one shift a week (480 ≤ 945) with days of rest between them: both rules hold
    ev = evaluate(inst, days(inst, "ana", [0], "late") + days(inst, "ana", [7], "early"))
    assert ev.violations == []
    # min_hours_short: week 1 (7 days) round(60 × 7.5) × 7 // 7 = 450 − 480 → 0;
    # week 2 (3 days) 450 × 3 // 7 = 192 − 480 → 0; with nothing worked 450 + 192 = 642 min
    assert ev.people[0].min_hours_short == 0
    assert evaluate(inst, []).people[0].min_hours_short == 642 / 60
    assert contract.min_minutes(3) == 192


def test_elapsed_agrees_with_instance_minutes_between() -> None:
    from scheduler.checker import _elapsed

    for start, timezone in (("2026-03-23", "Europe/Berlin"), ("2026-10-19", "Europe/Berlin")):
        inst = build(horizon={"start": start, "timezone": timezone})
        origin = dt.datetime.fromisoformat(start)
        moments = [origin + dt.timedelta(minutes=m) for m in range(0, 7 * 24 * 60, 97)]
        for earlier in moments[::7]:
            for later in moments:
                assert _elapsed(inst, earlier, later) == inst.minutes_between(earlier, later)


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


def test_violation_fields() -> None:
    inst = build(people=HIST_LAST_23)
    ev = evaluate(inst, days(inst, "ana", [0]))
    (v,) = ev.violations
    assert (v.rule, v.person, v.date) == ("min_rest", "ana", START)
    assert not ev.feasible


# ---- goals --------------------------------------------------------------------


def test_uncovered_with_demand_precedence() -> None:
    inst = build(
        demand=[
            {"queue": "chat", "shift": "early", "agents": 1},
            {"queue": "chat", "shift": "early", "day": "mon", "agents": 2},
            {
                "queue": "chat",
                "shift": "early",
                "day": "2026-12-01",
                "agents": 3,
                "under_weight": 7,
            },
        ]
    )
    roster = work(inst, "ana", 0, "early") + work(inst, "bob", 1, "early")
    ev = evaluate(inst, roster)
    # Monday: the weekday row (2) beats the all-days row; 1 assigned → 1 short × 100 000.
    # Tuesday: the date row (3) beats both; 1 assigned → 2 short × 7 = 14.
    # Wednesday-Sunday: 1 required, 0 assigned → 5 short × 100 000.
    # 1 + 2 + 5 = 8 short; 100 000 + 14 + 500 000 = 600 014.
    goal = ev.goal("uncovered")
    assert (goal.value, goal.penalty) == (8, 600_014)
    assert (goal.label, goal.unit) == ("agent-shifts uncovered", "agent-shifts")
    assert ev.goal("overstaffed").value == 0
    assert [(c.date.day, c.required, c.assigned, c.short) for c in ev.coverage] == [
        (30, 2, 1, 1),
        (1, 3, 1, 2),
        (2, 1, 0, 1),
        (3, 1, 0, 1),
        (4, 1, 0, 1),
        (5, 1, 0, 1),
        (6, 1, 0, 1),
    ]


def test_overstaffed() -> None:
    inst = build(
        demand=[{"queue": "chat", "shift": "early", "day": "mon", "agents": 1, "over_weight": 3}]
    )
    roster = (
        work(inst, "ana", 0, "early") + work(inst, "bob", 0, "early") + work(inst, "ana", 1, "late")
    )
    ev = evaluate(inst, roster)
    assert ev.violations == []
    # Monday early: 2 assigned, 1 required → 1 over × 3 (row weight).
    # Tuesday late: no demand row, required 0, 1 assigned → 1 over × 50 (default).
    goal = ev.goal("overstaffed")
    assert (goal.value, goal.penalty) == (2, 53)
    assert ev.goal("uncovered").value == 0
    # one coverage row per (queue, date, shift) with demand or assignments, by date, shift, queue
    assert [(c.date, c.shift, c.queue, c.required, c.assigned, c.over) for c in ev.coverage] == [
        (START, "early", "chat", 1, 2, 1),
        (START + dt.timedelta(days=1), "late", "chat", 0, 1, 1),
    ]


def interval(
    start: str, minutes: int, agents: int, day: str | None = "mon", **extra: Any
) -> dict[str, Any]:
    """A demand row for an interval of the day on queue chat (Monday unless told)."""
    row: dict[str, Any] = {"queue": "chat", "start": start, "minutes": minutes, "agents": agents}
    if day is not None:
        row["day"] = day
    return {**row, **extra}


def at(day: int, clock: str) -> dt.datetime:
    return dt.datetime.combine(START + dt.timedelta(days=day), dt.time.fromisoformat(clock))


OVERLAPPING = [
    {"id": "day", "start": "09:00", "hours": 8},  # 09:00-17:00
    {"id": "eve", "start": "12:00", "hours": 8},  # 12:00-20:00
]


def test_interval_coverage_from_two_overlapping_shifts() -> None:
    inst = build(
        shifts=OVERLAPPING,
        demand=[
            interval("12:00", 30, 2),
            interval("08:00", 30, 1),
            interval("16:30", 30, 2),
            interval("17:00", 30, 1),
        ],
    )
    roster = work(inst, "ana", 0, "day") + work(inst, "bob", 0, "eve")
    ev = evaluate(inst, roster)
    assert ev.violations == []
    # A shift covers an interval when its span holds the whole interval:
    # 08:00-08:30: day starts 09:00, eve 12:00 → 0 of 1, 1 short.
    # 12:00-12:30: ana (09-17) and bob (12-20) → 2 of 2.
    # 16:30-17:00: day ends at 17:00, which still holds it → 2 of 2.
    # 17:00-17:30: only eve → 1 of 1.
    # 1 agent-interval short × 10 000 (weights.uncovered_intervals default).
    assert [(c.start, c.shift, c.required, c.assigned, c.short, c.over) for c in ev.coverage] == [
        (at(0, "08:00"), None, 1, 0, 1, 0),
        (at(0, "12:00"), None, 2, 2, 0, 0),
        (at(0, "16:30"), None, 2, 2, 0, 0),
        (at(0, "17:00"), None, 1, 1, 0, 0),
    ]
    assert [c.end for c in ev.coverage] == [
        at(0, "08:30"),
        at(0, "12:30"),
        at(0, "17:00"),
        at(0, "17:30"),
    ]
    goal = ev.goal("uncovered_intervals")
    assert (goal.value, goal.penalty) == (1, 10_000)
    assert (goal.label, goal.unit) == ("agent-intervals uncovered", "agent-intervals")
    assert ev.goal("overstaffed_intervals").value == 0
    # both shifts were worked for interval demand and have no per-shift row:
    # not per-shift overstaffing, and no per-shift coverage rows
    assert (ev.goal("overstaffed").value, ev.goal("uncovered").value) == (0, 0)
    # agents rows carry no forecast
    assert all(c.forecast is None and c.service_level is None for c in ev.coverage)


def test_a_person_counts_once_per_interval() -> None:
    inst = build(shifts=OVERLAPPING, demand=[interval("12:00", 30, 2), interval("17:00", 30, 1)])
    # Ana works both day and eve (a broken roster): both her rows hold 12:00-12:30,
    # but she is one person → 1 of 2 assigned, 1 short; 17:00-17:30: eve → 1 of 1.
    ev = evaluate(inst, work(inst, "ana", 0, "day") + work(inst, "ana", 0, "eve"))
    assert "one_shift_at_a_time" in rules_of(ev) or "max_shifts_per_day" in rules_of(ev)
    assert [(c.start, c.assigned, c.short, c.over) for c in ev.coverage] == [
        (at(0, "12:00"), 1, 1, 0),
        (at(0, "17:00"), 1, 0, 0),
    ]
    assert ev.goal("uncovered_intervals").value == 1
    assert ev.goal("overstaffed_intervals").value == 0


def test_night_shift_from_the_day_before_covers_an_early_interval() -> None:
    inst = build(demand=[interval("05:00", 60, 1, day=None)])
    roster = work(inst, "ana", 0, "night") + work(inst, "bob", 1, "early")
    ev = evaluate(inst, roster)
    assert ev.violations == []
    # Monday's night runs Mon 22:00 to Tue 06:00: it holds Tuesday 05:00-06:00 → 1 of 1.
    # Monday 05:00: the Sunday night before is outside the horizon → 0 of 1.
    # Wed-Sun 05:00: nobody → 0 of 1 each. 6 short × 10 000 = 60 000.
    assigned = [(c.date, c.start, c.assigned) for c in ev.coverage if c.shift is None]
    assert assigned[:2] == [
        (START, at(0, "05:00"), 0),
        (START + dt.timedelta(days=1), at(1, "05:00"), 1),
    ]
    goal = ev.goal("uncovered_intervals")
    assert (goal.value, goal.penalty) == (6, 60_000)
    # Tuesday early (06:00-14:00) holds no interval: per-shift overstaffing, required 0,
    # 1 × 50; Monday's night holds one, so it is counted per interval only.
    assert (ev.goal("overstaffed").value, ev.goal("overstaffed").penalty) == (1, 50)
    (shift_row,) = [c for c in ev.coverage if c.shift is not None]
    assert (shift_row.shift, shift_row.start, shift_row.required, shift_row.over) == (
        "early",
        at(1, "06:00"),
        0,
        1,
    )
    assert inst.covering_shifts(inst.interval_requirements[1]) == [(0, "night")]


def test_interval_short_and_over_with_weights() -> None:
    inst = build(
        demand=[
            interval("08:00", 15, 3, under_weight=7),
            interval("10:00", 60, 3),
            interval("13:00", 30, 1),
            interval("16:00", 30, 0, over_weight=2),
            interval("18:00", 30, 1, under_weight=0),
        ],
        weights={"uncovered_interval": 1_000, "overstaffed_interval": 4},
    )
    roster = work(inst, "ana", 0, "early") + work(inst, "bob", 0, "mid")
    ev = evaluate(inst, roster)
    assert ev.violations == []
    # ana early 06:00-14:00, bob mid 10:00-18:00:
    # 08:00-08:15 wants 3: ana          → 2 short × 7 (row)         = 14
    # 10:00-11:00 wants 3: ana, bob     → 1 short × 1 000 (weights) = 1 000
    # 13:00-13:30 wants 1: ana, bob     → 1 over × 4 (weights)      = 4
    # 16:00-16:30 wants 0: bob          → 1 over × 2 (row)          = 2
    # 18:00-18:30 wants 1: mid ends 18:00 → 1 short × 0 (row, 0 wins) = 0
    # short 2 + 1 + 1 = 4 (penalty 1 014); over 1 + 1 = 2 (penalty 6)
    assert [(c.required, c.assigned, c.short, c.over) for c in ev.coverage] == [
        (3, 1, 2, 0),
        (3, 2, 1, 0),
        (1, 2, 0, 1),
        (0, 1, 0, 1),
        (1, 0, 1, 0),
    ]
    short, over = ev.goal("uncovered_intervals"), ev.goal("overstaffed_intervals")
    assert (short.value, short.penalty) == (4, 1_014)
    assert (over.value, over.penalty) == (2, 6)
    assert (over.label, over.unit) == ("agent-intervals over demand", "agent-intervals")
    assert ev.objective == pytest.approx(penalty_sum(ev))


def test_overstaffed_exception_for_shifts_worked_for_interval_demand() -> None:
    cy = {"id": "cy", "roles": ["agent"], "skills": {"escalation": 3}}
    demand = [interval("12:00", 30, 1)]
    inst = build(extra_people=[cy], demand=demand)
    roster = (
        work(inst, "ana", 0, "mid")  # Mon 10-18 chat: holds 12:00 → per interval only
        + work(inst, "bob", 0, "early")  # Mon 06-14 chat: holds 12:00 → per interval only
        + work(inst, "bob", 1, "mid")  # Tue chat: no interval demand Tuesday → per shift
        + work(inst, "cy", 0, "mid", "esc")  # Mon esc: no interval demand on esc → per shift
    )
    ev = evaluate(inst, roster)
    assert ev.violations == []
    assert inst.interval_queues[(0, "mid")] == {"chat"}
    # interval 12:00-12:30 wants 1, ana and bob hold it → 1 over × 5 (default).
    # per shift, required 0: bob Tue mid chat 1 over, cy Mon mid esc 1 over → 2 × 50 = 100.
    assert [(c.start, c.queue, c.shift, c.required, c.assigned, c.over) for c in ev.coverage] == [
        (at(0, "10:00"), "esc", "mid", 0, 1, 1),
        (at(0, "12:00"), "chat", None, 1, 2, 1),
        (at(1, "10:00"), "chat", "mid", 0, 1, 1),
    ]
    assert (ev.goal("overstaffed").value, ev.goal("overstaffed").penalty) == (2, 100)
    assert (ev.goal("overstaffed_intervals").value, ev.goal("overstaffed_intervals").penalty) == (
        1,
        5,
    )

    # With a per-shift row for Monday mid on chat (0 wanted, over_weight 3) the exception
    # no longer applies to ana's shift: 1 more over per shift × 3 → 3 over, 103; the
    # interval still counts her.
    with_row = build(
        extra_people=[cy],
        demand=[
            *demand,
            {"queue": "chat", "shift": "mid", "day": "mon", "agents": 0, "over_weight": 3},
        ],
    )
    ev = evaluate(with_row, roster)
    assert (ev.goal("overstaffed").value, ev.goal("overstaffed").penalty) == (3, 103)
    assert ev.goal("overstaffed_intervals").value == 1
    assert [(c.start, c.queue, c.shift, c.assigned) for c in ev.coverage] == [
        (at(0, "10:00"), "chat", "mid", 1),
        (at(0, "10:00"), "esc", "mid", 1),
        (at(0, "12:00"), "chat", None, 2),
        (at(1, "10:00"), "chat", "mid", 1),
    ]


CCH_FORECAST = {
    "contacts": 100,
    "aht_seconds": 180,
    "service_level": 0.8,
    "answer_seconds": 20,
    "shrinkage": 0.3,
}
"""Call Centre Helper's Erlang C example: 100 calls in 30 minutes, AHT 3 min, 80/20."""


def test_forecast_row_required_and_achieved_service_level() -> None:
    ids = [f"a{i:02}" for i in range(20)]
    inst = build(
        extra_people=[{"id": i, "roles": ["agent"], "skills": {"support": 1}} for i in ids],
        demand=[
            {
                "queue": "chat",
                "start": "09:00",
                "minutes": 30,
                "day": "mon",
                "forecast": CCH_FORECAST,
            }
        ],
    )
    # Traffic A = 100 × 180 s / 1 800 s = 10 Erlangs. Erlang C: 13 agents answer 79.6 % in
    # 20 s (short of 80 %), 14 answer 88.8 %: 14 agents; with 30 % shrinkage ceil(14 / 0.7) = 20.
    (req,) = inst.interval_requirements
    assert (req.agents, req.contacts) == (20, 100)

    def on_early(count: int) -> list[Assignment]:
        return [row for i in ids[:count] for row in work(inst, i, 0, "early")]

    # 14 assigned: floor(14 × 0.7) = floor(9.8) = 9 productive agents ≤ A = 10, the queue
    # never settles (Erlang C: SL 0); 6 short × 10 000.
    ev = evaluate(inst, on_early(14))
    (row,) = ev.coverage
    assert (row.required, row.assigned, row.short, row.forecast) == (20, 14, 6, 100)
    assert row.service_level == 0.0
    assert ev.goal("uncovered_intervals").penalty == 60_000

    # 20 assigned: floor(20 × 0.7) = 14 productive. Erlang B(14, 10) = 0.05682,
    # C = 14 B / (14 − 10 (1 − B)) = 0.17413, SL = 1 − C e^(−(14 − 10) 20/180)
    # = 1 − 0.17413 × 0.64118 = 0.88835.
    ev = evaluate(inst, on_early(20))
    (row,) = ev.coverage
    assert (row.required, row.assigned, row.short, row.over) == (20, 20, 0, 0)
    assert row.service_level == pytest.approx(0.88835, abs=1e-5)
    assert row.service_level == req.achieved(20).service_level  # type: ignore[union-attr]


def test_hard_queue_split_of_a_deflection_forecast() -> None:
    esc_people = [
        {"id": f"e{i}", "roles": ["agent"], "skills": {"escalation": 3}} for i in range(2)
    ]
    forecast = {
        "contacts_before_ai": 400,
        "deflection": 0.75,
        "aht_seconds": 240,
        "residue_aht_factor": 1.5,
        "hard_share": 0.2,
        "service_level": 0.8,
        "answer_seconds": 20,
        "shrinkage": 0,
    }
    inst = build(
        extra_people=esc_people,
        demand=[
            {
                "queue": "chat",
                "hard_queue": "esc",
                "start": "09:00",
                "minutes": 60,
                "day": "mon",
                "forecast": forecast,
            }
        ],
    )
    roster = (
        work(inst, "ana", 0, "early", "esc")
        + work(inst, "e0", 0, "early", "esc")
        + work(inst, "e1", 0, "early", "esc")
    )
    ev = evaluate(inst, roster)
    assert ev.violations == []
    # The AI closes 75 % of 400: 100 contacts reach people, at 240 × 1.5 = 360 s each.
    # chat gets 1 − 0.2 = 80 of them: A = 80 × 360 / 3 600 = 8 Erlangs → 12 agents (Erlang
    #   C, 80/20), none assigned: 12 short, SL 0 (no agent).
    # esc gets 0.2 → 20: A = 2 Erlangs. Erlang C(4, 2) = 4/23, SL = 1 − 4/23 · e^(−2·20/360)
    #   = 0.8444 ≥ 0.8, while C(3, 2) = 4/9 gives 1 − 4/9 · e^(−20/360) = 0.5796: 4 agents.
    #   Three assigned (no shrinkage): 1 short, achieved SL 0.5796.
    # 13 agent-intervals short × 10 000.
    rows = {c.queue: c for c in ev.coverage}
    assert set(rows) == {"chat", "esc"}
    chat, esc = rows["chat"], rows["esc"]
    assert chat.forecast == pytest.approx(80) and esc.forecast == pytest.approx(20)
    assert (chat.required, chat.assigned, chat.short, chat.service_level) == (12, 0, 12, 0.0)
    assert (esc.required, esc.assigned, esc.short) == (4, 3, 1)
    assert esc.service_level == pytest.approx(0.57957, abs=1e-5)
    assert (chat.shift, esc.shift) == (None, None)
    goal = ev.goal("uncovered_intervals")
    assert (goal.value, goal.penalty) == (13, 130_000)
    assert ev.goal("overstaffed").value == 0  # the esc shift holds an esc interval


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


def test_goal_list_shape_and_objective() -> None:
    inst = build(demand=[{"queue": "chat", "shift": "early", "day": "mon", "agents": 2}])
    ev = evaluate(inst, [])
    assert [g.name for g in ev.goals] == list(GOAL_NAMES)
    assert [g.unit for g in ev.goals] == [
        "agent-shifts",
        "agent-shifts",
        "agent-intervals",
        "agent-intervals",
        "items",
        "items",
        "hours",
        "points",
        "hours",
        "hours",
    ]
    # 2 × 100 000 uncovered; easy1 5 000 and exp1 1 000 gradings late (× 3 × 10) and unfinished
    assert ev.objective == 200_000 + 6_000 * 30 + 6_000
    assert ev.objective == penalty_sum(ev)
    assert [p.person for p in ev.people] == ["ana", "bob"]
    assert ev.people[0].roles == "agent;rater"
    assert all(len(b.per_day) == 7 for b in ev.batches)


# ---- the report -----------------------------------------------------------------


def test_format_report() -> None:
    inst = build(demand=[{"queue": "chat", "shift": "early", "day": "mon", "agents": 2}])
    clean = format_report(evaluate(inst, []))
    assert clean.splitlines()[0] == "All hard rules hold."
    assert "agent-shifts uncovered: 2 (penalty 200000)" in clean.splitlines()
    bad = format_report(evaluate(inst, days(inst, "ana", [0], "late") + days(inst, "ana", [1])))
    assert any(line.startswith("ana 2026-12-01 [min_rest] rests 8 h") for line in bad.splitlines())
    assert "All hard rules hold." not in bad
    assert "hours worked x hourly cost: 16 (penalty 16)" in bad.splitlines()


# ---- property: random rosters never crash the checker ---------------------------

PROPERTY_INSTANCE = build(
    people={
        "ana": {
            "contract": {"min_consecutive_days": 2, "min_hours_per_week": 10, "max_weekends": 1},
            "history": {"consecutive_days_worked": 2, "last_shift_end": "2026-11-29T22:00"},
            "preferences": [{"kind": "avoid", "shift": "night", "weight": 2}],
        },
        "bob": {"history": {"consecutive_days_off": 1}, "days_off": ["sun"]},
    },
    demand=[
        {"queue": "chat", "shift": "early", "agents": 1},
        {"queue": "chat", "start": "12:00", "minutes": 30, "agents": 1},
        {"queue": "chat", "start": "05:00", "minutes": 60, "day": "tue", "agents": 2},
        {
            "queue": "chat",
            "hard_queue": "esc",
            "start": "15:00",
            "minutes": 15,
            "day": "wed",
            "forecast": {
                "contacts_before_ai": 40,
                "deflection": 0.5,
                "aht_seconds": 120,
                "hard_share": 0.25,
            },
        },
    ],
    batches=[
        {"id": "easy1", "items": 300, "difficulty": "easy", "skill": "safety", "deadline": "wed"},
        {"id": "exp1", "items": 100, "difficulty": "expert", "skill": "safety", "min_level": 2},
    ],
    rules={"max_hard_share": 0.5, "max_consecutive_hard_days": 2, "max_hard_days_per_week": 3},
)

_row = st.tuples(
    st.sampled_from(["ana", "bob", "zed"]),
    st.integers(min_value=-1, max_value=7),
    st.sampled_from(["early", "mid", "late", "night", "brunch"]),
    st.sampled_from(["chat", "esc", RATING, "voice"]),
    st.sampled_from(["", "easy1", "exp1", "nope"]),
    st.integers(min_value=0, max_value=1500),
    st.booleans(),
    st.sampled_from([0, 0, 0, 60]),
)


def _random_row(spec: tuple[str, int, str, str, str, int, bool, int]) -> Assignment:
    person, day, shift, activity, batch, items, hard, shift_by = spec
    inst = PROPERTY_INSTANCE
    template = inst.shift_by_id.get(shift)
    date = START + dt.timedelta(days=day)
    start = dt.datetime.combine(date, template.start if template else dt.time(9))
    start += dt.timedelta(minutes=shift_by)
    end = start + dt.timedelta(hours=template.hours if template else 8)
    if activity != RATING:
        batch, items = "", 0
    return Assignment(
        date=date,
        shift=shift,
        start=start,
        end=end,
        person=person,
        role=Role.rater if activity == RATING else Role.agent,
        activity=activity,
        batch=batch,
        items=items if batch else 0,
        hours=1.0,
        hard=hard,
    )


@settings(max_examples=150, deadline=None)
@given(st.lists(_row, max_size=14))
def test_random_rosters_never_crash(
    specs: list[tuple[str, int, str, str, str, int, bool, int]],
) -> None:
    inst = PROPERTY_INSTANCE
    ev = evaluate(inst, [_random_row(s) for s in specs])
    assert [g.name for g in ev.goals] == list(GOAL_NAMES)
    assert ev.objective == pytest.approx(penalty_sum(ev))
    assert all(g.value >= 0 and g.penalty >= 0 for g in ev.goals)
    assert set(rules_of(ev)) <= set(RULE_IDS)
    assert len(ev.people) == len(inst.people)
    assert all(len(b.per_day) == inst.horizon.days for b in ev.batches)
    starts = [(c.start, c.queue) for c in ev.coverage]
    assert starts == sorted(starts)
    keys = [(c.queue, c.start, c.end, c.shift) for c in ev.coverage]
    assert len(set(keys)) == len(keys)
    # the checker's own span test agrees with Instance.covering_shifts / interval_queues
    worked: dict[tuple[str, int, str], set[str]] = {}
    for a in [_random_row(s) for s in specs]:
        day = (a.date - START).days
        if 0 <= day < 7 and a.person in inst.person_by_id and a.shift in inst.shift_by_id:
            worked.setdefault((a.activity, day, a.shift), set()).add(a.person)
    intervals = [c for c in ev.coverage if c.shift is None]
    assert len(intervals) == len(inst.interval_requirements)
    for req, c in zip(inst.interval_requirements, intervals, strict=True):
        people = set().union(
            *(worked.get((req.queue, d, s), set()) for d, s in inst.covering_shifts(req))
        )
        assert (c.queue, c.start, c.assigned) == (req.queue, req.start, len(people))
    per_shift = {(c.queue, (c.date - START).days, c.shift) for c in ev.coverage if c.shift}
    for q, d, s in worked:
        if (q, d, s) not in inst.demand_in_force and q in inst.interval_queues.get((d, s), ()):
            assert (q, d, s) not in per_shift
    short = sum(c.short for c in intervals)
    over = sum(c.over for c in intervals)
    assert (short, over) == (
        ev.goal("uncovered_intervals").value,
        ev.goal("overstaffed_intervals").value,
    )
    assert isinstance(format_report(ev), str)
