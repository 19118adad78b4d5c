"""Runs of working days and of days off.

Max consecutive days: every window of max+1 consecutive days holds a day off,
counting the k = history.consecutive_days_worked days before day 0:

    sum_{d=a}^{a+max} day_on[p, d] <= max              for windows in the horizon
    sum_{d=0}^{max-j} day_on[p, d] <= max - j          for j = 1 .. min(k, max)

Min consecutive days (and days off): every maximal run bounded by known days of
the other kind on both sides is at least the minimum long. Written as forbidden
patterns: for each run start a and each length l < min,

    not (other(a-1) and same(a) ... same(a+l-1) and other(a+l))

where a-1 may be the last day of history and a+l must lie in the horizon
(docs/rules.md, "Runs across the horizon's edges"). The minimum runs are over
the days the person is not out (`Instance.out_minutes`): a day out from
rostered work neither ends nor starts a run.
"""

from __future__ import annotations

from collections.abc import Callable

from ortools.sat.python import cp_model

from scheduler.checker import consecutive_days as checked
from scheduler.cpsat.context import RosterModel

RULES = checked.RULES
"""The rule ids this family holds: the checker's `consecutive_days` family declares them."""


def add(m: RosterModel) -> None:
    for person in m.instance.people:
        days = [m.vars.day_on.get((person.id, d)) for d in m.instance.day_range]
        max_run(
            m,
            m.holding("max_consecutive_days", person.id),
            days,
            person.contract.max_consecutive_days,
            person.history.consecutive_days_worked,
        )
        history = person.history
        out = m.instance.out_minutes(person)
        kept = [x for d, x in enumerate(days) if d not in out]  # min runs skip days out
        _min_runs(
            m.model,
            m.holding("min_consecutive_days", person.id),
            kept,
            person.contract.min_consecutive_days,
            worked=True,
            same_before=history.consecutive_days_worked,
            other_before=history.consecutive_days_off,
        )
        _min_runs(
            m.model,
            m.holding("min_consecutive_days_off", person.id),
            kept,
            person.contract.min_consecutive_days_off,
            worked=False,
            same_before=history.consecutive_days_off,
            other_before=history.consecutive_days_worked,
        )


Rule = Callable[[cp_model.Constraint], cp_model.Constraint]
"""Marks a constraint as part of a named rule (`RosterModel.hard`)."""


def max_run(
    m: RosterModel, rule: Rule, days: list[cp_model.IntVar | None], limit: int, before: int
) -> None:
    """No more than `limit` true days in a row, `before` of them already before day 0.

    Shared by the working-day and the hard-day rules.
    """
    horizon = len(days)
    for a in range(horizon - limit):
        window = [x for x in days[a : a + limit + 1] if x is not None]
        if len(window) > limit:
            rule(m.model.add(sum(window) <= limit))
    for j in range(1, min(before, limit) + 1):
        window = [x for x in days[: limit - j + 1] if x is not None]
        if len(window) > limit - j:
            rule(m.model.add(sum(window) <= limit - j))


def _min_runs(
    model: cp_model.CpModel,
    rule: Rule,
    days: list[cp_model.IntVar | None],
    minimum: int,
    worked: bool,
    same_before: int,
    other_before: int,
) -> None:
    """Forbid bounded runs of `worked` days shorter than `minimum`."""
    if minimum <= 1:
        return
    horizon = len(days)

    def breaking(d: int, want: bool) -> tuple[bool, cp_model.LiteralT | None]:
        """Whether day d can be `want`, and the literal true when it is not (None: never)."""
        x = days[d]
        if x is None:
            return (not want), None
        return True, (x.Not() if want else x)

    for a in range(horizon):
        # the day before the run must be known to be of the other kind
        if a == 0:
            if same_before == 0 and other_before == 0:
                continue  # history unknown: exempt
            prefix, shortest = same_before, (0 if same_before else 1)
        else:
            prefix, shortest = 0, 1
        for length in range(shortest, minimum - prefix):
            end = a + length  # the first day of the other kind after the run
            if end >= horizon:
                break
            pattern: list[tuple[int, bool]] = []
            if a > 0:
                pattern.append((a - 1, not worked))
            pattern += [(d, worked) for d in range(a, end)]
            pattern.append((end, not worked))
            clause = []
            possible = True
            for d, want in pattern:
                ok, lit = breaking(d, want)
                if not ok:
                    possible = False
                    break
                if lit is not None:
                    clause.append(lit)
            if possible:
                rule(model.add_bool_or(clause))
