"""An instance moved in time: dates move, weekdays and clock times stay."""

from __future__ import annotations

import datetime as dt

from models.moved import moved
from tests.checker.micro import build


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
