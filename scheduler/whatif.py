"""What if: named variants of one instance, each solved and compared in one table.

`roster whatif INSTANCE SCENARIOS.yaml` reads a list of scenarios, each a name
and a few patch operations on the instance (hire people, lose people, move a
deadline, scale demand, change a rule or any field), solves every variant with
one search worker in its own process (or as a Ray task) and prints one row per
scenario: verdict, shortfalls, hard-load spread, hours, objective, gap. The
format and the command are documented in docs/whatif.md.

A scenario that cannot be applied (an unknown person or batch id, an instance
that the patch makes invalid, a model too large to solve) becomes an error row;
the sweep goes on. Only a malformed scenarios file stops it (`InputError`).

The per-scenario work is `run_scenario`, a top-level function of plain data
(`ScenarioTask` in, `ScenarioRow` out), so that it pickles to a process pool
and to Ray alike; rows come back in scenario order whatever the backend.
"""

from __future__ import annotations

import concurrent.futures
import csv
import json
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from models import InputError, Instance
from models.cells import safe_row
from models.errors import show, suggest
from models.loader import read_document
from models.patch import OPERATIONS, SHAPES, apply_operations, build_instance, instance_data
from models.patch import PatchError as ScenarioError
from scheduler.cpsat.columns.parallel import ray_module as ray_module
from scheduler.cpsat.columns.parallel import ray_started
from scheduler.outputs.folder import check_out_dir, staged_folder

__all__ = ["OPERATIONS", "ScenarioError", "apply_operations", "build_instance", "instance_data"]

BACKENDS = ("process", "ray")

SCENARIO_KEYS = ("name", "description", *OPERATIONS)

CSV_COLUMNS = [
    "scenario",
    "verdict",
    "agent_shifts_uncovered",
    "agent_intervals_uncovered",
    "gradings_late",
    "hard_spread_hours",
    "hours_worked",
    "objective",
    "gap",
    "status",
    "solve_seconds",
    "error",
]
"""The columns of whatif.csv, one row per scenario in scenario order."""

ERROR_VERDICT = "error"
SHOWN_SHORTFALLS = 3
"""Shortfall lines printed per scenario under the table; whatif.json has them all."""


@dataclass(frozen=True)
class Scenario:
    """A named list of patch operations, as read from the scenarios file."""

    name: str
    operations: dict[str, Any] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class ScenarioTask:
    """Everything one scenario needs, as plain data that pickles to a process or Ray."""

    name: str
    operations: dict[str, Any]
    base: dict[str, Any]
    """The instance as `Instance.model_dump(mode="json", by_alias=True, exclude_none=True)`."""
    instance_path: str
    time_limit: float
    seed: int
    deterministic_time: float | None = None
    """A work limit in CP-SAT's deterministic units: the same row on any machine load."""


@dataclass(frozen=True)
class ScenarioRow:
    """The outcome of one scenario; an error row has `verdict == "error"` and a message."""

    scenario: str
    verdict: str
    agent_shifts_uncovered: float | None = None
    agent_intervals_uncovered: float | None = None
    gradings_late: float | None = None
    hard_spread_hours: float | None = None
    hours_worked: float | None = None
    objective: float | None = None
    gap: float | None = None
    status: str | None = None
    solve_seconds: float | None = None
    error: str | None = None
    shortfalls: tuple[str, ...] = ()
    """What is missing, in words (as `roster solve` prints them); in whatif.json."""

    @property
    def is_error(self) -> bool:
        return self.verdict == ERROR_VERDICT

    def csv_row(self) -> dict[str, Any]:
        values = asdict(self)
        return {column: _cell(values[column]) for column in CSV_COLUMNS}


@dataclass(frozen=True)
class Sweep:
    """The rows of a sweep, in scenario order, and how they were computed."""

    rows: list[ScenarioRow]
    seconds: float
    backend: str
    jobs: int


# ---- the scenarios file ------------------------------------------------------


def read_scenarios(path: Path) -> list[Scenario]:
    """Read and check a scenarios file; `InputError` names file, path and value."""
    data = read_document(path)
    if not isinstance(data, dict):
        raise InputError([f"{path}: the top level must be a mapping with `scenarios:`"])
    problems = [
        f"{path}: {key}: unknown field{suggest(str(key), ['scenarios'])}"
        for key in data
        if key != "scenarios"
    ]
    entries = data.get("scenarios")
    if entries is None:
        problems.append(f"{path}: scenarios: missing: give a list of scenarios, each with a name")
    elif not isinstance(entries, list) or not entries:
        problems.append(
            f"{path}: scenarios: expected a list of scenarios, each with a name, "
            f"got {show(entries)}"
        )
    if problems:
        raise InputError(problems)
    assert isinstance(entries, list)
    scenarios: list[Scenario] = []
    first_index: dict[str, int] = {}
    for index, entry in enumerate(entries):
        where = f"{path}: scenarios[{index}]"
        if not isinstance(entry, dict):
            problems.append(
                f"{where}: expected a mapping with a name and operations, got {show(entry)}"
            )
            continue
        problems += _entry_problems(where, entry)
        name = entry.get("name")
        if isinstance(name, str) and name.strip():
            name = name.strip()
            if name in first_index:
                problems.append(
                    f"{where}.name: {name!r} is already the name of "
                    f"scenarios[{first_index[name]}]; names must be unique"
                )
            else:
                first_index[name] = index
            operations = {op: entry[op] for op in OPERATIONS if op in entry}
            description = entry.get("description")
            scenarios.append(
                Scenario(name, operations, description if isinstance(description, str) else "")
            )
    if problems:
        raise InputError(problems)
    return scenarios


def _entry_problems(where: str, entry: dict[Any, Any]) -> list[str]:
    problems = []
    name = entry.get("name")
    if "name" not in entry:
        problems.append(f"{where}.name: missing: every scenario needs a name")
    elif not isinstance(name, str) or not name.strip():
        problems.append(f"{where}.name: expected a non-empty text, got {show(name)}")
    elif len(name.strip()) > 64:
        problems.append(f"{where}.name: {show(name)} is longer than 64 characters")
    description = entry.get("description")
    if description is not None and not isinstance(description, str):
        problems.append(f"{where}.description: expected a text, got {show(description)}")
    for key, value in entry.items():
        if key in ("name", "description"):
            continue
        if key not in OPERATIONS:
            problems.append(
                f"{where}.{key}: unknown operation{suggest(str(key), list(SCENARIO_KEYS))}"
            )
            continue
        expected = SHAPES[key](value)
        if expected:
            problems.append(f"{where}.{key}: expected {expected}, got {show(value)}")
    return problems


# ---- applying a scenario -------------------------------------------------------


# ---- one scenario --------------------------------------------------------------


def run_scenario(task: ScenarioTask) -> ScenarioRow:
    """Patch, validate, solve (one worker) and check one scenario.

    Every failure becomes an error row; only Ctrl-C during a solve in this process
    (a sequential sweep) raises, as KeyboardInterrupt, to stop the whole sweep.
    """
    from scheduler.checker import evaluate
    from scheduler.cpsat.solve import ModelTooLargeError, SolveOptions, solve
    from scheduler.diagnosis.verdict import verdict
    from scheduler.outputs.folder import shortfalls

    try:
        instance = build_instance(task.base, task.operations, Path(task.instance_path))
        options = SolveOptions(
            time_limit=task.time_limit,
            workers=1,
            seed=task.seed,
            deterministic_time=task.deterministic_time,
        )
        try:
            result = solve(instance, options)
        except ModelTooLargeError as exc:
            message = f"the numbers are too large for the solver to add up ({exc})"
            raise ScenarioError(message) from None
        if result.stopped_early:  # Ctrl-C in a sequential sweep stops the whole sweep
            raise KeyboardInterrupt
        evaluation = evaluate(instance, result.roster) if result.has_roster else None
    except ScenarioError as exc:
        return ScenarioRow(task.name, ERROR_VERDICT, error=str(exc))
    except Exception as exc:  # a bug must not lose the other scenarios' rows
        return ScenarioRow(task.name, ERROR_VERDICT, error=f"{type(exc).__name__}: {exc}")
    row = ScenarioRow(
        scenario=task.name,
        verdict=verdict(result, evaluation).value,
        objective=_round(result.objective, 2),
        gap=_round(result.gap, 4),
        status=result.status.value,
        solve_seconds=round(result.solve_seconds, 2),
    )
    if evaluation is None:
        return row
    problems = None
    if not evaluation.feasible:  # never expected: the checker disagrees with the solver
        problems = f"checker: {len(evaluation.violations)} hard-rule violations"
    return replace(
        row,
        agent_shifts_uncovered=evaluation.goal("uncovered").value,
        agent_intervals_uncovered=evaluation.goal("uncovered_intervals").value,
        gradings_late=evaluation.goal("late_items").value,
        hard_spread_hours=round(evaluation.goal("hard_spread").value, 2),
        hours_worked=round(sum(p.hours for p in evaluation.people), 2),
        error=problems,
        shortfalls=tuple(shortfalls(instance, evaluation)),
    )


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


# ---- the sweep -----------------------------------------------------------------


def machine_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def make_tasks(
    instance: Instance,
    instance_path: Path,
    scenarios: Sequence[Scenario],
    time_limit: float,
    seed: int,
    deterministic_time: float | None = None,
) -> list[ScenarioTask]:
    base = instance_data(instance)
    path = str(instance_path)
    return [
        ScenarioTask(s.name, s.operations, base, path, time_limit, seed, deterministic_time)
        for s in scenarios
    ]


def run_sweep(
    tasks: Sequence[ScenarioTask],
    *,
    jobs: int = 0,
    backend: str = "process",
    address: str | None = None,
    on_row: Callable[[ScenarioRow, int, int], None] | None = None,
) -> Sweep:
    """Every scenario's row, in scenario order. `jobs` 0: one per core; 1: in this process.
    `on_row` is told each row as it is gathered (the row, how many so far, how many in
    all), in scenario order."""
    if backend not in BACKENDS:
        raise InputError([f"--backend {backend}: unknown backend (known: {', '.join(BACKENDS)})"])
    if address is not None and backend != "ray":
        raise InputError([f"--address {address}: a cluster address needs --backend ray"])
    jobs = max(1, min(jobs or machine_cores(), len(tasks) or 1))
    start = time.monotonic()
    gathered: list[ScenarioRow] = []

    def gather(row: ScenarioRow) -> None:
        gathered.append(row)
        if on_row is not None:
            on_row(row, len(gathered), len(tasks))

    if backend == "ray":
        _run_ray(tasks, jobs, address, gather)
    elif jobs == 1:
        for task in tasks:
            gather(run_scenario(task))
    else:
        _run_processes(tasks, jobs, gather)
    return Sweep(gathered, time.monotonic() - start, backend, jobs)


def _ignore_sigint() -> None:
    """In pool workers: Ctrl-C is the parent's to handle (it ends the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_processes(
    tasks: Sequence[ScenarioTask], jobs: int, gather: Callable[[ScenarioRow], None]
) -> None:
    # spawn, not fork: a fresh interpreter per worker, safe wherever the parent has
    # threads, and the same on Linux, macOS and Windows.
    context = multiprocessing.get_context("spawn")
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=jobs, mp_context=context, initializer=_ignore_sigint
    )
    futures: list[concurrent.futures.Future[ScenarioRow]] = []
    try:
        futures += [executor.submit(run_scenario, task) for task in tasks]
        for task, future in zip(tasks, futures, strict=True):
            gather(_result(task, future))
    except BaseException:
        for future in futures:
            future.cancel()
        # The workers ignore Ctrl-C: end them, or they would finish their scenarios first.
        processes = getattr(executor, "_processes", None) or {}
        for process in list(processes.values()):
            process.terminate()
        executor.shutdown(wait=False, cancel_futures=True)
        raise
    executor.shutdown()


def _result(task: ScenarioTask, future: concurrent.futures.Future[ScenarioRow]) -> ScenarioRow:
    try:
        return future.result()
    except concurrent.futures.process.BrokenProcessPool as exc:
        return ScenarioRow(task.name, ERROR_VERDICT, error=f"the worker process died ({exc})")


def _run_ray(
    tasks: Sequence[ScenarioTask],
    jobs: int,
    address: str | None,
    gather: Callable[[ScenarioRow], None],
) -> None:
    ray = ray_module()
    started = ray_started(ray, address, jobs)
    remote = ray.remote(num_cpus=1, max_retries=0)(run_scenario)
    refs = [remote.remote(task) for task in tasks]
    try:
        for task, ref in zip(tasks, refs, strict=True):
            try:
                row = ray.get(ref)
            except ray.exceptions.RayError as exc:
                row = ScenarioRow(task.name, ERROR_VERDICT, error=f"Ray task failed: {exc}")
            gather(row)
    except BaseException:
        for ref in refs:
            ray.cancel(ref, force=True)
        raise
    finally:
        if started:
            ray.shutdown()


# ---- output ----------------------------------------------------------------------


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


_TABLE = [
    # (attribute, header line 1, header line 2, format)
    ("scenario", "", "scenario", "s"),
    ("verdict", "", "verdict", "s"),
    ("agent_shifts_uncovered", "agent-shifts", "uncovered", "n"),
    ("agent_intervals_uncovered", "agent-intervals", "uncovered", "n"),
    ("gradings_late", "gradings", "late", "n"),
    ("hard_spread_hours", "hard-load", "spread h", "n"),
    ("hours_worked", "hours", "worked", "n"),
    ("objective", "", "objective", "n"),
    ("gap", "", "gap", "%"),
    ("status", "", "status", "s"),
    ("solve_seconds", "solve", "s", "t"),
]


def _format_value(value: Any, kind: str) -> str:
    if value is None:
        return "-"
    if kind == "%":
        return f"{value:.2%}"
    if kind == "t":
        return f"{value:.1f}"
    if kind == "n":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return str(value)


def format_table(sweep: Sweep) -> str:
    """The comparison table `roster whatif` prints; error messages follow it."""
    cells = [[_format_value(getattr(r, a), k) for a, _, _, k in _TABLE] for r in sweep.rows]
    widths = [
        max(len(top), len(bottom), *(len(row[i]) for row in cells))
        for i, (_, top, bottom, _) in enumerate(_TABLE)
    ]

    def line(values: list[str]) -> str:
        parts = [
            v.ljust(w) if kind == "s" else v.rjust(w)
            for v, w, (_, _, _, kind) in zip(values, widths, _TABLE, strict=True)
        ]
        return "  ".join(parts).rstrip()

    lines = [line([t for _, t, _, _ in _TABLE]), line([b for _, _, b, _ in _TABLE])]
    lines += [line(row) for row in cells]
    short = [r for r in sweep.rows if r.shortfalls]
    if short:
        lines += ["", "Shortfalls:"]
        for r in short:
            lines += [f"  {r.scenario}: {text}" for text in r.shortfalls[:SHOWN_SHORTFALLS]]
            if len(r.shortfalls) > SHOWN_SHORTFALLS:
                more = len(r.shortfalls) - SHOWN_SHORTFALLS
                lines.append(f"  {r.scenario}: ... and {more} more (whatif.json)")
    notes = [r for r in sweep.rows if r.error]
    if notes:
        lines += ["", "Errors:"]
        lines += [f"  {r.scenario}: {r.error}" for r in notes]
    return "\n".join(lines)


def write_sweep(out_dir: Path, sweep: Sweep, meta: dict[str, Any]) -> None:
    """Write whatif.csv and whatif.json whole or not at all (like `roster solve`'s folder)."""
    with staged_folder(out_dir) as staging:
        with (staging / "whatif.csv").open("w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            writer.writerows(safe_row(row.csv_row()) for row in sweep.rows)
        document = {
            **meta,
            "backend": sweep.backend,
            "jobs": sweep.jobs,
            "sweep_seconds": round(sweep.seconds, 2),
            "scenarios": [
                {**row.csv_row(), "shortfalls": list(row.shortfalls)} for row in sweep.rows
            ],
        }
        for scenario in document["scenarios"]:
            for key, value in scenario.items():
                scenario[key] = None if value == "" else value
        (staging / "whatif.json").write_text(json.dumps(document, indent=2) + "\n")


def whatif(
    instance_path: Path,
    scenarios_path: Path,
    *,
    jobs: int = 0,
    backend: str = "process",
    address: str | None = None,
    time_limit: float = 30.0,
    seed: int = 0,
    deterministic_time: float | None = None,
    out_dir: Path | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> int:
    """`roster whatif`: 0 when every scenario was solved, 1 when some is an error row.
    `on_stage` is told each scenario as its row comes in."""
    from scheduler.formats import read_instance

    instance = read_instance(instance_path)
    scenarios = read_scenarios(scenarios_path)
    out_dir = out_dir or Path("out") / f"{instance_path.stem}-whatif"
    check_out_dir(out_dir)
    if backend == "ray":
        ray_module()  # before any work: say how to install it
    tasks = make_tasks(instance, instance_path, scenarios, time_limit, seed, deterministic_time)

    def row_in(row: ScenarioRow, done: int, total: int) -> None:
        if on_stage is not None:
            on_stage(f"{done} of {total} scenarios solved ({row.scenario}: {row.verdict})")

    if on_stage is not None:
        on_stage(f"0 of {len(tasks)} scenarios solved ({time_limit:g} s each at most)")
    sweep = run_sweep(tasks, jobs=jobs, backend=backend, address=address, on_row=row_in)
    meta = {
        "instance": str(instance_path),
        "scenarios_file": str(scenarios_path),
        "time_limit": time_limit,
        "deterministic_time": deterministic_time,
        "seed": seed,
    }
    try:
        write_sweep(out_dir, sweep, meta)
    except OSError as exc:
        raise InputError([f"--out {out_dir}: cannot write the output folder: {exc}"]) from None
    errors = sum(1 for row in sweep.rows if row.error)
    print(format_table(sweep))
    print()
    limit = f"{time_limit:g} s limit"
    if deterministic_time is not None:
        limit += f" and {deterministic_time:g} deterministic units"
    if backend == "ray":
        how = "as Ray tasks" if address else f"as Ray tasks, {sweep.jobs} at a time"
    else:
        how = "in this process" if sweep.jobs == 1 else f"in {sweep.jobs} processes"
    print(
        f"{len(sweep.rows)} scenarios ({errors} error{'s' if errors != 1 else ''}) "
        f"in {sweep.seconds:.1f} s {how}, {limit} each"
    )
    print(f"Wrote {out_dir}/whatif.csv")
    return 1 if errors else 0
