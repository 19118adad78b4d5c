"""The Curtois-Qu benchmark: our objective and bound against the best known, per instance.

    python benchmarks/curtois.py --time-limit 60 [--workers 0] [--seed 0] [--jobs 1] \
        [--record] [1 2 3 ...]

Each instance is solved in a process of its own (so its peak memory is its own),
through the same `roster` pipeline: the benchmark file is read into our instance
model (`scheduler/formats/curtois.py`) and solved with our rules. Prints a Markdown
table; with `--record`, also appends its rows to `benchmarks/history.csv`.
"""

from __future__ import annotations

import argparse
import csv
import math
import multiprocessing
import resource
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import record, rounded, stamp

BENCH = Path(__file__).resolve().parent / "data" / "curtois-qu"
"""The 17 instances with their published bounds (benchmarks/data/curtois-qu/README.md)."""


def best_known(data: Path) -> dict[int, int]:
    with (data / "bounds.csv").open() as handle:
        return {int(r["instance"]): int(r["best_known_ub"]) for r in csv.DictReader(handle)}


def run_one(data: Path, number: int, time_limit: float, workers: int, seed: int) -> dict[str, Any]:
    from scheduler.checker import evaluate
    from scheduler.cpsat.solve import SolveOptions, solve
    from scheduler.formats import read_instance

    instance = read_instance(data / f"Instance{number}.txt")
    result = solve(instance, SolveOptions(time_limit=time_limit, workers=workers, seed=seed))
    violations = len(evaluate(instance, result.roster).violations) if result.has_roster else None
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "instance": number,
        "status": result.status.value,
        "objective": result.objective,
        "bound": result.bound,
        "first": result.first_roster_seconds,
        "best": result.best_roster_seconds,
        "seconds": result.solve_seconds,
        "peak_mb": peak_mb,
        "violations": violations,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("instances", nargs="*", type=int)
    parser.add_argument("--data", type=Path, default=BENCH, help="the benchmark's folder")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=0, help="0: as roster solve picks")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="instances solved at once")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/history.csv")
    args = parser.parse_args(argv)
    taken = stamp()
    numbers = args.instances or sorted(
        int(p.stem.removeprefix("Instance")) for p in args.data.glob("Instance*.txt")
    )
    known = best_known(args.data)
    from scheduler.cpsat.solve import auto_workers

    workers = args.workers or auto_workers()
    print(
        f"time limit {args.time_limit:g} s, {workers} worker(s) each, seed {args.seed}, "
        f"{args.jobs} instance(s) at a time"
    )
    print(
        "| instance | objective | bound | best known | gap to best known | first roster (s) "
        "| best roster (s) | peak memory (MB) | status |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    # a fresh process for every instance: a reused worker would report the largest
    # resident size of all the instances it solved before as this one's peak memory
    recorded: list[dict[str, Any]] = []
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=args.jobs, maxtasksperchild=1) as pool:
        futures = [
            pool.apply_async(run_one, (args.data, n, args.time_limit, args.workers, args.seed))
            for n in numbers
        ]
        for future in futures:
            r = future.get()
            ub = known.get(r["instance"])
            obj = r["objective"]
            gap = f"{100 * (obj - ub) / ub:.2f} %" if obj is not None and ub else "-"

            def num(value: float | None, fmt: str = ",.0f") -> str:
                return "-" if value is None else format(value, fmt)

            status = r["status"] + ("" if not r["violations"] else f" ({r['violations']} broken!)")
            recorded.append(
                {
                    "case": f"Instance{r['instance']}",
                    "time_limit": f"{args.time_limit:g}",
                    "workers": workers,
                    "seed": args.seed,
                    "status": status,
                    "objective": rounded(obj, 0),
                    "bound": rounded(r["bound"], 0),
                    "gap_to_bound": rounded(_gap(obj, r["bound"]), 2),
                    "best_known": ub or "",
                    "gap_to_best_known": gap.removesuffix(" %") if gap != "-" else "",
                    "first_roster_s": rounded(r["first"], 1),
                    "best_roster_s": rounded(r["best"], 1),
                    "peak_mb": rounded(r["peak_mb"], 0),
                }
            )
            print(
                f"| {r['instance']} | {num(obj)} | {num(r['bound'])} | {num(ub)} | {gap} "
                f"| {num(r['first'], '.1f')} | {num(r['best'], '.1f')} "
                f"| {r['peak_mb']:,.0f} | {status} |",
                flush=True,
            )
    if args.record:
        count = record("curtois-qu", recorded, taken)
        print(f"{count} rows appended to benchmarks/history.csv")


def _gap(objective: float | None, bound: float | None) -> float | None:
    """The gap to the bound in percent of the objective."""
    if objective is None or bound is None or not math.isfinite(bound):
        return None
    return 0.0 if objective == 0 else 100 * max(0.0, objective - bound) / abs(objective)


if __name__ == "__main__":
    main()
