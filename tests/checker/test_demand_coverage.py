"""The demand goals: per shift and per interval, with forecasts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from models import Assignment
from scheduler.checker import evaluate
from tests.checker.micro import START, build, penalty_sum, rules_of, work


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


CCH_FORECAST = {
    "contacts": 100,
    "aht_seconds": 180,
    "service_level": 0.8,
    "answer_seconds": 20,
    "shrinkage": 0.3,
}
"""Call Centre Helper's Erlang C example: 100 calls in 30 minutes, AHT 3 min, 80/20."""


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
