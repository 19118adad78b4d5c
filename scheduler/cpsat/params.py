"""Every CP-SAT parameter set the product uses, named, and the thresholds of its strategy.

Benchmarks import these too, so that they measure the product's settings, not a copy.
The measurements behind each choice are in benchmarks/README.md ("Solver parameters").
"""

from __future__ import annotations

from ortools.sat.python import cp_model

PAIR = ["max_lp", "default_lp"]
"""The main search's two workers when it has two (`main_search`)."""
PAIR_ABOVE = 100_000
"""Variables above which the main search keeps both workers beside the neighbourhood
search (`scheduler.cpsat.solve.solve_model`)."""
LP_ABOVE = 200_000
"""Variables above which the main search is GLOP on the LP relaxation, not CP-SAT."""
CELLS = 100_000
"""Above this many person-day-shift cells an instance is solved by parts. Measured on
Curtois-Qu, 600 s each: Instance22 (50 people, 364 days, 10 shift types: 182,000
cells) built whole (354,000 variables, about 4 GB) found no roster in two runs, and by
parts reached 56,921; Instance24 (1.75 million cells) did not finish building whole
in 13 minutes. Instance20 (54,600 cells) solved whole reached 5,112."""


def solver(seconds: float | None, workers: int, seed: int) -> cp_model.CpSolver:
    """A solver with a time limit (None: none), its workers and seed, and CP-SAT's own
    Ctrl-C handler off: Ctrl-C is the main thread's (`scheduler.cpsat.solve`)."""
    made = cp_model.CpSolver()
    params = made.parameters
    if seconds is not None:
        params.max_time_in_seconds = max(0.0, seconds)
    params.num_workers = workers
    params.random_seed = seed
    params.catch_sigint_signal = False
    return made


def main_search(made: cp_model.CpSolver) -> None:
    """The main search's settings for its number of workers.

    One worker: the full LP relaxation (small-week proved optimal in 0.1 s, not in 20 s
    with the default). Two: a full-LP worker beside a default one (CP-SAT's own pair
    leaves the full LP out until 8 workers). Up to two: the whole LP from the start,
    with room to solve it at the root (Curtois-Qu Instance12's bound 22 -> 3,609).
    """
    params = made.parameters
    if params.num_workers == 1:
        params.linearization_level = 2
    elif params.num_workers == 2:
        params.subsolvers.extend(PAIR)
    if params.num_workers <= 2:
        params.add_lp_constraints_lazily = False
        params.root_lp_iterations = 50_000


def small(seconds: float, seed: int) -> cp_model.CpSolver:
    """One full-LP worker for a small model (one person alone, a neighbourhood step):
    on Curtois-Qu Instance10 it solves them several times faster than the default."""
    made = solver(seconds, 1, seed)
    made.parameters.linearization_level = 2
    return made


def first_roster(seconds: float, seed: int) -> cp_model.CpSolver:
    """Two workers that stop at the first roster (CP-SAT adds its first-roster
    heuristics, feasibility jump and local search, from two workers on)."""
    made = solver(seconds, 2, seed)
    made.parameters.stop_after_first_solution = True
    return made


def assumptions(seconds: float, seed: int) -> cp_model.CpSolver:
    """One worker: a core of assumptions (`scheduler.diagnosis.conflicts`) comes from one."""
    return solver(seconds, 1, seed)
