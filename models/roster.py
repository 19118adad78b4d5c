"""The roster: rows people read, and the CSV they are written to and read back from.

One row per person, day, shift and piece of work. A queue shift is one row.
A rating shift is one row per batch graded in it (with its items and the time
they take) plus, when time is left over, a row without a batch for that time.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.cells import from_cell, to_cell
from models.errors import InputError, format_path
from models.instance import RATING, Instance, Role

ROSTER_COLUMNS = [
    "date",
    "shift",
    "start",
    "end",
    "person",
    "name",
    "role",
    "activity",
    "batch",
    "items",
    "hours",
    "hard",
]
"""The columns of `roster.csv`, in order. Stable across releases and formats."""
TEXT_COLUMNS = ("shift", "person", "name", "role", "activity", "batch")
"""The columns of text (the rest are dates, times, numbers and yes or no), written safe
for a spreadsheet and read back as they were (`models.cells`)."""

_TIME = "%Y-%m-%d %H:%M"


class Assignment(BaseModel):
    """One row of the roster."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    date: dt.date = Field(description="The day the shift starts.")
    shift: str
    start: dt.datetime = Field(description="Local clock time.")
    end: dt.datetime = Field(description="Local clock time; may be on the next date.")
    person: str
    name: str = ""
    role: Role
    activity: str = Field(description="A queue id, or 'rating'.")
    batch: str = Field(default="", description="The batch graded; empty otherwise.")
    items: int = Field(default=0, ge=0)
    hours: float = Field(ge=0, description="Time of this row: the shift, or the grading.")
    hard: bool = Field(description="The shift holds hard work (hard queue, hard or expert batch).")

    def as_row(self) -> dict[str, str]:
        return {
            "date": self.date.isoformat(),
            "shift": self.shift,
            "start": self.start.strftime(_TIME),
            "end": self.end.strftime(_TIME),
            "person": self.person,
            "name": self.name,
            "role": self.role.value,
            "activity": self.activity,
            "batch": self.batch,
            "items": str(self.items),
            "hours": f"{self.hours:.2f}",
            "hard": "yes" if self.hard else "no",
        }


def shift_rows(
    instance: Instance,
    person: str,
    day: int,
    shift: str,
    activity: str,
    items: dict[str, int] | None = None,
) -> list[Assignment]:
    """The rows of one shift worked, as docs/rules.md writes them ("Roster rows").

    A queue shift is one row of the shift's hours, hard when its queue is. A rating
    shift is a row per batch with items (their grading time), then, when at least a
    minute is left over, a row without a batch for that time; it is hard when it
    grades a hard or expert item. The ids must be known (the caller checks them).
    """
    who = instance.person_by_id[person]
    template = instance.shift_by_id[shift]
    start, end = instance.shift_times(day, template)
    graded = {b: n for b, n in (items or {}).items() if n > 0}
    if activity == RATING:
        hard = any(instance.batch_by_id[b].difficulty.is_hard for b in graded)
    else:
        hard = instance.queue_by_id[activity].hard
    base = Assignment(
        date=instance.dates[day],
        shift=shift,
        start=start,
        end=end,
        person=person,
        name=who.name,
        role=Role.agent if activity != RATING else Role.rater,
        activity=activity,
        hours=template.hours,
        hard=hard,
    )
    if activity != RATING:
        return [base]
    rows = []
    used_ms = 0
    for batch, n in graded.items():
        ms = n * instance.item_ms(who, instance.batch_by_id[batch])
        used_ms += ms
        rows.append(
            base.model_copy(update={"batch": batch, "items": n, "hours": round(ms / 3_600_000, 2)})
        )
    left_ms = template.minutes * 60_000 - used_ms
    if left_ms >= 60_000:  # time left over, when at least a minute
        rows.append(base.model_copy(update={"hours": round(left_ms / 3_600_000, 2)}))
    return rows


def sort_key(row: Assignment) -> tuple[dt.date, dt.datetime, str, str, bool, str]:
    """Rows by day, start, person; within a rating shift the batches, then time left over."""
    return (row.date, row.start, row.person, row.activity, row.batch == "", row.batch)


def write_roster_csv(rows: list[Assignment], path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=ROSTER_COLUMNS)
        writer.writeheader()
        for row in sorted(rows, key=sort_key):
            cells = row.as_row()
            writer.writerow({c: to_cell(v) if c in TEXT_COLUMNS else v for c, v in cells.items()})


def read_roster_csv(path: Path) -> list[Assignment]:
    """Read a roster written by `write_roster_csv` (or by hand in the same columns); a
    text cell quoted against formulas is read as the text it holds."""
    if path.is_dir():
        path = path / "roster.csv"
    if not path.exists():
        raise InputError([f"{path}: file not found"])
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            raw_rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError([f"{path}: cannot be read as CSV: {exc}"]) from None
    missing = [c for c in ROSTER_COLUMNS if c not in columns]
    if missing:
        raise InputError([f"{path}: missing column {c!r}" for c in missing])
    rows = []
    problems = []
    for number, raw in enumerate(raw_rows, start=2):
        record: dict[str, object] = {
            c: from_cell(cell) if c in TEXT_COLUMNS else cell
            for c in ROSTER_COLUMNS
            for cell in [(raw.get(c) or "").strip()]
        }
        hard = str(record["hard"]).lower()
        if hard not in ("yes", "no", "true", "false", "1", "0"):
            problems.append(f"{path}: row {number}: hard: {record['hard']!r} is not yes or no")
            continue
        record["hard"] = hard in ("yes", "true", "1")
        record["items"] = record["items"] or "0"
        try:
            rows.append(Assignment.model_validate(record))
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                problems.append(
                    f"{path}: row {number}: {format_path(tuple(error['loc']))}: "
                    f"{error['msg']} (got {error.get('input')!r})"
                )
    if problems:
        raise InputError(problems)
    return rows
