"""Solving by parts, for instances too large to build as one model.

A year of 150 people and 32 shift types (Curtois-Qu Instance24) is 1.75 million
person-day-shift cells; its whole model did not finish building in 13 minutes. Such
an instance is never built whole. Every hard rule binds one person at a time
(docs/rules.md), so:

1. a first roster is built person by person (`scheduler.cpsat.search.start.person_by_person`):
   each person alone against the demand the people before them left open;
2. then, until the time limit, a few people at a time are re-solved together over a
   window of days (the rest of their year fixed as it is), against the demand
   everybody else leaves open (`scheduler.cpsat.search.start.residual_instance`), starting from
   their present roster. A better roster for them is a better roster for all: with
   per-shift demand the goals of that small model differ from the whole instance's
   by a constant. Group size and window adapt as in the neighbourhood search.

So this holds only when people meet in per-shift demand alone: no item batches, no
interval demand and no hard-case fairness between people (`separable`). Such an
instance that is too large is still built whole. No lower bound is known this way:
the result is "best found" without a gap.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import TextIO

from ortools.sat.python import cp_model

from models import Assignment, GoalFigure, Instance
from scheduler.cpsat import params
from scheduler.cpsat.context import SCALE
from scheduler.cpsat.model import build_model
from scheduler.cpsat.roster_values import extract_roster
from scheduler.cpsat.search import start
from scheduler.cpsat.search.lns import Neighbourhoods, day_window

GROUP = 3
"""People re-solved together in a step, at first."""
WINDOW = 0.1
"""Share of the horizon they are free in, at first."""
STEP_SECONDS = 2.0


def cells(instance: Instance) -> int:
    return len(instance.people) * instance.horizon.days * len(instance.shifts)


def separable(instance: Instance) -> bool:
    """Whether people meet only in per-shift demand (see the module docstring)."""
    if instance.batches or instance.interval_requirements:
        return False
    hard_capable = sum(1 for p in instance.people if instance.is_hard_capable(p))
    return instance.weights.hard_spread == 0 or hard_capable < 2


def by_parts(instance: Instance) -> bool:
    """Whether `scheduler.cpsat.solve` solves this instance by parts."""
    return cells(instance) > params.CELLS and separable(instance)


class Outcome:
    """What a solve by parts found so far (read by `scheduler.cpsat.solve` when it ends)."""

    def __init__(self) -> None:
        self.rows: list[Assignment] | None = None
        self.objective: float | None = None
        self.first_seconds: float | None = None
        self.best_seconds: float | None = None
        self.goals: list[GoalFigure] = []
        self.stop = threading.Event()


def run(
    instance: Instance,
    outcome: Outcome,
    deadline: float,
    seed: int,
    log: TextIO | None = None,
    watch: Callable[[float, float | None, float | None], None] | None = None,
    max_steps: int | None = None,
) -> None:
    """Person by person, then groups re-solved, until `deadline`, `outcome.stop` or
    `max_steps` group steps (tests)."""
    from scheduler.checker import evaluate  # the checker gives the objective of rows

    started = time.monotonic()

    def report(objective: float, origin: str) -> None:
        now = time.monotonic() - started
        outcome.objective = objective
        outcome.best_seconds = now
        if outcome.first_seconds is None:
            outcome.first_seconds = now
        if watch is not None:
            watch(now, objective, None)
        if log is not None:
            print(f"  {now:7.1f}s  objective {objective:,.2f}  ({origin})", file=log, flush=True)

    shown = [started]

    def done(n: int) -> None:  # a progress line every 10 s while the first roster is built
        now = time.monotonic()
        if log is not None and (now - shown[0] >= 10 or n == len(instance.people)):
            shown[0] = now
            line = f"person by person: {n} of {len(instance.people)} people"
            print(f"  {now - started:7.1f}s  {line}", file=log, flush=True)

    rows = start.person_by_person(instance, deadline, seed, outcome.stop.is_set, done)
    if rows is None:
        return
    evaluation = evaluate(instance, rows)
    outcome.rows = rows
    outcome.goals = evaluation.goals
    report(evaluation.objective, "person by person")
    mine: dict[str, list[Assignment]] = defaultdict(list)
    for row in rows:
        mine[row.person].append(row)
    people = [p.id for p in instance.people]
    days = list(range(instance.horizon.days))
    rng = random.Random(seed)
    size, share, steps = float(GROUP), WINDOW, 0
    while not outcome.stop.is_set() and (max_steps is None or steps < max_steps):
        left = deadline - time.monotonic()
        if left < 0.5:
            break
        group = rng.sample(people, min(len(people), max(1, round(size))))
        window = day_window(share, days, rng)
        others = [row for p in people if p not in group for row in mine[p]]
        rm = build_model(start.residual_instance(instance, group, start.coverage(instance, others)))
        hood = Neighbourhoods(rm)
        now_rows = [row for p in group for row in mine[p]]
        # the present roster keeps every rule, so this only reads its values; on a large
        # group, presolve alone may take longer than a step
        status, fixed = hood.complete(now_rows, left)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break  # out of time
        present = hood.outcome(fixed, "present")
        left = deadline - time.monotonic()
        status, solver, _ = hood.step(
            present, set(group), window, min(STEP_SECONDS, left), seed + steps
        )
        steps += 1
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            better = hood.outcome(solver, "by parts").objective
            if better < present.objective:
                for p in group:
                    mine[p] = []
                for row in extract_roster(rm, solver):
                    mine[row.person].append(row)
                outcome.rows = [row for p in people for row in mine[p]]
                assert outcome.objective is not None
                report(outcome.objective - (present.objective - better) / SCALE, "by parts")
        if status == cp_model.OPTIMAL:
            size, share = min(len(people), size * 1.15), min(1.0, share * 1.15)
        else:
            size, share = max(1.0, size / 1.3), max(1 / len(days), share / 1.3)
    if outcome.rows is not None:
        final = evaluate(instance, outcome.rows)
        outcome.objective = final.objective
        outcome.goals = final.goals
