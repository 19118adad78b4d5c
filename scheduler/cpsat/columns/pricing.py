"""One person's schedules: the pricing problem of the decomposition.

Every rule of docs/rules.md but the ones between people is one person's own
(availability, skills, rest, hours, days and runs, rotation, item caps, fixed
shifts), and so are the goals of preferences, minimum hours and cost. A person's
model is the roster model of an instance holding that person alone
(`scheduler.cpsat.model.HARD_RULES` and those goals), so its schedules are exactly
the ones the checker accepts for them.

The rest of the objective is linear in what a schedule does, or links people:

- gradings late and not done are `required - done`, exact (the batch total is
  capped at `required`): each item a person grades by the deadline takes
  `priority x weights.late_items` off, each item at all `weights.unfinished_items`,
  so they are the person's own, up to a constant (`Links.constant`);
- coverage rows (per shift, per interval) count the agents of everyone;
- the cap of each batch at `items x graders` gradings counts everyone's items;
- the spread of hard load compares everyone's.

A column is one schedule: its own cost (internal units, x `SCALE`), and what it
adds to each linking row.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

from ortools.sat.python import cp_model

from models import RATING, Assignment, Instance, Person
from models.roster import shift_rows
from scheduler.cpsat import params
from scheduler.cpsat.context import PER_MINUTE, SCALE, RosterModel
from scheduler.cpsat.model import HARD_RULES
from scheduler.cpsat.rules import cost, min_hours, preferences
from scheduler.cpsat.variables import make_variables

Row = tuple[str, ...]
"""A linking row: ("shift", queue, day, shift), ("interval", n), ("batch", id),
("hard", person)."""

DUAL_SCALE = 1 << 12
"""Duals are rounded to multiples of 1 / DUAL_SCALE internal units, so that a priced
objective is an integer one and the bound is exact."""

_PEOPLE_FREE = (
    "dates",
    "shift_by_id",
    "queue_by_id",
    "batch_by_id",
    "clock_minutes",
    "requirements",
    "demand_in_force",
    "interval_requirements",
    "_day_spans",
    "interval_covering",
    "interval_queues",
)
"""Cached views of an instance that do not depend on its people."""


def alone(instance: Instance, person: Person) -> Instance:
    """The instance with `person` alone, sharing the views that do not depend on people
    (a copy validates nothing new: it is a part of a valid instance)."""
    one = instance.model_copy(update={"people": [person]})
    for name in list(vars(one)):
        if isinstance(getattr(type(one), name, None), cached_property):
            del vars(one)[name]
    for name in _PEOPLE_FREE:
        if name in vars(instance):
            vars(one)[name] = vars(instance)[name]
    return one


@dataclass(frozen=True)
class Column:
    """One schedule of one person: its own cost and what it adds to each linking row."""

    person: str
    cost: int
    """Internal units: preferences, minimum hours, cost, less the gradings it does."""
    rows: Mapping[Row, int]
    work: frozenset[tuple[int, str, str]] = field(default_factory=frozenset)
    """(day, shift, activity) worked, to tell schedules apart."""
    items: Mapping[tuple[int, str, str], int] = field(default_factory=dict)
    """(day, shift, batch): items graded."""


@dataclass(frozen=True)
class Sketch:
    """A person's model as the linking rows see it (sent back by a pricing process)."""

    person: str
    queue_slots: frozenset[tuple[str, int, str]]
    """(queue, day, shift) the person could work."""
    hard_minutes_most: int
    """The most hard minutes their model allows (every slot that can be hard, whole)."""


@dataclass
class Links:
    """The linking rows of an instance and what the objective pays on them."""

    shift_rows: dict[Row, tuple[int, int, int, int, int]]
    """(required, weight per agent short, most short, weight per agent over, most over)."""
    interval_rows: dict[Row, tuple[int, int, int, int, int]]
    batch_rows: dict[Row, int]
    """Most gradings of each batch (`required`)."""
    carried: dict[str, int]
    """Hard minutes carried from earlier weeks, per person in the spread."""
    spread_weight: int
    """Internal units per minute of spread; 0 when the spread is no goal."""
    top: int
    """The highest hard load any roster could reach, in minutes."""
    constant: int
    """The objective's part no schedule changes: every grading counted late and not
    done, before the gradings each schedule takes off."""


class Pricer:
    """A person's schedule model, priced again for each set of duals."""

    def __init__(self, instance: Instance, person: Person) -> None:
        self.person = person
        one = alone(instance, person)
        model = cp_model.CpModel()
        self.rm = RosterModel(one, model, make_variables(one, model))
        for add_rule in HARD_RULES:
            add_rule(self.rm)
        for add_goals in (preferences.goals, min_hours.goals, cost.goals):
            self.rm.goals.extend(add_goals(self.rm))
        v, weights = self.rm.vars, instance.weights
        own: list[cp_model.LinearExprT] = [g.penalty for g in self.rm.goals]
        for (_, d, _, b), n in v.items.items():
            batch = instance.batch_by_id[b]
            off = weights.unfinished_items
            if instance.deadline_day(batch) < instance.horizon.days and d <= instance.deadline_day(
                batch
            ):
                off += batch.priority * weights.late_items
            if off:
                own.append(-SCALE * off * n)
        self.own: cp_model.LinearExprT = sum(own) if own else 0
        # each variable's share in the linking rows
        self.uses: dict[Row, list[cp_model.LinearExprT]] = defaultdict(list)
        self.queue_work = {k: x for k, x in v.work.items() if k[3] != RATING}
        interval_at: dict[tuple[str, int, str], list[int]] = defaultdict(list)
        for k, (req, covering) in enumerate(
            zip(instance.interval_requirements, instance.interval_covering, strict=True)
        ):
            for d, s in covering:
                interval_at[(req.queue, d, s)].append(k)
        demand = instance.demand_in_force
        slots = {(q, d, s) for (d, s), queues in instance.interval_queues.items() for q in queues}
        for (_, d, s, q), x in self.queue_work.items():
            key = (q, d, s)
            if key in demand or key not in slots:
                self.uses[("shift", q, str(d), s)].append(x)
            for k in interval_at.get(key, []):
                self.uses[("interval", str(k))].append(x)
        for (_, _, _, b), count in v.items.items():
            self.uses[("batch", b)].append(count)
        if instance.is_hard_capable(person):
            for minutes in v.hard_minutes.values():
                self.uses[("hard", person.id)].append(minutes)

    @property
    def model(self) -> cp_model.CpModel:
        return self.rm.model

    def sketch(self) -> Sketch:
        """What the linking rows need of this person's model."""
        return Sketch(
            person=self.person.id,
            queue_slots=frozenset((q, d, s) for _, d, s, q in self.queue_work),
            hard_minutes_most=sum(
                self.rm.instance.shift_by_id[s].minutes for (_, _, s) in self.rm.vars.hard_minutes
            ),
        )

    def price(
        self, duals: Mapping[Row, int], seconds: float, seed: int = 0
    ) -> tuple[int | None, Column | None]:
        """The least of DUAL_SCALE x own cost - sum of duals x row use (the duals in
        1 / DUAL_SCALE internal units, the sign of the Lagrangian's), a proven lower
        bound of it (None: the person has no schedule), and the best schedule found."""
        terms: list[cp_model.LinearExprT] = [DUAL_SCALE * self.own]
        for row, uses in self.uses.items():
            price = duals.get(row, 0)
            if price:
                terms += [-price * x for x in uses]
        self.model.minimize(sum(terms))
        solver = params.small(seconds, seed)
        status = solver.solve(self.model)
        if status == cp_model.INFEASIBLE:
            return None, None
        if status == cp_model.MODEL_INVALID:
            raise ValueError(f"{self.person.id}'s pricing model: {self.model.validate()}")
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return math.floor(solver.best_objective_bound + 1e-6), None
        return math.floor(solver.best_objective_bound + 1e-6), self._column(solver)

    def _column(self, solver: cp_model.CpSolver) -> Column:
        rows: dict[Row, int] = {}
        for row, uses in self.uses.items():
            total = sum(solver.value(x) for x in uses)
            if total:
                rows[row] = total
        v = self.rm.vars
        work = frozenset((d, s, a) for (_, d, s, a), x in v.work.items() if solver.value(x))
        items = {(d, s, b): solver.value(n) for (_, d, s, b), n in v.items.items()}
        return Column(
            person=self.person.id,
            cost=int(solver.value(self.own)),
            rows=rows,
            work=work,
            items={k: n for k, n in items.items() if n},
        )


def links(instance: Instance, pricers: list[Pricer] | list[Sketch]) -> Links:
    """The linking rows of the instance, read off every person's model."""
    weights = instance.weights
    sketches = [p.sketch() if isinstance(p, Pricer) else p for p in pricers]
    able: dict[tuple[str, int, str], int] = defaultdict(int)
    for sketch in sketches:
        for key in sketch.queue_slots:
            able[key] += 1
    demand = instance.demand_in_force
    slots = {(q, d, s) for (d, s), queues in instance.interval_queues.items() for q in queues}
    shift_rows: dict[Row, tuple[int, int, int, int, int]] = {}
    for key in sorted(set(demand) | set(able)):
        q, d, s = key
        row = demand.get(key)
        if row is None and key in slots:
            continue
        required = row.agents if row else 0
        under = row.under_weight if row and row.under_weight is not None else weights.uncovered
        over = row.over_weight if row and row.over_weight is not None else weights.overstaffed
        most_over = max(0, able.get(key, 0) - required)
        shift_rows[("shift", q, str(d), s)] = (
            required,
            SCALE * under,
            required,
            SCALE * over,
            most_over,
        )
    interval_rows: dict[Row, tuple[int, int, int, int, int]] = {}
    for n, (req, covering) in enumerate(
        zip(instance.interval_requirements, instance.interval_covering, strict=True)
    ):
        people = sum(able.get((req.queue, d, s), 0) for d, s in covering)
        under = req.under_weight if req.under_weight is not None else weights.uncovered_intervals
        over = req.over_weight if req.over_weight is not None else weights.overstaffed_intervals
        interval_rows[("interval", str(n))] = (
            req.agents,
            SCALE * under,
            req.agents,
            SCALE * over,
            max(0, people - req.agents),
        )
    batch_rows: dict[Row, int] = {("batch", b.id): b.required for b in instance.batches}
    constant = 0
    for b in instance.batches:
        constant += SCALE * weights.unfinished_items * b.required
        if instance.deadline_day(b) < instance.horizon.days:
            constant += SCALE * weights.late_items * b.priority * b.required
    capable = [p for p in instance.people if instance.is_hard_capable(p)]
    carried = {p.id: instance.carried_hard_minutes(p) for p in capable}
    spread = PER_MINUTE * weights.hard_spread if len(capable) >= 2 else 0
    top = 0
    by_id = {sketch.person: sketch for sketch in sketches}
    for person in capable:
        top = max(top, carried[person.id] + by_id[person.id].hard_minutes_most)
    return Links(shift_rows, interval_rows, batch_rows, carried, spread, top, constant)


def column_rows(instance: Instance, column: Column) -> list[Assignment]:
    """The roster rows of one schedule (`models.roster.shift_rows`)."""
    items: dict[tuple[int, str], dict[str, int]] = defaultdict(dict)
    for (d, s, b), n in column.items.items():
        items[(d, s)][b] = n
    rows: list[Assignment] = []
    for d, s, activity in sorted(column.work):
        rows += shift_rows(instance, column.person, d, s, activity, items.get((d, s)))
    return rows
