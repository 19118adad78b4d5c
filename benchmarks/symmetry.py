"""Symmetry breaking between identical people: the main search's bound with and without.

    python benchmarks/symmetry.py --people 300 --deterministic-time 20

One full-LP CP-SAT worker (the main search's parameters) solves the generated week's
model as built and with its identical people ordered (`scheduler.cpsat.search.symmetry.broken`),
for the same deterministic time, so the two rows compare whatever else the machine
runs. Prints a Markdown table: groups of identical people, order constraints added,
status, objective, bound, CPU seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ortools.sat.python import cp_model

from models import Instance
from scheduler.cpsat import params
from scheduler.cpsat.context import SCALE
from scheduler.cpsat.model import build_model
from scheduler.cpsat.search import symmetry
from scheduler.generate import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--deterministic-time", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated week")
    args = parser.parse_args(argv)
    rm = build_model(Instance.model_validate(generate(args.people, seed=args.seed)))
    groups = len(symmetry.identical_groups(rm.instance))
    print("| model | groups | orders | status | objective | bound | CPU s |")
    print("|---|---:|---:|---|---:|---:|---:|")
    for name in ("as built", "identical people ordered"):
        model, added = (rm.model, 0) if name == "as built" else symmetry.broken(rm)
        solver = params.solver(None, 1, 0)  # the product's one full-LP main worker
        params.main_search(solver)
        solver.parameters.max_deterministic_time = args.deterministic_time
        began = time.process_time()
        status = solver.solve(model)
        found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        objective = f"{solver.objective_value / SCALE:,.1f}" if found else "-"
        print(
            f"| {name} | {groups} | {added} | {solver.status_name(status)} | {objective} "
            f"| {solver.best_objective_bound / SCALE:,.1f} | {time.process_time() - began:.1f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
