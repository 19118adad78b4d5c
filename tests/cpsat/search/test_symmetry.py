"""Symmetry breaking between identical people (`scheduler.cpsat.search.symmetry`)."""

from __future__ import annotations

import importlib

import pytest
from ortools.sat.python import cp_model

from scheduler.cpsat.model import build_model
from scheduler.cpsat.roster_values import extract_roster
from scheduler.cpsat.search import symmetry
from scheduler.cpsat.solve import SolveOptions, solve
from tests.helpers import agent, demand, micro


def _optimum(model: cp_model.CpModel) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 30
    assert solver.solve(model) == cp_model.OPTIMAL
    return solver


def test_people_alike_in_all_but_id_and_name_form_a_group() -> None:
    inst = micro(
        people=[
            agent("cy", name="Cy"),
            agent("ana", name="Ana"),
            agent("bo", skills={"general": 2}),  # another level: not alike
            agent("di", name="Di", days_off=["mon"]),  # time off: not alike
        ]
    )
    assert symmetry.identical_groups(inst) == [["ana", "cy"]]


def test_of_two_identical_agents_the_first_takes_a_single_shift() -> None:
    """One shift, two agents alike: either may work it, at the same objective. With the
    order, the one first by id does, and the optimum is the same."""
    inst = micro(days=2, demand=[demand("general", "tue")], people=[agent("bo"), agent("ana")])
    rm = build_model(inst)
    model, added = symmetry.broken(rm)
    assert added == 1 and model is not rm.model
    plain, ordered = _optimum(rm.model), _optimum(model)
    assert round(ordered.objective_value) == round(plain.objective_value)
    assert [(r.person, r.date.isoformat()) for r in extract_roster(rm, ordered)] == [
        ("ana", "2026-12-01")
    ]
    # the model the neighbourhood search clones has no order: bo alone may still work
    only_bo = rm.model.clone()
    for (person, _, _, _), var in rm.vars.work.items():
        if person == "ana":
            only_bo.add(only_bo.get_int_var_from_proto_index(var.index) == 0)
    assert round(_optimum(only_bo).objective_value) == round(plain.objective_value)


def test_a_model_with_no_identical_people_is_left_as_it_is() -> None:
    inst = micro(people=[agent("ana"), agent("bo", skills={"general": 2})])
    rm = build_model(inst)
    assert symmetry.broken(rm) == (rm.model, 0)


def test_the_main_search_solves_the_ordered_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Asked for, the order is in the main search's model: with one worker the roster is
    the main search's, the first of two alike agents. Not asked for, it is not built."""
    solve_module = importlib.import_module("scheduler.cpsat.solve")
    calls: list[int] = []
    real = symmetry.broken

    def recorded(rm: object) -> tuple[cp_model.CpModel, int]:
        model, added = real(rm)  # type: ignore[arg-type]
        calls.append(added)
        return model, added

    monkeypatch.setattr(solve_module.symmetry, "broken", recorded)
    inst = micro(days=2, demand=[demand("general", "tue")], people=[agent("bo"), agent("ana")])
    result = solve(inst, SolveOptions(time_limit=30, workers=1, seed=0, break_symmetry=True))
    assert calls == [1]
    assert [r.person for r in result.roster] == ["ana"]
    calls.clear()
    solve(inst, SolveOptions(time_limit=30, workers=1, seed=0))
    assert calls == []
