"""`roster whatif`: scenarios read and checked, applied, solved in parallel, compared."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import pytest

from models import InputError
from scheduler.cli import main
from scheduler.formats import read_instance
from scheduler.whatif import (
    CSV_COLUMNS,
    ScenarioError,
    ScenarioRow,
    ScenarioTask,
    build_instance,
    instance_data,
    make_tasks,
    read_scenarios,
    run_sweep,
)

INSTANCES = Path(__file__).resolve().parents[1] / "instances"
SMALL = INSTANCES / "small-week.yaml"
FORECAST = INSTANCES / "forecast-week.yaml"
TIME_LIMIT = 60.0  # a safety net: each scenario is proven optimal in well under a second

# Small-week, solved to optimality in well under a second each. By construction:
# the baseline has 300 chat-quality gradings late (the weekly item caps bind);
# with one rater left every batch is late; tripled demand leaves agent-shifts
# uncovered and three hires cover some of them; chat-quality due next week
# cannot be late this week; the last scenario names a person who does not exist.
SCENARIOS = """\
scenarios:
  - name: baseline
  - name: one-rater
    description: eli, fay and gus leave; dev is the only rater
    remove_people: [eli, fay, gus]
  - name: busier
    scale_demand: 3
  - name: busier-hires
    scale_demand: 3
    add_people:
      - {id: new1, roles: [agent], skills: {general: 3, escalation: 3}}
      - {id: new2, roles: [agent], skills: {general: 3, escalation: 3}}
      - {id: new3, roles: [agent], skills: {general: 3}}
  - name: chat-next-week
    deadlines: {chat-quality: "2026-12-09"}
  - name: gentler-rotation
    rules: {max_hard_share: 0.25}
    weights: {hard_spread: 40}
  - name: ana-part-time
    set: {people.ana.contract.max_hours_per_week: 24}
  - name: typo
    remove_people: [zed]
"""
NAMES = [
    "baseline",
    "one-rater",
    "busier",
    "busier-hires",
    "chat-next-week",
    "gentler-rotation",
    "ana-part-time",
    "typo",
]


def comparable(rows: list[dict[str, Any]]) -> list[dict[str, str]]:
    """A table without the solve times, the one column that differs run to run."""
    return [{k: str(v) for k, v in row.items() if k != "solve_seconds"} for row in rows]


def rows_table(rows: list[ScenarioRow]) -> list[dict[str, str]]:
    return comparable([row.csv_row() for row in rows])


@pytest.fixture(scope="module")
def scenarios_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("whatif") / "scenarios.yaml"
    path.write_text(SCENARIOS)
    return path


@pytest.fixture(scope="module")
def tasks(scenarios_file: Path) -> list[ScenarioTask]:
    return make_tasks(
        read_instance(SMALL), SMALL, read_scenarios(scenarios_file), TIME_LIMIT, seed=0
    )


@pytest.fixture(scope="module")
def process_sweep(
    scenarios_file: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[int, str, Path]:
    """The command with two worker processes: exit status, what it printed, its folder."""
    out = tmp_path_factory.mktemp("whatif-out") / "sweep"
    capture = _Capture()
    with capture:
        code = main(
            [
                "whatif",
                str(SMALL),
                str(scenarios_file),
                "--jobs",
                "2",
                "--time-limit",
                str(TIME_LIMIT),
                "--seed",
                "0",
                "--out",
                str(out),
            ]
        )
    return code, capture.text, out


class _Capture:
    """stdout of an in-process command (capsys is function-scoped; this fixture is not)."""

    def __enter__(self) -> None:
        import io

        self._saved = sys.stdout
        self._buffer = io.StringIO()
        sys.stdout = self._buffer

    def __exit__(self, *exc: object) -> None:
        sys.stdout = self._saved
        self.text = self._buffer.getvalue()


def read_csv(out: Path) -> list[dict[str, str]]:
    with (out / "whatif.csv").open(newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == CSV_COLUMNS
        return list(reader)


# ---- the sweep -------------------------------------------------------------------


def test_sweep_has_a_row_per_scenario_and_one_error_row(
    process_sweep: tuple[int, str, Path],
) -> None:
    code, text, out = process_sweep
    assert code == 1, "an error row makes the exit status 1"
    rows = read_csv(out)
    assert [r["scenario"] for r in rows] == NAMES
    errors = [r for r in rows if r["verdict"] == "error"]
    assert [r["scenario"] for r in errors] == ["typo"]
    assert errors[0]["error"] == "remove_people: no person 'zed' in the instance"
    assert all(r["objective"] == "" for r in errors)
    solved = [r for r in rows if r["verdict"] != "error"]
    assert len(solved) == 7
    assert all(r["status"] == "optimal" and r["error"] == "" for r in solved)
    assert all(r["verdict"] in ("fits", "fits with shortfalls") for r in solved)
    # The printed table: both header lines, a line per scenario, the error named below.
    assert "agent-shifts" in text and "gradings" in text
    for name in NAMES:
        assert any(line.startswith(name) for line in text.splitlines())
    assert "Errors:\n  typo: remove_people: no person 'zed' in the instance" in text
    assert "Shortfalls:\n  baseline: batch chat-quality: 300 of 1,200 gradings late" in text
    assert "8 scenarios (1 error)" in text and "in 2 processes" in text
    assert (out / ".roster-output").exists() and (out / "whatif.json").exists()


def test_scenario_effects(process_sweep: tuple[int, str, Path]) -> None:
    rows = {r["scenario"]: r for r in read_csv(process_sweep[2])}

    def figure(name: str, column: str) -> float:
        return float(rows[name][column])

    late, uncovered = "gradings_late", "agent_shifts_uncovered"
    assert figure("baseline", late) > 0 and figure("baseline", uncovered) == 0
    # One rater left: every batch is short of graders.
    assert figure("one-rater", late) > figure("baseline", late)
    assert figure("one-rater", "hours_worked") < figure("baseline", "hours_worked")
    # Three times the demand is not coverable; three hires cover part of it.
    assert figure("busier", uncovered) > 0
    assert 0 < figure("busier-hires", uncovered) < figure("busier", uncovered)
    # A batch due next week cannot be late this week.
    assert figure("chat-next-week", late) < figure("baseline", late)
    assert figure("chat-next-week", late) == 0
    assert rows["chat-next-week"]["verdict"] == "fits"
    assert rows["baseline"]["verdict"] == "fits with shortfalls"


def test_sequential_run_gives_the_same_table(
    process_sweep: tuple[int, str, Path], tasks: list[ScenarioTask]
) -> None:
    told: list[tuple[str, int, int]] = []
    sweep = run_sweep(
        tasks, jobs=1, on_row=lambda row, done, n: told.append((row.scenario, done, n))
    )
    assert sweep.jobs == 1
    assert rows_table(sweep.rows) == comparable(read_csv(process_sweep[2]))
    # each row is told as it comes in, in scenario order, with the count so far
    assert told == [(name, i, len(NAMES)) for i, name in enumerate(NAMES, 1)]


def test_ray_gives_the_same_table_as_processes(
    process_sweep: tuple[int, str, Path], tasks: list[ScenarioTask]
) -> None:
    pytest.importorskip("ray", reason="ray is not installed (optional: pip install -e '.[ray]')")
    sweep = run_sweep(tasks, jobs=2, backend="ray")
    assert sweep.backend == "ray"
    assert rows_table(sweep.rows) == comparable(read_csv(process_sweep[2]))


# ---- applying scenarios (no solving) -----------------------------------------------


def patched(operations: dict[str, Any], path: Path = SMALL) -> Any:
    return build_instance(instance_data(read_instance(path)), operations, path)


def patch_error(operations: dict[str, Any], path: Path = SMALL) -> str:
    with pytest.raises(ScenarioError) as caught:
        patched(operations, path)
    return str(caught.value)


def test_an_empty_scenario_is_the_instance_itself() -> None:
    assert patched({}) == read_instance(SMALL)


def test_scale_demand_rounds_agents_up_and_scales_contacts() -> None:
    agents = [row.agents for row in patched({"scale_demand": 1.2}).demand]
    assert agents == [2, 2, 2, 0, 0]  # 1 x 1.2 rounds up to 2; 0 stays 0
    demo = INSTANCES / "demo-week.yaml"
    assert patched({"scale_demand": 1.2}, demo).demand[0].agents == 8  # 7.2 agents
    assert patched({"scale_demand": 1.5}, demo).demand[0].agents == 9
    base = read_instance(FORECAST)
    scaled = patched({"scale_demand": 2}, FORECAST)
    for before, after in zip(base.demand, scaled.demand, strict=True):
        assert before.forecast is not None and after.forecast is not None
        assert after.forecast.human_contacts == pytest.approx(2 * before.forecast.human_contacts)


def test_deflection_sets_every_forecast_before_ai() -> None:
    changed = patched({"deflection": 0.8}, FORECAST)
    forecasts = [row.forecast for row in changed.demand if row.forecast is not None]
    assert forecasts and all(f.deflection == 0.8 for f in forecasts)
    assert "no forecast in the instance gives contacts_before_ai" in patch_error(
        {"deflection": 0.8}
    )


def test_set_reaches_fields_by_id_or_position() -> None:
    inst = patched(
        {
            "set": {
                "people.ana.contract.max_hours_per_week": 32,
                "people.7.speed": 1.5,
                "demand.0.agents": 2,
                "horizon.timezone": "UTC",
            }
        }
    )
    assert inst.person_by_id["ana"].contract.max_hours_per_week == 32
    assert inst.people[7].speed == 1.5
    assert inst.demand[0].agents == 2
    assert inst.horizon.timezone == "UTC"


def test_removing_and_adding_people_and_batches() -> None:
    inst = patched(
        {
            "remove_people": ["hal"],
            "add_people": [{"id": "ivy", "roles": ["rater"], "skills": {"code": 3}}],
            "remove_batches": ["chat-quality"],
            "deadlines": {"code-review": "sat", "safety-redteam": None},
        }
    )
    assert "hal" not in inst.person_by_id and "ivy" in inst.person_by_id
    assert [b.id for b in inst.batches] == ["safety-redteam", "code-review"]
    assert inst.batch_by_id["code-review"].deadline == "sat"
    assert inst.batch_by_id["safety-redteam"].deadline is None


@pytest.mark.parametrize(
    ("operations", "expected"),
    [
        ({"remove_people": ["zed"]}, "remove_people: no person 'zed' in the instance"),
        ({"remove_people": ["ana", "x", "y"]}, "no people 'x', 'y' in the instance"),
        ({"remove_batches": ["code-reveiw"]}, "did you mean 'code-review'?"),
        ({"deadlines": {"nope": "fri"}}, "deadlines: no batch 'nope' in the instance"),
        (
            {"set": {"people.ana.contract.max_hours_per_week": -8}},
            "people[0].contract.max_hours_per_week: ",
        ),
        ({"set": {"people.12.speed": 2}}, "people has 8 items, so no item 12"),
        ({"set": {"people.anna.speed": 2}}, "no item with id 'anna'; did you mean 'ana'?"),
        ({"set": {"horizon.days.x": 2}}, "horizon.days is 7, not a mapping or a list"),
        ({"set": {"horizon.day": 2}}, "horizon.day"),
        ({"set": {"horizon.days": 5}}, "demand[3].day"),
        ({"rules": {"max_hard_days": 2}}, "rules.max_hard_days"),
        ({"add_people": [{"id": "ana", "roles": ["agent"]}]}, "'ana'"),
    ],
)
def test_a_scenario_that_does_not_apply_says_why(operations: dict[str, Any], expected: str) -> None:
    message = patch_error(operations)
    assert expected in message
    assert str(SMALL) not in message, "the message is about the scenario, not the file"


def test_a_broken_scenario_is_an_error_row_not_a_stop(tasks: list[ScenarioTask]) -> None:
    broken = [
        ScenarioTask(
            "negative",
            {"set": {"people.ana.contract.max_hours_per_week": -1}},
            tasks[0].base,
            str(SMALL),
            1.0,
            0,
        ),
    ]
    (row,) = run_sweep(broken, jobs=1).rows
    assert row.verdict == "error" and row.is_error
    assert row.error is not None and "max_hours_per_week" in row.error and "-1" in row.error


# ---- the scenarios file and the command's bad input ----------------------------------


def run_bad(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[Path, str]:
    path = tmp_path / "scenarios.yaml"
    path.write_text(text)
    code = main(["whatif", str(SMALL), str(path), "--out", str(tmp_path / "out"), *extra])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert "Traceback" not in captured.err
    assert not (tmp_path / "out").exists(), "nothing written on bad input"
    return path, captured.err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "scenarios:\n  - name: a\n    remove_person: [ana]\n",
            "scenarios[0].remove_person: unknown operation; did you mean 'remove_people'?",
        ),
        ("scenarios:\n  - remove_people: [ana]\n", "scenarios[0].name: missing"),
        (
            "scenarios:\n  - name: a\n  - name: b\n  - name: a\n",
            "scenarios[2].name: 'a' is already the name of scenarios[0]",
        ),
        ("scenarios:\n  - name: 7\n", "scenarios[0].name: expected a non-empty text, got 7"),
        ("scenarios: []\n", "scenarios: expected a list of scenarios"),
        ("scenario:\n  - name: a\n", "scenario: unknown field; did you mean 'scenarios'?"),
        ("scenarios:\n  - just-a-name\n", "scenarios[0]: expected a mapping"),
        (
            "scenarios:\n  - name: a\n    scale_demand: -2\n",
            "scenarios[0].scale_demand: expected a number above 0 (at most 1000), got -2",
        ),
        (
            "scenarios:\n  - name: a\n    remove_people: ana\n",
            "scenarios[0].remove_people: expected a non-empty list of ids, got 'ana'",
        ),
        (
            "scenarios:\n  - name: a\n    deflection: 1.5\n",
            "scenarios[0].deflection: expected a share",
        ),
        ("scenarios:\n  - name: a\n    set: {'people..id': x}\n", "scenarios[0].set: expected"),
    ],
)
def test_a_bad_scenarios_file_exits_2_naming_file_path_and_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path, err = run_bad(tmp_path, text, capsys)
    assert f"error: {path}: {expected}" in err


def test_every_demo_scenario_applies_to_the_demo_week() -> None:
    demo = INSTANCES / "demo-week.yaml"
    scenarios = read_scenarios(INSTANCES / "demo-whatif.yml")
    assert 6 <= len(scenarios) <= 8 and scenarios[0].operations == {}
    base = instance_data(read_instance(demo))
    for scenario in scenarios:
        build_instance(base, scenario.operations, demo)  # raises ScenarioError if not


def test_read_scenarios_keeps_the_file_order_and_descriptions(scenarios_file: Path) -> None:
    scenarios = read_scenarios(scenarios_file)
    assert [s.name for s in scenarios] == NAMES
    assert scenarios[0].operations == {}
    assert scenarios[1].description.startswith("eli, fay and gus")
    with pytest.raises(InputError):
        read_scenarios(scenarios_file.with_name("missing.yaml"))


def test_ray_backend_without_ray_names_the_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, installed or not
    _, err = run_bad(tmp_path, "scenarios:\n  - name: a\n", capsys, "--backend", "ray")
    assert "Ray is not installed" in err and "pip install -e '.[ray]'" in err


def test_an_address_needs_the_ray_backend(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, err = run_bad(tmp_path, "scenarios:\n  - name: a\n", capsys, "--address", "auto")
    assert "--address auto: a cluster address needs --backend ray" in err


def test_a_folder_not_ours_is_refused_before_solving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    path = tmp_path / "scenarios.yaml"
    path.write_text("scenarios:\n  - name: a\n")
    assert main(["whatif", str(SMALL), str(path), "--out", str(out)]) == 2
    assert "is not an output folder of roster" in capsys.readouterr().err
    assert (out / "notes.txt").read_text() == "keep me"
