"""The benchmark suite: weeks of many shapes (`scheduler.shapes`) and the Curtois-Qu files.

    python benchmarks/suite.py --time-limit 60 --record              # the quick run, ~20 min
    python benchmarks/suite.py --time-limit 300 --record             # the full run
    python benchmarks/suite.py --time-limit 60 --curtois --record    # and the 17 Curtois-Qu files
    python benchmarks/suite.py --only s05-forecast-300 --time-limit 60
    python benchmarks/suite.py --write out/suite                     # the weeks as YAML files
    python benchmarks/suite.py --fresh 1 --decomposition --time-limit 60   # fresh weeks

`--fresh K` solves K weeks of every profile (and of `FRESH_SHAPES`, at and around
capacity and four weeks of forecasts) with seeds drawn from the commit's hash, printed
with the results: weeks no change was tuned on. `--decomposition` adds, after each
solve, the decomposition bound alone for the same time (docs/search.md), and the gap of
the roster to it: where it is small and the solve's gap large, the bound held the gap.

Each instance is solved in a fresh process (its peak memory is its own) with the
default workers and seed 0 unless given. Printed per instance: the model's size, the
time to the first roster, the objective and the bound at 10 and 60 s (and 300 s when
the limit reaches it), the gap at the limit, peak memory, and the checker's verdict
on the roster (every roster is re-checked: "ok", or how many rules it breaks). The
last row is the median and the worst gap. With `--record` the rows go to
`benchmarks/history.csv` (benchmark `suite`).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from history import record, rounded, stamp

from scheduler.shapes import Profile, capacity_ratio, week

CURTOIS = Path(__file__).resolve().parent / "data" / "curtois-qu"

SUITE: list[tuple[Profile, int]] = [
    (Profile("s01-support-1q", 50, queues=1, raters=0.0, shifts=3), 1),
    (Profile("s02-mix-2q", 100), 2),
    (Profile("s03-interval-3q", 100, queues=3, demand="interval", shifts=5), 3),
    (Profile("s04-forecast-2q", 150, queues=2, demand="forecast"), 4),
    (Profile("s05-forecast-300", 300, queues=3, demand="forecast", shifts=5, subjects=4), 5),
    (
        Profile(
            "s06-5q-7shifts-part",
            80,
            queues=5,
            demand="interval",
            shifts=7,
            contracts="part",
        ),
        6,
    ),
    (Profile("s07-tight-2q", 100, load=1.1), 7),
    (Profile("s08-loose-3q", 200, queues=3, load=0.6), 8),
    (
        Profile("s09-14d-forecast", 100, days=14, demand="forecast", weekend_split=True),
        9,
    ),
    (Profile("s10-28d-1q-scarce", 50, days=28, queues=1, skills="scarce", raters=0.3), 10),
    (
        Profile(
            "s11-28d-interval-split",
            60,
            days=28,
            queues=3,
            demand="interval",
            weekend_split=True,
        ),
        11,
    ),
    (Profile("s12-experts-scarce", 150, skills="scarce", raters=0.6), 12),
    (Profile("s13-flat-4q-interval", 200, queues=4, demand="interval", skills="flat"), 13),
    (Profile("s14-raters-heavy", 120, queues=1, raters=0.7, subjects=4), 14),
    (Profile("s15-split-6shifts-300", 300, queues=3, shifts=6, weekend_split=True), 15),
    (Profile("s16-14d-5q-forecast", 120, days=14, queues=5, demand="forecast", load=1.0), 16),
    (Profile("s17-shift-1000", 1000, queues=2), 17),
    (Profile("s18-forecast-1000", 1000, queues=3, demand="forecast", shifts=5), 18),
]
"""The fixed suite: (profile, seed). Names say the shape; the seed makes the week."""

FRESH_SHAPES: list[Profile] = [
    Profile("f01-forecast-300-at-capacity", 300, queues=3, demand="forecast", shifts=5, load=1.0),
    Profile("f02-tight-95", 120, queues=2, demand="interval", shifts=5, load=0.95),
    Profile("f03-over-105", 120, queues=3, load=1.05),
    Profile("f04-28d-forecast-history", 80, days=28, queues=3, demand="forecast", shifts=5),
]
"""Shapes the fixed suite lacks, for fresh weeks only: at and around capacity, and four
weeks of forecast demand (every generated person has history)."""


def fresh_seeds(commit: str, name: str, count: int) -> list[int]:
    """`count` seeds for a profile, drawn from the commit's hash: no change was tuned on
    them, and the same commit draws the same ones (printed with the results)."""
    import hashlib

    return [
        int.from_bytes(hashlib.sha256(f"{commit}:{name}:{k}".encode()).digest()[:4], "big")
        % 1_000_000
        for k in range(count)
    ]


CHECKPOINTS = (10.0, 60.0, 300.0)


class _Trace:
    """The best objective and bound as they improve (`SolveOptions.watch`)."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float | None, float | None]] = []

    def __call__(self, seconds: float, objective: float | None, bound: float | None) -> None:
        self.points.append((seconds, objective, bound))

    def at(self, seconds: float) -> tuple[float | None, float | None]:
        objective = bound = None
        for t, o, b in self.points:
            if t > seconds:
                break
            objective, bound = o, b
        return objective, bound


def gap(objective: float | None, bound: float | None) -> float | None:
    """(objective - bound) / objective, in percent; None without both."""
    if objective is None or bound is None:
        return None
    if abs(objective) < 1e-9:
        return 0.0
    return 100 * max(0.0, objective - bound) / abs(objective)


def _instance(name: str) -> Any:
    from models import Instance
    from scheduler.formats import read_instance

    if name.startswith("Instance"):
        return read_instance(CURTOIS / f"{name}.txt")
    base, _, drawn = name.partition("@")
    for profile in [p for p, _ in SUITE] + FRESH_SHAPES:
        if profile.name == base:
            seed = int(drawn) if drawn else dict((p.name, k) for p, k in SUITE)[base]
            return Instance.model_validate(week(profile, seed))
    raise SystemExit(f"no instance {name!r} in the suite")


def run_one(
    name: str, time_limit: float, workers: int, seed: int, decomposition: bool = False
) -> dict[str, Any]:
    """Build, solve and re-check one instance; in its own process. With `decomposition`,
    then the decomposition bound alone for the same time (`scheduler.cpsat.columns`)."""
    from scheduler.checker import evaluate
    from scheduler.cpsat.solve import SolveOptions, solve

    instance = _instance(name)
    trace = _Trace()
    result = solve(
        instance, SolveOptions(time_limit=time_limit, workers=workers, seed=seed, watch=trace)
    )
    checked = evaluate(instance, result.roster) if result.has_roster else None
    row: dict[str, Any] = {
        "name": name,
        "people": len(instance.people),
        "days": instance.horizon.days,
        "status": result.status.value,
        "first": result.first_roster_seconds,
        "objective": checked.objective if checked is not None else None,
        "bound": result.bound,
        "gap": gap(checked.objective if checked else None, result.bound),
        "broken": len(checked.violations) if checked is not None else None,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    for t in CHECKPOINTS:
        row[f"at_{t:g}"] = trace.at(t) if t <= time_limit else None
    row["decomposition"] = None
    if decomposition:
        from scheduler.cpsat.columns.bound import decomposition_bound

        found = decomposition_bound(instance, time_limit=time_limit, seed=seed)
        row["decomposition"] = found.value
    return row


def _child(queue: mp.Queue[dict[str, Any]], *args: Any) -> None:
    queue.put(run_one(*args))


def fresh(
    name: str, time_limit: float, workers: int, seed: int, decomposition: bool = False
) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue[dict[str, Any]] = ctx.Queue()
    args = (queue, name, time_limit, workers, seed, decomposition)
    proc = ctx.Process(target=_child, args=args)
    proc.start()
    row = queue.get()
    proc.join()
    return row


def _n(value: float | None, fmt: str = ",.0f") -> str:
    return "-" if value is None else format(value, fmt)


def _pair(point: tuple[float | None, float | None] | None) -> str:
    if point is None:
        return ""
    objective, bound = point
    g = gap(objective, bound)
    return f"{_n(objective)} / {_n(bound)}" + (f" ({g:.1f} %)" if g is not None else "")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=0, help="0: as roster solve picks")
    parser.add_argument("--seed", type=int, default=0, help="the solver's seed")
    parser.add_argument("--only", nargs="+", help="instances by name (InstanceN for Curtois-Qu)")
    parser.add_argument("--curtois", action="store_true", help="also every Curtois-Qu file")
    parser.add_argument("--record", action="store_true", help="append to benchmarks/history.csv")
    parser.add_argument("--write", type=Path, help="write the suite's weeks as YAML, then stop")
    parser.add_argument(
        "--fresh",
        type=int,
        metavar="K",
        help="instead of the suite's seeds, K seeds per profile drawn from the commit's hash "
        "(and the shapes only fresh weeks have)",
    )
    parser.add_argument(
        "--decomposition",
        action="store_true",
        help="after each solve, the decomposition bound alone for the same time: whether "
        "the bound or the roster holds the gap",
    )
    args = parser.parse_args(argv)
    if args.write is not None:
        _write(args.write)
        return
    taken = stamp()
    from scheduler.cpsat.solve import auto_workers

    workers = args.workers or auto_workers()
    names = args.only or [p.name for p, _ in SUITE]
    if args.fresh:
        commit = taken["commit"]
        profiles = args.only or [p.name for p, _ in SUITE] + [p.name for p in FRESH_SHAPES]
        names = [
            f"{name}@{seed}" for name in profiles for seed in fresh_seeds(commit, name, args.fresh)
        ]
        print(f"fresh weeks of commit {commit}: " + ", ".join(names))
    if args.curtois and not args.only:
        names += sorted(
            (p.stem for p in CURTOIS.glob("Instance*.txt")),
            key=lambda s: int(s.removeprefix("Instance")),
        )
    late = [t for t in CHECKPOINTS if t <= args.time_limit and t != args.time_limit]
    print(f"time limit {args.time_limit:g} s, {workers} worker(s), seed {args.seed}")
    print(
        "| instance | people | days | first roster (s) | "
        + " | ".join(f"objective / bound at {t:g} s" for t in late)
        + " | objective | bound | gap | checked | peak MB | status |"
        + (" decomposition bound | gap to it |" if args.decomposition else "")
    )
    print(
        "|---|---:|---:|---:|"
        + "---:|" * len(late)
        + "---:|---:|---:|---|---:|---|"
        + ("---:|---:|" if args.decomposition else "")
    )
    rows: list[dict[str, Any]] = []
    recorded: list[dict[str, Any]] = []
    for name in names:
        r = fresh(name, args.time_limit, args.workers, args.seed, args.decomposition)
        rows.append(r)
        checked = (
            "-" if r["broken"] is None else ("ok" if r["broken"] == 0 else f"{r['broken']} broken")
        )
        cells = " | ".join(_pair(r[f"at_{t:g}"]) for t in late)
        print(
            f"| {name} | {r['people']:,} | {r['days']} | {_n(r['first'], '.1f')} | "
            + (cells + " | " if late else "")
            + f"{_n(r['objective'], ',.1f')} | {_n(r['bound'], ',.1f')} | "
            f"{_n(r['gap'], '.2f')} % | {checked} | {r['peak_mb']:,.0f} | {r['status']} |"
            + (
                f" {_n(r['decomposition'], ',.1f')} | "
                f"{_n(gap(r['objective'], r['decomposition']), '.2f')} % |"
                if args.decomposition
                else ""
            ),
            flush=True,
        )
        notes = [f"{t:g} s: {_pair(r[f'at_{t:g}'])}" for t in late]
        recorded.append(
            {
                "case": name,
                "time_limit": f"{args.time_limit:g}",
                "workers": workers,
                "seed": args.seed,
                "status": r["status"] + ("" if not r["broken"] else f" ({r['broken']} broken)"),
                "objective": rounded(r["objective"], 1),
                "bound": rounded(r["bound"], 1),
                "gap_to_bound": rounded(r["gap"], 2),
                "first_roster_s": rounded(r["first"], 1),
                "peak_mb": rounded(r["peak_mb"], 0),
                "note": "; ".join(notes),
            }
        )
    gaps = [r["gap"] for r in rows if r["gap"] is not None]
    missing = sum(1 for r in rows if r["gap"] is None)
    median = f"{statistics.median(gaps):.2f} %" if gaps else "-"
    worst = "no bound or no roster" if missing else (f"{max(gaps):.2f} %" if gaps else "-")
    print(
        f"\nmedian gap {median}; worst gap {worst} ({len(rows)} instances, {missing} without a gap)"
    )
    if args.record:
        count = record("suite", recorded, taken)
        print(f"{count} rows appended to benchmarks/history.csv")


def _write(folder: Path) -> None:
    import yaml

    folder.mkdir(parents=True, exist_ok=True)
    for profile, seed in SUITE:
        data = week(profile, seed)
        path = folder / f"{profile.name}.yaml"
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        print(
            f"{path}: {profile.people} people, {profile.days} days, load {capacity_ratio(data):.2f}"
        )


if __name__ == "__main__":
    main()
