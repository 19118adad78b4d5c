"""The output folder: written whole or not at all.

Every table is made from the same data: the roster rows and the checker's
evaluation of them (`scheduler.checker.evaluate`), so the files always agree.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from models import (
    ROSTER_COLUMNS,
    Evaluation,
    InputError,
    Instance,
    SolveResult,
    SolveStatus,
    write_roster_csv,
)
from models.result import CoverageRow
from models.roster import sort_key
from scheduler.outputs.cells import write_frame

STATUS_TEXT = {
    SolveStatus.optimal: "optimal",
    SolveStatus.feasible: "best found",
    SolveStatus.infeasible: "not staffable: the hard rules contradict each other",
    SolveStatus.unknown: "no roster found within the time limit",
    SolveStatus.edited: "edited by hand",
}
STOPPED_EARLY_TEXT = "stopped by the user before any roster was found"


def coverage_table(instance: Instance, evaluation: Evaluation) -> pd.DataFrame:
    rows = []
    for row in evaluation.coverage:
        rows.append(
            {
                "queue": row.queue,
                "date": row.date.isoformat(),
                "shift": row.shift or "",
                "start": row.start.strftime("%Y-%m-%d %H:%M"),
                "end": row.end.strftime("%Y-%m-%d %H:%M"),
                "required": row.required,
                "assigned": row.assigned,
                "short": row.short,
                "over": row.over,
                "forecast": None if row.forecast is None else round(row.forecast, 4),
                "service_level": (
                    None if row.service_level is None else round(row.service_level, 4)
                ),
            }
        )
    columns = [
        "queue",
        "date",
        "shift",
        "start",
        "end",
        "forecast",
        "required",
        "assigned",
        "short",
        "over",
        "service_level",
    ]
    return pd.DataFrame(rows, columns=columns)


def batch_table(instance: Instance, evaluation: Evaluation) -> pd.DataFrame:
    days = [d.isoformat() for d in instance.dates]
    rows = []
    for row in evaluation.batches:
        record: dict[str, Any] = {
            "batch": row.batch,
            "difficulty": row.difficulty,
            "skill": row.skill,
            "priority": row.priority,
            "required": row.required,
            "release": row.release.isoformat(),
            "deadline": _deadline(instance, row.batch).isoformat(),
            "done": row.done,
            "done_by_deadline": row.done_by_deadline,
            "late": row.late,
            "unfinished": row.unfinished,
            "finish_date": row.finish_date.isoformat() if row.finish_date else "",
        }
        record.update(zip(days, row.per_day, strict=True))
        rows.append(record)
    columns = [
        "batch",
        "difficulty",
        "skill",
        "priority",
        "required",
        "release",
        "deadline",
        "done",
        "done_by_deadline",
        "late",
        "unfinished",
        "finish_date",
        *days,
    ]
    return pd.DataFrame(rows, columns=columns)


def _deadline(instance: Instance, batch_id: str) -> dt.date:
    """The batch's deadline date, also when it lies after the horizon."""
    batch = instance.batch_by_id[batch_id]
    return instance.horizon.start + dt.timedelta(days=instance.deadline_day(batch))


def people_table(evaluation: Evaluation) -> pd.DataFrame:
    columns = [
        "person",
        "name",
        "roles",
        "hours",
        "days",
        "shifts",
        "items",
        "hard_hours",
        "hard_share",
        "hard_days",
        "hard_load_with_history",
        "preferences_met",
        "preferences_total",
        "min_hours_short",
        "night_shifts",
        "weekend_days",
        "weeks",
        "hard_hours_all_weeks",
        "night_shifts_all_weeks",
        "weekend_days_all_weeks",
    ]
    table = pd.DataFrame([row.model_dump() for row in evaluation.people], columns=columns)
    return table.round(
        {
            "hours": 2,
            "hard_hours": 2,
            "hard_share": 3,
            "hard_load_with_history": 2,
            "min_hours_short": 2,
            "hard_hours_all_weeks": 2,
        }
    )


CARRIED_OVER = "not done within the horizon"
"""How a line of `shortfalls` ends when its gradings are not late, only left for after
the horizon (a batch due later, or with no deadline): not a shortfall by the verdict."""


def shortfalls(instance: Instance, evaluation: Evaluation) -> list[str]:
    """What is missing, in the users' words; short intervals in a row make one line."""
    lines = []
    for row in evaluation.coverage:
        if row.short and row.shift is not None:
            lines.append(
                f"queue {row.queue}: {row.short} agent{'s' if row.short > 1 else ''} short "
                f"on {row.date:%a %Y-%m-%d} {row.shift} ({row.assigned} of {row.required})"
            )
    runs: list[list[CoverageRow]] = []
    for row in sorted(
        (r for r in evaluation.coverage if r.short and r.shift is None),
        key=lambda r: (r.queue, r.start),
    ):
        last = runs[-1][-1] if runs else None
        if last is not None and last.queue == row.queue and last.end == row.start:
            runs[-1].append(row)
        else:
            runs.append([row])
    for run in runs:
        first, final = run[0], run[-1]
        total = sum(r.short for r in run)
        most = max(r.short for r in run)
        lines.append(
            f"queue {first.queue}: short {first.start:%a %Y-%m-%d %H:%M}-{final.end:%H:%M} "
            f"({total} agent-interval{'s' if total > 1 else ''}, at most {most} "
            f"agent{'s' if most > 1 else ''} at once)"
        )
    for batch in evaluation.batches:
        if batch.late:
            lines.append(
                f"batch {batch.batch}: {batch.late:,} of {batch.required:,} gradings late "
                f"(deadline {batch.deadline:%a %Y-%m-%d})"
            )
        elif batch.unfinished:
            lines.append(
                f"batch {batch.batch}: {batch.unfinished:,} of {batch.required:,} gradings "
                + CARRIED_OVER
            )
    return lines


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def summary_document(
    instance: Instance, result: SolveResult, evaluation: Evaluation | None
) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "instance": result.instance,
        "status": result.status.value,
        "status_text": STATUS_TEXT[result.status],
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "no_bound_reason": result.no_bound_reason,
        "bound_source": result.bound_source,
        "solve_seconds": round(result.solve_seconds, 3),
        "stopped_early": result.stopped_early,
        "first_roster_seconds": _round(result.first_roster_seconds),
        "best_roster_seconds": _round(result.best_roster_seconds),
        "time_limit": result.time_limit,
        "workers": result.workers,
        "seed": result.seed,
        "goals": {
            g.name: {"label": g.label, "unit": g.unit, "value": g.value, "penalty": g.penalty}
            for g in result.goals
        },
        "roster_rows": len(result.roster),
        "model_objective": result.model_objective,
        "model_disagrees": result.model_disagrees,
    }
    if evaluation is not None:
        doc["check"] = {
            "hard_rules_hold": evaluation.feasible,
            "violations": [str(v) for v in evaluation.violations],
            "objective": evaluation.objective,
        }
        doc["shortfalls"] = shortfalls(instance, evaluation)
    return doc


MARKER = ".roster-output"
"""A file in every output folder: only such folders (or empty ones) are ever replaced."""


def check_out_dir(out_dir: Path, flag: str = "--out") -> None:
    """Refuse, before any work, an output path that is not ours to replace."""
    target = out_dir.resolve()
    if target.exists() and not target.is_dir():
        raise InputError([f"{flag} {out_dir}: is a file, not a folder"])
    if target.is_dir() and any(target.iterdir()) and not (target / MARKER).exists():
        raise InputError(
            [
                f"{flag} {out_dir}: the folder exists and is not an output folder of roster "
                f"(no {MARKER} file in it); it would be replaced whole, so name a new or "
                "empty folder"
            ]
        )
    parent = target.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise InputError([f"{flag} {out_dir}: {parent} is a file, not a folder"])


def write_outputs(
    out_dir: Path,
    instance: Instance,
    result: SolveResult,
    evaluation: Evaluation | None,
    extra: dict[str, str] | None = None,
    exports: bool = True,
    summary_extra: dict[str, Any] | None = None,
) -> None:
    """Write the folder atomically: a complete new folder replaces the old one, or nothing.

    With `exports`, the spreadsheet, calendars and report are made from the folder's
    own files once they are written (`scheduler.outputs.exports`).
    """
    with staged_folder(out_dir) as staging:
        (staging / "instance.json").write_text(instance.model_dump_json(by_alias=True, indent=1))
        write_roster_csv(result.roster, staging / "roster.csv")
        if evaluation is not None:
            write_frame(coverage_table(instance, evaluation), staging / "coverage.csv")
            write_frame(batch_table(instance, evaluation), staging / "batches.csv")
            write_frame(people_table(evaluation), staging / "people.csv")
        summary = {**summary_document(instance, result, evaluation), **(summary_extra or {})}
        (staging / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        for name, text in (extra or {}).items():
            (staging / name).write_text(text)
        if exports:
            from scheduler.outputs.exports import write_exports

            write_exports(staging)


COMPLETE = ".roster-complete"
"""In a staged folder once it is whole: a swap cut short by a kill is finished with it."""
WRITER = ".roster-writer"
"""In a staged folder: the process id writing it, so that a leftover is known as such."""


def _writer_alive(folder: Path) -> bool:
    try:
        pid = int((folder / WRITER).read_text())
    except (OSError, ValueError):
        return False
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process: alive
    return True


def recover(out_dir: Path) -> None:
    """Finish or roll back a swap of `out_dir` that a kill cut short, and remove the
    staged folders that roster left beside it (its own, whose writer is gone).

    A kill between the two renames of the swap leaves no `out_dir`: the new folder is
    put in place when it was whole (`COMPLETE`), else the old one is put back.
    """
    target = out_dir.resolve()
    parent = target.parent
    if not parent.is_dir():
        return
    old = target.with_name(f".{target.name}.old")
    prefix = f".{target.name}."
    leftovers = [
        path
        for path in parent.iterdir()
        if path.name.startswith(prefix)
        and path != old
        and path.is_dir()
        and (path / MARKER).exists()
        and not _writer_alive(path)
    ]
    if not target.exists():
        whole = [path for path in leftovers if (path / COMPLETE).exists()]
        if whole:
            newest = max(whole, key=lambda path: path.stat().st_mtime)
            newest.rename(target)
            leftovers.remove(newest)
        elif old.is_dir() and (old / MARKER).exists():
            old.rename(target)
    if target.is_dir() and (target / MARKER).exists():
        (target / COMPLETE).unlink(missing_ok=True)
        (target / WRITER).unlink(missing_ok=True)
        if old.is_dir() and (old / MARKER).exists():
            shutil.rmtree(old, ignore_errors=True)
    for path in leftovers:
        shutil.rmtree(path, ignore_errors=True)


def holds_a_roster(out_dir: Path) -> bool:
    """Whether `out_dir` is an output folder of roster with a roster in it."""
    roster = out_dir / "roster.csv"
    try:
        with roster.open() as handle:
            return (out_dir / MARKER).exists() and len(handle.readlines()) > 1
    except OSError:
        return False


@contextmanager
def staged_folder(out_dir: Path) -> Iterator[Path]:
    """A new folder to fill; on success it replaces `out_dir` whole, on failure it vanishes.

    Only an empty folder or one written by `roster` (with the marker file) is replaced.
    A swap that a kill cut short before is finished or rolled back first (`recover`).
    """
    recover(out_dir)
    check_out_dir(out_dir)
    target = out_dir.resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    umask = os.umask(0)
    os.umask(umask)
    staging.chmod(0o777 & ~umask)  # mkdtemp makes it private; outputs are for sharing
    try:
        (staging / WRITER).write_text(str(os.getpid()))
        (staging / MARKER).write_text("written by `roster`; this folder is replaced whole\n")
        yield staging
        (staging / COMPLETE).write_text("")
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            staging.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            staging.rename(target)
        (target / COMPLETE).unlink(missing_ok=True)
        (target / WRITER).unlink(missing_ok=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def format_summary(instance: Instance, result: SolveResult, evaluation: Evaluation | None) -> str:
    """The short readable summary `roster solve` prints."""
    text = STATUS_TEXT[result.status]
    if result.status is SolveStatus.unknown and result.stopped_early:
        text = STOPPED_EARLY_TEXT
    head = f"{instance.name}: {text}"
    if result.status is SolveStatus.feasible and result.gap is not None:
        head += f" (gap {result.gap:.2%} to the bound)"
    elif result.status is SolveStatus.feasible:
        why = f": {result.no_bound_reason}" if result.no_bound_reason else ""
        head += f" (no bound known{why}; docs/search.md)"
    if result.status is SolveStatus.edited:
        if result.gap is not None:
            head += f" (gap {result.gap:.2%} to the bound of the solve it was edited from)"
    else:
        head += f" in {result.solve_seconds:.1f} s"
    if result.stopped_early and result.has_roster:
        head += ", stopped by the user"
    lines = [head]
    if result.objective is not None and result.bound is not None:
        source = {"decomposition": " (over whole schedules)", "model": " (the model's)"}.get(
            result.bound_source or "", ""
        )
        lines.append(f"  objective {result.objective:,.2f}, bound {result.bound:,.2f}{source}")
    if result.goals:
        width = max(len(g.label) for g in result.goals)
        for g in result.goals:
            value = f"{g.value:,.0f}" if float(g.value).is_integer() else f"{g.value:,.2f}"
            lines.append(f"  {g.label:<{width}}  {value:>10} {g.unit}")
    if evaluation is not None:
        missing = shortfalls(instance, evaluation)
        if missing:
            lines.append("Shortfalls:")
            lines += [f"  {line}" for line in missing]
        else:
            lines.append("No shortfalls: all demand covered and every batch on time.")
        if evaluation.feasible:
            lines.append("Checker: every hard rule holds.")
        else:
            lines.append(f"Checker: {len(evaluation.violations)} hard-rule violations:")
            lines += [f"  {v}" for v in evaluation.violations]
    if result.model_disagrees:
        lines.append(
            "The figures above are the checker's; the solver's own differ (a bug: please "
            "report it): " + "; ".join(result.model_disagrees)
        )
    return "\n".join(lines)


def roster_table(result: SolveResult) -> pd.DataFrame:
    """The roster as a table, in the columns and order of `roster.csv`."""
    rows = [row.as_row() for row in sorted(result.roster, key=sort_key)]
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS)
