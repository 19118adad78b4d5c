"""Large-neighbourhood search: improve the best roster a few people or days at a time.

When the search has two or more workers, `scheduler.cpsat.solve` runs the whole model in
one thread (it proves the bound and finds rosters of its own) and this search in
another. From the best roster so far it frees a *neighbourhood* of decisions:

- `people`: a few people who could swap work (one drawn at random, the others from
  those sharing a queue or a batch with them), over the whole horizon;
- `days`: everybody over a window of consecutive days;
- `block`: some people over a window of days;
- `hotspot`: some of the people who could change a place where the roster pays
  (`RosterModel.sites`: demand short or over, a batch late, a preference unmet),
  over a window of days around it (at a late batch, half the time: only the gradings
  of all its raters, from its release on);
- `items`: every grading, with every shift fixed, over a window of days;
- `spread`: the people with the most hard work (when its spread is a goal) and
  others who could take some of it, over the whole horizon: the spread is
  max - min, so only freeing everyone at the top together can narrow it; with
  too many at the top, one person above the lowest possible top and people under
  it (`Neighbourhoods._pay_above` counts the hard work above it in every step);

fixes every other decision (the `work` and `items` variables, see
`scheduler.cpsat.variables`) to the best roster's value, and solves what is left: a
small model that CP-SAT solves fast, starting from the best roster as a hint. A
better roster found there is the new best. The rules couple people only through
demand, batches and fairness, so re-solving a few people whole, or a short window
of days whole, is where rosters improve. (CP-SAT's own neighbourhoods, which it runs
beside its workers, are drawn from the variables and constraints of the model and
know nothing of people and days.)

Each kind of neighbourhood keeps its own size, a share of the decisions: it grows
after a neighbourhood was solved to its optimum within the step's time and shrinks
after one was not, so that steps stay solvable. The kind gaining most per second
lately is drawn most often.

The model is a clone of the main one whose variable domains are narrowed in place
for one step and restored after it; variable indices are the main model's, so a
solver that solved the clone can be read with the main model's variables.
"""

from __future__ import annotations

import random
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from ortools.sat.python import cp_model

from models import Assignment
from scheduler.cpsat import params
from scheduler.cpsat.context import SCALE, RosterModel
from scheduler.cpsat.roster_values import ObjectiveAt
from scheduler.cpsat.search import start

TRACE: TextIO | None = None
"""Where each step is reported, when tuning (None: nowhere)."""
FIRST_SECONDS = 10.0
"""CP-SAT's own first-roster search runs this long before the person-by-person start."""
START_SHARE = 0.5
"""The share of the time a person-by-person first roster may take (`_first_roster`)."""
STALL_STEPS = 30
STALL_DOUBLINGS = 3
"""After each STALL_STEPS steps without a better roster the step time doubles, at most
STALL_DOUBLINGS times."""
KINDS = ["people", "days", "block", "hotspot", "items", "spread"]
SIZES = {"people": 0.1, "days": 0.25, "block": 0.25, "hotspot": 0.25, "items": 1.0, "spread": 0.1}
"""Each kind's first size (share of people or days)."""
POLICY_EXPLORE = 0.25
"""How often a kind is drawn at random rather than the one gaining fastest."""


@dataclass
class Incumbent:
    """The best roster so far: objective (internal units) and every variable's value."""

    objective: int
    values: list[int]
    solver: cp_model.CpSolver | None
    """A finished solver whose response holds these values (None: the main search's)."""
    origin: str
    above: int | None = None
    """Hard minutes above the lowest top load the week allows (`Neighbourhoods._pay_above`),
    when known: between rosters of equal objective, fewer is better."""


@dataclass
class Shared:
    """What the main search and the neighbourhood search share."""

    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    best: Incumbent | None = None
    bound: float = float("-inf")
    on_improve: Callable[[Incumbent], None] | None = None
    running: list[cp_model.CpSolver] = field(default_factory=list)
    """Solvers to stop when the search ends (Ctrl-C, time, optimality)."""
    first_search: cp_model.CpSolver | None = None
    """The neighbourhood search's own search for a first roster, stopped by any roster."""
    interrupts: list[Callable[[], None]] = field(default_factory=list)
    """Called too when the search ends (GLOP's `scheduler.cpsat.search.lp_bound.LpBound.stop`)."""
    steps: int = 0
    improvements: int = 0

    def offer(self, candidate: Incumbent) -> bool:
        """Keep a roster if it is better than the best so far, or as good with less hard
        work above the lowest top load (`Incumbent.above`); only a better one is reported."""
        with self.lock:
            best = self.best
            if best is not None and not _before(candidate, best):
                return False
            self.best = candidate
            first = self.first_search
        if first is not None and candidate.solver is not first:
            first.stop_search()
        better = best is None or candidate.objective < best.objective
        if self.on_improve is not None and better:
            self.on_improve(candidate)
        if candidate.objective <= self.bound + 1e-6:
            self.halt()  # proven optimal by the main search's bound
        return True

    def raise_bound(self, bound: float) -> None:
        with self.lock:
            self.bound = max(self.bound, bound)
            best = self.best
        if best is not None and best.objective <= bound + 1e-6:
            self.halt()

    def halt(self) -> None:
        self.stop.set()
        with self.lock:
            solvers = list(self.running)
            interrupts = list(self.interrupts)
        for solver in solvers:
            solver.stop_search()
        for interrupt in interrupts:
            interrupt()


def _before(candidate: Incumbent, best: Incumbent) -> bool:
    """Whether `candidate` is better than `best`: a lower objective, or an equal one with
    less hard work above the lowest top load (unknown counts as most)."""
    if candidate.objective != best.objective:
        return candidate.objective < best.objective
    if candidate.above is None:
        return False
    return best.above is None or candidate.above < best.above


@dataclass
class _Kind:
    name: str
    size: float
    """Share of people (`people`) or of days (`days`) freed; `block` uses both."""
    rate: float | None = None
    """Recent objective gain per second of its steps (None: not tried yet)."""


def _pick(kinds: list[_Kind], rng: random.Random) -> _Kind:
    """Each kind once, then mostly the one gaining fastest lately, sometimes any."""
    untried = [k for k in kinds if k.rate is None]
    if untried:
        return untried[0]
    if rng.random() < POLICY_EXPLORE:
        return rng.choice(kinds)
    # ties at random: when every kind has stalled (rate 0) any may come next
    fastest = max(k.rate or 0.0 for k in kinds)
    return rng.choice([k for k in kinds if (k.rate or 0.0) == fastest])


def decision_groups(rm: RosterModel) -> tuple[dict[str, list[int]], dict[int, list[int]]]:
    """Proto indices of the decision variables by person and by day."""
    by_person: dict[str, list[int]] = defaultdict(list)
    by_day: dict[int, list[int]] = defaultdict(list)
    for keys in (rm.vars.work, rm.vars.items):
        for (p, d, _s, _a), var in keys.items():
            by_person[p].append(var.index)
            by_day[d].append(var.index)
    return dict(by_person), dict(by_day)


def _peers(groups: list[set[str]], people: set[str]) -> list[str]:
    """Everyone outside `people` who shares a group (`start.work_groups`) with one of them."""
    return sorted(set().union(*(g for g in groups if g & people)) - people)


class Neighbourhoods:
    """The neighbourhood model: a clone of the main model whose decisions can be fixed."""

    def __init__(self, rm: RosterModel) -> None:
        self.model = rm.model.clone()
        self._proto = self.model.proto
        by_person, by_day = decision_groups(rm)
        self.people = sorted(by_person)
        self.days = sorted(by_day)
        self._person_of = {i: p for p, idx in by_person.items() for i in idx}
        self._day_of = {i: d for d, idx in by_day.items() for i in idx}
        self._decisions = sorted(self._person_of)
        self._items = {var.index for var in rm.vars.items.values()}
        self.has_items = bool(self._items)
        self._original = {i: list(self._proto.variables[i].domain) for i in self._decisions}
        self._hinted: Incumbent | None = None
        self._rm = rm
        self._objective_at = ObjectiveAt(rm.model)
        self.instance = rm.instance
        self.sites = rm.sites
        self.loads = {p: var.index for p, var in rm.hard_loads.items()}
        self.groups = start.work_groups(rm.instance)
        self.hard_groups = start.work_groups(rm.instance, hard=True)
        self._size = len(self._proto.variables)
        inst = rm.instance
        carried = (inst.carried_hard_minutes(inst.person_by_id[p]) for p in self.loads)
        self.floor = max(carried, default=0)
        """The lowest top hard load any roster can have (minutes): the highest carried."""
        self._above = self._pay_above()

    def _pay_above(self) -> dict[int, int]:
        """Add to the clone's objective one unit (1/SCALE of the reported objective) per
        minute of hard load above the lowest top load the week allows: the highest
        last-week load of the people who could do hard work. Returns the new variables
        (index: the index of the load they measure).

        The spread is max - min, so a roster with fewer people at the top pays the same
        until the last of them comes down: steps then have nothing to aim at (benchmarks/README.md,
        *Neighbourhood kinds*). With this term every step prefers rosters
        with less hard work above that floor, and an equal roster with less of it is
        kept (`Incumbent.above`). Rosters are compared on the objective first (`_before`),
        so the term never costs the objective; within a step a minute of it weighs as
        little as the goals can count (a cent an hour for a minute).
        """
        if len(self.loads) < 2:
            return {}
        floor = self.floor
        added: dict[int, int] = {}
        for person, i in self.loads.items():
            most = list(self._proto.variables[i].domain)[-1]
            if most <= floor:
                continue
            above = self.model.new_int_var(0, most - floor, f"hard_above[{person}]")
            self.model.add(above >= self.model.get_int_var_from_proto_index(i) - floor)
            added[above.index] = i
        self._proto.objective.vars.extend(list(added))
        self._proto.objective.coeffs.extend([1] * len(added))
        return added

    def _hint(self, values: list[int]) -> list[int]:
        """A roster's values for every variable of the clone (`_pay_above`'s too)."""
        return values + [max(0, values[i] - self.floor) for i in self._above.values()]

    def outcome(self, solver: cp_model.CpSolver, origin: str) -> Incumbent:
        """The roster a solver of the clone found, with the main model's objective at it
        (without the `above` term; `scheduler.cpsat.roster_values.ObjectiveAt`)."""
        solution = solver.response_proto.solution
        above = sum(solution[i] for i in self._above)
        values = list(solution)[: self._size]
        return Incumbent(self._objective_at(values), values, solver, origin, above)

    def complete(
        self, rows: list[Assignment], seconds: float, shared: Shared | None = None
    ) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver]:
        """Solve with every decision fixed to what roster rows say (0 where they are silent)."""
        v, dates = self._rm.vars, self._rm.instance.dates
        day_of = {date: d for d, date in enumerate(dates)}
        wanted: dict[int, int] = {}
        for row in rows:
            d = day_of[row.date]
            work = v.work.get((row.person, d, row.shift, row.activity))
            if work is not None:
                wanted[work.index] = 1
            items = v.items.get((row.person, d, row.shift, row.batch)) if row.batch else None
            if items is not None:
                wanted[items.index] = wanted.get(items.index, 0) + row.items
        values = [0] * len(self._proto.variables)
        for i, value in wanted.items():
            values[i] = value
        status, solver, _ = self.step(
            Incumbent(0, values, None, "rows"), set(), set(), seconds, 0, shared, hint=False
        )
        return status, solver

    def step(
        self,
        best: Incumbent,
        free_people: set[str],
        free_days: set[int],
        seconds: float,
        seed: int,
        shared: Shared | None = None,
        hint: bool = True,
        items_only: bool = False,
    ) -> tuple[cp_model.CpSolverStatus, cp_model.CpSolver, int]:
        """Solve with every decision outside (free people x free days) fixed to `best`;
        with `items_only`, every shift too (only items move between batches and shifts).

        Returns the status, the solver (its values are indexed as the main model's)
        and how many decisions were free.
        """
        proto = self._proto
        if not hint:
            proto.solution_hint.vars.clear()
            proto.solution_hint.values.clear()
            self._hinted = None
        elif best is not self._hinted:
            proto.solution_hint.vars.clear()
            proto.solution_hint.values.clear()
            values = self._hint(best.values)
            proto.solution_hint.vars.extend(range(len(values)))
            proto.solution_hint.values.extend(values)
            self._hinted = best
        fixed = [
            i
            for i in self._decisions
            if self._person_of[i] not in free_people
            or self._day_of[i] not in free_days
            or (items_only and i not in self._items)
        ]
        for i in fixed:
            domain = proto.variables[i].domain
            domain.clear()
            domain.extend([best.values[i], best.values[i]])
        solver = start.small_solver(seconds, seed)
        params = solver.parameters
        if shared is not None:
            with shared.lock:
                if shared.stop.is_set():
                    params.max_time_in_seconds = 0.0
                shared.running.append(solver)
        try:
            status = solver.solve(self.model)
        finally:
            if shared is not None:
                with shared.lock:
                    shared.running.remove(solver)
            for i in fixed:
                domain = proto.variables[i].domain
                domain.clear()
                domain.extend(self._original[i])
        return status, solver, len(self._decisions) - len(fixed)


def run(
    rm: RosterModel,
    shared: Shared,
    deadline: float,
    seed: int,
    step_seconds: float = 1.0,
    first: bool = True,
) -> None:
    """Improve `shared.best` until `deadline` (time.monotonic) or `shared.stop`; with
    `first`, look for a first roster before (`_first_roster`)."""
    hood = Neighbourhoods(rm)
    if not hood.people:
        return
    if first:
        _first_roster(hood, shared, deadline, seed)
    rng = random.Random(seed)
    present = {"items": hood.has_items, "spread": len(hood.loads) >= 2}
    names = [k for k in KINDS if present.get(k, True)]
    kinds = [_Kind(name, SIZES[name]) for name in names]
    stalled = 0  # steps since the last better roster
    while not shared.stop.is_set():
        left = deadline - time.monotonic()
        best = shared.best
        if left < 0.2 or best is None:
            return
        kind = _pick(kinds, rng)
        free_people, free_days, items_only = _neighbourhood(kind, hood, best, rng)
        # a long run without a better roster earns longer steps (so larger neighbourhoods)
        seconds = step_seconds * 2 ** min(STALL_DOUBLINGS, stalled // STALL_STEPS)
        status, solver, free = hood.step(
            best,
            free_people,
            free_days,
            min(seconds, left),
            seed + shared.steps,
            shared,
            items_only=items_only,
        )
        shared.steps += 1
        if TRACE is not None:
            print(
                f"step {shared.steps} {kind.name} {kind.size:.3f} free {free} "
                f"{solver.status_name(status)} {solver.wall_time:.2f}s "
                f"obj {solver.objective_value / SCALE:.0f} best {best.objective / SCALE:.0f} "
                f"above {best.above}",
                file=TRACE,
                flush=True,
            )
        gain = 0
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            found = hood.outcome(solver, f"lns/{kind.name}")
            if _before(found, best) and shared.offer(found):
                shared.improvements += 1
                # a roster as good with less hard work above the floor gains a unit a minute
                below = (best.above or 0) - (found.above or 0)
                gain = (best.objective - found.objective) or max(1, below)
        stalled = 0 if gain > 0 else stalled + 1
        rate = gain / max(solver.wall_time, 0.01)
        kind.rate = rate if kind.rate is None else 0.7 * kind.rate + 0.3 * rate
        if status == cp_model.OPTIMAL:
            kind.size = min(1.0, kind.size * 1.15)
        elif not shared.stop.is_set():
            kind.size = max(0.01, kind.size / 1.3)


def _first_roster(hood: Neighbourhoods, shared: Shared, deadline: float, seed: int) -> None:
    """A first roster person by person (`scheduler.cpsat.search.start`) when that is quick; then, if
    no search has a roster yet, look for one until any search has one.

    Person by person comes first whatever the main search finds meanwhile: on weeks
    with demand it pays a small share of what CP-SAT's first rosters pay (benchmarks/README.md,
    *First roster*); it is given up as soon as its pace says
    it would take more than START_SHARE of the time. Then CP-SAT with two workers (it
    adds its first-roster heuristics, feasibility jump and local search, which the
    full-LP main worker lacks), for at most FIRST_SECONDS; then person by person again,
    with all the time left.
    """
    began = time.monotonic()
    rows = start.person_by_person(
        hood.instance, deadline, seed, shared.stop.is_set, within=START_SHARE * (deadline - began)
    )
    if rows is not None:
        _offer_rows(hood, shared, rows, deadline)
    if shared.best is not None or shared.stop.is_set():
        return
    solver = params.first_roster(min(FIRST_SECONDS, deadline - time.monotonic()), seed)
    with shared.lock:
        if shared.best is not None or shared.stop.is_set():
            return
        shared.first_search = solver
        shared.running.append(solver)
    try:
        status = solver.solve(hood.model)
    finally:
        with shared.lock:
            shared.first_search = None
            shared.running.remove(solver)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        shared.offer(hood.outcome(solver, "first"))
        return
    if shared.best is not None or shared.stop.is_set() or time.monotonic() >= deadline:
        return
    rows = start.person_by_person(
        hood.instance, deadline, seed, lambda: shared.stop.is_set() or shared.best is not None
    )
    if rows is not None:
        _offer_rows(hood, shared, rows, deadline)


def _offer_rows(
    hood: Neighbourhoods, shared: Shared, rows: list[Assignment], deadline: float
) -> None:
    """Complete person-by-person rows into a roster of the whole model and offer it."""
    status, solver = hood.complete(rows, max(0.0, deadline - time.monotonic()), shared)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        shared.offer(hood.outcome(solver, "person by person"))


def _neighbourhood(
    kind: _Kind, hood: Neighbourhoods, best: Incumbent, rng: random.Random
) -> tuple[set[str], set[int], bool]:
    """The people and days freed by one step, and whether only their gradings move."""
    people, days = hood.people, hood.days
    if kind.name == "people":
        k = max(1, round(kind.size * len(people)))
        return _related(hood, k, rng), set(days), False
    if kind.name in ("days", "items"):
        return set(people), day_window(kind.size, days, rng), kind.name == "items"
    if kind.name == "spread":
        return _highest_loads(kind, hood, best, rng), set(days), False
    # a block: a share of the people over a window of days, each twice the size's share;
    # a hotspot: a block around a day where the best roster pays for demand
    if kind.name == "hotspot":
        hot = _hotspot(kind, hood, best, rng)
        if hot is not None:
            return hot
    share = min(1.0, 2 * kind.size)
    k = max(1, round(share * len(people)))
    return set(rng.sample(people, min(k, len(people)))), day_window(share, days, rng), False


def _hotspot(
    kind: _Kind, hood: Neighbourhoods, best: Incumbent, rng: random.Random
) -> tuple[set[str], set[int], bool] | None:
    """A share of the people who could change a place where the best roster pays, over
    a window of days around it; the place drawn by what is paid there.

    At a late batch, every other such step moves only gradings instead: those of all its
    graders, from its release to the end of the horizon (a grader takes it up by moving
    other gradings to later days). Without it, gradings the first roster left late
    stayed late until an `items` step happened to cover the right days (benchmarks/README.md,
    *Neighbourhood kinds*); such a step is small and solved to its optimum quickly."""
    paid = [(s, s.paid(best.values)) for s in hood.sites]
    paid = [(s, p) for s, p in paid if p > 0]
    if not paid:
        return None
    pick = rng.uniform(0, sum(p for _, p in paid))
    site = paid[-1][0]
    for s, p in paid:
        pick -= p
        if pick <= 0:
            site = s
            break
    if site.grading and rng.random() < 0.5:
        return set(site.people), {d for d in hood.days if d >= site.first}, True
    share = min(1.0, 2 * kind.size)
    able = sorted(site.people) or hood.people
    k = max(1, round(share * len(able)))
    people = set(rng.sample(able, min(k, len(able))))
    # a place only one or two people can change (a preference) needs others to swap with
    others = [p for p in hood.people if p not in people]
    wanted = max(2, round(kind.size * len(hood.people))) - len(people)
    if wanted > 0 and others:
        people |= set(rng.sample(others, min(wanted, len(others))))
    span = [d for d in hood.days if site.first <= d <= site.last]
    width = max(1, round(share * len(hood.days)))
    if len(span) >= width:
        return people, day_window(width / len(span), span, rng), False
    centre = rng.choice(span) if span else None
    return people, day_window(share, hood.days, rng, centre), False


def _related(hood: Neighbourhoods, k: int, rng: random.Random) -> set[str]:
    """k people who could swap work: one drawn at random, the rest from those who could do
    some of the same work (a queue or batch in common), then at random if too few."""
    first = rng.choice(hood.people)
    peers = _peers(hood.groups, {first})
    chosen = {first} | set(rng.sample(peers, min(k - 1, len(peers))))
    others = [p for p in hood.people if p not in chosen]
    return chosen | set(rng.sample(others, min(k - len(chosen), len(others))))


def _highest_loads(
    kind: _Kind, hood: Neighbourhoods, best: Incumbent, rng: random.Random
) -> set[str]:
    """Everyone at the highest hard load (the spread is max - min: the max drops only
    when all of them drop), and a share of the people drawn from those who could take
    over some of their hard work (a hard queue or hard batch in common).

    With more people at the top than that share, one person above the floor (the lowest
    possible top, `Neighbourhoods._pay_above`) and people under it who could take over
    some of their hard work: the step can then lower what is above the floor.

    The least loaded side is left alone: many people often have no hard work at all,
    and lifting the minimum would need all of them at once."""
    loads = {p: best.values[i] for p, i in hood.loads.items()}
    highest = max(loads.values())
    top = {p for p, load in loads.items() if load == highest}
    k = max(1, round(kind.size * len(hood.people)))
    if len(top) > k and highest > hood.floor:
        # too many at the top to free together: move hard work from one person above the
        # floor to people under it (`Neighbourhoods._pay_above` rewards that)
        over = [p for p, load in loads.items() if load > hood.floor]
        top = {rng.choice(over)}
        under = [p for p in _peers(hood.hard_groups, top) if loads.get(p, 0) < hood.floor]
        return top | set(rng.sample(under, min(k - len(top), len(under))))
    peers = _peers(hood.hard_groups, top)
    return top | set(rng.sample(peers, min(k, len(peers))))


def day_window(
    share: float, days: list[int], rng: random.Random, centre: int | None = None
) -> set[int]:
    """Consecutive days, a share of the horizon; around `centre` when given."""
    width = min(max(1, round(share * len(days))), len(days))
    if centre is None or centre not in days:
        start = rng.randrange(0, len(days) - width + 1)
    else:
        at = days.index(centre)
        start = min(max(0, at - rng.randrange(0, width)), len(days) - width)
    return set(days[start : start + width])
