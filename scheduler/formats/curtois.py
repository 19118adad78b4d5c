"""The Curtois-Qu shift scheduling benchmark format, read into our own instance model.

Instances 1-24 of Curtois and Qu (2014) ("Employee Shift Scheduling Benchmark
Data Sets", schedulingbenchmarks.org, where the format and its rules are published;
the copies used here and their source: benchmarks/data/curtois-qu/README.md). The
mapping uses our rules, not a separate model:

- day index 0 .. h-1: dates from Monday 2014-01-06;
- shift type, length, forbidden next types: a shift template (`hours`,
  `forbidden_next`), every one starting at 00:00;
- staff: an agent with skill `work`, on one queue `cover`;
- MaxShifts per type: `contract.max_shifts` (left out when >= h);
- Min/MaxTotalMinutes: `contract.min_hours_total` / `max_hours_total` (hard);
- Max/MinConsecutiveShifts, MinConsecutiveDaysOff: `max_consecutive_days`,
  `min_consecutive_days`, `min_consecutive_days_off` (runs at the horizon's edges
  exempt, as in the published model);
- MaxWeekends: `max_weekends`; days off: `days_off`;
- shift on / off requests: `want` / `avoid` preferences with their weights;
- cover (requirement, under and over weights): demand rows with `under_weight` /
  `over_weight`.

No weekly limits apply (40 h a week, 5 days a week and 11 h rest are lifted),
and the goal weights other than preferences (1 per point) and the per-row
cover weights are 0, so the objective is the benchmark's own.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from models.instance import Instance, Role
from models.roster import Assignment

START = dt.date(2014, 1, 6)
"""Day 0 of every benchmark instance: a Monday."""

_SECTION = re.compile(r"^SECTION_[A-Z_]+$")


def is_curtois(path: Path) -> bool:
    """Whether a file is in the benchmark's plain-text format."""
    if path.suffix.lower() != ".txt" or not path.is_file():
        return False
    with path.open(encoding="utf-8", errors="replace") as handle:
        head = handle.read(4096)
    return "SECTION_HORIZON" in head


def _sections(text: str) -> dict[str, list[list[str]]]:
    sections: dict[str, list[list[str]]] = {}
    current: list[list[str]] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if _SECTION.match(line):
            current = sections.setdefault(line, [])
            continue
        if current is None:
            raise ValueError(f"line {raw!r} comes before any SECTION_ heading")
        current.append([field.strip() for field in line.split(",")])
    return sections


def curtois_data(path: Path) -> dict[str, Any]:
    """The benchmark file as instance data (raises ValueError naming the problem)."""
    s = _sections(path.read_text(encoding="utf-8"))
    horizon = int(s["SECTION_HORIZON"][0][0])
    dates = [(START + dt.timedelta(days=d)).isoformat() for d in range(horizon)]
    shifts = []
    for fields in s["SECTION_SHIFTS"]:
        shift_id, minutes, forbidden = (
            fields[0],
            int(fields[1]),
            fields[2] if len(fields) > 2 else "",
        )
        shifts.append(
            {
                "id": shift_id,
                "start": "00:00",
                "hours": minutes / 60,
                "forbidden_next": [f for f in forbidden.split("|") if f],
            }
        )
    people: list[dict[str, Any]] = []
    by_id: dict[str, dict[str, Any]] = {}
    for fields in s["SECTION_STAFF"]:
        pid, max_shifts, max_total, min_total, max_seq, min_seq, min_off, max_weekends = fields
        limits = {}
        for pair in max_shifts.split("|"):
            shift_id, limit = pair.split("=")
            if int(limit) < horizon:
                limits[shift_id] = int(limit)
        person = {
            "id": pid,
            "roles": [Role.agent.value],
            "skills": {"work": 1},
            "hourly_cost": 0,
            "contract": {
                "max_hours_per_week": 168,
                "max_days_per_week": 7,
                "min_rest_hours": 0,
                "max_consecutive_days": int(max_seq),
                "min_consecutive_days": int(min_seq),
                "min_consecutive_days_off": int(min_off),
                "max_weekends": int(max_weekends),
                "max_hours_total": int(max_total) / 60,
                "min_hours_total": int(min_total) / 60,
                "max_shifts": limits,
            },
            "days_off": [],
            "preferences": [],
        }
        people.append(person)
        by_id[pid] = person
    for fields in s.get("SECTION_DAYS_OFF", []):
        by_id[fields[0]]["days_off"] += [dates[int(d)] for d in fields[1:] if d]
    for section, kind in (
        ("SECTION_SHIFT_ON_REQUESTS", "want"),
        ("SECTION_SHIFT_OFF_REQUESTS", "avoid"),
    ):
        for pid, day, shift_id, weight in s.get(section, []):
            by_id[pid]["preferences"].append(
                {"kind": kind, "day": dates[int(day)], "shift": shift_id, "weight": int(weight)}
            )
    demand = [
        {
            "queue": "cover",
            "shift": shift_id,
            "day": dates[int(day)],
            "agents": abs(int(required)),
            "under_weight": int(under),
            "over_weight": int(over),
        }
        for day, shift_id, required, under, over in s["SECTION_COVER"]
    ]
    return {
        "name": path.stem,
        "horizon": {"start": START.isoformat(), "days": horizon, "timezone": "UTC"},
        "skills": ["work"],
        "shifts": shifts,
        "queues": [{"id": "cover", "skill": "work"}],
        "demand": demand,
        "people": people,
        "weights": {
            "uncovered": 0,
            "overstaffed": 0,
            "uncovered_intervals": 0,
            "overstaffed_intervals": 0,
            "late_items": 0,
            "unfinished_items": 0,
            "hard_spread": 0,
            "preferences": 1,
            "min_hours_short": 0,
            "cost": 0,
        },
    }


def read_reference_rosters(path: Path, instance: Instance) -> list[tuple[list[Assignment], int]]:
    """The rosters printed in a `.txt.out` reference file, each with its printed objective.

    Each roster is one line per employee, `  A: D=D= . .`: two characters a day, the
    shift id padded with `=`, ` .` for a day off; then `Final solution ...: 608`.
    """
    out: list[tuple[list[Assignment], int]] = []
    rows: list[Assignment] = []
    line_re = re.compile(r"^\s*([A-Za-z0-9_]+):\s?(.*)$")
    for raw in path.read_text(encoding="utf-8").splitlines():
        final = re.match(r"^Final solution.*:\s*(-?\d+)", raw)
        if final:
            out.append((rows, int(final.group(1))))
            rows = []
            continue
        match = line_re.match(raw)
        if not match or match.group(1) not in instance.person_by_id:
            continue
        cells = match.group(2).rstrip("\n")
        cells = cells.ljust(2 * instance.horizon.days)
        for d in range(instance.horizon.days):
            cell = cells[2 * d : 2 * d + 2].replace("=", "").strip()
            if not cell or cell == ".":
                continue
            shift = instance.shift_by_id[cell]
            start, end = instance.shift_times(d, shift)
            rows.append(
                Assignment(
                    date=instance.dates[d],
                    shift=cell,
                    start=start,
                    end=end,
                    person=match.group(1),
                    role=Role.agent,
                    activity="cover",
                    hours=shift.hours,
                    hard=False,
                )
            )
    return out
