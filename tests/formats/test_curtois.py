"""The Curtois-Qu benchmark read into our model: reference rosters score exactly as printed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from models import Instance
from scheduler.checker import evaluate
from scheduler.cli import main
from scheduler.formats import read_instance
from scheduler.formats.curtois import curtois_data, read_reference_rosters
from tests.helpers import CURTOIS, REFERENCES

BENCH = CURTOIS
"""The benchmark files the project has (see their README for the source)."""
ROSTERS = sorted(REFERENCES.glob("*.txt.out"))


def test_the_benchmark_files_are_here() -> None:
    assert len(ROSTERS) == 9, f"expected the reference rosters under {BENCH}"


@pytest.mark.parametrize("reference", ROSTERS, ids=lambda p: p.name.split(".")[0])
def test_reference_rosters_score_their_printed_objective(reference: Path) -> None:
    """Each printed roster has no hard violation under our rules, and our checker's
    objective equals the objective printed under it, exactly."""
    name = reference.name.removesuffix(".out")
    instance = Instance.model_validate(curtois_data(BENCH / name))
    rosters = read_reference_rosters(reference, instance)
    assert len(rosters) == 2
    for rows, printed in rosters:
        assert rows, "the roster was read"
        evaluation = evaluate(instance, rows)
        assert evaluation.violations == [], [str(v) for v in evaluation.violations[:3]]
        assert evaluation.objective == printed


def test_the_mapping_keeps_the_benchmarks_rules() -> None:
    # Instance1: 14 days from Monday 2014-01-06, 8 staff, one 480-minute shift D.
    instance = read_instance(BENCH / "Instance1.txt")
    assert instance.horizon.days == 14 and str(instance.horizon.start) == "2014-01-06"
    assert [(s.id, s.minutes) for s in instance.shifts] == [("D", 480)]
    a = instance.person_by_id["A"]
    c = a.contract
    assert (c.max_hours_total, c.min_hours_total) == (4320 / 60, 3360 / 60)
    assert (c.max_consecutive_days, c.min_consecutive_days, c.min_consecutive_days_off) == (5, 2, 2)
    assert c.max_weekends == 1 and a.days_off == ["2014-01-06"]
    assert len(instance.demand) == 14 and instance.demand[1].agents == 7


def test_solve_a_benchmark_file_in_its_own_units(tmp_path: Path) -> None:
    """Smoke: Instance1 solves to the proven optimum 607 with our pipeline; roster.csv
    names the employee, date and shift id, and verify accepts it."""
    out = tmp_path / "i1"
    instance = BENCH / "Instance1.txt"
    argv = ["solve", str(instance), "--out", str(out), "--workers", "1", "--seed", "0"]
    assert main([*argv, "--time-limit", "30", "--quiet", "--no-exports"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "optimal" and summary["objective"] == 607
    header, first = (out / "roster.csv").read_text().splitlines()[:2]
    assert header.startswith("date,shift,start,end,person")
    assert first.split(",")[1] == "D" and first.split(",")[4] in "ABCDEFGH"
    assert main(["verify", str(instance), str(out)]) == 0
