"""Odd and hostile input, each reproduced: a one-line message naming the file, the field
and the value, exit 2, and nothing written; never a traceback, never a hang."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

import scheduler.outputs.exports
from scheduler.cli import main

INSTANCES = Path(__file__).resolve().parents[1] / "instances"
SMALL = INSTANCES / "small-week.yaml"


def _small() -> dict[str, Any]:
    data = yaml.safe_load(SMALL.read_text())
    assert isinstance(data, dict)
    return data


def _write(folder: Path, data: dict[str, Any], name: str = "week.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_fifo()
    }


def _refused(
    argv: list[str], capsys: pytest.CaptureFixture[str], folder: Path, *expected: str
) -> str:
    """Run a command that must refuse its input: exit 2, one error line with the expected
    parts, and nothing new in `folder`."""
    before = _files(folder)
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for part in expected:
        assert part in lines[0], err
    assert _files(folder) == before
    return lines[0]


def _run(args: list[str], cwd: Path, timeout: float) -> subprocess.CompletedProcess[str]:
    """The command in a process of its own, so that a hang is a failed test."""
    return subprocess.run(
        [sys.executable, "-m", "scheduler.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


# ---- tracebacks that were -------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"),
    [("Europe", "'Europe'"), ("A" * 300, "'AAAA"), ("../zoneinfo/UTC", "'../zoneinfo/UTC'")],
    ids=["region-folder", "300-characters", "a-path"],
)
def test_a_time_zone_is_an_iana_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], zone: str, shown: str
) -> None:
    data = _small()
    data["horizon"]["timezone"] = zone
    path = _write(tmp_path, data)
    _refused(["validate", str(path)], capsys, tmp_path, "week.yaml", "horizon.timezone", shown)


def test_a_json_cell_nested_fifty_thousand_deep(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _small()
    data["people"] = "people.csv"
    deep = "[" * 50_000 + "]" * 50_000
    (tmp_path / "people.csv").write_text(f'id,roles,skills\nana,agent,"{deep}"\n')
    path = _write(tmp_path, data)
    _refused(["validate", str(path)], capsys, tmp_path, "people.csv", "row 2", "nested too deeply")


def test_inf_in_last_week_s_roster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = "date,shift,start,end,person,name,role,activity,batch,items,hours,hard\n"
    row = "2026-11-29,early,2026-11-29 06:00,2026-11-29 14:00,ben,Ben,agent,general,,0,inf,no\n"
    (tmp_path / "last.csv").write_text(header + row)
    argv = ["solve", str(SMALL), "--history", str(tmp_path / "last.csv")]
    _refused([*argv, "--out", str(tmp_path / "out")], capsys, tmp_path, "last.csv", "hours", "inf")


@pytest.mark.parametrize("where", ["missing/x.yaml", "."], ids=["missing-folder", "a-folder"])
def test_generate_into_a_place_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str
) -> None:
    out = tmp_path / where
    _refused(["generate", "--people", "5", "--out", str(out)], capsys, tmp_path, "--out")


def test_staffing_for_an_astronomical_forecast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["staffing", "--contacts", "1e308", "--aht-seconds", "300"]
    _refused(argv, capsys, tmp_path, "--contacts", "1e+308", "the staffing search takes")


@pytest.mark.parametrize("command", ["check", "replan"])
def test_check_and_replan_into_a_folder_they_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    out = tmp_path / "a-file" / "out"  # below a file: cannot be made
    argv = [command, str(SMALL)]
    if command == "replan":
        solved = tmp_path / "solved"
        assert main(["solve", str(SMALL), "--out", str(solved), "--workers", "1", "--quiet"]) == 0
        argv += [str(solved / "roster.csv"), "--from", "2026-12-02"]
        capsys.readouterr()
    _refused([*argv, "--out", str(out), "--workers", "1", "--time-limit", "5"], capsys, tmp_path)


def test_export_into_a_folder_it_cannot_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    assert main(["solve", str(SMALL), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()

    def full_disk(folder: Path) -> list[str]:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(scheduler.outputs.exports, "write_exports", full_disk)
    _refused(["export", str(out)], capsys, tmp_path, str(out), "No space left on device")


def test_export_on_a_folder_roster_did_not_write_names_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    line = _refused(["export", str(tmp_path)], capsys, tmp_path, str(tmp_path))
    assert ".export." not in line and "not an output folder" in line


# ---- hangs that were ----------------------------------------------------------------------


def test_a_billion_laughs_is_refused_at_once(tmp_path: Path) -> None:
    # 1 KB that stands for 9^9 (387 million) strings once its aliases are expanded
    text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        text += f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n"
    (tmp_path / "bomb.yaml").write_text(text + "name: *i\n")
    started = time.monotonic()
    done = _run(["validate", "bomb.yaml"], tmp_path, timeout=30)
    assert time.monotonic() - started < 30
    assert done.returncode == 2, done.stderr
    assert "bomb.yaml" in done.stderr and "aliases expand to more than" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_pipe_given_as_a_csv_file(tmp_path: Path) -> None:
    data = _small()
    data["people"] = "people.csv"
    os.mkfifo(tmp_path / "people.csv")
    _write(tmp_path, data)
    done = _run(["validate", "week.yaml"], tmp_path, timeout=30)
    assert done.returncode == 2, done.stderr
    assert "people.csv: is not a regular file" in done.stderr


def test_a_forecast_at_the_documented_maxima(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a million contacts of a day each in one 30-minute interval: 48 million agents busy
    data = _small()
    data["demand"] = [
        {
            "queue": "general",
            "start": "09:00",
            "minutes": 30,
            "forecast": {"contacts": 1_000_000, "aht_seconds": 86_400, "patience_seconds": 1e6},
        }
    ]
    path = _write(tmp_path, data)
    started = time.monotonic()
    _refused(["validate", str(path)], capsys, tmp_path, "demand[0].forecast", "48,000,000")
    assert time.monotonic() - started < 10


def test_a_file_above_the_size_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("w") as handle:  # 21 MiB of comment lines: cheap to write, to refuse
        line = "#" * 1023 + "\n"
        handle.write(line * 21 * 1024)
    _refused(["validate", str(path)], capsys, tmp_path, "huge.yaml", "21.0 MiB", "20 MiB")


def test_too_many_people_are_refused_before_validating(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _small()
    person = data["people"][0]
    data["people"] = [{**person, "id": f"p{k}"} for k in range(10_001)]
    path = tmp_path / "week.json"
    path.write_text(json.dumps(data, default=str))
    started = time.monotonic()
    _refused(["validate", str(path)], capsys, tmp_path, "people", "10,001 items", "10,000")
    assert time.monotonic() - started < 10


# ---- silently wrong that was ------------------------------------------------------------------


def test_yes_is_no_skill_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _small()
    data["people"][0]["skills"] = {"general": True}
    path = _write(tmp_path, data)
    _refused(["validate", str(path)], capsys, tmp_path, "people[0].skills", "true is not a level")


def test_huge_weekly_hours_are_blamed_on_themselves(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _small()
    data["people"][0]["contract"] = {"max_hours_per_week": 1e308}
    path = _write(tmp_path, data)
    line = _refused(["validate", str(path)], capsys, tmp_path, "contract.max_hours_per_week")
    assert "horizon" not in line


def test_a_csv_file_outside_the_instance_s_folder_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "secret.csv").write_text("password,token\nhunter2,abc\n")
    (tmp_path / "week").mkdir()
    data = _small()
    data["people"] = "../secret.csv"
    path = _write(tmp_path / "week", data)
    line = _refused(["validate", str(path)], capsys, tmp_path, "people", "outside")
    assert "password" not in line and "hunter2" not in line


def test_generate_writes_only_what_validate_accepts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["generate", "--people", "5", "--days", "100000", "--out", str(tmp_path / "x.yaml")]
    _refused(argv, capsys, tmp_path, "--days", "100000", "366")


def test_history_must_come_from_before_the_horizon(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # this week's own roster given as last week's: no day of it lies before the horizon
    solved = tmp_path / "solved"
    assert main(["solve", str(SMALL), "--out", str(solved), "--workers", "1", "--quiet"]) == 0
    capsys.readouterr()
    argv = ["solve", str(SMALL), "--history", str(solved / "roster.csv")]
    _refused([*argv, "--out", str(tmp_path / "next")], capsys, tmp_path, "--history", "not before")


def test_roster_hours_must_be_finite_and_true(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    solved = tmp_path / "solved"
    assert main(["solve", str(SMALL), "--out", str(solved), "--workers", "1", "--quiet"]) == 0
    lines = (solved / "roster.csv").read_text().splitlines()
    first = lines[1].split(",")
    assert first[7] != "rating"  # a queue row: its hours are its shift's, 8
    for hours, code in (("inf", 2), ("80.00", 1)):
        first[10] = hours
        (tmp_path / "edited.csv").write_text("\n".join([lines[0], ",".join(first), *lines[2:]]))
        capsys.readouterr()
        assert main(["verify", str(SMALL), str(tmp_path / "edited.csv")]) == code
        said = capsys.readouterr()
        if code == 2:
            assert "edited.csv: row 2: hours" in said.err
        else:
            assert "[hours_column]" in said.out and "the row says 80 h" in said.out
