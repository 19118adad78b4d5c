"""Runs of days: `max_consecutive_days`, `min_consecutive_days`, `min_consecutive_days_off`.

`day_runs`, `check_max_run` and `check_min_run` are the one reading of runs at the
horizon's edges (docs/rules.md, *Runs across the horizon's edges*); the hard-run rule
(`hard_case_rotation`) and the shortfall reasons use them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from models import Person
from scheduler.checker.rows import Days, Report
from scheduler.checker.rows import days as n_days

RULES: tuple[str, ...] = (
    "max_consecutive_days",
    "min_consecutive_days",
    "min_consecutive_days_off",
)


def check(
    person: Person,
    dates: list[dt.date],
    days: Days,
    report: Report,
    out: Collection[int] = (),
) -> None:
    """The runs of a person's days; the minimum runs are judged without the `out` days
    (out from rostered work: `Instance.out_minutes`), as if they were not there."""
    pid, contract, history = person.id, person.contract, person.history
    worked, off = history.consecutive_days_worked, history.consecutive_days_off
    limit = contract.max_consecutive_days
    check_max_run(days.works, limit, worked, "max_consecutive_days", "works", pid, dates, report)
    minimum_runs = (
        (True, contract.min_consecutive_days, worked, off, "min_consecutive_days", "works"),
        (
            False,
            contract.min_consecutive_days_off,
            off,
            worked,
            "min_consecutive_days_off",
            "is off",
        ),
    )
    kept = [d for d in range(len(dates)) if d not in out]
    works, kept_dates = [days.works[d] for d in kept], [dates[d] for d in kept]
    if not kept:
        return
    for kind, minimum, same, other, rule, what in minimum_runs:
        check_min_run(works, kind, minimum, same, other, rule, what, pid, kept_dates, report)


def day_runs(flags: list[bool]) -> list[tuple[int, int, bool]]:
    """Maximal runs as (first day, last day, kind)."""
    out: list[tuple[int, int, bool]] = []
    start = 0
    for d in range(1, len(flags) + 1):
        if d == len(flags) or flags[d] != flags[start]:
            out.append((start, d - 1, flags[start]))
            start = d
    return out


def check_max_run(
    flags: list[bool],
    limit: int,
    before: int,
    rule: str,
    what: str,
    pid: str,
    dates: list[dt.date],
    report: Report,
) -> None:
    """No run of flagged days longer than `limit`, counting `before` days before day 0."""
    for first, last, kind in day_runs(flags):
        if not kind:
            continue
        pre = before if first == 0 else 0
        length = pre + last - first + 1
        if length > limit:
            beyond = max(first, first + limit - pre)
            note = f", {pre} before the horizon" if pre else ""
            report.add(
                rule, pid, dates[beyond], f"{what} {length} days in a row (max {limit}{note})"
            )


def check_min_run(
    flags: list[bool],
    kind: bool,
    minimum: int,
    same_before: int,
    other_before: int,
    rule: str,
    what: str,
    pid: str,
    dates: list[dt.date],
    report: Report,
) -> None:
    """Runs of `kind` bounded on both sides by the other kind must be `minimum` long.

    `same_before` / `other_before`: the history run of this / the other kind
    right before day 0 (at most one of them above 0).
    """
    if minimum <= 1:
        return
    horizon = len(flags)
    for first, last, run_kind in day_runs(flags):
        if run_kind != kind or last == horizon - 1:
            continue
        length = last - first + 1
        note = ""
        if first == 0:
            if same_before > 0:
                length += same_before
                note = f", {same_before} before the horizon"
            elif other_before == 0:
                continue
        if length < minimum:
            report.add(
                rule,
                pid,
                dates[first],
                f"{what} only {n_days(length)} in a row (min {minimum}{note})",
            )
    if same_before > 0 and flags[0] != kind and same_before < minimum:
        report.add(
            rule,
            pid,
            dates[0],
            f"{what} only {n_days(same_before)} in a row just before the horizon, "
            f"ended on its first day (min {minimum})",
        )
