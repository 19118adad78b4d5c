"""Hard minutes of one shift worked, as docs/rules.md counts them: the one definition.

On a hard queue every minute of the shift is hard. Otherwise the hard minutes are
the grading time of its hard and expert items (`items × Instance.item_ms`, whole
milliseconds), rounded up once to whole minutes: one hour of expert grading in an
eight-hour rating shift is 60 hard minutes, not 480, and 61 expert items at 60 an
hour are 61 minutes, whatever the rounding of the rows' `hours` column.

The checker counts the shifts of the horizon with it, and `models.history` the
shifts of last week's roster; there a queue or batch no longer in the instance
counts as its row's `hard` column says (a queue shift whole, rating by its hours).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from models.instance import RATING, Instance, Person
from models.roster import Assignment

MS_PER_MINUTE = 60_000


def hard_minutes(
    instance: Instance, person: Person, minutes: int, rows: Iterable[Assignment]
) -> int:
    """Hard minutes of the shift of `minutes` whose roster rows are `rows`."""
    hard_ms = 0
    for row in rows:
        if not row.batch:
            queue = instance.queue_by_id.get(row.activity)
            if queue.hard if queue is not None else row.hard and row.activity != RATING:
                return minutes
            continue
        if row.items <= 0:
            continue
        batch = instance.batch_by_id.get(row.batch)
        if batch is None:
            if row.hard:
                hard_ms += math.ceil(row.hours * 3_600_000 - 1e-6)
        elif batch.difficulty.is_hard:
            hard_ms += row.items * instance.item_ms(person, batch)
    return -(-hard_ms // MS_PER_MINUTE)
