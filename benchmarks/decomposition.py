"""The decomposition bound on a generated week: how long pricing takes, and where to.

    python benchmarks/decomposition.py --people 300 --time-limit 60
    python benchmarks/decomposition.py --people 5000 --backend ray --processes 2 --time-limit 300
    python benchmarks/decomposition.py --instance instances/demo-week.yaml --processes 2
    python benchmarks/decomposition.py --curtois 1 2 3 4 5 6 7 9 10 11 12 --time-limit 60

With --curtois, a table row per Curtois-Qu file instead: the bound, the master's value,
rounds and seconds beside the best lower bound and best known of
`benchmarks/data/curtois-qu/bounds.csv`.

Prints the week's size, the seconds to build every person's pricing model (in the
worker processes or Ray actors), each round's seconds, bound and master LP value,
and the peak memory of this process. The week is `roster generate`'s (the demo
week's mix of people, skills, shifts, queues and batches) unless --instance names
one.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from models import Instance
from scheduler.cpsat.columns.bound import Bound, decomposition_bound
from scheduler.formats import read_instance
from scheduler.generate import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0, help="the generated week's seed")
    parser.add_argument("--instance", type=Path, help="an instance file instead")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--backend", choices=("process", "ray"), default="process")
    parser.add_argument("--address", help="a Ray cluster's address (default: a local one)")
    parser.add_argument("--curtois", nargs="+", metavar="N", help="Curtois-Qu files by number")
    args = parser.parse_args(argv)
    if args.curtois:
        _curtois(args.curtois, args.time_limit, args.processes)
        return
    if args.instance is not None:
        instance = read_instance(args.instance)
    else:
        instance = Instance.model_validate(generate(args.people, seed=args.seed))
    print(
        f"{instance.name}: {len(instance.people):,} people, {instance.horizon.days} days; "
        f"{args.processes} {'Ray actors' if args.backend == 'ray' else 'processes'}, "
        f"time limit {args.time_limit:g} s",
        flush=True,
    )
    started = time.monotonic()
    last = [started]

    def each(bound: Bound) -> None:
        now = time.monotonic()
        if bound.rounds == 1:
            print(f"built and priced once: {now - started:.1f} s", flush=True)
        lp = "-" if bound.lp is None else f"{bound.lp:,.1f}"
        value = "-" if bound.value is None else f"{bound.value:,.1f}"
        print(
            f"round {bound.rounds}: {now - last[0]:.1f} s, bound {value}, master {lp}, "
            f"{bound.columns:,} columns",
            flush=True,
        )
        last[0] = now

    found = decomposition_bound(
        instance,
        time_limit=args.time_limit,
        processes=args.processes,
        backend=args.backend,
        address=args.address,
        on_round=each,
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"bound {found.value}, master {found.lp}, {found.rounds} rounds, "
        f"{time.monotonic() - started:.1f} s in all; peak memory here {peak:,.0f} MB"
    )


def _curtois(numbers: list[str], time_limit: float, processes: int) -> None:
    import csv

    data = Path(__file__).resolve().parent / "data" / "curtois-qu"
    with (data / "bounds.csv").open(encoding="utf-8") as handle:
        known = {row["instance"]: row for row in csv.DictReader(handle)}
    print(
        "| instance | nurses | days | decomposition bound | master LP | rounds | seconds "
        "| best lower bound seen | best known |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for number in numbers:
        instance = read_instance(data / f"Instance{number}.txt")
        started = time.monotonic()
        found = decomposition_bound(instance, time_limit=time_limit, processes=processes)
        row = known.get(number, {})
        value = "-" if found.value is None else f"{found.value:,.1f}"
        lp = "-" if found.lp is None else f"{found.lp:,.1f}"
        print(
            f"| {number} | {len(instance.people)} | {instance.horizon.days} | {value} | {lp} "
            f"| {found.rounds} | {time.monotonic() - started:.1f} "
            f"| {row.get('best_lb_seen', '-')} | {row.get('best_known_ub', '-')} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
