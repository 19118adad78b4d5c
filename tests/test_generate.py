"""`roster generate`: seeded instances of any size with the demo week's mix."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from models import Instance, Role
from scheduler.checker import evaluate
from scheduler.cli import main
from scheduler.cpsat.solve import SolveOptions, solve
from scheduler.generate import generate


def _instance(people: int, **kwargs: object) -> Instance:
    return Instance.model_validate(generate(people, **kwargs))  # type: ignore[arg-type]


def test_same_seed_same_data_and_different_seed_different() -> None:
    assert generate(40, seed=3) == generate(40, seed=3)
    assert generate(40, seed=3) != generate(40, seed=4)


@pytest.mark.parametrize("people", [10, 66, 200])
def test_proportions(people: int) -> None:
    inst = _instance(people)
    assert len(inst.people) == people
    agents = [p for p in inst.people if Role.agent in p.roles]
    raters = [p for p in inst.people if Role.rater in p.roles]
    assert abs(len(agents) / people - 0.45) < 0.07
    assert abs(len(raters) / people - 0.60) < 0.07
    assert any(len(p.roles) == 2 for p in inst.people)
    # Everyone in a role has a skill for it; escalation experts among the agents.
    assert all(p.level("general") >= 1 for p in agents)
    assert any(p.level("escalation") >= 3 for p in agents)
    assert len(inst.batches) == max(1, round(12 * people / 66))
    # ~80 % of the agents' shifts are asked for, ~70 % of the raters' item caps.
    shifts = sum(row.agents for row in inst.demand_table().values())
    assert 0.65 < shifts / (len(agents) * 5) < 0.95
    gradings = sum(b.required for b in inst.batches)
    caps = sum(p.contract.max_items_per_week for p in raters)
    assert 0.6 < gradings / caps < 0.8
    if people >= 66:
        with_history = sum(p.history.last_shift_end is not None for p in inst.people)  # ~20 %
        assert 0.15 < with_history / people < 0.25
        assert 0.1 < sum(bool(p.preferences) for p in inst.people) / people < 0.2
        assert 0.02 < sum(bool(p.unavailable) for p in inst.people) / people < 0.08


@pytest.mark.parametrize(("days", "start"), [(1, dt.date(2026, 12, 5)), (3, None), (10, None)])
def test_any_horizon_validates(days: int, start: dt.date | None) -> None:
    kwargs: dict[str, object] = {"days": days}
    if start is not None:
        kwargs["start"] = start
    inst = _instance(25, **kwargs)
    assert inst.horizon.days == days


def test_twenty_people_solve_without_violations() -> None:
    inst = _instance(20)
    result = solve(inst, SolveOptions(time_limit=20, workers=1, seed=0))
    assert result.has_roster
    evaluation = evaluate(inst, result.roster)
    assert evaluation.feasible, evaluation.violations


def test_cli_writes_a_valid_instance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "g.yaml"
    assert (
        main(["generate", "--people", "30", "--days", "5", "--seed", "2", "--out", str(out)]) == 0
    )
    assert main(["validate", str(out)]) == 0
    assert "valid: 30 people" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["--people", "1"], ["--people", "10", "--days", "0"], ["--people", "x"]]
)
def test_cli_bad_values_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["generate", *argv]) == 2
    assert capsys.readouterr().err
