"""Our own domain at scale: generated weeks of 50 to 1,000 people (`roster generate`).

    python benchmarks/scale.py                       # 50, 100, 300, 1000 people, 60 s each
    python benchmarks/scale.py --people 50 100 300 --time-limit 60 --workers 1

Each size is generated with seed 0 and solved in a fresh process (so peak memory is
that size's own). Printed as a Markdown table: model build seconds, seconds to the
first roster, seconds until the gap to the bound first fell under 1 %, the gap at
the time limit, the status and the peak memory of the child process.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ortools.sat.python import cp_model

from models import Instance
from scheduler.context import SCALE
from scheduler.generate import generate
from scheduler.model import build_model


def _gap(objective: float, bound: float) -> float:
    if abs(objective) < 1e-9:
        return 0.0 if abs(bound) < 1e-9 else 1.0
    return max(0.0, (objective - bound) / abs(objective))


class _Track(cp_model.CpSolverSolutionCallback):
    """Time of the first roster and of the first gap under 1 % (rosters and bounds)."""

    def __init__(self) -> None:
        super().__init__()
        self.start = time.monotonic()
        self.first: float | None = None
        self.under_1pct: float | None = None
        self.objective: float | None = None
        self.bound = float("-inf")

    def _seen(self) -> None:
        if (
            self.under_1pct is None
            and self.objective is not None
            and _gap(self.objective, self.bound) < 0.01
        ):
            self.under_1pct = time.monotonic() - self.start

    def on_solution_callback(self) -> None:
        if self.first is None:
            self.first = time.monotonic() - self.start
        self.objective = self.objective_value / SCALE
        self.bound = max(self.bound, self.best_objective_bound / SCALE)
        self._seen()

    def on_bound(self, bound: float) -> None:
        self.bound = max(self.bound, bound / SCALE)
        self._seen()


def run_one(people: int, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    """Generate, build and solve one size; runs in its own process."""
    inst = Instance.model_validate(generate(people, seed=seed))
    built = time.monotonic()
    rm = build_model(inst)
    build_seconds = time.monotonic() - built
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    if workers == 1:
        solver.parameters.linearization_level = 2  # as scheduler.solve does on one worker
    track = _Track()
    solver.best_bound_callback = track.on_bound
    status = solver.solve(rm.model, track)
    gap = None
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        gap = (
            0.0
            if status == cp_model.OPTIMAL
            else _gap(solver.objective_value / SCALE, solver.best_objective_bound / SCALE)
        )
    return {
        "people": people,
        "variables": len(rm.model.proto.variables),
        "build": build_seconds,
        "first": track.first,
        "under_1pct": track.under_1pct,
        "gap": gap,
        "status": solver.status_name(status),
        "wall": solver.wall_time,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(queue: mp.Queue[dict[str, Any]], *args: Any) -> None:
    queue.put(run_one(*args))


def fresh(people: int, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue[dict[str, Any]] = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, people, time_limit, workers, seed))
    proc.start()
    row = queue.get()
    proc.join()
    return row


def _s(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, nargs="+", default=[50, 100, 300, 1000])
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated instance")
    args = parser.parse_args()
    print(
        "| people | variables | build s | first roster s | gap < 1 % at s "
        "| gap at limit | status | peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---:|")
    for people in args.people:
        r = fresh(people, args.time_limit, args.workers, args.seed)
        gap = "-" if r["gap"] is None else f"{r['gap']:.2%}"
        print(
            f"| {people} | {r['variables']:,} | {r['build']:.1f} | {_s(r['first'])} "
            f"| {_s(r['under_1pct'])} | {gap} | {r['status']} | {r['rss_mb']:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
