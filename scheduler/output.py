"""The output folder: written whole or not at all.

Every table is made from the same data: the roster rows and the checker's
evaluation of them (`scheduler.checker.evaluate`), so the files always agree.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from models import (
    ROSTER_COLUMNS,
    Evaluation,
    Instance,
    SolveResult,
    SolveStatus,
    write_roster_csv,
)
from models.roster import sort_key

STATUS_TEXT = {
    SolveStatus.optimal: "optimal",
    SolveStatus.feasible: "best found",
    SolveStatus.infeasible: "not staffable: the hard rules contradict each other",
    SolveStatus.unknown: "no roster found within the time limit",
}


def coverage_table(instance: Instance, evaluation: Evaluation) -> pd.DataFrame:
    rows = []
    for row in evaluation.coverage:
        shift = instance.shift_by_id[row.shift]
        start, end = instance.shift_times(instance.dates.index(row.date), shift)
        rows.append(
            {
                "queue": row.queue,
                "date": row.date.isoformat(),
                "shift": row.shift,
                "start": start.strftime("%Y-%m-%d %H:%M"),
                "end": end.strftime("%Y-%m-%d %H:%M"),
                "required": row.required,
                "assigned": row.assigned,
                "short": row.short,
                "over": row.over,
            }
        )
    columns = ["queue", "date", "shift", "start", "end", "required", "assigned", "short", "over"]
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
            "deadline": row.deadline.isoformat() if row.deadline else "",
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
    ]
    return pd.DataFrame([row.model_dump() for row in evaluation.people], columns=columns)


def shortfalls(instance: Instance, evaluation: Evaluation) -> list[str]:
    """What is missing, in the users' words."""
    lines = []
    for row in evaluation.coverage:
        if row.short:
            lines.append(
                f"queue {row.queue}: {row.short} agent{'s' if row.short > 1 else ''} short "
                f"on {row.date:%a %Y-%m-%d} {row.shift} ({row.assigned} of {row.required})"
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
                "not done within the horizon"
            )
    return lines


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
        "solve_seconds": round(result.solve_seconds, 3),
        "stopped_early": result.stopped_early,
        "time_limit": result.time_limit,
        "workers": result.workers,
        "seed": result.seed,
        "goals": {
            g.name: {"label": g.label, "unit": g.unit, "value": g.value, "penalty": g.penalty}
            for g in result.goals
        },
        "roster_rows": len(result.roster),
    }
    if evaluation is not None:
        doc["check"] = {
            "hard_rules_hold": evaluation.feasible,
            "violations": [str(v) for v in evaluation.violations],
            "objective": evaluation.objective,
        }
        doc["shortfalls"] = shortfalls(instance, evaluation)
    return doc


def write_outputs(
    out_dir: Path, instance: Instance, result: SolveResult, evaluation: Evaluation | None
) -> None:
    """Write the folder atomically: a complete new folder replaces the old one, or nothing."""
    out_dir = out_dir.resolve()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        write_roster_csv(result.roster, staging / "roster.csv")
        if evaluation is not None:
            coverage_table(instance, evaluation).to_csv(staging / "coverage.csv", index=False)
            batch_table(instance, evaluation).to_csv(staging / "batches.csv", index=False)
            people_table(evaluation).to_csv(staging / "people.csv", index=False)
        summary = summary_document(instance, result, evaluation)
        (staging / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        _replace_dir(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _replace_dir(new: Path, target: Path) -> None:
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        new.rename(target)


def format_summary(instance: Instance, result: SolveResult, evaluation: Evaluation | None) -> str:
    """The short readable summary `roster solve` prints."""
    head = f"{instance.name}: {STATUS_TEXT[result.status]}"
    if result.status is SolveStatus.feasible and result.gap is not None:
        head += f" (gap {result.gap:.2%} to the bound)"
    head += f" in {result.solve_seconds:.1f} s"
    if result.stopped_early:
        head += ", stopped by the user"
    lines = [head]
    if result.objective is not None and result.bound is not None:
        lines.append(f"  objective {result.objective:,.2f}, bound {result.bound:,.2f}")
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
    return "\n".join(lines)


def roster_table(result: SolveResult) -> pd.DataFrame:
    """The roster as a table, in the columns and order of `roster.csv`."""
    rows = [row.as_row() for row in sorted(result.roster, key=sort_key)]
    return pd.DataFrame(rows, columns=ROSTER_COLUMNS)
