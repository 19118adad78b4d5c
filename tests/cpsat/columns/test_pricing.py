"""A person's pricing problem: its schedules are the checker's, by enumeration.

On tiny weeks each person alone has every schedule written out (each day off, or the
one shift on any queue, or rating with any number of items); the checker keeps those
it accepts and scores them. At any duals, the least priced value over them (own goals
from the checker's figures, less each row's dual times what the schedule does there)
must be the pricing problem's proven optimum, and a person the checker accepts no
schedule of must have no schedule in the model.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import RATING, Instance
from scheduler.checker import evaluate
from scheduler.cpsat.columns.pricing import DUAL_SCALE, Pricer, Row, alone, links
from scheduler.cpsat.context import SCALE
from tests.cpsat.test_space import _options, _rows, tiny_weeks

OWN = ("preferences", "min_hours_short", "cost", "late_items", "unfinished_items")
"""The goals a schedule pays alone (gradings up to a constant: `Links.constant`)."""


def enumerated_min(inst: Instance, person: str, prices: dict[Row, int]) -> Fraction | None:
    """The least priced value of the schedules of `person` the checker accepts."""
    one = alone(inst, inst.person_by_id[person])
    link = links(one, [Pricer(one, one.person_by_id[person])])
    shift_rows = set(link.shift_rows)
    best: Fraction | None = None
    for choice in itertools.product(_options(one), repeat=one.horizon.days):
        rows = [r for d, o in enumerate(choice) for r in _rows(one, person, d, o)]
        evaluation = evaluate(one, rows)
        if evaluation.violations:
            continue
        own = sum(g.penalty for g in evaluation.goals if g.name in OWN)
        value = Fraction(round(own * SCALE) - link.constant) * DUAL_SCALE
        for d, option in enumerate(choice):
            if option is None:
                continue
            shift, activity, items = option
            row: Row = ("shift", activity, str(d), shift)
            if activity != RATING and row in shift_rows:
                value -= prices.get(row, 0)
            if activity == RATING and items:
                value -= prices.get(("batch", one.batches[0].id), 0) * items
        hard = sum(p.hard_hours for p in evaluation.people) * 60
        value -= prices.get(("hard", person), 0) * round(hard)
        if best is None or value < best:
            best = value
    return best


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tiny_weeks(), st.data())
def test_the_pricing_optimum_is_the_best_schedule_the_checker_accepts(
    inst: Instance, data: st.DataObject
) -> None:
    person = inst.people[0]
    pricer = Pricer(inst, person)
    prices: dict[Row, int] = {}
    for row in pricer.uses:
        prices[row] = data.draw(st.integers(-3, 3)) * SCALE * DUAL_SCALE
    low, column = pricer.price(prices, seconds=20)
    best = enumerated_min(inst, person.id, prices)
    if best is None:
        assert low is None and column is None
        return
    assert low is not None and column is not None
    assert low == best, (low, best)
