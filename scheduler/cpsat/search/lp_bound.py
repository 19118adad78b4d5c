"""A proven lower bound from the model's LP relaxation, solved by GLOP beside the search.

On models too large for CP-SAT's own root LP to converge in the time (a generated
1,000-person week), its bound stays far below the rosters, while the LP relaxation
itself, solved alone by GLOP's dual simplex on one core, is solved in minutes and is
far higher (benchmarks/README.md, *LP bound of large models*).

The relaxation is read off the CP-SAT model as it stands (`relaxation`): linear
constraints as they are, enforced ones with each enforcement literal's big-M taken
from the variables' bounds, `max` constraints as `target >= each term` (and, when
target and terms are booleans, `target <= sum of terms`), clauses as sums of
literals; holes in domains are filled and any other constraint is left out. Leaving
out or loosening constraints only lowers the LP's optimum, so the relaxation stays
a relaxation.

The bound is not GLOP's floating-point objective but one computed from its duals in
exact integer arithmetic (`certified_bound`): for any multipliers y with the sign of
the side of each row they price,

    c x = (c - A'y) x + y A x >= sum_j min over [l_j, u_j] of (c - A'y)_j x_j
                                + sum_i (y_i L_i if y_i > 0 else y_i U_i)

holds for every x in the bounds that meets the rows, whatever y is. The duals are
rounded to multiples of 2^-DUAL_BITS and the sums done in Python integers; the
objective of a roster is an integer, so the bound is rounded up.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

DUAL_BITS = 40
"""Duals are rounded to multiples of 2^-DUAL_BITS before the exact sums."""
_HUGE = 2**62
"""Row sides beyond this are open (CP-SAT writes an open side as the int64 limit)."""


@dataclass
class Relaxation:
    """min c x + offset subject to lower[i] <= rows[i] . x <= upper[i], bounds on x;
    None for an open side."""

    lo: list[int]
    hi: list[int]
    rows: list[tuple[list[int], list[int]]] = field(default_factory=list)
    """(variables, coefficients) of each row."""
    lower: list[int | None] = field(default_factory=list)
    upper: list[int | None] = field(default_factory=list)
    objective: dict[int, int] = field(default_factory=dict)
    offset: int = 0

    def add(self, terms: dict[int, int], lower: int | None, upper: int | None) -> None:
        terms = {v: c for v, c in terms.items() if c}
        if not terms:
            return
        self.rows.append((list(terms), list(terms.values())))
        self.lower.append(lower)
        self.upper.append(upper)


def _last(values: object) -> int:
    """The last element of a repeated proto field (the C++ wrapper has no [-1])."""
    seq = list(values)  # type: ignore[call-overload]
    return int(seq[-1])


def relaxation(model: cp_model.CpModel) -> Relaxation | None:
    """The LP relaxation of `model` (None when its objective is not an integer linear one)."""
    proto = model.proto
    objective = proto.objective
    if proto.has_floating_point_objective() or objective.scaling_factor not in (0.0, 1.0):
        return None
    lo = [int(v.domain[0]) for v in proto.variables]
    hi = [_last(v.domain) for v in proto.variables]
    lp = Relaxation(lo, hi)
    for v, c in zip(objective.vars, objective.coeffs, strict=True):
        lp.objective[v] = lp.objective.get(v, 0) + c
    lp.offset = int(objective.offset)

    def literal(ref: int) -> tuple[int, int, int]:
        """A literal as (variable, coefficient, constant): x, or 1 - x."""
        return (ref, 1, 0) if ref >= 0 else (-ref - 1, -1, 1)

    for constraint in proto.constraints:
        enforced = list(constraint.enforcement_literal)
        if constraint.has_linear():
            linear = constraint.linear
            terms: dict[int, int] = {}
            for v, c in zip(linear.vars, linear.coeffs, strict=True):
                terms[v] = terms.get(v, 0) + c
            low, high = int(linear.domain[0]), _last(linear.domain)
            lower = low if low > -_HUGE else None
            upper = high if high < _HUGE else None
            if not enforced:
                lp.add(terms, lower, upper)
                continue
            least = sum(min(c * lo[v], c * hi[v]) for v, c in terms.items())
            most = sum(max(c * lo[v], c * hi[v]) for v, c in terms.items())
            # expr >= lower - (lower - least) x (number of enforcement literals false)
            off = 0
            broken: dict[int, int] = {}
            for ref in enforced:
                var, coef, const = literal(ref)
                off += 1 - const
                broken[var] = broken.get(var, 0) - coef
            if lower is not None and lower > least:
                row = dict(terms)
                for var, coef in broken.items():
                    row[var] = row.get(var, 0) + (lower - least) * coef
                lp.add(row, lower - (lower - least) * off, None)
            if upper is not None and upper < most:
                row = dict(terms)
                for var, coef in broken.items():
                    row[var] = row.get(var, 0) - (most - upper) * coef
                lp.add(row, None, upper + (most - upper) * off)
        elif constraint.has_lin_max() and not enforced:
            lin_max = constraint.lin_max
            target = dict(zip(lin_max.target.vars, lin_max.target.coeffs, strict=True))
            for expr in lin_max.exprs:
                row = dict(target)
                for v, c in zip(expr.vars, expr.coeffs, strict=True):
                    row[v] = row.get(v, 0) - c
                lp.add(row, int(expr.offset) - int(lin_max.target.offset), None)
            booleans = all(
                len(e.vars) == 1 and e.coeffs[0] == 1 and e.offset == 0 and hi[e.vars[0]] <= 1
                for e in lin_max.exprs
            ) and (list(target.values()) == [1] and lin_max.target.offset == 0)
            if booleans and all(lo[e.vars[0]] >= 0 for e in lin_max.exprs):
                row = dict(target)
                for e in lin_max.exprs:
                    row[e.vars[0]] = row.get(e.vars[0], 0) - 1
                lp.add(row, None, 0)
        elif (
            constraint.has_bool_or() or constraint.has_at_most_one() or constraint.has_exactly_one()
        ) and not enforced:
            if constraint.has_bool_or():
                refs, lower, upper = list(constraint.bool_or.literals), 1, None
            elif constraint.has_at_most_one():
                refs, lower, upper = list(constraint.at_most_one.literals), None, 1
            else:
                refs, lower, upper = list(constraint.exactly_one.literals), 1, 1
            row = {}
            const = 0
            for ref in refs:
                var, coef, c0 = literal(ref)
                row[var] = row.get(var, 0) + coef
                const += c0
            lp.add(
                row,
                None if lower is None else lower - const,
                None if upper is None else upper - const,
            )
        elif constraint.has_bool_and():
            # each literal >= 1 - (number of enforcement literals false)
            for ref in constraint.bool_and.literals:
                var, coef, c0 = literal(ref)
                row = {var: coef}
                const = c0
                for e in enforced:
                    evar, ecoef, ec0 = literal(e)
                    row[evar] = row.get(evar, 0) - ecoef
                    const -= ec0
                lp.add(row, 1 - len(enforced) - const, None)
        # anything else is left out: a looser relaxation, still a relaxation
    return lp


def certified_bound(lp: Relaxation, duals: list[float]) -> int:
    """The least objective any point of the relaxation can have, from multipliers `duals`
    (one per row, any values), exactly; rounded up to an integer."""
    scale = 1 << DUAL_BITS
    reduced: dict[int, int] = {v: c * scale for v, c in lp.objective.items()}
    total = lp.offset * scale
    for (variables, coeffs), lower, upper, dual in zip(
        lp.rows, lp.lower, lp.upper, duals, strict=True
    ):
        y = round(dual * scale)
        side = lower if y > 0 else upper
        if y == 0 or side is None:
            continue  # an open side prices nothing
        total += y * side
        for v, c in zip(variables, coeffs, strict=True):
            reduced[v] = reduced.get(v, 0) - y * c
    for v, r in reduced.items():
        total += r * (lp.lo[v] if r > 0 else lp.hi[v])
    return -(-total // scale)


class LpBound:
    """GLOP on a relaxation; `stop`, from another thread, interrupts it (Ctrl-C, time,
    optimality: `scheduler.cpsat.search.lns.Shared.interrupts`)."""

    def __init__(self, lp: Relaxation) -> None:
        self.lp = lp
        self._lock = threading.Lock()
        self._solver: pywraplp.Solver | None = None
        self._stopped = False
        self.value: float | None = None
        """GLOP's own objective at its optimum (floating point), once solved."""
        self.infeasible = False
        """GLOP found the relaxation infeasible (so the model has no roster; not proven)."""

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._solver is not None:
                self._solver.InterruptSolve()

    def solve(self, seconds: float) -> int | None:
        """The certified bound, or None when GLOP found no optimum in `seconds`."""
        lp = self.lp
        solver = pywraplp.Solver.CreateSolver("GLOP")
        if solver is None:
            return None
        # the primal simplex stalled on the generated 300-person week's rating rows
        # (ABNORMAL); the dual simplex solves it in 3-5 s
        solver.SetSolverSpecificParametersAsString("use_dual_simplex: true")
        solver.SetTimeLimit(max(1, int(seconds * 1000)))
        infinity = solver.infinity()
        xs = [solver.NumVar(a, b, "") for a, b in zip(lp.lo, lp.hi, strict=True)]
        rows = []
        for (variables, coeffs), lower, upper in zip(lp.rows, lp.lower, lp.upper, strict=True):
            row = solver.Constraint(
                -infinity if lower is None else lower, infinity if upper is None else upper
            )
            for v, c in zip(variables, coeffs, strict=True):
                row.SetCoefficient(xs[v], c)
            rows.append(row)
        goal = solver.Objective()
        for v, c in lp.objective.items():
            goal.SetCoefficient(xs[v], c)
        goal.SetMinimization()
        with self._lock:
            if self._stopped:
                return None
            self._solver = solver
        status = solver.Solve()
        with self._lock:
            self._solver = None
        self.infeasible = status == pywraplp.Solver.INFEASIBLE
        if status != pywraplp.Solver.OPTIMAL:
            return None
        self.value = goal.Value() + lp.offset
        return certified_bound(lp, [row.dual_value() for row in rows])
