"""The decomposition bound: a master LP over per-person schedules, priced by CP-SAT.

The roster problem, with x_p a schedule person p's own rules allow (`pricing`):

    min  constant + sum_p c_p(x_p) + sum_r (U_r short_r + O_r over_r) + W (M - m)
    s.t. sum_p a_pr(x_p) + short_r - over_r = req_r     each coverage row r  (y_r)
         sum_p g_pb(x_p) <= R_b                         each batch b         (rho_b >= 0)
         carried_p + h_p(x_p) <= M                      each p in the spread (alpha_p >= 0)
         carried_p + h_p(x_p) >= m                                           (beta_p >= 0)
         0 <= short_r <= req_r, 0 <= over_r <= able_r - req_r, 0 <= m, M <= top

Lagrangian bound. For any multipliers of those signs,

    L(y, rho, alpha, beta) = constant + sum_p min_x [c_p(x) - sum_r y_r a_pr(x)
                               + sum_b rho_b g_pb(x) + (alpha_p - beta_p) h_p(x)]
                           + sum_r [y_r req_r + min(0, U_r - y_r) req_r
                                    + min(0, O_r + y_r) (able_r - req_r)]
                           - sum_b rho_b R_b + sum_p (alpha_p - beta_p) carried_p
                           + top (min(0, W - sum alpha) + min(0, sum beta - W))

is at most the objective of every roster: each person's min is taken over all their
schedules, and each slack's over its whole range. With the multipliers rounded to
multiples of 1 / DUAL_SCALE and each person's min replaced by CP-SAT's proven bound
of it, the sum is exact in integers and stays valid whether or not a pricing problem
was solved to its optimum.

The multipliers come from the master LP: the same rows over a pool of columns
(schedules found so far, lambda_pk >= 0, sum_k lambda_pk = 1 per person), solved by
GLOP. Each round prices every person at duals smoothed towards the best ones so far
(Wentges: the point halfway between them and the LP's), adds the columns whose reduced
cost at the LP's duals is negative, and keeps the best bound. When a smoothed round
adds no column, the next prices at the LP's duals themselves. It stops when the LP
value and the bound meet (the LP is then optimal over every schedule, and the bound
is the LP relaxation's value over whole schedules), or at its time limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.linear_solver import pywraplp

from models import Instance
from scheduler.cpsat.columns.parallel import Pricing
from scheduler.cpsat.columns.pricing import DUAL_SCALE, Column, Links, Row, links
from scheduler.cpsat.context import SCALE


@dataclass
class Bound:
    """The decomposition's best bound so far and how it was reached."""

    value: float | None
    """Objective units (as the rosters'); None: no bound yet. -inf never: a person
    without any schedule makes it +inf (no roster keeps their rules)."""
    lp: float | None
    """The master LP's value over the pool (objective units)."""
    rounds: int = 0
    seconds: float = 0.0
    infeasible_people: list[str] = field(default_factory=list)
    pool: list[Column] = field(default_factory=list)
    """Every schedule the master holds, for a roster from them (`pool.pool_roster`)."""
    link: Links | None = None

    @property
    def columns(self) -> int:
        return len(self.pool)


Duals = dict[Row, Fraction]


def decomposition_bound(
    instance: Instance,
    time_limit: float = 30.0,
    seed: int = 0,
    pricing_seconds: float = 2.0,
    max_rounds: int = 200,
    on_round: Callable[[Bound], None] | None = None,
    processes: int = 1,
    backend: str = "process",
    address: str | None = None,
) -> Bound:
    """The best Lagrangian bound the column generation reaches within the time, the
    people priced in `processes` processes or Ray actors (`parallel.Pricing`)."""
    with Pricing(instance, processes, backend, address) as pricing:
        return _rounds(instance, pricing, time_limit, seed, pricing_seconds, max_rounds, on_round)


def _rounds(
    instance: Instance,
    pricing: Pricing,
    time_limit: float,
    seed: int,
    pricing_seconds: float,
    max_rounds: int,
    on_round: Callable[[Bound], None] | None,
) -> Bound:
    started = time.monotonic()
    link = links(instance, pricing.sketches)
    master = _Master(instance, link)
    result = Bound(value=None, lp=None, pool=master.columns, link=link)
    best: Fraction | None = None
    center: Duals = {}
    smooth = True
    lp_duals: Duals = {}
    for rounds in range(max_rounds):
        point = _halfway(center, lp_duals) if smooth and rounds > 1 else lp_duals
        value, found, infeasible = _price_all(pricing, link, point, pricing_seconds, seed)
        if infeasible:
            result.value = float("inf")
            result.infeasible_people = infeasible
            break
        if value is not None and (best is None or value > best):
            best, center = value, point
        added = 0
        for column in found:
            if rounds == 0 or _reduced(column, lp_duals) < 0:
                added += master.add(column)
        result.rounds = rounds + 1
        lp_value, lp_duals = master.solve()
        result.lp = lp_value / SCALE if lp_value is not None else None
        result.value = float(best) / SCALE if best is not None else None
        result.seconds = time.monotonic() - started
        if on_round is not None:
            on_round(result)
        if (
            lp_value is not None
            and best is not None
            and lp_value - float(best) <= 1e-6 * max(1.0, abs(lp_value))
        ):
            break
        smooth = added > 0 or not smooth  # a round that added nothing: the LP's own duals
        if time.monotonic() - started > time_limit:
            break
    return result


def _halfway(center: Duals, lp: Duals) -> Duals:
    rows = set(center) | set(lp)
    return {r: (center.get(r, Fraction(0)) + lp.get(r, Fraction(0))) / 2 for r in rows}


def _rounded(duals: Duals) -> dict[Row, int]:
    """Duals in 1 / DUAL_SCALE units, rounded (the bound is exact for the rounded ones)."""
    return {r: round(y * DUAL_SCALE) for r, y in duals.items() if round(y * DUAL_SCALE)}


def _signed_for_pricing(link: Links, duals: Mapping[Row, int]) -> dict[Row, int]:
    """Each row's price in a person's objective: -y on coverage rows, +rho on batches,
    alpha - beta on a person's hard load (stored as ("hard", p) and ("hard-min", p))."""
    out: dict[Row, int] = {}
    for row, y in duals.items():
        kind = row[0]
        if kind in ("shift", "interval"):
            out[row] = y  # the pricer subtracts price x use
        elif kind == "batch":
            out[row] = -max(0, y)
        elif kind == "hard":
            out[row] = out.get(row, 0) - max(0, y)
        elif kind == "hard-min":
            hard = ("hard", row[1])
            out[hard] = out.get(hard, 0) + max(0, y)
    return out


def _price_all(
    pricing: Pricing, link: Links, point: Duals, seconds: float, seed: int
) -> tuple[Fraction | None, list[Column], list[str]]:
    """Price every person at `point`: the Lagrangian bound there (internal units), the
    schedules found, and the people without any schedule."""
    rounded = _rounded(point)
    prices = _signed_for_pricing(link, rounded)
    total = Fraction(link.constant)
    found: list[Column] = []
    infeasible: list[str] = []
    for person, low, column in sorted(pricing.price(prices, seconds, seed), key=lambda t: t[0]):
        if low is None:
            infeasible.append(person)
            continue
        total += Fraction(low, DUAL_SCALE)
        if column is not None:
            found.append(column)
    if infeasible:
        return None, [], infeasible
    total += _slack_part(link, rounded)
    return total, found, []


def _slack_part(link: Links, rounded: Mapping[Row, int]) -> Fraction:
    """The Lagrangian's terms outside the people's schedules, at the rounded duals."""
    total = Fraction(0)
    for rows in (link.shift_rows, link.interval_rows):
        for row, (req, under, most_short, over, most_over) in rows.items():
            y = Fraction(rounded.get(row, 0), DUAL_SCALE)
            total += y * req + min(Fraction(0), under - y) * most_short
            total += min(Fraction(0), over + y) * most_over
    for row, most in link.batch_rows.items():
        total -= Fraction(max(0, rounded.get(row, 0)), DUAL_SCALE) * most
    if link.spread_weight:
        alpha = beta = Fraction(0)
        for person, carried in link.carried.items():
            a = Fraction(max(0, rounded.get(("hard", person), 0)), DUAL_SCALE)
            b = Fraction(max(0, rounded.get(("hard-min", person), 0)), DUAL_SCALE)
            total += (a - b) * carried
            alpha, beta = alpha + a, beta + b
        total += link.top * (
            min(Fraction(0), link.spread_weight - alpha)
            + min(Fraction(0), beta - link.spread_weight)
        )
    return total


def _reduced(column: Column, duals: Duals) -> Fraction:
    """The column's reduced cost at the LP's duals, less the person's convexity dual
    (which the master applies): its cost less what its rows are worth there."""
    value = Fraction(column.cost)
    for row, use in column.rows.items():
        kind = row[0]
        if kind in ("shift", "interval"):
            value -= duals.get(row, Fraction(0)) * use
        elif kind == "batch":
            value += max(Fraction(0), duals.get(row, Fraction(0))) * use
        elif kind == "hard":
            value += max(Fraction(0), duals.get(row, Fraction(0))) * use
            value -= max(Fraction(0), duals.get(("hard-min", row[1]), Fraction(0))) * use
    return value - duals.get(("person", column.person), Fraction(0))


class _Master:
    """The restricted master LP over the pool of columns (GLOP)."""

    def __init__(self, instance: Instance, link: Links) -> None:
        self.solver = pywraplp.Solver.CreateSolver("GLOP")
        self.link = link
        s = self.solver
        inf = s.infinity()
        self.rows: dict[Row, pywraplp.Constraint] = {}
        self.objective = s.Objective()
        for rows in (link.shift_rows, link.interval_rows):
            for row, (req, under, most_short, over, most_over) in rows.items():
                c = s.Constraint(req, req)
                short = s.NumVar(0, most_short, "")
                excess = s.NumVar(0, most_over, "")
                c.SetCoefficient(short, 1)
                c.SetCoefficient(excess, -1)
                self.objective.SetCoefficient(short, under)
                self.objective.SetCoefficient(excess, over)
                self.rows[row] = c
        weights = instance.weights
        for row, most in link.batch_rows.items():
            # gradings over the cap, at twice what a grading takes off: the LP always
            # has a solution, and its dual prices the cap (the bound never uses it)
            batch = instance.batch_by_id[row[1]]
            worth = weights.unfinished_items + batch.priority * weights.late_items
            c = s.Constraint(-inf, most)
            art = s.NumVar(0, inf, "")
            c.SetCoefficient(art, -1)
            self.objective.SetCoefficient(art, 2 * SCALE * worth + SCALE)
            self.rows[row] = c
        if link.spread_weight:
            top, bottom = s.NumVar(0, link.top, "M"), s.NumVar(0, link.top, "m")
            self.objective.SetCoefficient(top, link.spread_weight)
            self.objective.SetCoefficient(bottom, -link.spread_weight)
            for pid, carried in link.carried.items():
                high = s.Constraint(carried, inf)  # M - h >= carried
                high.SetCoefficient(top, 1)
                low = s.Constraint(-carried, inf)  # h - m >= -carried
                low.SetCoefficient(bottom, -1)
                self.rows[("hard", pid)] = high
                self.rows[("hard-min", pid)] = low
        for person in instance.people:
            self.rows[("person", person.id)] = s.Constraint(1, 1)
        self.objective.SetMinimization()
        self.seen: set[tuple[str, frozenset[tuple[int, str, str]], tuple[object, ...]]] = set()
        self.columns: list[Column] = []

    def add(self, column: Column) -> int:
        key = (column.person, column.work, tuple(sorted(column.items.items())))
        if key in self.seen:
            return 0
        self.seen.add(key)
        var = self.solver.NumVar(0, 1, "")
        self.objective.SetCoefficient(var, column.cost)
        self.rows[("person", column.person)].SetCoefficient(var, 1)
        for row, use in column.rows.items():
            if row[0] == "hard":
                if row in self.rows:
                    self.rows[row].SetCoefficient(var, -use)
                    self.rows[("hard-min", row[1])].SetCoefficient(var, use)
            elif row in self.rows:
                self.rows[row].SetCoefficient(var, use)
        self.columns.append(column)
        return 1

    def solve(self) -> tuple[float | None, Duals]:
        status = self.solver.Solve()
        if status != pywraplp.Solver.OPTIMAL:
            return None, {}
        duals = {row: Fraction(c.dual_value()) for row, c in self.rows.items()}
        # a <= row's dual is <= 0 in a minimisation: the Lagrangian's rho is its negation
        for row in self.link.batch_rows:
            duals[row] = -duals[row]
        return self.objective.Value() + self.link.constant, duals
