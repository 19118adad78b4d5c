"""`roster check`: a verdict with its reasons, and the smallest changes that make a week fit.

The fixes are `scheduler.diagnosis.fixes`': patch operations by id (`models.patch`), each
proposed only after the changed instance has been solved again and the shortfall
or the contradiction it targets is gone; `fix_scenarios` writes them as a
`roster whatif` scenarios file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models import Evaluation, Instance, SolveResult
from scheduler.checker import evaluate
from scheduler.cpsat.signals import hold_signals
from scheduler.cpsat.solve import SolveOptions, auto_workers, solve
from scheduler.diagnosis.budget import Budget, OutOfTimeError
from scheduler.diagnosis.conflicts import Conflict, find_conflict
from scheduler.diagnosis.fixes import Fix, conflict_fixes, shortfall_fixes
from scheduler.diagnosis.verdict import Verdict, verdict

__all__ = [
    "FIX_TIME_LIMIT",
    "CheckReport",
    "Fix",
    "check",
    "fix_scenarios",
    "report_document",
    "report_text",
]


@dataclass
class CheckReport:
    verdict: Verdict
    result: SolveResult
    evaluation: Evaluation | None
    shortfalls: list[dict[str, Any]]
    conflicts: list[Conflict]
    fixes: list[Fix]
    notes: list[str] = field(default_factory=list)
    floors: dict[str, float] = field(default_factory=dict)
    """Per goal short in the roster: the least its figure is in any roster, proven by the
    decomposition bound (`scheduler.cpsat.columns.floors`); 0: nothing proven."""


# ---- the check --------------------------------------------------------------------

FIX_TIME_LIMIT = 300.0
"""Seconds the search for the contradiction and the fixes may take in all, by default."""


def check(
    instance: Instance,
    options: SolveOptions,
    fix_time_limit: float | None = None,
    fix_budget: float | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> CheckReport:
    """Solve, judge, explain and look for fixes.

    The solve takes `options.time_limit`; the search for the contradiction and the fixes
    then takes at most `fix_budget` seconds in all (default `FIX_TIME_LIMIT`), each of
    its solves at most `fix_time_limit` (default: the time limit, up to 20 s). A stop
    (Ctrl-C) during that search keeps the fixes found so far.
    `on_stage` is told what the check is doing, as it goes."""
    tell = on_stage or (lambda _text: None)
    tell("solving the week")
    result = solve(instance, options)
    evaluation = evaluate(instance, result.roster) if result.has_roster else None
    found = verdict(result, evaluation)
    fix_options = SolveOptions(
        time_limit=fix_time_limit or min(options.time_limit or 30.0, 20.0),
        workers=options.workers,
        seed=options.seed,
    )
    budget = Budget(fix_budget or FIX_TIME_LIMIT, fix_options.time_limit or 20.0, on_stage)
    conflicts: list[Conflict] = []
    fixes: list[Fix] = []
    shortfalls: list[dict[str, Any]] = []
    notes: list[str] = []
    floors: dict[str, float] = {}
    if result.stopped_early and found in (Verdict.shortfalls, Verdict.unknown):
        # stopped by the user (Ctrl-C, SIGTERM, Stop): the verdict of the roster so far,
        # no search for fixes after it
        if evaluation is not None and found is Verdict.shortfalls:
            shortfalls = describe_shortfalls(instance, result, evaluation)
        notes.append("The solve was stopped, so no fixes were looked for.")
    elif found is Verdict.cannot_staff:
        try:
            conflicts = find_conflict(instance, seed=options.seed, budget=budget) or []
        except OutOfTimeError:
            notes.append(f"No contradiction was found within the time limit ({budget.total:g} s).")
        except KeyboardInterrupt:
            hold_signals()
            notes.append("The search for the contradiction was stopped before it ended.")
            budget.total = 0.0  # and no fixes looked for after it
        if budget.spent and conflicts:
            notes.append(
                "The search for the contradiction stopped at its time limit "
                f"({budget.total:g} s): the rules listed contradict each other, but fewer "
                "of them may already do."
            )
        fixes = conflict_fixes(instance, conflicts, fix_options, notes, budget)
    elif found is Verdict.shortfalls and evaluation is not None:
        shortfalls = describe_shortfalls(instance, result, evaluation)
        floors = _floors(instance, evaluation, options, budget, tell)
        fixes = shortfall_fixes(instance, evaluation, fix_options, notes, budget)
    tell(f"done: {found.value}, {len(fixes)} fix{'es' if len(fixes) != 1 else ''}")
    return CheckReport(found, result, evaluation, shortfalls, conflicts, fixes, notes, floors)


def _floors(
    instance: Instance,
    evaluation: Evaluation,
    options: SolveOptions,
    budget: Budget,
    tell: Callable[[str], None],
) -> dict[str, float]:
    """The proven floor of each counted goal the roster falls short on."""
    from scheduler.cpsat.columns.floors import COUNTED, goal_floor

    out: dict[str, float] = {}
    for goal in evaluation.goals:
        if goal.name not in COUNTED or goal.value <= 0:
            continue
        try:
            seconds = budget.seconds()
        except OutOfTimeError:
            break
        tell(f"proving how few {goal.label} any roster can have")
        out[goal.name] = goal_floor(
            instance,
            goal.name,
            time_limit=seconds,
            seed=options.seed,
            processes=options.workers or auto_workers(),
        )
    return out


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
        "floors": {
            name: {"at_least": value, "roster": r.goal(name).value, "unit": r.goal(name).unit}
            for name, value in report.floors.items()
        },
        "notes": report.notes,
    }


def report_text(instance: Instance, report: CheckReport) -> str:
    lines = [f"{instance.name}: {report.verdict.value}"]
    if report.verdict is Verdict.fits:
        lines.append("  Every hard rule holds, all demand is covered, every batch is on time.")
    if report.shortfalls:
        lines.append("Shortfalls, and why:")
        lines += [f"  - {s['sentence']}" for s in report.shortfalls]
    proven = [(n, v) for n, v in report.floors.items() if v > 0]
    if proven:
        lines.append("Proven for every roster (the bound over whole schedules):")
        for name, value in proven:
            goal = report.result.goal(name)
            lines.append(f"  - at least {value:,.0f} {goal.label} (this roster: {goal.value:,.0f})")
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
