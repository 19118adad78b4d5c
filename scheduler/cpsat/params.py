"""Every CP-SAT parameter set the product uses, named, and the thresholds of its strategy.

Benchmarks import these too, so that they measure the product's settings, not a copy.
The measurements behind each choice are in benchmarks/README.md, section 5 (*Main-search
parameters*, *LP bound of large models*, *Solving by parts*, *First roster*).
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
"""Above this many person-day-shift cells an instance is solved by parts: whole, a
year of 50 people found no roster in ten minutes and one of 150 did not finish
building (benchmarks/README.md, *Solving by parts*)."""


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

    One worker: the full LP relaxation. Two: a full-LP worker beside a default one
    (CP-SAT's own portfolio leaves the full LP out until 8 workers). Up to two: the
    whole LP from the start, with room to solve it at the root, where the lazily added
    LP may never converge (benchmarks/README.md, *Main-search parameters*).
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
    """One full-LP worker for a small model (one person alone, a neighbourhood step),
    which it solves to its optimum far more often than the default (benchmarks/README.md,
    *Neighbourhood kinds*)."""
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
