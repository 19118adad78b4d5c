"""Week after week: each week planned with the one before as its history.

The demo week has a night shift (22:00-06:00), so Sunday's night ends on the next
week's Monday morning: a shift that began before the horizon and ends inside it.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models import Assignment, Instance
from models.history import with_history
from models.moved import moved
from models.roster import read_roster_csv
from scheduler.checker import evaluate
from scheduler.cli import main
from scheduler.formats import read_instance
from tests.checker.micro import build, work
from tests.helpers import ROOT

DEMO = ROOT / "instances" / "demo-week.yaml"
WEEKS = 4


def write_week(instance: Instance, path: Path) -> Path:
    """The instance as a file of our format, with only what it sets."""
    document = instance.model_dump(mode="json", by_alias=True, exclude_unset=True)
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path


def test_the_demo_week_four_weeks_in_a_row(tmp_path: Path) -> None:
    first = read_instance(DEMO)
    folders: list[Path] = []
    for k in range(WEEKS):
        # week k is the demo week k x 7 days on, its history from the weeks before
        week = DEMO if k == 0 else write_week(moved(first, 7 * k), tmp_path / f"week{k}.yaml")
        out = tmp_path / f"out{k}"
        history = ["--history", *map(str, folders)] if folders else []
        argv = ["solve", str(week), "--out", str(out), "--quiet", "--no-exports"]
        argv += ["--workers", "1", "--seed", "0", "--deterministic-time", "1.5", *history]
        assert main(argv) in (0, 1), f"week {k} found no roster"
        assert main(["verify", str(week), str(out)]) == 0, f"week {k} breaks a rule"
        folders.append(out)
    rows = [row for folder in folders for row in read_roster_csv(folder)]
    nights = [r for r in rows if r.shift == "night" and r.date.weekday() == 6]
    assert nights, "no Sunday night was worked: the boundary was not exercised"
    assert_rest_holds_across_weeks(first, rows)


def assert_rest_holds_across_weeks(instance: Instance, rows: list[Assignment]) -> None:
    """Recomputed here over all weeks as one: no two shifts of a person overlap, and
    between shifts on different days each person rests `min_rest_hours` (clock times
    of one zone without a change in these weeks, so clock differences are elapsed)."""
    shifts: dict[str, set[tuple[dt.datetime, dt.datetime, dt.date]]] = defaultdict(set)
    for row in rows:
        shifts[row.person].add((row.start, row.end, row.date))
    for person, worked in shifts.items():
        rest = dt.timedelta(minutes=instance.person_by_id[person].contract.min_rest_minutes)
        ordered = sorted(worked)
        for (_, end, day), (start, _, next_day) in itertools.pairwise(ordered):
            assert start >= end, f"{person}: shifts overlap at {start}"
            if next_day > day:
                assert start - end >= rest, f"{person}: rests {start - end} before {start}"


# -- every roster the checker accepts gives a history the next week accepts


def accepted(instance: Instance, rows: list[Assignment]) -> list[Assignment]:
    """The rows less every shift the checker names in a violation, until it names none."""
    while True:
        broken = {(v.person, v.date) for v in evaluate(instance, rows).violations}
        if not broken:
            return rows
        rows = [r for r in rows if (r.person, r.date) not in broken]
        if not rows:
            return rows


@st.composite
def weeks_and_rosters(draw: st.DrawFn) -> tuple[Instance, list[Assignment]]:
    # a shift of up to 24 h starting late enough to cross midnight into the next week
    hours = draw(st.integers(min_value=1, max_value=24))
    start = draw(st.sampled_from(["00:00", "06:00", "14:00", "18:00", "22:00", "23:30"]))
    rest = draw(st.integers(min_value=0, max_value=16))
    days = draw(st.integers(min_value=1, max_value=7))
    people: dict[str, dict[str, Any]] = {
        pid: {"contract": {"min_rest_hours": rest, "max_hours_per_week": 168}}
        for pid in ("ana", "bob")
    }
    instance = build(
        horizon={"days": days},
        shifts=[{"id": "long", "start": start, "hours": hours}],
        people=people,
    )
    picks = draw(
        st.lists(
            st.tuples(st.sampled_from(["ana", "bob"]), st.integers(0, days - 1)),
            max_size=2 * days,
            unique=True,
        )
    )
    shift = draw(st.sampled_from(["long", "night", "late"]))
    rows = [row for person, day in picks for row in work(instance, person, day, shift)]
    return instance, accepted(instance, rows)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(weeks_and_rosters())
def test_every_accepted_roster_gives_a_history_the_next_week_accepts(
    case: tuple[Instance, list[Assignment]],
) -> None:
    instance, rows = case
    assert evaluate(instance, rows).violations == []
    following = moved(instance, instance.horizon.days)
    carried, sources = with_history(following, rows, "last week")  # raises if refused
    for person in carried.people:
        mine = [r for r in rows if r.person == person.id]
        assert sources.people[person.id] == "roster"
        assert person.history.last_shift_end == max((r.end for r in mine), default=None)
    # the week after, nobody working, keeps every rule with that history
    assert evaluate(carried, []).violations == []
