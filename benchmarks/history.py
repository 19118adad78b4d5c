"""The history of measurements: every benchmark run appends its rows to history.csv.

Each row names the commit measured (with `+changes` when the code differed from it:
`models/`, `scheduler/`, the benchmark scripts or `pyproject.toml`), the date, the
machine, the benchmark and its case, the settings, and the figures. The stamp is
taken when a run starts (`stamp`), so edits made while it runs do not change it.
`benchmarks/README.md` reads as the report of the newest rows; this file keeps all
of them, so a figure can always be traced to the run that gave it.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import os
import platform
import statistics
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

HISTORY = Path(__file__).resolve().parent / "history.csv"
ROOT = Path(__file__).resolve().parents[1]

FIELDS = (
    "commit",
    "date",
    "machine",
    "benchmark",
    "case",
    "time_limit",
    "workers",
    "seed",
    "status",
    "objective",
    "bound",
    "gap_to_bound",
    "best_known",
    "gap_to_best_known",
    "first_roster_s",
    "best_roster_s",
    "peak_mb",
    "note",
)


CODE = ("models", "scheduler", "benchmarks/*.py", "pyproject.toml")
"""What a measurement depends on: a change elsewhere (docs, tests) does not mark it."""


def commit() -> str:
    """The short commit of the tree, `+changes` when its code differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", *CODE],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def machine() -> str:
    """Cores, memory, Python and OR-Tools of this machine, in one cell."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = "? GiB"
    try:
        ortools = importlib.metadata.version("ortools")
    except importlib.metadata.PackageNotFoundError:
        ortools = "?"
    return (
        f"{os.cpu_count()} cores, {memory}, Python {platform.python_version()}, OR-Tools {ortools}"
    )


def stamp() -> dict[str, str]:
    """This commit, today's date and this machine: take it when a run starts."""
    return {"commit": commit(), "date": dt.date.today().isoformat(), "machine": machine()}


def record(
    benchmark: str,
    rows: Iterable[dict[str, Any]],
    taken: dict[str, str],
    path: Path = HISTORY,
) -> int:
    """Append rows (keys among `FIELDS`) under the stamp taken at the start; how many."""
    new = not path.exists()
    count = 0
    with path.open("a", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS, lineterminator="\n")
        if new:
            writer.writeheader()
        for row in rows:
            unknown = set(row) - set(FIELDS)
            if unknown:
                raise ValueError(f"history.csv has no column {sorted(unknown)}")
            writer.writerow({**taken, "benchmark": benchmark, **row})
            count += 1
    return count


def rounded(value: float | None, digits: int = 2) -> str:
    return "" if value is None else f"{value:.{digits}f}"


ROSTER_STATUSES = ("optimal", "best_found", "feasible")
"""Statuses of a run that ended with a roster."""


def summary(path: Path = HISTORY) -> list[str]:
    """One Markdown row per measured commit, benchmark and time limit, newest first: the
    cases measured, how many proven optimal, and the median and worst gap (to the best
    known where the benchmark has one, else to the bound)."""
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    groups: dict[tuple[str, str, str, str], list[dict[str, str]]] = {}
    for row in rows:
        key = (row["commit"], row["date"], row["benchmark"], row["time_limit"])
        groups.setdefault(key, []).append(row)
    lines = [
        "| commit | date | benchmark | time limit (s) | cases | optimal | no roster "
        "| median gap | worst gap | gap to |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for (commit_, date, benchmark, limit), members in reversed(groups.items()):
        to_best = any(m["best_known"] for m in members)
        column = "gap_to_best_known" if to_best else "gap_to_bound"
        gaps = sorted(float(m[column]) for m in members if m[column])
        missing = sum(1 for m in members if m["status"].lower() not in ROSTER_STATUSES)
        optimal = sum(1 for m in members if m["status"] == "optimal")
        median = f"{statistics.median(gaps):.2f} %" if gaps else "-"
        worst = f"{gaps[-1]:.2f} %" if gaps else "-"
        lines.append(
            f"| {commit_} | {date} | {benchmark} | {limit} | {len(members)} | {optimal} "
            f"| {missing} | {median} | {worst} | {'best known' if to_best else 'bound'} |"
        )
    return lines


if __name__ == "__main__":
    print("\n".join(summary()))
