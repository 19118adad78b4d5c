"""History from last week's roster: consecutive days, last shift, hard load."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import yaml

from models import Assignment, Instance, Role
from models.history import history_from_roster, with_history
from scheduler.cli import main
from tests.helpers import agent, demand, micro

SHIFTS: list[dict[str, Any]] = [
    {"id": "early", "start": "06:00", "hours": 8},
    {"id": "late", "start": "15:00", "hours": 8},
]


def row(
    person: str, date: str, shift: str = "early", queue: str = "general", hard: bool = False
) -> Assignment:
    day = dt.date.fromisoformat(date)
    start = dt.datetime.combine(day, dt.time(6 if shift == "early" else 15))
    return Assignment(
        date=day,
        shift=shift,
        start=start,
        end=start + dt.timedelta(hours=8),
        person=person,
        role=Role.agent,
        activity=queue,
        hours=8,
        hard=hard,
    )


def week(**parts: Any) -> Instance:
    return micro(days=7, shifts=SHIFTS, **parts)


def test_history_counts_back_from_the_day_before() -> None:
    # Ana worked Thu-Sun (4 days) of last week, the last a late shift ending 23:00;
    # two of those were escalation shifts (hard), Sat and Sun: 16 hard hours, 2 hard
    # days in a row. Bo worked Mon-Tue only: 5 days off before the horizon.
    rows = [row("ana", f"2026-11-{d}") for d in (26, 27)]
    rows += [row("ana", "2026-11-28", queue="esc", hard=True)]
    rows += [row("ana", "2026-11-29", shift="late", queue="esc", hard=True)]
    rows += [row("bo", "2026-11-23"), row("bo", "2026-11-24")]
    inst = week(people=[agent("ana"), agent("bo"), agent("cy")])
    history = history_from_roster(inst, rows)
    ana, bo, cy = history["ana"], history["bo"], history["cy"]
    assert (ana.consecutive_days_worked, ana.consecutive_days_off) == (4, 0)
    assert ana.last_shift_end == dt.datetime(2026, 11, 29, 23, 0)
    assert (ana.hard_hours_last_week, ana.consecutive_hard_days) == (16, 2)
    assert (bo.consecutive_days_worked, bo.consecutive_days_off) == (0, 5)
    # Cy is not in last week's roster at all: free all 7 days it covers (23-29 Nov)
    assert (cy.consecutive_days_worked, cy.consecutive_days_off) == (0, 7)
    assert cy.last_shift_end is None


def test_explicit_history_wins() -> None:
    rows = [row("ana", "2026-11-29")]
    inst = week(people=[agent("ana", history={"consecutive_days_off": 3}), agent("bo")])
    changed, sources = with_history(inst, rows, "last.csv")
    assert sources.people == {"ana": "instance", "bo": "roster"}
    assert changed.person_by_id["ana"].history.consecutive_days_off == 3
    # the roster covers one day only (Sunday), on which Bo was off
    assert changed.person_by_id["bo"].history.consecutive_days_off == 1


def test_hard_minutes_of_last_week_are_the_checkers() -> None:
    """A rating shift's hard minutes come from its items, as the checker counts them,
    not from the rounded `hours` column."""
    # 61 expert items at 60 an hour (speed 1): 61 × 60 000 ms = 61 minutes. The row's
    # hours, written to the hundredth, say 1.02 h, which would be ceil(61.2) = 62.
    inst = week(
        people=[{"id": "ana", "roles": ["rater"], "skills": {"safety": 3}}],
        batches=[{"id": "exp", "items": 100, "difficulty": "expert", "skill": "safety"}],
    )
    day = dt.date(2026, 11, 27)
    start = dt.datetime.combine(day, dt.time(6))
    common: dict[str, Any] = {
        "date": day,
        "shift": "early",
        "start": start,
        "end": start + dt.timedelta(hours=8),
        "person": "ana",
        "role": Role.rater,
        "activity": "rating",
        "hard": True,
    }
    rows = [
        Assignment(**common, batch="exp", items=61, hours=1.02),
        Assignment(**common, hours=6.98),
    ]
    assert history_from_roster(inst, rows)["ana"].hard_hours_last_week == 61 / 60
    # a batch no longer in the instance counts by its row's hours: ceil(1.02 × 60) = 62
    gone = week(people=[{"id": "ana", "roles": ["rater"], "skills": {"safety": 3}}])
    assert history_from_roster(gone, rows)["ana"].hard_hours_last_week == 62 / 60


def _solve_with_history(
    tmp_path: Path, rows: list[Assignment], inst: dict[str, Any]
) -> dict[str, Any]:
    from models import write_roster_csv

    last = tmp_path / "last.csv"
    write_roster_csv(rows, last)
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(inst))
    out = tmp_path / "out"
    argv = ["solve", str(path), "--out", str(out), "--history", str(last), "--workers", "1"]
    assert main([*argv, "--quiet", "--no-exports"]) == 0
    summary: dict[str, Any] = json.loads((out / "summary.json").read_text())
    summary["roster"] = (out / "roster.csv").read_text()
    return summary


BASE: dict[str, Any] = {
    "name": "next",
    "horizon": {"start": "2026-11-30", "days": 2},
    "skills": ["general", "escalation"],
    "shifts": SHIFTS,
    "queues": [
        {"id": "general", "skill": "general"},
        {"id": "esc", "skill": "escalation", "min_level": 3, "hard": True},
    ],
}


def test_four_days_before_allow_one_more_at_the_start(tmp_path: Path) -> None:
    # Last week's roster: Ana worked Thu-Sun; at most 5 in a row: of Mon and Tue this
    # week she works one, so one of the two early shifts is uncovered.
    rows = [row("ana", f"2026-11-{d}") for d in (26, 27, 28, 29)]
    inst = {
        **BASE,
        "demand": [demand("general", None, shift="early")],
        "people": [{"id": "ana", "roles": ["agent"], "skills": {"general": 2}}],
    }
    summary = _solve_with_history(tmp_path, rows, inst)
    assert summary["goals"]["uncovered"]["value"] == 1
    assert summary["history"]["people"] == {"ana": "roster"}


def test_a_late_shift_ending_at_23_rules_out_monday_6am(tmp_path: Path) -> None:
    # Sunday's late shift ended 23:00; 11 h rest: Monday's 06:00 early is not hers.
    rows = [row("ana", "2026-11-29", shift="late")]
    inst = {
        **BASE,
        "horizon": {"start": "2026-11-30", "days": 1},
        "demand": [demand("general", None, shift="early")],
        "people": [{"id": "ana", "roles": ["agent"], "skills": {"general": 2}}],
    }
    summary = _solve_with_history(tmp_path, rows, inst)
    assert summary["goals"]["uncovered"]["value"] == 1


def test_last_weeks_heaviest_carrier_gets_the_least_hard_work(tmp_path: Path) -> None:
    # Ana did two escalation shifts last week (16 h hard), Bo none: this week's one
    # escalation shift goes to Bo (loads 16 and 8 rather than 24 and 0).
    rows = [
        row("ana", "2026-11-25", queue="esc", hard=True),
        row("ana", "2026-11-26", queue="esc", hard=True),
    ]
    agent_skills = {"general": 2, "escalation": 3}
    inst = {
        **BASE,
        "horizon": {"start": "2026-11-30", "days": 1},
        "demand": [demand("esc", None, shift="early")],
        "rules": {"max_hard_share": 1.0},
        "people": [
            {"id": "ana", "roles": ["agent"], "skills": agent_skills},
            {"id": "bo", "roles": ["agent"], "skills": agent_skills},
        ],
    }
    summary = _solve_with_history(tmp_path, rows, inst)
    lines = summary["roster"].strip().splitlines()[1:]
    assert [line.split(",")[4] for line in lines] == ["bo"]
