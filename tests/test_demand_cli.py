"""`roster staffing` and `roster demand`: figures, sweeps, and bad values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from scheduler.cli import main

INSTANCES = Path(__file__).resolve().parents[1] / "instances"
FORECAST_WEEK = INSTANCES / "forecast-week.yaml"
CCH = ["--contacts", "100", "--interval-minutes", "30", "--aht-seconds", "180"]


def test_staffing_json_keys_and_figures(capsys: pytest.CaptureFixture[str]) -> None:
    # The Call Centre Helper example: 14 agents, 20 after 30 % shrinkage, SL 88.8 %.
    args = [*CCH, "--service-level", "0.8", "--answer-seconds", "20", "--shrinkage", "0.3"]
    assert main(["staffing", *args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"agents", "staffed", "service_level", "occupancy"} <= set(out)
    assert (out["agents"], out["staffed"]) == (14, 20)
    assert round(out["service_level"], 3) == 0.888
    assert round(out["occupancy"], 3) == 0.714


def test_staffing_erlang_a_reports_abandonment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["staffing", *CCH, "--patience-seconds", "300"]) == 0
    out = capsys.readouterr().out
    assert "Erlang A" in out and "abandonment" in out


@pytest.mark.parametrize(
    ("flag", "value", "words"),
    [
        ("--contacts", "-5", "--contacts: -5.0 is negative"),
        ("--service-level", "1.2", "--service-level: 1.2 must be above 0 and below 1"),
        ("--aht-seconds", "0", "--aht-seconds: 0.0 must be above 0"),
        ("--max-occupancy", "0", "--max-occupancy: 0.0 must be above 0"),
        ("--shrinkage", "1", "--shrinkage: 1.0 must be at least 0 and below 1"),
        ("--interval-minutes", "0", "--interval-minutes: 0.0 must be above 0"),
    ],
)
def test_staffing_bad_values_exit_2(
    flag: str, value: str, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = dict(zip(CCH[::2], CCH[1::2], strict=True))
    args[flag] = value
    argv = ["staffing", *(x for kv in args.items() for x in kv)]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_demand_lists_every_requirement(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demand", str(FORECAST_WEEK), "--csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    # 28 half hours a day, 7 days, chat and escalations
    assert len(lines) == 1 + 28 * 7 * 2
    assert lines[0].startswith("queue,date,shift,start,end,contacts,aht_seconds,required")


def _sweep(capsys: pytest.CaptureFixture[str], spec: str) -> list[dict[str, Any]]:
    assert main(["demand", str(FORECAST_WEEK), "--sweep", spec, "--csv"]) == 0
    import csv
    import io

    return list(csv.DictReader(io.StringIO(capsys.readouterr().out)))


def test_sweep_service_level_needs_more_agents(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _sweep(capsys, "service_level=0.7,0.8,0.9")
    chat = [float(r["agent_hours"]) for r in rows if r["queue"] == "chat"]
    assert len(chat) == 3 and chat[0] < chat[1] < chat[2]


def test_sweep_deflection_needs_fewer_agents(capsys: pytest.CaptureFixture[str]) -> None:
    rows = _sweep(capsys, "deflection=0.5,0.65,0.8")
    hard = [float(r["agent_hours"]) for r in rows if r["queue"] == "escalations"]
    assert len(hard) == 3 and hard[0] > hard[1] > hard[2]


def test_sweep_grid_is_every_combination(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["demand", str(FORECAST_WEEK), "--sweep", "service_level=0.7,0.9"]
    assert main([*argv, "--sweep", "deflection=0.5,0.8", "--csv"]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1 + 2 * 2 * 2  # header, 4 scenarios x 2 queues


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("speed=1,2", "write NAME=V1,V2,... with NAME one of"),
        ("deflection=0.5,x", "--sweep deflection: 'x' is not a number"),
        ("deflection=1.5", "deflection"),
        ("service_level=1.0", "service_level"),
    ],
)
def test_bad_sweeps_exit_2(spec: str, words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demand", str(FORECAST_WEEK), "--sweep", spec]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


BASE: dict[str, Any] = {
    "horizon": {"start": "2026-11-30", "days": 1},
    "skills": ["chat"],
    "shifts": [{"id": "day", "start": "09:00", "hours": 8}],
    "queues": [{"id": "chat", "skill": "chat"}],
    "people": [{"id": "ana", "roles": ["agent"], "skills": {"chat": 2}}],
}


@pytest.mark.parametrize(
    ("forecast", "words"),
    [
        ({"contacts": -3, "aht_seconds": 300}, "demand[0].forecast.contacts"),
        ({"contacts": 30, "aht_seconds": 300, "service_level": 1.5}, "service_level"),
        ({"contacts": 30, "aht_seconds": 0}, "demand[0].forecast.aht_seconds"),
        ({"contacts": 30, "aht_seconds": 300, "max_occupancy": 0}, "max_occupancy"),
        ({"contacts": 30, "aht_seconds": 300, "deflection": 0.5}, "contacts_before_ai"),
        ({"aht_seconds": 300}, "give either contacts or contacts_before_ai"),
        (
            {"contacts_before_ai": 30, "deflection": 0.6, "aht_seconds": 300, "hard_share": 0.4},
            "hard_queue",
        ),
    ],
)
def test_bad_forecasts_in_an_instance_exit_2(
    forecast: dict[str, Any], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "week.yaml"
    demand = [{"queue": "chat", "start": "09:00", "minutes": 30, "forecast": forecast}]
    path.write_text(yaml.safe_dump({**BASE, "demand": demand}))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and words in err and "Traceback" not in err


def test_bad_interval_rows_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "week.yaml"
    demand = [
        {"queue": "chat", "start": "09:00", "minutes": 45, "agents": 2},
        {"queue": "chat", "shift": "day", "start": "09:00", "minutes": 30, "agents": 2},
    ]
    path.write_text(yaml.safe_dump({**BASE, "demand": demand}))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "demand[0]" in err and "45 is not one of 15, 30 or 60" in err
    assert "demand[1]" in err and "either a shift or an interval" in err


def test_duplicate_rows_are_found_whatever_the_weekday_spelling(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "week.yaml"
    demand = [
        {"queue": "chat", "start": "09:00", "minutes": 30, "day": "mon", "agents": 2},
        {"queue": "chat", "start": "09:00", "minutes": 30, "day": "Monday", "agents": 5},
    ]
    path.write_text(yaml.safe_dump({**BASE, "demand": demand}))
    assert main(["validate", str(path)]) == 2
    assert "demand[1]: duplicate row for queue 'chat'" in capsys.readouterr().err


def test_an_interval_no_shift_can_hold_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The only shift runs 09:00-17:00: 16:30-17:30 sticks out of it on every day.
    path = tmp_path / "week.yaml"
    demand = [{"queue": "chat", "start": "16:30", "minutes": 60, "agents": 1}]
    path.write_text(yaml.safe_dump({**BASE, "demand": demand}))
    assert main(["validate", str(path)]) == 2
    assert "no shift holds the interval 16:30 +60 min" in capsys.readouterr().err


def test_a_sweep_that_changes_nothing_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Deflection only applies to forecasts of contacts before the AI assistant.
    path = tmp_path / "week.yaml"
    forecast = {"contacts": 30, "aht_seconds": 300}
    demand = [{"queue": "chat", "start": "09:00", "minutes": 30, "forecast": forecast}]
    path.write_text(yaml.safe_dump({**BASE, "demand": demand}))
    assert main(["demand", str(path), "--sweep", "deflection=0.5,0.6"]) == 2
    assert "--sweep deflection: no forecast row" in capsys.readouterr().err
