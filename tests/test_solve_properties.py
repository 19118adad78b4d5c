"""Random small instances: every roster passes the checker, and solving is repeatable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from models import Instance, SolveStatus, load_instance
from scheduler.solve import SolveOptions, solve
from tests.helpers import MONDAY, check_agrees

INSTANCES = Path(__file__).resolve().parents[1] / "instances"
SKILLS = ["general", "escalation", "safety", "code"]
SHIFTS: list[dict[str, Any]] = [
    {"id": "early", "start": "06:00", "hours": 8},
    {"id": "late", "start": "14:00", "hours": 8},
    {"id": "night", "start": "22:00", "hours": 8},
    {"id": "rate", "start": "09:00", "hours": 4, "activities": ["rating"]},
]
DIFFICULTIES = ["easy", "medium", "hard", "expert"]


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    days = draw(st.integers(2, 6))
    people = []
    for i in range(draw(st.integers(1, 5))):
        roles = draw(st.sampled_from([["agent"], ["rater"], ["agent", "rater"]]))
        skills = {
            s: draw(st.integers(1, 5))
            for s in draw(st.lists(st.sampled_from(SKILLS), min_size=1, max_size=3, unique=True))
        }
        person: dict[str, Any] = {
            "id": f"p{i}",
            "roles": roles,
            "skills": skills,
            "speed": draw(st.sampled_from([0.8, 1.0, 1.3])),
            "contract": {
                "max_hours_per_week": draw(st.sampled_from([16, 24, 40])),
                "max_days_per_week": draw(st.integers(1, 5)),
                "max_consecutive_days": draw(st.integers(2, 5)),
                "min_consecutive_days": draw(st.integers(1, 2)),
                "min_consecutive_days_off": draw(st.integers(1, 2)),
                "min_rest_hours": draw(st.sampled_from([8, 11, 14])),
                "min_hours_per_week": draw(st.sampled_from([0, 8])),
                "max_items_per_week": draw(st.sampled_from([100, 750])),
                "max_weekends": draw(st.sampled_from([None, 0, 1])),
            },
            "history": draw(
                st.sampled_from(
                    [
                        {},
                        {"consecutive_days_worked": 3, "last_shift_end": "2026-11-29T22:00"},
                        {"consecutive_days_off": 1, "hard_hours_last_week": 8},
                        {"consecutive_days_worked": 2, "consecutive_hard_days": 2},
                    ]
                )
            ),
            "preferences": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "kind": st.sampled_from(["want", "avoid"]),
                            "shift": st.sampled_from([None, "early", "night"]),
                            "day": st.sampled_from([None, "mon", "wed"]),
                            "weight": st.integers(1, 5),
                        }
                    ),
                    max_size=2,
                )
            ),
        }
        if draw(st.booleans()):
            person["unavailable"] = [draw(st.sampled_from(["tue", "2026-12-02"]))]
        people.append(person)
    demand = [
        {
            "queue": draw(st.sampled_from(["general", "esc"])),
            "shift": shift,
            "agents": draw(st.integers(0, 2)),
        }
        for shift in draw(
            st.lists(st.sampled_from(["early", "late", "night"]), max_size=3, unique=True)
        )
    ]
    batches = [
        {
            "id": f"b{j}",
            "items": draw(st.integers(1, 400)),
            "difficulty": draw(st.sampled_from(DIFFICULTIES)),
            "skill": draw(st.sampled_from(SKILLS)),
            "min_level": draw(st.integers(1, 3)),
            "graders": draw(st.integers(1, 2)),
            "deadline": draw(st.sampled_from([None, "2026-12-01", "2026-12-02"])),
            "priority": draw(st.integers(1, 5)),
        }
        for j in range(draw(st.integers(0, 3)))
    ]
    return Instance.model_validate(
        {
            "name": "random",
            "horizon": {"start": MONDAY, "days": days},
            "skills": SKILLS,
            "shifts": SHIFTS,
            "queues": [
                {"id": "general", "skill": "general"},
                {"id": "esc", "skill": "escalation", "min_level": 3, "hard": True},
            ],
            "demand": demand,
            "people": people,
            "batches": batches,
            "rules": {
                "max_hard_share": draw(st.sampled_from([0.5, 1.0])),
                "max_hard_days_per_week": draw(st.integers(1, 3)),
                "max_consecutive_hard_days": draw(st.integers(1, 2)),
            },
        }
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_every_solved_roster_passes_the_checker(inst: Instance) -> None:
    """The checker finds no violation and the same goal figures as the solver."""
    result = solve(inst, SolveOptions(time_limit=20, workers=1, seed=0))
    assert result.status in (SolveStatus.optimal, SolveStatus.infeasible)
    event(f"status {result.status.value}, roster rows > 0: {bool(result.roster)}")
    if result.status is SolveStatus.optimal:
        check_agrees(inst, result)


def test_same_seed_one_worker_same_roster() -> None:
    inst = load_instance(INSTANCES / "small-week.yaml")
    first = solve(inst, SolveOptions(time_limit=30, workers=1, seed=7))
    second = solve(inst, SolveOptions(time_limit=30, workers=1, seed=7))
    assert first.status is SolveStatus.optimal
    assert first.roster == second.roster
    assert first.objective == second.objective
