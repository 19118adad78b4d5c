"""`roster check`: a verdict with its reasons, and the smallest changes that make a week fit.

The fixes are `scheduler.diagnosis.fixes`': patch operations by id (`models.patch`), each
proposed only after the changed instance has been solved again and the shortfall
or the contradiction it targets is gone; `fix_scenarios` writes them as a
`roster whatif` scenarios file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models import Evaluation, Instance, SolveResult
from scheduler.checker import evaluate
from scheduler.cpsat.solve import SolveOptions, solve
from scheduler.diagnosis.conflicts import Conflict, find_conflict
from scheduler.diagnosis.fixes import Fix, conflict_fixes, shortfall_fixes
from scheduler.diagnosis.verdict import Verdict, verdict

__all__ = ["CheckReport", "Fix", "check", "fix_scenarios", "report_document", "report_text"]


@dataclass
class CheckReport:
    verdict: Verdict
    result: SolveResult
    evaluation: Evaluation | None
    shortfalls: list[dict[str, Any]]
    conflicts: list[Conflict]
    fixes: list[Fix]
    notes: list[str] = field(default_factory=list)


# ---- the check --------------------------------------------------------------------


def check(
    instance: Instance, options: SolveOptions, fix_time_limit: float | None = None
) -> CheckReport:
    """Solve, judge, explain and look for fixes."""
    result = solve(instance, options)
    evaluation = evaluate(instance, result.roster) if result.has_roster else None
    found = verdict(result, evaluation)
    fix_options = SolveOptions(
        time_limit=fix_time_limit or min(options.time_limit or 30.0, 20.0),
        workers=options.workers,
        seed=options.seed,
    )
    conflicts: list[Conflict] = []
    fixes: list[Fix] = []
    shortfalls: list[dict[str, Any]] = []
    notes: list[str] = []
    if found is Verdict.cannot_staff:
        conflicts = find_conflict(instance, time_limit=fix_options.time_limit or 20.0) or []
        fixes = conflict_fixes(instance, conflicts, fix_options, notes)
    elif found is Verdict.shortfalls and evaluation is not None:
        shortfalls = describe_shortfalls(instance, result, evaluation)
        fixes = shortfall_fixes(instance, evaluation, fix_options, notes)
    return CheckReport(found, result, evaluation, shortfalls, conflicts, fixes, notes)


def describe_shortfalls(
    instance: Instance, result: SolveResult, evaluation: Evaluation
) -> list[dict[str, Any]]:
    from scheduler.diagnosis.reasons import shortfall_reasons

    return [
        {
            "kind": r.kind,
            "subject": r.subject,
            "when": r.when,
            "binding": r.binding,
            "figures": r.figures,
            "sentence": r.sentence,
        }
        for r in shortfall_reasons(instance, result.roster, evaluation)
    ]


# ---- the report -------------------------------------------------------------------


def fix_scenarios(report: CheckReport) -> dict[str, Any]:
    """The fixes as a `roster whatif` scenarios file: the week as it is, then each fix."""
    return {
        "scenarios": [
            {"name": "as-is", "description": "the week as checked"},
            *(fix.scenario(n) for n, fix in enumerate(report.fixes, start=1)),
        ]
    }


def report_document(report: CheckReport) -> dict[str, Any]:
    r = report.result
    return {
        "verdict": report.verdict.value,
        "status": r.status.value,
        "objective": r.objective,
        "bound": r.bound,
        "gap": r.gap,
        "solve_seconds": round(r.solve_seconds, 3),
        "goals": {g.name: {"value": g.value, "unit": g.unit} for g in r.goals},
        "shortfalls": report.shortfalls,
        "conflicts": [
            {
                "rule": c.rule,
                "person": c.person,
                "day": c.group[2],
                "detail": c.group[3],
                "text": c.text,
            }
            for c in report.conflicts
        ],
        "fixes": [f.as_dict() for f in report.fixes],
        "notes": report.notes,
    }


def report_text(instance: Instance, report: CheckReport) -> str:
    lines = [f"{instance.name}: {report.verdict.value}"]
    if report.verdict is Verdict.fits:
        lines.append("  Every hard rule holds, all demand is covered, every batch is on time.")
    if report.shortfalls:
        lines.append("Shortfalls, and why:")
        lines += [f"  - {s['sentence']}" for s in report.shortfalls]
    if report.conflicts:
        lines.append("These rules contradict each other (relax any one of them):")
        lines += [f"  - {c.text}" for c in report.conflicts]
    elif report.verdict is Verdict.cannot_staff:
        lines.append("  The hard rules contradict each other (no smaller set could be named).")
    if report.verdict is Verdict.unknown:
        lines.append("  No roster was found within the time limit; try a longer --time-limit.")
    if report.fixes:
        lines.append("What would make it fit (each checked: a roster exists with it):")
        lines += [f"  {n}. {f.sentence}" for n, f in enumerate(report.fixes, start=1)]
    elif report.verdict in (Verdict.shortfalls, Verdict.cannot_staff):
        lines.append("  No single change of the kinds tried makes it fit.")
    lines += [f"  ({note})" for note in report.notes]
    return "\n".join(lines)
