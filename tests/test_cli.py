"""The `roster` command line end to end: solve, verify, schema, Ctrl-C."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from models import ROSTER_COLUMNS
from scheduler.cli import main

INSTANCES = Path(__file__).resolve().parents[1] / "instances"
SMALL = INSTANCES / "small-week.yaml"
SOLVE = ["--workers", "1", "--seed", "0", "--time-limit", "30", "--quiet"]


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli") / "small"
    assert main(["solve", str(SMALL), "--out", str(out), *SOLVE]) == 0
    return out


def test_solve_writes_every_output(solved: Path) -> None:
    names = {p.name for p in solved.iterdir()}
    assert names >= {
        ".roster-output",
        "instance.json",
        "roster.csv",
        "coverage.csv",
        "batches.csv",
        "people.csv",
        "summary.json",
    }
    umask = os.umask(0)
    os.umask(umask)
    assert solved.stat().st_mode & 0o777 == 0o777 & ~umask  # shared like any new folder
    with (solved / "roster.csv").open() as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ROSTER_COLUMNS
        rows = list(reader)
    assert rows, "the small week needs people"
    summary = json.loads((solved / "summary.json").read_text())
    assert summary["status"] == "optimal"
    assert summary["gap"] == 0
    assert summary["check"]["hard_rules_hold"] is True
    assert set(summary["goals"]) == {
        "uncovered",
        "overstaffed",
        "uncovered_intervals",
        "overstaffed_intervals",
        "late_items",
        "unfinished_items",
        "hard_spread",
        "preferences",
        "min_hours_short",
        "cost",
    }
    assert abs(summary["objective"] - summary["check"]["objective"]) < 1e-6
    with (solved / "coverage.csv").open() as handle:
        coverage = list(csv.DictReader(handle))
    assert {"queue", "date", "shift", "required", "assigned", "short"} <= set(coverage[0])


def test_solve_prints_a_readable_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["solve", str(SMALL), "--out", str(tmp_path / "o"), *SOLVE]) == 0
    out = capsys.readouterr().out
    assert "small-week: optimal" in out
    assert "agent-shifts uncovered" in out
    assert "Checker: every hard rule holds." in out


def test_verify_accepts_the_solved_roster(solved: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", str(SMALL), str(solved)]) == 0
    assert main(["verify", str(SMALL), str(solved / "roster.csv")]) == 0
    assert "All hard rules hold." in capsys.readouterr().out


def test_verify_names_a_broken_rule(
    solved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Cleo is unavailable on Wednesday 2026-12-02: a row putting her there must fail.
    with (solved / "roster.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    rows.append(
        {
            "date": "2026-12-02",
            "shift": "early",
            "start": "2026-12-02 06:00",
            "end": "2026-12-02 14:00",
            "person": "cleo",
            "name": "Cleo",
            "role": "agent",
            "activity": "general",
            "batch": "",
            "items": "0",
            "hours": "8.00",
            "hard": "no",
        }
    )
    broken = tmp_path / "roster.csv"
    with broken.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ROSTER_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    assert main(["verify", str(SMALL), str(broken)]) == 1
    out = capsys.readouterr().out
    assert "cleo" in out and "2026-12-02" in out and "[availability]" in out


def test_solve_replaces_an_old_output_folder_whole(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["solve", str(SMALL), "--out", str(out), *SOLVE]) == 0
    (out / "stale.txt").write_text("from an earlier run")
    assert main(["solve", str(SMALL), "--out", str(out), *SOLVE]) == 0
    assert not (out / "stale.txt").exists()
    assert (out / "roster.csv").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folders left


def test_solve_never_replaces_a_folder_it_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "precious.txt").write_text("keep me")
    assert main(["solve", str(SMALL), "--out", str(tmp_path), *SOLVE]) == 2
    assert (tmp_path / "precious.txt").read_text() == "keep me"
    assert "is not an output folder of roster" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["precious.txt"]


def test_solve_refuses_an_output_path_under_a_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "afile").write_text("")
    assert main(["solve", str(SMALL), "--out", str(tmp_path / "afile" / "x"), *SOLVE]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


def test_schema_is_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"horizon", "people", "shifts", "batches"} <= set(schema["properties"])


@pytest.mark.parametrize(
    "signals",
    [
        [signal.SIGINT],
        # a second Ctrl-C, once the first is taken, may not cancel the writing
        [signal.SIGINT, signal.SIGINT],
        # SIGTERM stops as Ctrl-C does, and a Ctrl-C after it changes nothing
        [signal.SIGTERM],
        [signal.SIGTERM, signal.SIGINT],
    ],
    ids=["ctrl-c", "ctrl-c-twice", "sigterm", "sigterm-then-ctrl-c"],
)
def test_a_stopped_solve_writes_the_best_roster_so_far(
    tmp_path: Path, signals: list[signal.Signals]
) -> None:
    """Signals to a real process during a long solve: exit 0, a complete folder, marked as
    stopped early, whose roster passes `roster verify`."""
    out = tmp_path / "demo"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scheduler.cli",
            "solve",
            str(INSTANCES / "demo-week.yaml"),
            "--out",
            str(out),
            "--time-limit",
            "120",
            "--workers",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stderr is not None
    deadline = time.monotonic() + 60
    for line in proc.stderr:
        if "roster #" in line or time.monotonic() > deadline:
            break
    proc.send_signal(signals[0])
    taken = ""
    if len(signals) > 1:
        # the later signal goes once the first is taken ("stopping: ..." is printed after
        # the stop is held), while the search winds down and the roster is written
        for line in proc.stderr:
            taken += line
            if line.startswith("stopping:"):
                break
        for sig in signals[1:]:
            proc.send_signal(sig)
    stdout, stderr = proc.communicate(timeout=60)
    stderr = taken + stderr
    assert proc.returncode == 0, stderr
    assert "stopped by the user" in stdout
    if len(signals) > 1:
        assert "still stopping: the best roster so far is being written" in stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["stopped_early"] is True
    assert summary["check"]["hard_rules_hold"] is True
    assert main(["verify", str(INSTANCES / "demo-week.yaml"), str(out)]) == 0


def test_a_solve_without_a_roster_leaves_the_old_folder_as_it_was(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "week"
    small = ["--out", str(out), "--workers", "1", "--time-limit", "10", "--quiet"]
    assert main(["solve", str(INSTANCES / "small-week.yaml"), *small]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    # the contradiction week has no roster at all: exit 3, the small week's folder stays
    assert main(["solve", str(INSTANCES / "contradiction.yaml"), *small]) == 3
    assert "is left as it was" in capsys.readouterr().out
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_a_week_whose_rules_contradict_names_them_in_its_folder(tmp_path: Path) -> None:
    # contradiction.yaml: Ana worked 4 days before the horizon (at most 5 in a row) and
    # is fixed on Monday and Tuesday. The summary keeps the three rules, and the report
    # (the service's roster page is the same template) names them
    out = tmp_path / "contradiction"
    argv = ["solve", str(INSTANCES / "contradiction.yaml"), "--out", str(out), *SOLVE]
    assert main(argv) == 3
    conflicts = json.loads((out / "summary.json").read_text())["conflicts"]
    assert conflicts == [
        "Ana: fixed on Mon 2026-11-30 early",
        "Ana: fixed on Tue 2026-12-01 early",
        "Ana: at most 5 days in a row, 4 worked before the horizon",
    ]
    report = (out / "report.html").read_text()
    assert "These rules contradict each other</h3>" in report
    assert all(f"<li>{text}</li>" in report for text in conflicts)


def test_forecast_week_solves_and_its_coverage_is_checked(tmp_path: Path) -> None:
    """Forecasts, deflection and overlapping shifts: the checker recomputes the coverage."""
    instance = INSTANCES / "forecast-week.yaml"
    out = tmp_path / "forecast"
    assert main(["solve", str(instance), "--out", str(out), *SOLVE]) == 0
    assert main(["verify", str(instance), str(out)]) == 0
    with (out / "coverage.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    intervals = [r for r in rows if r["shift"] == ""]
    assert len(intervals) == 28 * 7 * 2  # half hours 08:00-22:00, two queues
    for row in intervals:
        required, assigned = int(row["required"]), int(row["assigned"])
        assert int(row["short"]) == max(0, required - assigned)
        assert float(row["forecast"]) > 0 and 0 <= float(row["service_level"]) <= 1
    summary = json.loads((out / "summary.json").read_text())
    assert summary["goals"]["uncovered_intervals"]["value"] == sum(
        int(r["short"]) for r in intervals
    )


def test_solve_writes_the_exports_and_export_rebuilds_them(solved: Path) -> None:
    assert (solved / "roster.xlsx").is_file()
    assert (solved / "calendars" / "team.ics").is_file()
    assert (solved / "report.html").is_file()
    report = (solved / "report.html").read_text()
    for name in ("roster.xlsx", "report.html"):
        (solved / name).unlink()
    import shutil

    shutil.rmtree(solved / "calendars")
    assert main(["export", str(solved)]) == 0
    assert (solved / "roster.xlsx").is_file() and (solved / "calendars" / "team.ics").is_file()
    assert (solved / "report.html").read_text() == report  # made from the same files
    assert main(["verify", str(SMALL), str(solved)]) == 0


def test_export_refuses_a_folder_roster_did_not_write(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", str(tmp_path)]) == 2
    assert "not an output folder of roster" in capsys.readouterr().err


def test_no_exports_writes_only_the_tables(tmp_path: Path) -> None:
    out = tmp_path / "plain"
    assert main(["solve", str(SMALL), "--out", str(out), *SOLVE, "--no-exports"]) == 0
    assert not (out / "roster.xlsx").exists() and not (out / "report.html").exists()


def test_a_deterministic_limit_gives_the_same_roster_twice(tmp_path: Path) -> None:
    """`--workers 1 --deterministic-time D`: the limit is work, not seconds, so two runs
    write the same roster byte for byte even where the limit stops the search (the demo
    week is not solved to its optimum in 1 unit: status best_found), whatever the load."""
    rosters = []
    for run in ("a", "b"):
        out = tmp_path / run
        argv = ["solve", str(INSTANCES / "demo-week.yaml"), "--out", str(out), "--workers", "1"]
        argv += ["--deterministic-time", "1", "--time-limit", "120", "--quiet", "--no-exports"]
        assert main(argv) == 0
        assert json.loads((out / "summary.json").read_text())["status"] == "best_found"
        rosters.append((out / "roster.csv").read_bytes())
    assert rosters[0] == rosters[1]
