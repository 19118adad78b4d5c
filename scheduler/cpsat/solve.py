"""Solving: parameters, progress, Ctrl-C, and turning solver values into a roster."""

from __future__ import annotations

import math
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO, TypeVar

from ortools.sat.python import cp_model

from models import Assignment, GoalFigure, Instance, SolveResult, SolveStatus
from scheduler.checker import evaluate
from scheduler.cpsat import params
from scheduler.cpsat.context import SCALE, RosterModel
from scheduler.cpsat.model import build_model
from scheduler.cpsat.roster_values import (
    ObjectiveAt,
    Solution,
    Values,
    extract_roster,
    goal_figures,
)
from scheduler.cpsat.search import decompose, lns, lp_bound, symmetry
from scheduler.cpsat.signals import hold_signals

T = TypeVar("T")

BOUND_STALL = 15.0
"""Seconds without a better bound or roster from the one main worker after which it hands
its core over (`hand_over_due`)."""
HAND_OVER_LEFT = 5.0
"""Seconds that must be left for a hand-over to be worth it."""
HAND_OVER_BOUND = 0.5
"""The least share of the best objective the bound must reach before a hand-over: until
the root LP is solved, the bound is presolve's and a stall says nothing."""
HAND_OVER_GAP = 0.02
"""The least gap between the best objective and the bound for a hand-over: a main
search this close may still prove the best roster optimal, or find the optimum."""


class ModelTooLargeError(Exception):
    """CP-SAT refused the model: its numbers overflow (huge demand or weights)."""


@dataclass(frozen=True)
class SolveOptions:
    """How long and how to search. Tests pin `workers` and `seed`."""

    time_limit: float | None = 30.0
    workers: int = 0
    """Search workers; 0 picks by the machine (`auto_workers`)."""
    seed: int = 0
    deterministic_time: float | None = None
    """A limit in CP-SAT's deterministic time units: the same result on every run."""
    log: TextIO | None = None
    """Where progress lines go (objective and bound as they improve); None for quiet."""
    watch: Callable[[float, float | None, float | None], None] | None = None
    """Called with (seconds, best objective, bound) whenever either improves (units as
    reported; None while not known). Benchmarks time the gap with it."""
    on_roster: Callable[[float, list[Assignment], str], None] | None = None
    """Called with (seconds, rows, source) for each better roster of the whole model's
    search, the source "main search" or the neighbourhood that found it, so that a caller
    can keep the best so far as it improves (the service's jobs). Not called for solves
    by parts."""
    decomposition_bound: bool = False
    """Also compute the bound over whole per-person schedules in a process beside the
    search (`scheduler.cpsat.columns`); the result keeps the better bound and names it
    (`SolveResult.bound_source`)."""
    break_symmetry: bool = False
    """Order identical people in the main search's model (`scheduler.cpsat.search.symmetry`).
    Off by default: it gave no better bound, CP-SAT's presolve finding these symmetries
    itself (benchmarks/README.md, *Symmetry*)."""


class _Progress(cp_model.CpSolverSolutionCallback):
    """The main search's callback: passes each roster on and reports improvements."""

    def __init__(self, rm: RosterModel, options: SolveOptions, shared: lns.Shared | None) -> None:
        super().__init__()
        self._rm = rm
        self.objective_at = ObjectiveAt(rm.model)
        """The objective at a solution, exactly (never CP-SAT's `objective_value`)."""
        self._log = options.log
        self._watch = options.watch
        self._on_roster = options.on_roster
        self.objective: float | None = None
        self._shared = shared
        self.started = time.monotonic()
        self.gained_seconds = 0.0
        """Seconds from the start to the main search's last gain: a better bound, or a
        best roster of its own (`hand_over_due`)."""
        self.first_seconds: float | None = None
        self.last_seconds: float | None = None
        self.count = 0
        self._last_bound_line = -1.0
        self.bound = float("-inf")
        self._bound_lock = threading.Lock()

    def on_hand_over(self, seconds: float) -> None:
        """The main worker's core goes to a second neighbourhood search (`hand_over_due`)."""
        if self._log is not None:
            print(
                f"  {seconds:7.1f}s  no better bound nor roster from the main search for "
                f"{seconds - self.gained_seconds:.0f}s: its worker joins the neighbourhood search",
                file=self._log,
                flush=True,
            )

    def on_lp_bound(self, bound: float) -> None:
        """The LP relaxation's certified bound (`scheduler.cpsat.search.lp_bound`), always
        reported."""
        if self._log is not None:
            seconds = time.monotonic() - self.started
            print(
                f"  {seconds:7.1f}s  LP relaxation solved: bound {bound / SCALE:,.2f}",
                file=self._log,
                flush=True,
            )
        self.on_bound(bound, quiet=True)

    def on_bound(self, bound: float, quiet: bool = False) -> None:
        """A better lower bound: reported at most once a second between rosters."""
        with self._bound_lock:
            if bound <= self.bound:
                return
            self.gained_seconds = time.monotonic() - self.started
            self.bound = bound
        if self._shared is not None:
            self._shared.raise_bound(bound)
        now = time.monotonic() - self.started
        if self._watch is not None:
            self._watch(now, self.objective, self.bound / SCALE)
        if self._log is None or quiet or now - self._last_bound_line < 1.0:
            return
        self._last_bound_line = now
        print(f"  {now:7.1f}s  bound {bound / SCALE:,.2f}", file=self._log, flush=True)

    def on_solution_callback(self) -> None:
        with self._bound_lock:  # shared with `on_bound`, called from other threads
            self.bound = max(self.bound, self.best_objective_bound)
        values = list(self.response_proto.solution)
        objective = self.objective_at(values)
        if self._shared is None:
            self.report(objective, "", values)
            return
        self._shared.raise_bound(self.best_objective_bound)
        if self._shared.offer(lns.Incumbent(objective, values, None, "main")):
            self.gained_seconds = time.monotonic() - self.started

    def on_incumbent(self, incumbent: lns.Incumbent) -> None:
        """A better roster from either search (called by `lns.Shared.offer`)."""
        origin = "" if incumbent.origin == "main" else incumbent.origin
        self.report(incumbent.objective, origin, incumbent.values)

    def report(self, objective_units: float, origin: str, values: list[int] | None = None) -> None:
        self.count += 1
        self.last_seconds = time.monotonic() - self.started
        if self.first_seconds is None:
            self.first_seconds = self.last_seconds
        self.objective = objective_units / SCALE
        if self._watch is not None:
            known = self.bound > float("-inf")
            self._watch(self.last_seconds, self.objective, self.bound / SCALE if known else None)
        if self._on_roster is not None and values is not None:
            rows = extract_roster(self._rm, Values(values))
            self._on_roster(self.last_seconds, rows, origin or "main search")
        if self._log is not None:
            objective = objective_units / SCALE
            bound = self.bound / SCALE
            if self.bound > float("-inf"):
                against = f"bound {bound:,.2f}  gap {_gap(objective, bound):.2%}"
            else:  # a large model's LP (`_lp_then_lns`) not solved yet
                against = "no bound yet"
            by = f"  ({origin})" if origin else ""
            print(
                f"  {self.last_seconds:7.1f}s  roster #{self.count}: "
                f"objective {objective:,.2f}  {against}{by}",
                file=self._log,
                flush=True,
            )


def auto_workers() -> int:
    """Search workers when the user leaves it to us (`--workers 0`): one per core, up to 16.

    How they are shared between the main search and the neighbourhood search is
    `solve_model`'s (docs/search.md; measurements in benchmarks/README.md).
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(cores or 1, 16)


BY_PARTS = "solved by parts"
LP_UNSOLVED = "the LP relaxation was not solved within the time limit"
"""Why a roster comes without a bound (`SolveResult.no_bound_reason`; docs/search.md)."""


def _gap(objective: float, bound: float) -> float:
    if abs(objective) < 1e-9:
        return 0.0 if abs(bound) < 1e-9 else 1.0
    return max(0.0, (objective - bound) / abs(objective))


def solve(instance: Instance, options: SolveOptions | None = None) -> SolveResult:
    """Build and solve the roster model; Ctrl-C stops early with the best roster so far.

    An instance too large to build whole is solved by parts (`scheduler.cpsat.search.decompose`).
    """
    options = options or SolveOptions()
    if decompose.by_parts(instance):
        return _solve_by_parts(instance, options)
    if not options.decomposition_bound:
        return solve_model(build_model(instance), options)
    from scheduler.cpsat.columns.beside import Beside, merged

    side = Beside(instance, options.time_limit, options.seed)
    try:
        result = solve_model(build_model(instance), options)
    finally:
        found = side.finish()
    return merged(result, found)


def _solve_by_parts(instance: Instance, options: SolveOptions) -> SolveResult:
    """`scheduler.cpsat.search.decompose` in a thread that Ctrl-C can stop; no bound is known."""
    if options.log is not None:
        print(
            f"solving {instance.name} by parts: {decompose.cells(instance):,} person-day-shift "
            f"cells are too many for one model (docs/search.md); no bound is known this way. "
            f"Ctrl-C stops with the best roster so far",
            file=options.log,
            flush=True,
        )
    outcome = decompose.Outcome()
    started = time.monotonic()
    limit = options.time_limit if options.time_limit is not None else float("inf")

    def run() -> None:
        decompose.run(instance, outcome, started + limit, options.seed, options.log, options.watch)

    _, stopped = _run_interruptible(run, outcome.stop.set)
    found = outcome.rows is not None
    result = SolveResult(
        instance=instance.name,
        status=SolveStatus.feasible if found else SolveStatus.unknown,
        objective=outcome.objective if found else None,
        bound=None,
        gap=None,
        no_bound_reason=BY_PARTS if found else None,
        solve_seconds=time.monotonic() - started,
        stopped_early=stopped,
        workers=1,
        seed=options.seed,
        time_limit=options.time_limit,
        goals=outcome.goals,
        first_roster_seconds=outcome.first_seconds,
        best_roster_seconds=outcome.best_seconds,
        roster=outcome.rows or [],
    )
    if not found:
        return result
    return certified(instance, result, [], outcome.objective, None).model_copy(update={"gap": None})


def solve_model(rm: RosterModel, options: SolveOptions | None = None) -> SolveResult:
    """Solve a built roster model (its objective may have been replaced or bounded).

    With two or more workers and no deterministic limit, one worker's share goes to
    the large-neighbourhood search of `scheduler.cpsat.search.lns` beside the main search.
    """
    options = options or SolveOptions()
    instance = rm.instance
    workers = options.workers or auto_workers()
    use_lns = workers >= 2 and options.deterministic_time is None and bool(rm.goals)
    # The main search gives the neighbourhood search one worker's share, except on models
    # too large for the full LP to converge, where CP-SAT's pair stays whole beside it
    # (benchmarks/README.md, *Main-search parameters*).
    size = len(rm.model.proto.variables)
    lp_first = use_lns and size > params.LP_ABOVE
    if lp_first and (problem := rm.model.validate()):
        raise ModelTooLargeError(problem)
    whole_pair = size > params.PAIR_ABOVE and not lp_first
    main_workers = workers - 1 if use_lns and not whole_pair else workers
    # Ctrl-C is caught in the main thread (see _run_interruptible), not by CP-SAT's own
    # handler, which crashed the process when the search ran in a worker thread.
    solver = params.solver(options.time_limit, main_workers, options.seed)
    if options.deterministic_time is not None:
        solver.parameters.max_deterministic_time = options.deterministic_time
    params.main_search(solver)
    # identical people ordered on request, in the main search's model only
    main_model = symmetry.broken(rm)[0] if options.break_symmetry and not lp_first else rm.model
    shared = lns.Shared() if use_lns else None
    progress = _Progress(rm, options, shared)
    solver.best_bound_callback = progress.on_bound
    if options.log is not None:
        stats = rm.model.proto
        print(
            f"solving {instance.name}: {len(stats.variables):,} variables, "
            f"{len(stats.constraints):,} constraints; Ctrl-C stops with the best roster so far",
            file=options.log,
            flush=True,
        )
    started = time.monotonic()
    if shared is None:
        status_code, stopped = _run_interruptible(
            lambda: solver.solve(main_model, progress), solver.stop_search
        )
        best_solver: cp_model.CpSolver | None = solver
    else:
        status_code, stopped, best_solver = _solve_beside_lns(
            rm, solver, progress, shared, options, started, lp_first, main_model
        )
    if status_code == cp_model.MODEL_INVALID:
        raise ModelTooLargeError(rm.model.validate())
    status = {
        cp_model.OPTIMAL: SolveStatus.optimal,
        cp_model.FEASIBLE: SolveStatus.feasible,
        cp_model.INFEASIBLE: SolveStatus.infeasible,
    }.get(status_code, SolveStatus.unknown)
    result = SolveResult(
        instance=instance.name,
        status=status,
        objective=None,
        bound=None,
        gap=None,
        solve_seconds=time.monotonic() - started,
        stopped_early=stopped,
        workers=workers,
        seed=options.seed,
        time_limit=options.time_limit,
        goals=[],
        roster=[],
    )
    if best_solver is not None and status in (SolveStatus.optimal, SolveStatus.feasible):
        # the best roster's own values: its rows and objective are of one roster
        found = shared.best if shared is not None and shared.best is not None else None
        solution: Solution = Values(found.values) if found is not None else best_solver
        exact = (
            found.objective if found else progress.objective_at(best_solver.response_proto.solution)
        )
        model_objective = exact / SCALE
        bound: float | None = max(_bound_of(solver), progress.bound) / SCALE
        if bound is not None and not math.isfinite(bound):
            bound = None  # the LP relaxation of a large model was not solved in time
        result = certified(
            instance,
            result.model_copy(
                update={
                    "first_roster_seconds": progress.first_seconds,
                    "best_roster_seconds": progress.last_seconds,
                    "roster": extract_roster(rm, solution),
                    "no_bound_reason": LP_UNSOLVED if bound is None else None,
                }
            ),
            goal_figures(rm, solution),
            model_objective if rm.objective_is_goals else None,
            bound,
        )
    return result


STRICT = "ROSTER_STRICT"
"""An environment variable: when set, a figure of the solver's that differs from the
checker's raises `ModelCheckerMismatchError` (the tests set it) instead of being recorded."""


class ModelCheckerMismatchError(AssertionError):
    """The solver's figures for a roster differ from the checker's: a bug in one of them."""


def certified(
    instance: Instance,
    result: SolveResult,
    model_goals: list[GoalFigure],
    model_objective: float | None,
    bound: float | None,
) -> SolveResult:
    """The result with the checker's figures for its roster: objective, every goal, gap.

    The figures written are always the checker's on the roster written. The solver's
    own (`model_goals`, and `model_objective` when the model's objective is the goals'
    sum) are compared with them: a difference is recorded in `model_disagrees`, and
    raises when `ROSTER_STRICT` is set. `bound` is the solver's; a proven optimum has
    the checker's objective as its bound.
    """
    evaluation = evaluate(instance, result.roster)
    objective = evaluation.objective
    disagrees = [
        f"{mine.name}: solver {mine.penalty:g}, checker {theirs.penalty:g}"
        for mine, theirs in zip(model_goals, evaluation.goals, strict=False)
        if mine.name != theirs.name or abs(mine.penalty - theirs.penalty) > 1e-6
    ]
    if len(model_goals) not in (0, len(evaluation.goals)):
        disagrees.append(f"goals: solver {len(model_goals)}, checker {len(evaluation.goals)}")
    if model_objective is not None and abs(model_objective - objective) > 1e-6:
        disagrees.append(f"objective: solver {model_objective:g}, checker {objective:g}")
    if disagrees and os.environ.get(STRICT):
        raise ModelCheckerMismatchError(f"{instance.name}: " + "; ".join(disagrees))
    if result.status is SolveStatus.optimal:
        bound = objective
    return result.model_copy(
        update={
            "objective": objective,
            "goals": evaluation.goals,
            "bound": bound,
            "gap": None if bound is None else _gap(objective, bound),
            "model_objective": model_objective,
            "model_disagrees": disagrees,
        }
    )


def _solve_beside_lns(
    rm: RosterModel,
    solver: cp_model.CpSolver,
    progress: _Progress,
    shared: lns.Shared,
    options: SolveOptions,
    started: float,
    lp_first: bool = False,
    main_model: cp_model.CpModel | None = None,
) -> tuple[cp_model.CpSolverStatus, bool, cp_model.CpSolver | None]:
    """The main search in one thread, the neighbourhood search in another; with
    `lp_first`, the main search is `_lp_then_lns`. The main search solves `main_model`
    (the model with its symmetry broken, `scheduler.cpsat.search.symmetry`) when given.

    Returns the status, whether Ctrl-C stopped it, and the solver holding the best roster.
    """
    shared.on_improve = progress.on_incumbent
    shared.running.append(solver)
    deadline = started + options.time_limit if options.time_limit is not None else float("inf")
    helper = threading.Thread(
        target=lns.run, args=(rm, shared, deadline, options.seed), daemon=True
    )
    handed = threading.Event()

    def main_search() -> cp_model.CpSolverStatus:
        try:
            if lp_first:
                return _lp_then_lns(rm, solver, progress, shared, options.seed, deadline)
            code = solver.solve(main_model if main_model is not None else rm.model, progress)
            unproven = code not in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
            if handed.is_set() and unproven and not shared.stop.is_set():
                # its core goes to a second neighbourhood search (`hand_over_due`)
                lns.run(rm, shared, deadline, options.seed + 1, first=False)
            return code
        finally:
            shared.halt()  # the main search ended: proven, infeasible or out of time

    def watch() -> None:
        while not shared.stop.wait(0.5):
            seconds = time.monotonic() - progress.started
            best = shared.best
            if hand_over_due(
                seconds,
                progress.bound,
                progress.gained_seconds,
                best.objective if best is not None else None,
                deadline - time.monotonic(),
            ):
                handed.set()
                progress.on_hand_over(seconds)
                solver.stop_search()
                return

    helper.start()
    if solver.parameters.num_workers == 1 and options.time_limit is not None and not lp_first:
        threading.Thread(target=watch, daemon=True).start()
    code, stopped = _run_interruptible(main_search, shared.halt)
    helper.join()
    best = shared.best
    if code in (cp_model.INFEASIBLE, cp_model.MODEL_INVALID) or best is None:
        return code, stopped, (solver if best is not None else None)
    holder = best.solver or solver
    proven = code == cp_model.OPTIMAL and holder is solver
    if proven or best.objective <= max(_bound_of(solver), shared.bound) + 1e-6:
        return cp_model.OPTIMAL, stopped, holder
    return cp_model.FEASIBLE, stopped, holder


def _bound_of(solver: cp_model.CpSolver) -> float:
    """CP-SAT's bound, or -inf when it never ran (`_lp_then_lns`)."""
    try:
        return solver.best_objective_bound
    except RuntimeError:
        return float("-inf")


def _lp_then_lns(
    rm: RosterModel,
    solver: cp_model.CpSolver,
    progress: _Progress,
    shared: lns.Shared,
    seed: int,
    deadline: float,
) -> cp_model.CpSolverStatus:
    """The main search of a model with more than `params.LP_ABOVE` variables: GLOP solves its LP
    relaxation for the bound (`scheduler.cpsat.search.lp_bound`), then its core joins the
    neighbourhood search; CP-SAT (`solver`) runs only when no roster is known by then,
    to find one or prove there is none.

    There CP-SAT's root LP does not converge in minutes, while GLOP alone solves the
    relaxation; GLOP beside CP-SAT would make three searches on two cores, which starve
    the one that finds rosters (benchmarks/README.md, *LP bound of large models*).
    """
    relaxation = lp_bound.relaxation(rm.model)
    glop = lp_bound.LpBound(relaxation) if relaxation is not None else None
    if glop is not None:
        with shared.lock:
            shared.interrupts.append(glop.stop)
        left = min(deadline - time.monotonic(), 1e6)
        bound = glop.solve(left) if left > 0 and not shared.stop.is_set() else None
        if bound is not None:
            progress.on_lp_bound(bound)
    while shared.best is None and time.monotonic() < deadline:
        if shared.stop.wait(0.5):
            return cp_model.UNKNOWN
        if glop is not None and glop.infeasible:
            break
        if time.monotonic() - progress.started > 2 * lns.FIRST_SECONDS:
            break  # the neighbourhood search's first rosters have had their time
    if shared.best is None and not shared.stop.is_set():
        solver.parameters.max_time_in_seconds = max(0.0, deadline - time.monotonic())
        return solver.solve(rm.model, progress)
    if not shared.stop.is_set():
        lns.run(rm, shared, deadline, seed + 1, first=False)
    return cp_model.UNKNOWN


def hand_over_due(
    seconds: float, bound: float, gained_seconds: float, best: float | None, left: float
) -> bool:
    """Whether the one main worker should give its core to a second neighbourhood search,
    `seconds` into the solve with `left` to go: some roster exists (`best`), the bound
    has reached HAND_OVER_BOUND of it (the root LP is solved: before, the bound is
    presolve's and its stall says nothing) but is HAND_OVER_GAP or more below it (closer,
    the main search may still prove it or find the optimum), the main search has not
    raised it nor found a best roster of its own since `gained_seconds` for BOUND_STALL
    seconds, and HAND_OVER_LEFT seconds are left for steps. The bound found so far stays
    the bound of the result.

    After its root LP the main worker's bound hardly moves and it finds no roster of
    its own, while two neighbourhood searches take twice the steps (benchmarks/README.md,
    *Hand-over*).
    """
    if best is None or left < HAND_OVER_LEFT:
        return False
    between = HAND_OVER_BOUND * best <= bound <= (1 - HAND_OVER_GAP) * best
    return between and seconds - gained_seconds >= BOUND_STALL


def _run_interruptible(run: Callable[[], T], stop: Callable[[], None]) -> tuple[T, bool]:
    """Solve in a worker thread so that Ctrl-C in the main thread can stop the search."""
    outcome: list[T] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        try:
            outcome.append(run())
        except BaseException as exc:  # re-raised in the calling thread
            failure.append(exc)
        finally:
            done.set()

    # An Event, not Thread.join: a join interrupted by Ctrl-C can leave the thread
    # looking finished on Python < 3.13.
    threading.Thread(target=target, daemon=True).start()
    stopped = False
    while not done.is_set():
        try:
            done.wait(0.2)
        except KeyboardInterrupt:
            if not stopped:
                hold_signals()
                print("\nstopping: keeping the best roster so far ...", file=sys.stderr)
            stopped = True
            stop()
    if failure:
        raise failure[0]
    return outcome[0], stopped
