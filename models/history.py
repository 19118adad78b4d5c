"""History from last week's roster: where each person stands when the horizon starts.

From the rows of a written roster (its dates before the horizon), per person:

- `consecutive_days_worked`: days with a shift, counted back from the day before
  the horizon (0 when that day was free);
- `consecutive_days_off`: free days counted back from the day before the horizon
  while the roster covers them (0 when that day was worked);
- `last_shift_end`: the latest end of a shift that started before the horizon;
- `hard_hours_last_week`: hard minutes of the shifts in the seven days before the
  horizon (`models.hard_work`, the checker's count: a hard queue shift whole, a
  rating shift the grading time of its hard and expert items, rounded up once to
  whole minutes; a queue or batch no longer in the instance counts as its row's
  `hard` says), in hours;
- `consecutive_hard_days`: days with a hard shift, counted back from the day before.
- `past_weeks`: each seven days counted back from the horizon while the roster
  reaches, the last first: hard hours (the first is `hard_hours_last_week`), night
  shifts (`ShiftTemplate.is_night`) and weekend days worked, for the fairness goal
  over several weeks (`rules.fairness_weeks`) and the outputs.

History given in the instance for a person wins over the roster's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from models.hard_work import hard_minutes
from models.instance import NIGHT_MINUTES, History, Instance, PastWeek, Person, night_minutes
from models.patch import patched
from models.roster import Assignment


@dataclass(frozen=True)
class HistorySources:
    """Which history each person's plan starts from: "instance", "roster" or "none"."""

    roster: str
    people: dict[str, str]


def history_from_roster(instance: Instance, rows: list[Assignment]) -> dict[str, History]:
    """Each person's history at the start of the horizon, from earlier roster rows."""
    start = instance.horizon.start
    before = [r for r in rows if r.date < start]
    covered = {r.date for r in before}
    first_day = min(covered) if covered else start
    out: dict[str, History] = {}
    by_person: dict[str, list[Assignment]] = defaultdict(list)
    for row in before:
        by_person[row.person].append(row)
    for person in instance.people:
        mine = by_person.get(person.id, [])
        worked = {r.date for r in mine}
        hard_days = {r.date for r in mine if r.hard}
        days_worked = _run_back(start, worked)
        days_off = 0 if days_worked else _run_back(start, worked, present=False, since=first_day)
        hard_run = min(_run_back(start, hard_days), days_worked)
        last_end = max((r.end for r in mine), default=None)
        week_start = start - dt.timedelta(days=7)
        hard_last_week = sum(
            _hard_minutes(instance, person, shift_rows)
            for (date, _), shift_rows in _shifts(mine).items()
            if date >= week_start
        )
        out[person.id] = History(
            consecutive_days_worked=days_worked,
            consecutive_days_off=days_off if covered else 0,
            last_shift_end=last_end,
            hard_hours_last_week=hard_last_week / 60,
            consecutive_hard_days=hard_run,
            past_weeks=_past_weeks(instance, person, mine, first_day) if covered else [],
        )
    return out


def _past_weeks(
    instance: Instance, person: Person, rows: list[Assignment], first_day: dt.date
) -> list[PastWeek]:
    """Each seven days before the horizon the roster reaches back to, the last first:
    hard hours (as `hard_hours_last_week`), night shifts and weekend days worked."""
    start = instance.horizon.start
    weeks = -(-(start - first_day).days // 7)
    shifts = _shifts(rows)
    out = []
    for k in range(weeks):
        low, high = start - dt.timedelta(days=7 * (k + 1)), start - dt.timedelta(days=7 * k)
        mine = {key: r for key, r in shifts.items() if low <= key[0] < high}
        hard = sum(_hard_minutes(instance, person, r) for r in mine.values())
        nights = sum(1 for key, r in mine.items() if _is_night(instance, r[0]))
        weekend = len({date for date, _ in mine if date.weekday() >= 5})
        out.append(PastWeek(hard_hours=hard / 60, night_shifts=nights, weekend_days=weekend))
    return out


def _is_night(instance: Instance, row: Assignment) -> bool:
    """The shift's template says; a shift no longer in the instance, by its clock times."""
    template = instance.shift_by_id.get(row.shift)
    if template is not None:
        return template.is_night
    return night_minutes(row.start, row.end) >= NIGHT_MINUTES


def merged_rosters(rosters: list[list[Assignment]]) -> list[Assignment]:
    """Several past rosters as one, oldest first: where two cover a day, the later's
    rows of that day are kept."""
    by_date: dict[dt.date, list[Assignment]] = {}
    for rows in rosters:
        days: dict[dt.date, list[Assignment]] = defaultdict(list)
        for row in rows:
            days[row.date].append(row)
        by_date.update(days)
    return [row for date in sorted(by_date) for row in by_date[date]]


def with_history(
    instance: Instance, rows: list[Assignment], source: str
) -> tuple[Instance, HistorySources]:
    """The instance with every person's history taken from the roster, unless it gives one."""
    derived = history_from_roster(instance, rows)
    used: dict[str, str] = {}
    histories: dict[str, Any] = {}
    for person in instance.people:
        if "history" in person.model_fields_set:
            used[person.id] = "instance"
        else:
            histories[f"people.{person.id}.history"] = derived[person.id].model_dump(
                mode="json", exclude_none=True
            )
            used[person.id] = "roster"
    changed = patched(instance, {"set": histories}) if histories else instance
    return changed, HistorySources(source, used)


def _run_back(
    start: dt.date, days: set[dt.date], present: bool = True, since: dt.date | None = None
) -> int:
    """Days d = start-1, start-2, ... while (d in days) == present (and d >= since)."""
    n = 0
    day = start - dt.timedelta(days=1)
    while (day in days) == present and (since is None or day >= since) and n < 366:
        n += 1
        day -= dt.timedelta(days=1)
    return n


def _shifts(rows: list[Assignment]) -> dict[tuple[dt.date, str], list[Assignment]]:
    out: dict[tuple[dt.date, str], list[Assignment]] = defaultdict(list)
    for row in rows:
        out[(row.date, row.shift)].append(row)
    return out


def _hard_minutes(instance: Instance, person: Person, rows: list[Assignment]) -> int:
    """Hard minutes of one shift from its rows (`models.hard_work`, read off the roster)."""
    first = rows[0]
    minutes = round((first.end - first.start).total_seconds() / 60)
    return hard_minutes(instance, person, minutes, rows)
