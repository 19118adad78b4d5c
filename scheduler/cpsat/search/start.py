"""A first roster person by person, for models too large to find one whole.

Every hard rule binds one person at a time (docs/rules.md): people meet only in
the goals (demand, batches, fairness). So the union of rosters that each keep
their own person's rules keeps every rule, and a first roster can be built one
person at a time: person i is solved alone (a model of one person, small whatever
the horizon), against the demand still open after persons 1 .. i-1, and keeps the
best roster for themselves. It is a greedy start, not a good roster: the
neighbourhood search (`scheduler.cpsat.search.lns`) improves it from there.

Used when CP-SAT finds no roster of the whole model within a few seconds (the
year-long Curtois-Qu instances: 50-150 people over 182-364 days).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable

from ortools.sat.python import cp_model

from models import RATING, Assignment, Instance, Person
from scheduler.checker import evaluate
from scheduler.cpsat import params
from scheduler.cpsat.model import build_model
from scheduler.cpsat.roster_values import extract_roster

PERSON_SECONDS = 3.0
"""Time for one person's model: a year-long person's roster found early is within a
hair of their optimum. A person with no roster by then gets all the time left, with
two workers (CP-SAT then adds feasibility jump and local search, which find a roster
where one full-LP worker may not); a cap on that retry can lose the whole first
roster to one person (benchmarks/README.md, *First roster*)."""
FAST_BELOW = 2.0
"""A person given less time than this is solved for a first roster only, with no LP
and one round of presolve, several times faster on a year-long person. A person is
solved whole all the same while the pace of the people before them fits their share
of the time: on a week a person takes milliseconds whole, and first rosters only
leave far more demand uncovered (benchmarks/README.md, *First roster*)."""

URGENT_AT_MOST = 10.0
"""The most a queue's shortfall is scaled by in one person's model (`urgency`)."""

REPAIR_ROUNDS = 5
"""Passes of `fill_open_demand` at most: a person who takes a short shift may leave the
one they were on short (benchmarks/README.md, *First roster*)."""
REPAIR_SHARE = 0.25
"""The most `fill_open_demand` may take after `person_by_person`, as a share of the time
the people took: a shift nobody can take would otherwise cost a re-solve of every agent."""

GIVE_UP_AFTER = 3
"""People solved before the pace is trusted to give up a start that would take too long."""


def small_solver(seconds: float, seed: int) -> cp_model.CpSolver:
    """One full-LP worker for a small model (one person alone, or a neighbourhood step).

    The full LP relaxation solves such models to their optimum far more often than
    CP-SAT's default level (benchmarks/README.md, *Neighbourhood kinds*).
    """
    return params.small(seconds, seed)


def residual_instance(
    instance: Instance,
    people: list[str],
    covered: Counter[tuple[str, int, str]],
    graded: Counter[str] | None = None,
    urgency: dict[str, float] | None = None,
) -> Instance:
    """The instance for `people` alone, against the demand others leave open.

    `covered` counts the agents the other people give each (queue, day, shift). The
    goals of the result differ from those of the whole instance by a constant for any
    roster of `people` (an agent over demand costs the same whether it was others or
    these people who filled it): improving one improves the other. Demand of a queue
    none of them could work is left out (a constant too). Each interval asks
    the agents that the others' shifts holding it leave open; passed whole, it had
    every person of a first roster crowd onto the same busy hours (benchmarks/README.md,
    *First roster*).

    `graded` counts the gradings others did of each batch, and a batch asks what is
    left: as many items as gradings left, graded once, or while more are left than the
    batch has items, its items as many times as they fit whole. A person may still grade
    every item once (not the left gradings' share of them: then each rater of a
    double-graded batch took half of what was left, and gradings stayed late; benchmarks/README.md,
    *First roster*). A batch with nothing left is dropped. When to grade is a guide only:
    late gradings of the others count as done.
    """
    base = instance.model_dump(mode="python", exclude={"people", "demand", "batches"})
    batches = []
    for batch in instance.batches:
        left = batch.required - (graded[batch.id] if graded else 0)
        if left <= 0:
            continue
        data = batch.model_dump(mode="python")
        data["items"] = min(batch.items, left)
        data["graders"] = max(1, min(batch.graders, left // data["items"]))
        batches.append(data)
    weights = instance.weights

    def under(weight: int | None, default: int, queue: str) -> int:
        """A row's under weight, or the default, scaled by its queue's urgency."""
        own = weight if weight is not None else default
        return _scaled(own, urgency.get(queue, 1.0) if urgency else 1.0)

    chosen = set(people)
    members = [p for p in instance.people if p.id in chosen]
    # rows of a queue none of them could work are the same for every roster of theirs
    workable = {
        q.id for q in instance.queues if any(instance.can_work_queue(p, q) for p in members)
    }
    interval_rows = [
        {
            "queue": req.queue,
            "day": instance.dates[req.day].isoformat(),
            "start": req.start.time().isoformat(timespec="minutes"),
            "minutes": round((req.end - req.start).total_seconds() / 60),
            "agents": max(0, req.agents - sum(covered[(req.queue, d, s)] for d, s in cover)),
            "under_weight": under(req.under_weight, weights.uncovered_intervals, req.queue),
            "over_weight": req.over_weight,
        }
        for req, cover in zip(
            instance.interval_requirements, instance.interval_covering, strict=True
        )
        if req.queue in workable
    ]
    demand = [
        {
            "queue": q,
            "shift": s,
            "day": instance.dates[d].isoformat(),
            "agents": max(0, req.agents - covered[(q, d, s)]),
            "under_weight": under(req.under_weight, weights.uncovered, q),
            "over_weight": req.over_weight,
        }
        for (q, d, s), req in instance.demand_in_force.items()
        if q in workable
    ]
    data = {
        **base,
        "people": [p.model_dump(mode="python") for p in members],
        "demand": demand + interval_rows,
        "batches": batches,
    }
    return Instance.model_validate(data)


def _scaled(weight: int, factor: float) -> int:
    return min(1_000_000, round(weight * factor))


def _weeks(instance: Instance) -> int:
    """Weeks the horizon touches (weekly caps count per week)."""
    return -(-len(instance.dates) // 7)


def _queue_days(instance: Instance, order: list[Person]) -> dict[str, list[int]]:
    """For each queue, the working days the people from position n of `order` on could
    give it, for every n (a suffix sum; the last entry is 0)."""
    weeks = _weeks(instance)
    days = {p.id: min(len(instance.dates), weeks * p.contract.max_days_per_week) for p in order}
    suffix: dict[str, list[int]] = {}
    for queue in instance.queues:
        sums = [0] * (len(order) + 1)
        for n in range(len(order) - 1, -1, -1):
            able = instance.can_work_queue(order[n], queue)
            sums[n] = sums[n + 1] + (days[order[n].id] if able else 0)
        suffix[queue.id] = sums
    return suffix


def urgency(
    instance: Instance, covered: Counter[tuple[str, int, str]], supply: dict[str, int]
) -> dict[str, float]:
    """How much each queue needs the person placed now, relative to the queue that needs
    them least: 1 + its agent-shifts still open per working day the people placed after
    them could give it (`supply`), at most URGENT_AT_MOST (and that much when nobody after
    them could work it).

    A person solved alone fills whichever open shift pays most, and the people after them
    may not be able to fill the others: escalation shifts were left open while general
    shifts had agents too many. Scaling what a short agent costs in the person's model
    by this (`residual_instance`) fills them (benchmarks/README.md, *First roster*). With one queue
    (Curtois-Qu) it is 1: nothing changes.
    """
    if len(instance.queues) < 2:
        return {}  # only how queues compare matters: with one, every person's model as is
    open_shifts: Counter[str] = Counter()
    for (q, d, s), req in instance.demand_in_force.items():
        open_shifts[q] += max(0, req.agents - covered[(q, d, s)])
    need: dict[str, float] = {}
    for queue in instance.queues:
        days = supply[queue.id]
        short = open_shifts[queue.id] / days if days else URGENT_AT_MOST
        need[queue.id] = min(URGENT_AT_MOST, 1.0 + short)
    least = min(need.values(), default=1.0)
    return {q: factor / least for q, factor in need.items()}


def coverage(instance: Instance, rows: list[Assignment]) -> Counter[tuple[str, int, str]]:
    """Agents by (queue, day, shift) in roster rows (rating rows left out)."""
    day_of = {date: d for d, date in enumerate(instance.dates)}
    return Counter(
        (row.activity, day_of[row.date], row.shift) for row in rows if row.activity != RATING
    )


def work_groups(instance: Instance, hard: bool = False) -> list[set[str]]:
    """For each queue and each batch (with `hard`, each hard one), who could work on it."""
    queues = [
        {p.id for p in instance.people if instance.can_work_queue(p, q)}
        for q in instance.queues
        if q.hard or not hard
    ]
    batches = [
        {p.id for p in instance.people if instance.can_grade(p, b)}
        for b in instance.batches
        if b.difficulty.is_hard or not hard
    ]
    return queues + batches


def person_by_person(
    instance: Instance,
    deadline: float,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
    done: Callable[[int], None] | None = None,
    within: float | None = None,
) -> list[Assignment] | None:
    """Roster rows for every person, or None when a person's model found no roster in time.

    With `within` (seconds), it gives up (None) as soon as the pace of the people solved
    so far says that all of them would take longer than that.

    `deadline` is a time.monotonic() instant; `should_stop()` is polled between people,
    `done(n)` is called once n people have their roster (progress).
    Each person gets PERSON_SECONDS, or less when the time left shared by the people
    left is shorter (half of it: the rest is for improving the roster). People are taken
    from the fewest queues and batches they could work on to the most, so that the
    flexible ones fill what the others leave open.
    """
    covered: Counter[tuple[str, int, str]] = Counter()
    graded: Counter[str] = Counter()
    rows: list[Assignment] = []
    groups = work_groups(instance)
    began = time.monotonic()
    order = sorted(instance.people, key=lambda p: sum(p.id in g for g in groups))
    supply = _queue_days(instance, order)
    for n, person in enumerate(order):
        if (should_stop is not None and should_stop()) or time.monotonic() >= deadline:
            return None
        needs = urgency(instance, covered, {q: days[n + 1] for q, days in supply.items()})
        rm = build_model(residual_instance(instance, [person.id], covered, graded, needs))
        now = time.monotonic()
        left = deadline - now
        share = 0.5 * left / (len(instance.people) - n)
        budget = min(PERSON_SECONDS, max(0.5, share), left)
        pace = (now - began) / n if n else 0.0
        if within is not None and n >= GIVE_UP_AFTER and pace * len(instance.people) > within:
            return None
        solver = small_solver(budget, seed)
        settings = solver.parameters
        # solved whole while the pace so far fits the share (a week's person: ~20 ms)
        if budget < FAST_BELOW and pace > share:
            settings.stop_after_first_solution = True
            settings.linearization_level = 0
            settings.max_presolve_iterations = 1
        status = solver.solve(rm.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            settings.stop_after_first_solution = True
            settings.num_workers = 2
            # without this person's roster there is no roster at all: all the time left
            settings.max_time_in_seconds = max(0.0, deadline - time.monotonic())
            status = solver.solve(rm.model)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        mine = extract_roster(rm, solver)
        covered.update(coverage(instance, mine))
        for row in mine:
            if row.batch:
                graded[row.batch] += row.items
        rows.extend(mine)
        if done is not None:
            done(n + 1)
    # each repair may take a quarter of the time the people took (the start's pace rule)
    took = time.monotonic() - began
    until = min(deadline, time.monotonic() + REPAIR_SHARE * took)
    rows = fill_open_demand(instance, rows, until, seed, should_stop)
    until = min(deadline, time.monotonic() + REPAIR_SHARE * took)
    return fill_late_gradings(instance, rows, until, seed, should_stop)


def fill_open_demand(
    instance: Instance,
    rows: list[Assignment],
    deadline: float,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> list[Assignment]:
    """For each shift the rows leave short of its demand, re-solve alone, one at a time,
    the agents who could work its queue, against everybody else's rows as they now are;
    keep a person's new roster when it was solved to its optimum, works that shift, and
    the checker scores the whole roster better (a move to it from a shift just as short
    would only move the gap: one agent could swap between two such shifts round after
    round while others could have added the shift).

    The people solved first in `person_by_person` could not see what the later ones would
    leave open, and the neighbourhood search takes many steps to cover such a shift
    that a few agents re-solved here cover at once (benchmarks/README.md, *First
    roster*). An agent's model differs from the whole model's objective by a constant
    but for the hard-load spread (it has one person) and interval demand (a guide
    there), so the new roster is better by the shift's weight, less at most what those
    move. Raters are left as they are: their batches in a one-person model are a guide
    only (`residual_instance`).

    With one queue (Curtois-Qu) nothing is done: there a shift left short is often the
    cheaper choice (its under-cover weight is small), and one person of a year-long
    instance takes seconds to re-solve.
    """
    if len(instance.queues) < 2:
        return rows
    for _ in range(REPAIR_ROUNDS):
        before = rows
        rows = _fill_round(instance, rows, deadline, seed, should_stop)
        if rows is before:
            break
    return rows


def _fill_round(
    instance: Instance,
    rows: list[Assignment],
    deadline: float,
    seed: int,
    should_stop: Callable[[], bool] | None,
) -> list[Assignment]:
    """One pass of `fill_open_demand` over the shifts short at its start (a person who
    moves may leave another shift short: the next round sees it)."""
    covered = coverage(instance, rows)
    objective: float | None = None  # the rows' as the checker scores them, once needed
    short = [
        (key, req.agents)
        for key, req in instance.demand_in_force.items()
        if covered[key] < req.agents
    ]
    for (queue_id, d, shift_id), wanted in short:
        queue = instance.queue_by_id[queue_id]
        for person in instance.people:
            if covered[(queue_id, d, shift_id)] >= wanted:
                break
            if (should_stop is not None and should_stop()) or time.monotonic() >= deadline:
                return rows
            if "rater" in person.roles or not instance.can_work_queue(person, queue):
                continue
            off_days, off_slots = instance.unavailable_slots(person)
            if d in off_days or (d, shift_id) in off_slots:
                continue
            new = _resolved(instance, rows, person.id, deadline, seed)
            if new is None or not any(
                (r.person, r.activity, r.shift, r.date)
                == (person.id, queue_id, shift_id, instance.dates[d])
                for r in new
            ):
                continue
            # a move that leaves another shift as short is no gain (and could cycle)
            scored = evaluate(instance, new)
            if objective is None:
                objective = evaluate(instance, rows).objective
            if scored.violations or scored.objective >= objective - 1e-9:
                continue
            rows, objective = new, scored.objective
            covered = coverage(instance, rows)
    return rows


def fill_late_gradings(
    instance: Instance,
    rows: list[Assignment],
    deadline: float,
    seed: int = 0,
    should_stop: Callable[[], bool] | None = None,
) -> list[Assignment]:
    """For each batch the rows grade late (or not at all), offer those gradings to the
    people who could grade it, one at a time: re-solve the person alone with those
    gradings open, then the people who graded them late (who now drop them), and keep the
    rows when the checker scores them better. A person who also works a queue on a day
    near the batch's days may first give that shift away (`fill_open_demand` offers it to
    the agents).

    A person solved alone cannot see gradings that others did late (`residual_instance`
    counts them as done), and the people solved last in `person_by_person` could not take
    them when their hard days were already spent: the people with room to take an
    expert batch's late gradings may be dual-role, on escalation shifts in the batch's
    days (hard work, at most two days in a row; benchmarks/README.md, *First roster*). The
    new rows are compared whole (`scheduler.checker.evaluate`, a few milliseconds), so
    a chain of moves is kept only when the roster is better.
    """
    if not _late_gradings(instance, rows):
        return rows
    scored = evaluate(instance, rows)
    if scored.violations:
        return rows
    objective = scored.objective
    for _ in range(REPAIR_ROUNDS):  # a kept chain may leave another batch's gradings late
        before = objective
        for batch_id, left in _late_gradings(instance, rows).most_common():
            for person in instance.people:
                if (should_stop is not None and should_stop()) or time.monotonic() >= deadline:
                    return rows
                if not left:
                    break
                new, objective = _offer_late(
                    instance, rows, objective, person, batch_id, deadline, seed, should_stop
                )
                if new is not rows:
                    rows, left = new, _late_gradings(instance, new)[batch_id]
        if objective >= before:
            break
    return rows


def _offer_late(
    instance: Instance,
    rows: list[Assignment],
    objective: float,
    person: Person,
    batch_id: str,
    deadline: float,
    seed: int,
    should_stop: Callable[[], bool] | None,
) -> tuple[list[Assignment], float]:
    """The batch's late gradings offered to `person` (`fill_late_gradings`): the rows and
    their objective, new when the checker scores them better."""
    batch = instance.batch_by_id[batch_id]
    if not instance.can_grade(person, batch):
        return rows, objective
    cap = person.contract.max_items_per_week
    graded = sum(row.items for row in rows if row.person == person.id)
    if cap is not None and graded >= cap * _weeks(instance):
        return rows, objective  # no room: taking any would mean others taking theirs
    margin = instance.rules.max_consecutive_hard_days
    first = instance.release_day(batch) - margin
    last = instance.deadline_day(batch) + margin
    shifts = [
        row
        for row in rows
        if row.person == person.id
        and row.activity != RATING
        and first <= instance.dates.index(row.date) <= last
    ]
    for given in [None, *shifts]:
        if time.monotonic() >= deadline:
            break
        trial = rows
        if given is not None:
            trial = [row for row in rows if row is not given]
            trial = fill_open_demand(instance, trial, deadline, seed, should_stop)
            key = (given.activity, instance.dates.index(given.date), given.shift)
            if coverage(instance, trial)[key] < coverage(instance, rows)[key]:
                continue  # nobody took the shift over
        taken = _take_late(instance, trial, person.id, batch_id, deadline, seed)
        if taken is None:
            continue
        scored = evaluate(instance, taken)
        if not scored.violations and scored.objective < objective - 1e-9:
            return taken, scored.objective
    return rows, objective


def _late_gradings(instance: Instance, rows: list[Assignment]) -> Counter[str]:
    """Gradings not done by their batch's deadline (late, or not done at all), by batch."""
    on_time: Counter[str] = Counter()
    for row in rows:
        if row.batch:
            batch = instance.batch_by_id[row.batch]
            if instance.dates.index(row.date) <= instance.deadline_day(batch):
                on_time[row.batch] += row.items
    late: Counter[str] = Counter()
    for batch in instance.batches:
        if batch.required > on_time[batch.id]:
            late[batch.id] = batch.required - on_time[batch.id]
    return late


def _take_late(
    instance: Instance,
    rows: list[Assignment],
    person: str,
    batch_id: str,
    deadline: float,
    seed: int,
) -> list[Assignment] | None:
    """`person` re-solved alone with the late gradings of the batch open, then each person
    who graded it late re-solved against the new rows; None when a model was not solved
    to its optimum."""
    batch = instance.batch_by_id[batch_id]
    on_time_only = {batch_id}
    new = _resolved(instance, rows, person, deadline, seed, on_time_only)
    if new is None:
        return None
    late_graders = {
        row.person
        for row in new
        if row.batch == batch_id
        and row.person != person
        and instance.dates.index(row.date) > instance.deadline_day(batch)
    }
    for other in sorted(late_graders):
        new = _resolved(instance, new, other, deadline, seed)
        if new is None:
            return None
    return new


def _resolved(
    instance: Instance,
    rows: list[Assignment],
    person: str,
    deadline: float,
    seed: int,
    on_time_only: set[str] | None = None,
) -> list[Assignment] | None:
    """The rows with `person` re-solved alone against everybody else's; the late gradings
    of the batches in `on_time_only` are left open to them. None unless solved to the
    optimum in time."""
    others = [row for row in rows if row.person != person]
    graded: Counter[str] = Counter()
    for row in others:
        if row.batch:
            batch = instance.batch_by_id[row.batch]
            late = instance.dates.index(row.date) > instance.deadline_day(batch)
            if not (late and on_time_only and row.batch in on_time_only):
                graded[row.batch] += row.items
    residual = residual_instance(instance, [person], coverage(instance, others), graded)
    rm = build_model(residual)
    solver = small_solver(min(PERSON_SECONDS, deadline - time.monotonic()), seed)
    if solver.solve(rm.model) != cp_model.OPTIMAL:
        return None
    return others + extract_roster(rm, solver)
