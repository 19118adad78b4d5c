"""Compare CP-SAT parameter sets on one instance: objective, bound and gap at a time limit.

    python benchmarks/solver_params.py instances/demo-week.yaml --time-limit 30

Each set runs in turn on the same machine, so the rows compare with each other;
absolute figures drift between machines and runs.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from scheduler.cpsat import params as params_module
from scheduler.cpsat.context import SCALE
from scheduler.cpsat.model import build_model
from scheduler.formats import read_instance

SETS: dict[str, dict[str, Any]] = {
    "1 worker (default search)": {"num_workers": 1},
    "1 worker: the main search (params.main_search)": {"num_workers": 1, "ours": True},
    "2 workers (default portfolio)": {"num_workers": 2},
    "2 workers: the main search's pair (params.main_search)": {"num_workers": 2, "ours": True},
    "8 workers (default portfolio)": {"num_workers": 8},
}
"""CP-SAT's defaults by workers, against the product's own main search
(`scheduler.cpsat.params.main_search`, not a copy of it)."""


class _FirstSolution(cp_model.CpSolverSolutionCallback):
    def __init__(self) -> None:
        super().__init__()
        self.start = time.monotonic()
        self.first: float | None = None

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.monotonic() - self.start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instance", type=Path)
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    instance = read_instance(args.instance)
    print(f"{args.instance} at {args.time_limit:g} s, seed {args.seed}")
    print("| parameters | status | objective | bound | gap | first roster (s) |")
    print("|---|---|---:|---:|---:|---:|")
    for name, settings in SETS.items():
        rm = build_model(instance)
        solver = params_module.solver(args.time_limit, settings["num_workers"], args.seed)
        if settings.get("ours"):
            params_module.main_search(solver)
        callback = _FirstSolution()
        status = solver.solve(rm.model, callback)
        objective = solver.objective_value / SCALE
        bound = solver.best_objective_bound / SCALE
        gap = (objective - bound) / objective if objective else 0.0
        first = f"{callback.first:.1f}" if callback.first is not None else "-"
        print(
            f"| {name} | {solver.status_name(status)} | {objective:,.1f} | {bound:,.1f} "
            f"| {gap:.2%} | {first} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
