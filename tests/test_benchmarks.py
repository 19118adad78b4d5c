"""Smoke versions of the benchmark scripts (the real runs are not part of the test run)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data" / "curtois-qu"


def _script(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the harness hands its functions to worker processes
    spec.loader.exec_module(module)
    return module


def test_the_curtois_harness_prints_a_row_per_instance(capsys: pytest.CaptureFixture[str]) -> None:
    """Instance1 through the harness: its proven optimum, against the best known, 0 % gap."""
    curtois = _script("curtois")
    curtois.main(["--data", str(DATA), "--time-limit", "30", "--workers", "1", "1"])
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.startswith("| 1 |"))
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[:5] == ["1", "607", "607", "607", "0.00 %"]
    assert cells[-1] == "optimal"


def test_a_recorded_run_is_appended_with_its_stamp_and_summed_up(tmp_path: Path) -> None:
    """`history.record` appends under the stamp taken at the start; `summary` gives one
    row per commit, benchmark and time limit, newest first, with median and worst gap."""
    history = _script("history")
    path = tmp_path / "history.csv"
    taken = {"commit": "abc1234", "date": "2026-12-01", "machine": "2 cores"}
    rows = [
        {"case": "Instance1", "time_limit": "60", "status": "optimal", "objective": "607",
         "best_known": "607", "gap_to_best_known": "0.00"},
        {"case": "Instance5", "time_limit": "60", "status": "best_found", "objective": "1145",
         "best_known": "1143", "gap_to_best_known": "0.17"},
        {"case": "Instance22", "time_limit": "60", "status": "unknown", "best_known": "30241"},
    ]  # fmt: skip
    assert history.record("curtois-qu", rows, taken, path) == 3
    later = {**taken, "commit": "def5678", "date": "2026-12-02"}
    assert history.record("curtois-qu", rows[:1], later, path) == 1
    lines = history.summary(path)
    # newest first; of the first run: 3 cases, 1 optimal, 1 without a roster, gaps 0 and
    # 0.17 (median 0.085, printed to two places), worst 0.17
    assert lines[2].startswith("| def5678 | 2026-12-02 | curtois-qu | 60 | 1 | 1 | 0 |")
    assert lines[3] == (
        "| abc1234 | 2026-12-01 | curtois-qu | 60 | 3 | 1 | 1 | 0.09 % | 0.17 % | best known |"
    )
    with pytest.raises(ValueError, match="no column"):
        history.record("curtois-qu", [{"instance": 1}], taken, path)


def test_the_scale_harness_solves_a_small_generated_week() -> None:
    scale = _script("scale")
    row = scale.run_one(20, 10.0, 1, 0)
    assert row["people"] == 20 and row["variables"] > 0
    assert row["first"] is not None and row["status"] in ("optimal", "best_found")


def test_the_symmetry_benchmark_prints_both_models(capsys: pytest.CaptureFixture[str]) -> None:
    _script("symmetry").main(["--people", "50", "--deterministic-time", "1"])
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    assert [row.split("|")[1].strip() for row in rows[1:]] == [
        "as built",
        "identical people ordered",
    ]
    assert rows[2].split("|")[3].strip() == "3"  # the 50-person week's three pairs


def test_the_scale_harness_hands_its_solve_seed_to_the_solver(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`--seed` makes the week, `--solve-seed` seeds the search: the two are apart."""
    scale = _script("scale")
    seen: list[int] = []

    def solve_model(rm: object, options: object) -> object:
        seen.append(options.seed)  # type: ignore[attr-defined]
        raise _StopAtSolveError

    monkeypatch.setattr(scale, "solve_model", solve_model)
    with pytest.raises(_StopAtSolveError):
        scale.run_one(20, 10.0, 1, 0, 7)
    assert seen == [7]


class _StopAtSolveError(Exception):
    """Ends a harness run at the solver, once the options it was given are seen."""


BENCHMARKS = ROOT / "benchmarks" / "data" / "curtois-qu"


@pytest.mark.bench
@pytest.mark.parametrize(("number", "optimum"), [(1, 607), (2, 828), (3, 1_001), (4, 1_716)])
def test_curtois_qu_small_instances_reach_their_proven_optimum(number: int, optimum: int) -> None:
    """`python -m pytest -m bench`: Instances 1-4 reach the optimum the literature proves
    (bounds.csv) within 60 s on two workers, the checker agreeing. (Instance4's proof can
    take longer than 60 s: its bound was 1,583 at 60 s in some runs.)"""
    from scheduler.checker import evaluate
    from scheduler.cpsat.solve import SolveOptions, solve
    from scheduler.formats import read_instance

    instance = read_instance(BENCHMARKS / f"Instance{number}.txt")
    result = solve(instance, SolveOptions(time_limit=60, workers=2, seed=0))
    assert result.status.value in ("optimal", "best_found")
    assert result.bound is not None and result.bound <= optimum
    assert result.objective == optimum == evaluate(instance, result.roster).objective


def test_the_suite_solves_and_rechecks_an_instance() -> None:
    """One suite week through the suite's harness: a roster, re-checked with no broken
    rule, and its objective and bound traced at the 10 s checkpoint."""
    suite = _script("suite")
    row = suite.run_one("s01-support-1q", 15.0, 1, 0)
    assert row["people"] == 50 and row["broken"] == 0
    assert row["first"] is not None and row["status"] in ("optimal", "best_found")
    objective, bound = row["at_10"]
    assert objective is not None and bound is not None and bound <= objective
    assert row["at_300"] is None  # beyond the time limit


def test_the_edits_benchmark_times_each_question() -> None:
    """A 20-person week through the edits benchmark: every figure measured, in seconds."""
    edits = _script("edits")
    figures = edits.measure(20, seed=0, time_limit=5, repeat=1, workers=1)
    assert figures["people"] == 20 and figures["rows"] > 0
    timed = ["try", "try (edit only)", "cover shift", "cover person", "cover batch"]
    assert all(isinstance(figures[name], float) and figures[name] > 0 for name in timed)


def test_the_service_benchmark_measures_the_page_the_events_and_a_small_load() -> None:
    """A 20-person roster page, the demo week's events and three clients at once: every
    figure measured, and no result lost or mixed up."""
    service = _script("service")
    page = service.roster_page(20, solve_seconds=3, repeat=1)
    assert page["page_seconds"] > 0 and page["report_seconds"] > 0
    progress = service.progress_events(3)
    assert progress["events"] >= 1 and progress["max_seconds"] >= progress["median_seconds"] >= 0
    loaded = service.load(3, seconds=2, jobs=2)
    assert loaded["done"] == 3 and loaded["lost_or_mixed"] == 0
    assert loaded["page_requests"] >= 1


def test_fresh_weeks_are_drawn_from_the_commit_and_named_by_their_seed() -> None:
    suite = _script("suite")
    seeds = suite.fresh_seeds("abc123", "s05-forecast-300", 3)
    assert seeds == suite.fresh_seeds("abc123", "s05-forecast-300", 3)  # the same commit
    assert seeds != suite.fresh_seeds("def456", "s05-forecast-300", 3)  # another commit
    assert len(set(seeds)) == 3 and all(0 <= s < 1_000_000 for s in seeds)
    week = suite._instance(f"s01-support-1q@{seeds[0]}")
    assert week.name == f"s01-support-1q-s{seeds[0]}" and len(week.people) == 50
