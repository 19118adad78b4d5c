"""An instance moved in time: dates move, weekdays and clock times stay."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models.moved import moved
from scheduler.cli import main
from scheduler.formats import read_instance
from tests.checker.micro import build
from tests.helpers import ROOT


def test_every_date_moves_and_weekdays_stay() -> None:
    inst = build(
        people={
            "ana": {
                "unavailable": [{"from": "2026-12-01", "to": "2026-12-02"}, "sat"],
                "days_off": ["2026-12-03"],
                "fixed": [{"day": "2026-12-04", "shift": "early", "activity": "chat"}],
                "preferences": [{"kind": "want", "day": "mon", "shift": "late"}],
                "history": {"last_shift_end": "2026-11-29T22:00"},
            }
        },
        demand=[
            {"queue": "chat", "shift": "early", "day": "2026-12-01", "agents": 1},
            {"queue": "chat", "shift": "late", "day": "tue", "agents": 1},
        ],
        batches=[
            {
                "id": "b",
                "items": 10,
                "difficulty": "easy",
                "skill": "safety",
                "release": "2026-12-01",
                "deadline": "fri",
            },
        ],
    )
    later = moved(inst, 7, keep_history=True)
    ana = later.person_by_id["ana"]
    assert later.horizon.start == dt.date(2026, 12, 7)
    assert [(u.from_day, u.to_day, u.day) for u in ana.unavailable] == [
        ("2026-12-08", "2026-12-09", None),
        (None, None, "sat"),
    ]
    assert ana.days_off == ["2026-12-10"]
    assert ana.fixed[0].day == "2026-12-11"
    assert ana.preferences[0].day == "mon"
    assert ana.history.last_shift_end == dt.datetime(2026, 12, 6, 22, 0)
    assert [d.day for d in later.demand] == ["2026-12-08", "tue"]
    assert (later.batches[0].release, later.batches[0].deadline) == ("2026-12-08", "fri")
    assert later.shift_by_id["early"].start == inst.shift_by_id["early"].start


def test_history_is_dropped_unless_kept() -> None:
    # the week before the moved horizon is not the one the history was written for
    inst = build(people={"ana": {"history": {"consecutive_days_worked": 3}}})
    assert "history" not in moved(inst, 7).person_by_id["ana"].model_fields_set
    assert (
        moved(inst, 7, keep_history=True).person_by_id["ana"].history.consecutive_days_worked == 3
    )


def test_roster_move_writes_next_weeks_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the demo week moved by its 7 days starts Monday 2026-12-07, with no history (the
    # week before it is the demo week itself, to be given with --history)
    out = tmp_path / "next.yaml"
    assert main(["move", str(ROOT / "instances" / "demo-week.yaml"), "--out", str(out)]) == 0
    later = read_instance(out)
    assert later.horizon.start == dt.date(2026, 12, 7) and len(later.people) == 66
    assert all("history" not in p.model_fields_set for p in later.people)
    assert "Wrote" in capsys.readouterr().err


def test_moving_off_the_calendar_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    week = ROOT / "instances" / "small-week.yaml"
    assert main(["move", str(week), "--days", "100000000", "--out", str(tmp_path / "x")]) == 2
    assert "its dates would leave the calendar" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
