"""Our own domain at scale: generated weeks of 50 to 1,000 people (`roster generate`).

    python benchmarks/scale.py                       # 50, 100, 300, 1000 people, 60 s each
    python benchmarks/scale.py --people 50 100 300 --time-limit 60 --workers 2 --solve-seed 1
    python benchmarks/scale.py --people 300 --record   # also appended to benchmarks/history.csv

Each size is generated with `--seed` and solved with `--solve-seed` (both 0 unless
given), in a fresh process (so peak memory is that size's own). Printed as a
Markdown table: model build seconds, seconds to the first roster, seconds until the
gap to the bound first fell under 1 %, the gap at the time limit, the status and the
peak memory of the child process.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import record, rounded, stamp

from models import Instance
from scheduler.cpsat.model import build_model
from scheduler.cpsat.solve import SolveOptions, solve_model
from scheduler.generate import generate


def _gap(objective: float, bound: float) -> float:
    if abs(objective) < 1e-9:
        return 0.0 if abs(bound) < 1e-9 else 1.0
    return max(0.0, (objective - bound) / abs(objective))


class _Track:
    """Seconds until the gap to the bound first fell under 1 % (`SolveOptions.watch`)."""

    def __init__(self) -> None:
        self.under_1pct: float | None = None

    def __call__(self, seconds: float, objective: float | None, bound: float | None) -> None:
        known = objective is not None and bound is not None
        if self.under_1pct is None and known and _gap(objective or 0.0, bound or 0.0) < 0.01:
            self.under_1pct = seconds


def run_one(
    people: int, time_limit: float, workers: int, seed: int, solve_seed: int = 0
) -> dict[str, Any]:
    """Generate, build and solve one size through `scheduler.cpsat.solve`; in its own process."""
    inst = Instance.model_validate(generate(people, seed=seed))
    built = time.monotonic()
    rm = build_model(inst)
    build_seconds = time.monotonic() - built
    track = _Track()
    options = SolveOptions(time_limit=time_limit, workers=workers, seed=solve_seed, watch=track)
    result = solve_model(rm, options)
    return {
        "people": people,
        "variables": len(rm.model.proto.variables),
        "build": build_seconds,
        "first": result.first_roster_seconds,
        "under_1pct": track.under_1pct,
        "gap": result.gap,
        "objective": result.objective,
        "bound": result.bound,
        "status": result.status.value,
        "wall": result.solve_seconds,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _child(queue: mp.Queue[dict[str, Any]], *args: Any) -> None:
    queue.put(run_one(*args))


def fresh(
    people: int, time_limit: float, workers: int, seed: int, solve_seed: int = 0
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue[dict[str, Any]] = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, people, time_limit, workers, seed, solve_seed))
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
    parser.add_argument("--workers", type=int, default=0, help="0: as roster solve picks")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated instance")
    parser.add_argument("--solve-seed", type=int, default=0, help="the solver's random seed")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/history.csv")
    args = parser.parse_args()
    taken = stamp()
    from scheduler.cpsat.solve import auto_workers

    workers = args.workers or auto_workers()
    recorded: list[dict[str, Any]] = []
    print(
        "| people | variables | build s | first roster s | gap < 1 % at s "
        "| gap at limit | status | peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---:|")
    for people in args.people:
        r = fresh(people, args.time_limit, args.workers, args.seed, args.solve_seed)
        known = r["gap"] is not None and math.isfinite(r["gap"])
        gap = f"{r['gap']:.2%}" if known else "no bound"
        print(
            f"| {people} | {r['variables']:,} | {r['build']:.1f} | {_s(r['first'])} "
            f"| {_s(r['under_1pct'])} | {gap} | {r['status']} | {r['rss_mb']:,.0f} |",
            flush=True,
        )
        recorded.append(
            {
                "case": f"generated {people} people (seed {args.seed})",
                "time_limit": f"{args.time_limit:g}",
                "workers": workers,
                "seed": args.solve_seed,
                "status": r["status"],
                "objective": rounded(r["objective"], 1),
                "bound": rounded(r["bound"], 1),
                "gap_to_bound": rounded(100 * r["gap"], 2) if known else "",
                "first_roster_s": rounded(r["first"], 1),
                "peak_mb": rounded(r["rss_mb"], 0),
                "note": f"build {r['build']:.1f} s; gap under 1 % at {_s(r['under_1pct'])} s",
            }
        )
    if args.record:
        count = record("scale", recorded, taken)
        print(f"{count} rows appended to benchmarks/history.csv")


if __name__ == "__main__":
    main()
