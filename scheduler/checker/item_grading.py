"""Item grading: `rating_time`, `batch_release`, `distinct_graders`, `batch_total`,
`max_items_per_week`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from models import RATING, Instance, Person
from scheduler.checker.rows import MS_PER_MINUTE, Days, Report, Row, Worked, hours, weeks

RULES: tuple[str, ...] = (
    "rating_time",
    "batch_release",
    "distinct_graders",
    "batch_total",
    "max_items_per_week",
)


def check_person(instance: Instance, person: Person, days: Days, report: Report) -> None:
    """`max_items_per_week`."""
    limit = person.contract.max_items_per_week
    for first, label, week in weeks(instance):
        graded = sum(days.items[d] for d in week)
        if graded > limit:
            report.add(
                "max_items_per_week",
                person.id,
                first,
                f"grades {graded} items in {label} (max {limit})",
            )


def check(instance: Instance, rows: list[Row], shifts: Iterable[Worked], report: Report) -> None:
    """`rating_time` per shift; `batch_release`, `distinct_graders` and `batch_total`."""
    dates = instance.dates
    for s in shifts:
        rating = [r for r in s.rows if r.row.activity == RATING and r.batch is not None]
        if not rating:
            continue
        used = sum(r.row.items * instance.item_ms(s.person, r.batch) for r in rating if r.batch)
        available = s.minutes * MS_PER_MINUTE
        if used > available:
            count = sum(r.row.items for r in rating)
            report.add(
                "rating_time",
                s.person.id,
                dates[s.day],
                f"grading {count} items in {s.template.id} takes {used:,} ms, "
                f"more than the shift's {available:,} ms ({hours(s.minutes)})",
            )
    per_person: dict[tuple[str, str], int] = defaultdict(int)
    per_batch: dict[str, int] = defaultdict(int)
    for r in rows:
        batch = r.batch
        if batch is None:
            continue
        per_batch[batch.id] += r.row.items
        if r.row.items <= 0:
            continue
        per_person[(r.person.id, batch.id)] += r.row.items
        release = instance.release_day(batch)
        if r.day < release:
            report.add(
                "batch_release",
                r.person.id,
                r.row.date,
                f"grades {r.row.items} items of {batch.id} before its release on {dates[release]}",
            )
    for (pid, batch_id), count in per_person.items():
        batch = instance.batch_by_id[batch_id]
        if count > batch.items:
            report.add(
                "distinct_graders",
                pid,
                None,
                f"grades {count} items of {batch_id}, which has {batch.items} "
                "(each item at most once per person)",
            )
    for batch in instance.batches:
        done = per_batch.get(batch.id, 0)
        if done > batch.required:
            report.add(
                "batch_total",
                None,
                None,
                f"{done} gradings of {batch.id}, more than {batch.items} items × "
                f"{batch.graders} graders = {batch.required}",
            )
