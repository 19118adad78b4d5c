"""The verdict on a week: does it fit, fit with shortfalls, or not staff at all?"""

from __future__ import annotations

from enum import StrEnum

from models import Evaluation, SolveResult, SolveStatus


class Verdict(StrEnum):
    fits = "fits"
    """Every hard rule holds, all demand is covered and every batch meets its deadline."""
    shortfalls = "fits with shortfalls"
    """A roster exists, but some demand or some deadlines are missed."""
    cannot_staff = "cannot be staffed"
    """The hard rules contradict each other: no roster exists at all."""
    unknown = "unknown"
    """No roster was found within the time limit, and no contradiction was proven."""


EXIT_CODES = {
    Verdict.fits: 0,
    Verdict.shortfalls: 1,
    Verdict.cannot_staff: 3,
    Verdict.unknown: 4,
}
"""`roster check` exits with these (2 stays bad input)."""

SHORTFALL_GOALS = ("uncovered", "uncovered_intervals", "late_items")
"""Goals whose figure above 0 means demand or deadlines are missed."""


def verdict(result: SolveResult, evaluation: Evaluation | None) -> Verdict:
    if result.status is SolveStatus.infeasible:
        return Verdict.cannot_staff
    if evaluation is None or not result.has_roster:
        return Verdict.unknown
    missed = any(evaluation.goal(name).value > 0 for name in SHORTFALL_GOALS)
    return Verdict.shortfalls if missed else Verdict.fits
