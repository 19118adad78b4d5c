"""The LP relaxation bound: a relaxation of the model, and a bound proven from any duals."""

from __future__ import annotations

import importlib
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from models import SolveStatus
from scheduler.cpsat import params
from scheduler.cpsat.context import SCALE
from scheduler.cpsat.model import build_model
from scheduler.cpsat.search import lns, lp_bound
from scheduler.cpsat.solve import SolveOptions, solve_model
from scheduler.formats import read_instance
from scheduler.outputs import folder as output
from tests.helpers import CURTOIS, ROOT, check_agrees, no_roster_week, record_searches

BENCH = CURTOIS
INSTANCES = ROOT / "instances"


def _optimum(model: cp_model.CpModel) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.linearization_level = 2  # proves the small week optimal in ~0.1 s
    solver.parameters.max_time_in_seconds = 30
    return solver.solve(model), solver


def test_a_fractional_lp_optimum_is_rounded_up_to_the_integer_optimum() -> None:
    """min x + y with 2x + 2y >= 3: the LP's optimum is 1.5; a roster's objective is an
    integer, so the bound is 2, which is the optimum."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    y = model.new_int_var(0, 5, "y")
    model.add(2 * x + 2 * y >= 3)
    model.minimize(x + y)
    lp = lp_bound.relaxation(model)
    assert lp is not None
    glop = lp_bound.LpBound(lp)
    assert glop.solve(10) == 2
    assert glop.value == pytest.approx(1.5)
    assert lp_bound.certified_bound(lp, [0.0]) == 0  # no multiplier: the bounds alone


def test_a_multiplier_on_an_open_side_prices_nothing() -> None:
    """A negative dual on a row with no upper side would claim x + y <= something: it is
    left out, so the bound is the bounds' alone (0), not a wrong one."""
    model = cp_model.CpModel()
    x = model.new_int_var(0, 5, "x")
    y = model.new_int_var(0, 5, "y")
    model.add(x + y >= 3)
    model.minimize(x + y)
    lp = lp_bound.relaxation(model)
    assert lp is not None
    assert lp_bound.certified_bound(lp, [-7.0]) == 0
    assert lp_bound.certified_bound(lp, [1.0]) == 3


_COEF = st.integers(min_value=-4, max_value=4)


@st.composite
def _small_models(draw: st.DrawFn) -> tuple[cp_model.CpModel, int]:
    """A small integer model with every kind of constraint the relaxation reads; returns
    it and how many rows its relaxation has."""
    model = cp_model.CpModel()
    xs = [model.new_int_var(0, draw(st.integers(1, 4)), f"x{i}") for i in range(3)]
    bs = [model.new_bool_var(f"b{i}") for i in range(3)]
    for _ in range(draw(st.integers(1, 3))):
        expr = sum(draw(_COEF) * x for x in xs + bs)
        bound = draw(st.integers(-6, 6))
        sense = draw(st.sampled_from(["ge", "le", "eq"]))
        ct = model.add(
            expr >= bound if sense == "ge" else expr <= bound if sense == "le" else expr == bound
        )
        if draw(st.booleans()):
            ct.only_enforce_if(draw(st.sampled_from(bs + [b.Not() for b in bs])))
    if draw(st.booleans()):
        target = model.new_bool_var("m")
        model.add_max_equality(target, bs[:2])
        bs.append(target)
    if draw(st.booleans()):
        model.add_max_equality(xs[0], [xs[1], xs[2] + draw(st.integers(-2, 2))])
    if draw(st.booleans()):
        model.add_bool_or([bs[0], bs[1].Not()])
    if draw(st.booleans()):
        model.add_at_most_one(bs[:3])
    if draw(st.booleans()):
        model.add_bool_and([bs[1]]).only_enforce_if(bs[2])
    model.minimize(sum(draw(_COEF) * v for v in xs + bs) + draw(st.integers(-3, 3)))
    lp = lp_bound.relaxation(model)
    assert lp is not None
    return model, len(lp.rows)


@settings(max_examples=60, deadline=None)
@given(_small_models(), st.data())
def test_the_bound_never_exceeds_the_optimum_whatever_the_multipliers(
    case: tuple[cp_model.CpModel, int], data: st.DataObject
) -> None:
    """Any multipliers give a lower bound (the Lagrangian inequality), and GLOP's give the
    LP's optimum rounded up; the integer optimum lies on or above both."""
    model, rows = case
    status, solver = _optimum(model)
    if status != cp_model.OPTIMAL:
        return  # no roster, nothing to bound
    optimum = round(solver.objective_value)
    lp = lp_bound.relaxation(model)
    assert lp is not None
    duals = data.draw(st.lists(st.floats(-5, 5), min_size=rows, max_size=rows))
    assert lp_bound.certified_bound(lp, duals) <= optimum
    glop = lp_bound.LpBound(lp)
    bound = glop.solve(10)
    assert bound is not None and bound <= optimum
    assert glop.value is not None and bound == -(-round(glop.value * 1e6) // 1_000_000)


def test_the_optimal_roster_of_a_week_is_a_point_of_its_relaxation() -> None:
    """Every row the relaxation reads off the small week's model holds at its optimal
    roster, and the bound proven from GLOP's duals loses nothing against GLOP's own
    objective and lies below the optimum."""
    rm = build_model(read_instance(INSTANCES / "small-week.yaml"))
    status, solver = _optimum(rm.model)
    assert status == cp_model.OPTIMAL
    values = list(solver.response_proto.solution)
    lp = lp_bound.relaxation(rm.model)
    assert lp is not None
    for (variables, coeffs), lower, upper in zip(lp.rows, lp.lower, lp.upper, strict=True):
        activity = sum(c * values[v] for v, c in zip(variables, coeffs, strict=True))
        assert lower is None or activity >= lower
        assert upper is None or activity <= upper
    glop = lp_bound.LpBound(lp)
    bound = glop.solve(30)
    assert bound is not None and glop.value is not None
    assert glop.value - 1 < bound <= round(solver.objective_value)
    assert bound > 0


def test_an_interrupted_lp_gives_no_bound() -> None:
    rm = build_model(read_instance(INSTANCES / "small-week.yaml"))
    lp = lp_bound.relaxation(rm.model)
    assert lp is not None
    glop = lp_bound.LpBound(lp)
    glop.stop()
    assert glop.solve(30) is None


def test_a_model_above_lp_above_is_bounded_by_glop_then_searched_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above LP_ABOVE variables (here: any) the main search is GLOP: its bound is printed
    and kept, then its core runs a second neighbourhood search (without a first roster
    of its own). Instance7's optimum is 1,056 (proven in the literature)."""
    monkeypatch.setattr(params, "LP_ABOVE", 0)
    searches = record_searches(monkeypatch)
    inst = read_instance(BENCH / "Instance7.txt")
    rm = build_model(inst)
    relaxation = lp_bound.relaxation(rm.model)
    assert relaxation is not None
    lp = lp_bound.LpBound(relaxation).solve(60)
    assert lp is not None
    log = io.StringIO()
    result = solve_model(rm, SolveOptions(time_limit=20, workers=2, seed=0, log=log))
    assert f"LP relaxation solved: bound {lp / SCALE:,.2f}" in log.getvalue()
    assert searches == [True, False]
    assert result.status in (SolveStatus.optimal, SolveStatus.feasible)
    assert result.bound is not None and result.objective is not None
    # the plain LP is weak here (CP-SAT's presolve and cuts add much), but it is the bound
    assert 0 < lp / SCALE == result.bound <= 1056 <= result.objective
    check_agrees(inst, result)


def test_with_no_roster_after_the_lp_cp_sat_proves_that_none_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """No roster exists (`no_roster_week`), and above LP_ABOVE the output still says so."""
    monkeypatch.setattr(params, "LP_ABOVE", 0)
    options = SolveOptions(time_limit=30, workers=2, seed=0)
    result = solve_model(build_model(no_roster_week()), options)
    assert result.status is SolveStatus.infeasible
    assert result.roster == []


def test_a_roster_found_before_the_lp_is_solved_comes_without_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When the time limit comes before GLOP's bound, the result has a roster and no bound:
    no infinite gap, and the summary says why there is no bound (in strict JSON)."""
    monkeypatch.setattr(params, "LP_ABOVE", 0)
    monkeypatch.setattr(lp_bound.LpBound, "solve", lambda self, seconds: None)
    inst = read_instance(INSTANCES / "small-week.yaml")
    result = solve_model(build_model(inst), SolveOptions(time_limit=5, workers=2, seed=0))
    assert result.status is SolveStatus.feasible
    assert result.bound is None and result.gap is None
    assert result.no_bound_reason == "the LP relaxation was not solved within the time limit"
    head = output.format_summary(inst, result, None).splitlines()[0]
    assert "(no bound known: the LP relaxation was not solved within the time limit;" in head
    doc = json.loads(json.dumps(output.summary_document(inst, result, None), allow_nan=False))
    assert doc["bound"] is None and doc["no_bound_reason"] == result.no_bound_reason
    check_agrees(inst, result)


def test_the_lp_bound_raises_the_bound_the_search_stops_at() -> None:
    """The progress passes the LP's bound on to the neighbourhood search (which stops once
    a roster meets it) and keeps it as the result's bound; until a bound is known, a
    roster's line says so instead of a gap."""
    solve_module = importlib.import_module("scheduler.cpsat.solve")
    rm = build_model(read_instance(INSTANCES / "small-week.yaml"))
    shared = lns.Shared()
    log = io.StringIO()
    progress = solve_module._Progress(rm, SolveOptions(log=log), shared)
    progress.report(300 * SCALE, "lns/people")  # before any bound: the LP still solving
    assert "roster #1: objective 300.00  no bound yet  (lns/people)" in log.getvalue()
    progress.on_bound(100 * SCALE)
    progress.on_lp_bound(250 * SCALE)
    progress.on_lp_bound(200 * SCALE)  # lower: kept out
    assert progress.bound == shared.bound == 250 * SCALE
    assert "LP relaxation solved: bound 250.00" in log.getvalue()
    progress.report(300 * SCALE, "")
    assert "roster #2: objective 300.00  bound 250.00  gap 16.67%" in log.getvalue()
