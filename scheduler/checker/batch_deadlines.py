"""The batch goals: `late_items` and `unfinished_items`, and the batch rows."""

from __future__ import annotations

import datetime as dt

from models import Instance
from models.result import BatchRow
from scheduler.checker.rows import Row


def batches(instance: Instance, rows: list[Row]) -> tuple[list[BatchRow], int, int, int]:
    """The batch rows, the late items, their penalty and the unfinished items."""
    horizon = instance.horizon.days
    dates = instance.dates
    per_day: dict[str, list[int]] = {b.id: [0] * horizon for b in instance.batches}
    for r in rows:
        if r.batch is not None:
            per_day[r.batch.id][r.day] += r.row.items
    out: list[BatchRow] = []
    late_total = late_pen = unfinished_total = 0
    for batch in instance.batches:
        graded = per_day[batch.id]
        done = sum(graded)
        required = batch.required
        deadline = instance.deadline_day(batch)
        in_horizon = deadline < horizon
        by_deadline = sum(graded[: deadline + 1]) if deadline >= 0 else 0
        late = max(0, required - by_deadline) if in_horizon else 0
        unfinished = max(0, required - done)
        finish: dt.date | None = None
        cumulative = 0
        for day, count in enumerate(graded):
            cumulative += count
            if cumulative >= required:
                finish = dates[day]
                break
        late_total += late
        late_pen += late * batch.priority * instance.weights.late_items
        unfinished_total += unfinished
        out.append(
            BatchRow(
                batch=batch.id,
                difficulty=batch.difficulty.value,
                skill=batch.skill,
                priority=batch.priority,
                required=required,
                release=dates[instance.release_day(batch)],
                deadline=dates[deadline] if in_horizon else None,
                done=done,
                done_by_deadline=by_deadline,
                late=late,
                unfinished=unfinished,
                finish_date=finish,
                per_day=graded,
            )
        )
    return out, late_total, late_pen, unfinished_total
