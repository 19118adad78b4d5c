"""The large-neighbourhood search beside the main search (`scheduler.cpsat.search.lns`)."""

from __future__ import annotations

import importlib
import io
import random
import time

import pytest
from ortools.sat.python import cp_model

from models import Instance, SolveStatus
from scheduler.checker import evaluate
from scheduler.cpsat.context import SCALE
from scheduler.cpsat.model import build_model
from scheduler.cpsat.roster_values import extract_roster
from scheduler.cpsat.search import lns, start
from scheduler.cpsat.solve import SolveOptions, hand_over_due, solve
from scheduler.formats import read_instance
from tests.helpers import (
    CURTOIS,
    ROOT,
    SOFT_QUEUES,
    agent,
    check_agrees,
    demand,
    micro,
    no_roster_week,
    rater,
    record_searches,
    shift_row,
)

BENCH = CURTOIS
INSTANCES = ROOT / "instances"
# the module, not the function `scheduler.cpsat.solve` that the package exports
solve_module = importlib.import_module("scheduler.cpsat.solve")


def _first_roster(rm_model: cp_model.CpModel) -> tuple[lns.Incumbent, cp_model.CpSolver]:
    """Any roster: CP-SAT's first, with one worker and a fixed seed."""
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.stop_after_first_solution = True
    solver.parameters.max_time_in_seconds = 30  # safety net
    status = solver.solve(rm_model)
    assert status in (cp_model.FEASIBLE, cp_model.OPTIMAL)
    values = list(solver.response_proto.solution)
    return lns.Incumbent(round(solver.objective_value), values, solver, "first"), solver


def _cells(rows: list) -> dict[tuple[str, str], str]:  # type: ignore[type-arg]
    return {(str(r.person), r.date.isoformat()): f"{r.shift}/{r.activity}" for r in rows}


def test_a_step_changes_only_the_people_it_frees() -> None:
    """Freeing two people: everyone else's shifts stay exactly those of the incumbent,
    the result passes the checker and is no worse (the incumbent is the hint)."""
    inst = read_instance(BENCH / "Instance2.txt")
    rm = build_model(inst)
    best, first_solver = _first_roster(rm.model)
    before = _cells(extract_roster(rm, first_solver))
    hood = lns.Neighbourhoods(rm)
    freed = set(hood.people[:2])
    status, solver, free = hood.step(best, freed, set(hood.days), seconds=30, seed=0)
    assert status == cp_model.OPTIMAL  # two people over 14 days: solved whole
    assert free == sum(1 for (p, *_rest) in rm.vars.work if p in freed)
    rows = extract_roster(rm, solver)
    after = _cells(rows)
    assert {k: v for k, v in after.items() if k[0] not in freed} == {
        k: v for k, v in before.items() if k[0] not in freed
    }
    assert round(solver.objective_value) <= best.objective
    evaluation = evaluate(inst, rows)
    assert evaluation.violations == []
    assert evaluation.objective == solver.objective_value / SCALE


def test_a_step_over_a_window_of_days_keeps_the_other_days() -> None:
    inst = read_instance(BENCH / "Instance2.txt")
    rm = build_model(inst)
    best, first_solver = _first_roster(rm.model)
    before = _cells(extract_roster(rm, first_solver))
    hood = lns.Neighbourhoods(rm)
    window = {3, 4, 5}
    status, solver, _ = hood.step(best, set(hood.people), window, seconds=30, seed=0)
    assert status == cp_model.OPTIMAL
    after = _cells(extract_roster(rm, solver))
    freed_dates = {inst.dates[d].isoformat() for d in window}
    assert {k: v for k, v in after.items() if k[1] not in freed_dates} == {
        k: v for k, v in before.items() if k[1] not in freed_dates
    }
    # the domains are restored: the same clone solves whole again afterwards
    status, solver, free = hood.step(best, set(hood.people), set(hood.days), seconds=30, seed=0)
    assert free == len(rm.vars.work) + len(rm.vars.items)


def test_the_neighbourhood_search_alone_reaches_the_optimum_of_instance1() -> None:
    """From CP-SAT's first roster, neighbourhood steps alone reach 607, the proven
    optimum of Curtois-Qu Instance1 (the search stops there: 607 is given as the bound)."""
    inst = read_instance(BENCH / "Instance1.txt")
    rm = build_model(inst)
    first, _ = _first_roster(rm.model)
    assert first.objective > 607 * SCALE  # there is something to improve
    shared = lns.Shared(best=first)
    shared.raise_bound(607 * SCALE)
    lns.run(rm, shared, deadline=time.monotonic() + 60, seed=0)  # the limit is a safety net
    assert shared.best is not None and shared.best.solver is not None
    assert shared.best.objective == 607 * SCALE
    assert shared.improvements >= 1
    rows = extract_roster(rm, shared.best.solver)
    evaluation = evaluate(inst, rows)
    assert evaluation.violations == [] and evaluation.objective == 607


def test_only_a_better_roster_is_kept_and_the_bound_stops_the_search() -> None:
    shared = lns.Shared()
    assert shared.offer(lns.Incumbent(100, [1], None, "a"))
    assert not shared.offer(lns.Incumbent(100, [2], None, "b"))  # equal: kept the first
    assert not shared.offer(lns.Incumbent(120, [3], None, "c"))
    assert shared.best is not None and shared.best.origin == "a"
    shared.raise_bound(90)
    assert not shared.stop.is_set()
    assert shared.offer(lns.Incumbent(90, [4], None, "d"))
    assert shared.stop.is_set()  # 90 is the bound: proven optimal


def test_an_equal_roster_with_less_hard_work_above_the_floor_is_kept_but_not_reported() -> None:
    """`above` breaks ties only: an equal objective with less of it replaces the best
    silently (the user sees no better roster), more or unknown does not, and a lower
    objective wins whatever its `above`."""
    shared = lns.Shared()
    reported: list[str] = []
    shared.on_improve = lambda incumbent: reported.append(incumbent.origin)
    assert shared.offer(lns.Incumbent(100, [1], None, "main"))  # above unknown
    assert shared.offer(lns.Incumbent(100, [2], None, "less", above=60))
    assert not shared.offer(lns.Incumbent(100, [3], None, "more", above=120))
    assert not shared.offer(lns.Incumbent(100, [4], None, "unknown"))
    assert shared.offer(lns.Incumbent(100, [5], None, "least", above=0))
    assert shared.offer(lns.Incumbent(99, [6], None, "better", above=500))
    assert shared.best is not None and shared.best.origin == "better"
    assert reported == ["main", "better"]


def _two_at_sixteen() -> Instance:
    """One day: two agents wanted on the hard queue, one on the general queue. `xa` and
    `xb` carry 16 h of hard work from last week, `yo` none; `zed` could do hard work but
    is away. The spread is max - min = 24 h whoever works the hard queue (`zed` stays at
    0 and one of `xa`, `xb` must take a hard shift: 16 + 8), so every roster pays the
    same; `xa` and `xb` both on it put 2 x 8 h above the 16 h floor, one of them with
    `yo` only 8 h."""
    return micro(
        days=1,
        rules={"max_hard_share": 1.0},
        demand=[demand("general", None), demand("esc", None, agents=2)],
        people=[
            agent("xa", history={"hard_hours_last_week": 16}),
            agent("xb", history={"hard_hours_last_week": 16}),
            agent("yo"),
            agent("zed", unavailable=["2026-11-30"]),
        ],
    )


def test_a_step_prefers_less_hard_work_above_the_lowest_top_load() -> None:
    inst = _two_at_sixteen()
    rm = build_model(inst)
    hood = lns.Neighbourhoods(rm)
    assert hood.floor == 16 * 60
    both = [
        shift_row(inst, "xa", 0, "day", "esc"),
        shift_row(inst, "xb", 0, "day", "esc"),
        shift_row(inst, "yo", 0, "day", "general"),
    ]
    _, solver = hood.complete(both, 30)
    present = hood.outcome(solver, "present")
    assert present.above == 2 * 8 * 60
    status, solver, _ = hood.step(present, set(hood.people), set(hood.days), 30, 0)
    assert status == cp_model.OPTIMAL
    found = hood.outcome(solver, "step")
    assert found.objective == present.objective  # the spread is 24 h either way
    assert found.above == 8 * 60
    on_esc = {r.person for r in extract_roster(rm, solver) if r.activity == "esc"}
    assert "yo" in on_esc and len(on_esc & {"xa", "xb"}) == 1


def test_two_workers_solve_to_the_proven_optimum_and_the_checker_agrees() -> None:
    """With two workers the neighbourhood search runs beside the main search; the
    roster it returns is whole: the checker finds the same goals and objective."""
    inst = read_instance(BENCH / "Instance3.txt")
    result = solve(inst, SolveOptions(time_limit=120, workers=2, seed=0))
    assert result.status is SolveStatus.optimal
    assert result.objective == 1001  # best known, proven optimal in the literature
    check_agrees(inst, result)


def test_two_workers_on_our_own_week_pass_the_checker() -> None:
    inst = read_instance(INSTANCES / "small-week.yaml")
    result = solve(inst, SolveOptions(time_limit=60, workers=2, seed=0))
    assert result.status is SolveStatus.optimal
    one = solve(inst, SolveOptions(time_limit=60, workers=1, seed=0))
    assert result.objective == one.objective
    check_agrees(inst, result)


def test_two_workers_still_say_when_no_roster_exists() -> None:
    inst = no_roster_week()
    result = solve(inst, SolveOptions(time_limit=30, workers=2, seed=0))
    assert result.status is SolveStatus.infeasible
    assert result.roster == []


def test_person_by_person_keeps_every_rule_and_the_open_demand() -> None:
    """Each person solved alone against the demand still open: the union keeps every
    hard rule (they bind one person at a time), and nobody is put where the people
    before them already cover the demand."""
    inst = micro(
        days=2,
        demand=[demand("general", "mon", agents=1)],
        people=[agent("ana"), agent("bo")],
    )
    rows = start.person_by_person(inst, deadline=time.monotonic() + 60)
    assert rows is not None
    assert [(r.person, r.date.isoformat()) for r in rows] == [("ana", "2026-11-30")]
    big = read_instance(BENCH / "Instance2.txt")
    rows = start.person_by_person(big, deadline=time.monotonic() + 120)
    assert rows is not None and {r.person for r in rows} == {p.id for p in big.people}
    assert evaluate(big, rows).violations == []


def test_an_agent_on_a_shift_over_its_demand_moves_to_one_left_short() -> None:
    """Ana and Bo both on the general queue on Monday, where one is wanted, and nobody on
    the escalation queue, where one is wanted too: re-solving them one at a time against
    the other's roster moves one to the escalation queue (the other stays)."""
    inst = micro(
        days=1,
        queues=SOFT_QUEUES,
        demand=[demand("general", "mon"), demand("esc", "mon")],
        people=[agent("ana"), agent("bo")],
    )
    rows = [shift_row(inst, "ana", 0, "day"), shift_row(inst, "bo", 0, "day")]
    filled = start.fill_open_demand(inst, rows, deadline=time.monotonic() + 60)
    assert sorted(r.activity for r in filled) == ["esc", "general"]
    assert evaluate(inst, filled).violations == []


def test_a_shift_left_short_by_a_move_is_filled_in_the_next_round() -> None:
    """Ana (general and escalation) is on the general queue, Bo (general only) is off,
    and an open escalation shift weighs more than a general one: Ana moves to it, which
    leaves the general shift short, and a second round puts Bo there."""
    inst = micro(
        days=1,
        queues=SOFT_QUEUES,
        demand=[demand("general", "mon"), {**demand("esc", "mon"), "under_weight": 200_000}],
        people=[agent("ana"), {"id": "bo", "roles": ["agent"], "skills": {"general": 3}}],
    )
    rows = [shift_row(inst, "ana", 0, "day")]
    filled = start.fill_open_demand(inst, rows, deadline=time.monotonic() + 60)
    assert sorted((r.person, r.activity) for r in filled) == [("ana", "esc"), ("bo", "general")]
    assert evaluate(inst, filled).violations == []


def test_a_move_that_leaves_another_shift_as_short_is_not_kept() -> None:
    """Ana is on Monday's general shift and the escalation one is open, both weighing the
    same: moving her there would only move the gap, so she stays, and Bo (off, who could
    add the shift) takes it."""
    inst = micro(
        days=1,
        queues=SOFT_QUEUES,
        demand=[demand("general", "mon"), demand("esc", "mon")],
        people=[agent("ana"), agent("bo")],
    )
    rows = [shift_row(inst, "ana", 0, "day")]
    filled = start.fill_open_demand(inst, rows, deadline=time.monotonic() + 60)
    assert sorted((r.person, r.activity) for r in filled) == [("ana", "general"), ("bo", "esc")]


def test_a_single_queue_is_left_as_the_start_made_it() -> None:
    inst = micro(
        days=1,
        queues=[{"id": "general", "skill": "general"}],
        demand=[demand("general", "mon", agents=3)],
        people=[agent("ana"), agent("bo")],
    )
    rows = [shift_row(inst, "ana", 0, "day")]
    assert start.fill_open_demand(inst, rows, deadline=time.monotonic() + 60) == rows


def test_the_search_starts_person_by_person_when_cp_sat_has_no_first_roster(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no time for CP-SAT's first roster, the person-by-person roster is the start,
    completed into the whole model's values, and the steps improve it to the optimum."""
    monkeypatch.setattr(lns, "FIRST_SECONDS", 0.0)
    inst = read_instance(BENCH / "Instance1.txt")
    rm = build_model(inst)
    starts: list[str] = []
    shared = lns.Shared(on_improve=lambda inc: starts.append(inc.origin))
    shared.raise_bound(607 * SCALE)
    lns.run(rm, shared, deadline=time.monotonic() + 60, seed=0)
    assert starts[0] == "person by person"
    assert shared.best is not None and shared.best.solver is not None
    assert shared.best.objective == 607 * SCALE
    assert evaluate(inst, extract_roster(rm, shared.best.solver)).violations == []


def _grading_week() -> Instance:
    """Two safety raters and one code rater; a safety batch released Tuesday, due Thursday."""
    return micro(
        days=5,
        shifts=[{"id": "day", "start": "09:00", "hours": 8}],
        people=[
            rater("ria"),
            rater("sam"),
            {"id": "cody", "roles": ["rater"], "skills": {"code": 3}},
        ],
        skills=["general", "escalation", "safety", "code"],
        batches=[
            {
                "id": "b",
                "items": 3000,
                "difficulty": "medium",
                "skill": "safety",
                "release": "tue",
                "deadline": "thu",
            }
        ],
    )


def test_a_late_batch_is_a_site_of_its_qualified_raters_between_release_and_deadline() -> None:
    rm = build_model(_grading_week())
    late = [s for s in rm.sites if s.var.name == "late[b]"]
    assert len(late) == 1
    site = late[0]
    assert (site.first, site.last) == (1, 3)  # Tuesday .. Thursday
    assert site.people == {"ria", "sam"}  # not cody: no safety skill
    assert site.weight == 3 * rm.instance.weights.late_items  # priority 3 by default


def test_an_items_step_keeps_every_shift_and_moves_only_gradings() -> None:
    inst = _grading_week()
    rm = build_model(inst)
    best, _ = _first_roster(rm.model)
    hood = lns.Neighbourhoods(rm)
    status, solver, free = hood.step(
        best, set(hood.people), set(hood.days), seconds=30, seed=0, items_only=True
    )
    assert status == cp_model.OPTIMAL
    assert free == len(rm.vars.items)
    for var in rm.vars.work.values():
        assert solver.value(var) == best.values[var.index]
    assert round(solver.objective_value) <= best.objective


def test_a_hotspot_at_a_late_batch_moves_its_graders_items_from_its_release_on() -> None:
    """The batch (released Tuesday) is the only place the roster pays: every other such
    step moves only gradings, of both its raters, Tuesday to Friday (a rater takes the
    late gradings up by moving others to later days); the rest are ordinary blocks."""
    rm = build_model(_grading_week())
    hood = lns.Neighbourhoods(rm)
    values = [0] * len(rm.model.proto.variables)
    late = next(s.var for s in rm.sites if s.var.name == "late[b]")
    values[late.index] = 100
    best = lns.Incumbent(0, values, None, "test")
    kind = lns._Kind("hotspot", 0.25)
    drawn = [lns._hotspot(kind, hood, best, random.Random(seed)) for seed in range(20)]
    moves = [d for d in drawn if d is not None and d[2]]
    assert 0 < len(moves) < len(drawn)
    for people, days, _ in moves:
        assert people == {"ria", "sam"} and days == {1, 2, 3, 4}


def test_a_spread_step_frees_everyone_at_the_top_load_and_only_people_who_could_take_over() -> None:
    """`ana` and `bo` share the highest hard load; `cy` could work the hard queue too, `dee`
    only the general queue and `ria` only rates (no hard batch here). The spread drops only
    if both `ana` and `bo` drop, so both are freed, with `cy`, the one who could take their
    hard shifts; `dee` and `ria` could not, and are never drawn."""
    inst = micro(
        people=[
            agent("ana"),
            agent("bo"),
            agent("cy"),
            {"id": "dee", "roles": ["agent"], "skills": {"general": 3}},
            rater("ria"),
        ],
        demand=[demand("general", None), demand("esc", None)],
    )
    rm = build_model(inst)
    hood = lns.Neighbourhoods(rm)
    assert set(hood.loads) == {"ana", "bo", "cy"}  # who could do hard work at all
    values = [0] * len(rm.model.proto.variables)
    values[hood.loads["ana"]] = values[hood.loads["bo"]] = 480
    values[hood.loads["cy"]] = 0
    best = lns.Incumbent(0, values, None, "test")
    kind = lns._Kind("spread", 1.0)
    for seed in range(5):
        freed = lns._highest_loads(kind, hood, best, random.Random(seed))
        assert freed == {"ana", "bo", "cy"}


def test_a_spread_step_with_too_many_at_the_top_moves_hard_work_under_the_floor() -> None:
    """Four agents share the top load, more than a step of two may free, so the step
    pairs one person above the 16 h floor (last week's highest load) with one under it
    who could take their hard shifts: `lo`. Nobody at or above the floor is drawn as the
    second, and `dee`, who could do no hard work, never."""
    hard = [agent(f"top{i}", history={"hard_hours_last_week": 16}) for i in range(4)]
    inst = micro(
        people=[
            *hard,
            agent("mid"),
            agent("lo"),
            {"id": "dee", "roles": ["agent"], "skills": {"general": 3}},
        ],
        demand=[demand("general", None), demand("esc", None)],
    )
    hood = lns.Neighbourhoods(build_model(inst))
    assert hood.floor == 16 * 60
    values = [0] * len(hood.model.proto.variables)
    for i in range(4):
        values[hood.loads[f"top{i}"]] = 24 * 60
    values[hood.loads["mid"]] = 20 * 60
    values[hood.loads["lo"]] = 8 * 60
    best = lns.Incumbent(0, values, None, "test")
    kind = lns._Kind("spread", 2 / len(hood.people))
    drawn = set()
    for seed in range(20):
        freed = lns._highest_loads(kind, hood, best, random.Random(seed))
        assert "lo" in freed and len(freed) == 2
        drawn |= freed - {"lo"}
    assert drawn == {"top0", "top1", "top2", "top3", "mid"}  # everyone above the floor


def test_a_people_step_draws_people_who_could_swap_work() -> None:
    """Two agents of the general queue and two raters of a safety batch: two people freed
    together are always two agents or two raters, never one of each (who share no work
    and so could change nothing together)."""
    inst = micro(
        people=[
            {"id": "a1", "roles": ["agent"], "skills": {"general": 3}},
            {"id": "a2", "roles": ["agent"], "skills": {"general": 3}},
            rater("r1"),
            rater("r2"),
        ],
        batches=[{"id": "b", "items": 100, "difficulty": "easy", "skill": "safety"}],
        demand=[demand("general", None)],
    )
    hood = lns.Neighbourhoods(build_model(inst))
    assert sorted(hood.people) == ["a1", "a2", "r1", "r2"]
    drawn = {frozenset(lns._related(hood, 2, random.Random(seed))) for seed in range(20)}
    assert drawn == {frozenset({"a1", "a2"}), frozenset({"r1", "r2"})}


@pytest.mark.parametrize(
    ("seconds", "bound", "gained_seconds", "best", "left", "due"),
    [
        # bound 900 of a best 1,000, no gain from the main search for 20 s, 30 s left:
        # the core goes over
        (40.0, 900.0, 20.0, 1000.0, 30.0, True),
        # no gain for only 10 s: the main search keeps it
        (30.0, 900.0, 20.0, 1000.0, 30.0, False),
        # bound 990 of 1,000, a gap under 2 %: the main search may still prove it
        (40.0, 990.0, 20.0, 1000.0, 30.0, False),
        # bound 400 of 1,000: the root LP is not solved yet, a stall says nothing
        (40.0, 400.0, 20.0, 1000.0, 30.0, False),
        # no roster yet: nothing for a second neighbourhood search to start from
        (40.0, 900.0, 20.0, None, 30.0, False),
        # 4 s left: too little for steps
        (40.0, 900.0, 20.0, 1000.0, 4.0, False),
    ],
)
def test_the_main_worker_hands_over_only_after_its_lp_bound_and_rosters_have_stalled(
    seconds: float, bound: float, gained_seconds: float, best: float | None, left: float, due: bool
) -> None:
    # BOUND_STALL 15 s, HAND_OVER_BOUND half the best objective, HAND_OVER_GAP 2 %,
    # HAND_OVER_LEFT 5 s
    assert hand_over_due(seconds, bound, gained_seconds, best, left) is due


def test_after_a_hand_over_the_roster_is_whole_and_the_bound_is_the_main_search_s(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no stall needed, Instance7's main worker hands its core over as soon as its
    bound is half the first roster's objective; a second neighbourhood search then runs
    (without a first roster of its own), and the result is still a whole roster the
    checker agrees with, above the bound the main search had reached."""
    monkeypatch.setattr(solve_module, "BOUND_STALL", 0.0)
    monkeypatch.setattr(solve_module, "HAND_OVER_LEFT", 0.0)
    searches = record_searches(monkeypatch)
    inst = read_instance(BENCH / "Instance7.txt")
    log = io.StringIO()
    result = solve(inst, SolveOptions(time_limit=5, workers=2, seed=0, log=log))
    assert "its worker joins the neighbourhood search" in log.getvalue()
    assert searches == [True, False]  # the first search, then the main worker's
    assert result.status in (SolveStatus.feasible, SolveStatus.optimal)
    assert result.bound is not None and result.objective is not None
    # 1,056 is the proven optimum; the hand-over waited for half the best objective, and
    # the best at that moment was no better than the final one
    assert result.objective / 2 <= result.bound <= 1056 <= result.objective
    check_agrees(inst, result)
