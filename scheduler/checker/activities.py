"""Who may do what on a shift: `qualification`, `activity_allowed`, `one_activity_per_shift`.

The model holds these by the variables it makes (`scheduler.cpsat.variables`):
there is no variable for work a person may not do, and one activity per shift.
"""

from __future__ import annotations

from models import Instance, Role
from scheduler.checker.rows import Report, Row, Worked

RULES: tuple[str, ...] = ("qualification", "activity_allowed", "one_activity_per_shift")


def check_row(instance: Instance, r: Row, report: Report) -> None:
    """`activity_allowed` and `qualification` of one row."""
    row, person = r.row, r.person
    pid = person.id
    if not instance.allows(r.shift, row.activity):
        allowed = ", ".join(r.shift.activities or [])
        report.add(
            "activity_allowed",
            pid,
            row.date,
            f"{row.activity} is not allowed on {r.shift.id} (allowed: {allowed})",
        )
    if r.queue is not None:
        queue = r.queue
        if Role.agent not in person.roles:
            report.add("qualification", pid, row.date, f"works queue {queue.id} but is no agent")
        if person.level(queue.skill) < queue.min_level:
            report.add(
                "qualification",
                pid,
                row.date,
                f"queue {queue.id} needs {queue.skill} level {queue.min_level}, "
                f"{pid} has {person.level(queue.skill)}",
            )
        if row.role != Role.agent:
            report.add(
                "qualification",
                pid,
                row.date,
                f"the row on queue {queue.id} says role {row.role.value}, not agent",
            )
        return
    if Role.rater not in person.roles:
        report.add("qualification", pid, row.date, "grades items but is no rater")
    if row.role != Role.rater:
        report.add(
            "qualification",
            pid,
            row.date,
            f"the rating row says role {row.role.value}, not rater",
        )
    batch = r.batch
    if batch is not None and person.level(batch.skill) < batch.min_level:
        report.add(
            "qualification",
            pid,
            row.date,
            f"batch {batch.id} needs {batch.skill} level {batch.min_level}, "
            f"{pid} has {person.level(batch.skill)}",
        )


def check(instance: Instance, worked: list[Worked], report: Report) -> None:
    """`one_activity_per_shift`: one activity a shift, and one row on a queue shift."""
    dates = instance.dates
    for s in worked:
        pid, date = s.person.id, dates[s.day]
        activities = s.activities
        if len(activities) > 1:
            report.add(
                "one_activity_per_shift",
                pid,
                date,
                f"{s.template.id} has rows on {len(activities)} activities "
                f"({', '.join(activities)})",
            )
        queues = sorted({r.queue.id for r in s.rows if r.queue is not None})
        if queues and len(s.rows) > 1:
            report.add(
                "one_activity_per_shift",
                pid,
                date,
                f"queue shift {s.template.id} on {', '.join(queues)} has {len(s.rows)} rows "
                "(exactly 1 expected)",
            )
