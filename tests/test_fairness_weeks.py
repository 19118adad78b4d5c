"""Fairness over many weeks: `--history` with several past rosters, decayed loads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from models import Instance, read_roster_csv
from models.history import history_from_roster, merged_rosters
from models.roster import shift_rows
from scheduler.cli import main
from tests.helpers import agent, demand, micro
from tests.test_edits import _folder, _instance_file

SOLVE = ["--workers", "1", "--seed", "0", "--quiet", "--time-limit", "30"]
RULES = {"max_hard_share": 1.0, "max_hard_days_per_week": 7, "max_consecutive_hard_days": 7}


def _week(start: str, days: int, fairness_weeks: int = 1) -> Instance:
    """Three agents who can work the hard queue; one agent of it asked for each day.
    ana costs 1 an hour, ben and cai 2, so cost alone would give ana the work. An agent
    over demand costs 1,000, more than an hour less of spread gains (20 an hour, 160 a
    shift), so no shift is added only to even the loads."""
    return micro(
        weights={"overstaffed": 1_000},
        days=days,
        horizon={"start": start, "days": days},
        rules={**RULES, "fairness_weeks": fairness_weeks},
        demand=[demand("esc", None)],
        people=[
            agent("ana", hourly_cost=1),
            agent("ben", hourly_cost=2),
            agent("cai", hourly_cost=2),
        ],
    )


def _past(tmp: Path, start: str, hard_days: dict[str, int]) -> Path:
    """A past week's output folder: each person on the hard queue that many days."""
    inst = _week(start, 7)
    rows = []
    for person, count in hard_days.items():
        for day in range(count):
            rows += shift_rows(inst, person, day, "day", "esc")
    return _folder(tmp / start, inst, rows)


def _hard_hours(out: Path) -> dict[str, float]:
    rows = read_roster_csv(out)
    return {
        p: sum(r.hours for r in rows if r.person == p and r.hard) for p in ("ana", "ben", "cai")
    }


@pytest.mark.parametrize("fairness_weeks", [1, 3])
def test_three_weeks_of_history_make_the_heaviest_carrier_get_the_least_hard_work(
    tmp_path: Path, fairness_weeks: int
) -> None:
    # Last week everyone worked one hard day (8 h); the two weeks before, ana worked
    # three hard days each (48 h) and the others none. This week has three hard
    # shifts of 8 h.
    # - Counting last week only, loads start equal (8, 8, 8): one shift each makes
    #   the spread 0, the least there is; who works which is then the same cost.
    # - Counting three weeks, ana starts at 56 h, ben and cai at 8: with none for ana
    #   the spread is at best 56 - 16 = 40 (two shifts for one of them, one for the
    #   other: 24 and 16); any shift of ana's makes it at least 64 - 16 = 48, which
    #   costs 8 x 20 = 160 more for 8 of cost saved. So ana gets none.
    past = [
        _past(tmp_path, "2026-11-09", {"ana": 3}),
        _past(tmp_path, "2026-11-16", {"ana": 3}),
        _past(tmp_path, "2026-11-23", {"ana": 1, "ben": 1, "cai": 1}),
    ]
    week = _instance_file(tmp_path / "week.yaml", _week("2026-11-30", 3, fairness_weeks))
    out = tmp_path / "out"
    history = ["--history", *map(str, past)]
    assert main(["solve", str(week), "--out", str(out), *history, *SOLVE]) == 0
    hard = _hard_hours(out)
    if fairness_weeks == 3:
        assert hard["ana"] == 0 and hard["ben"] + hard["cai"] == 24
    else:
        assert hard == {"ana": 8, "ben": 8, "cai": 8}
    people = pd.read_csv(out / "people.csv").set_index("person")
    # four weeks with this one: ana 3 + 3 + 1 hard days before, 8 h each, and this week's
    assert people.loc["ana", "weeks"] == 4
    assert people.loc["ana", "hard_hours_all_weeks"] == 56 + hard["ana"]
    assert people.loc["ana", "night_shifts_all_weeks"] == 0
    assert "over 4 weeks with this one" in (out / "report.html").read_text()


def test_the_decay_weighs_each_week_further_back_less() -> None:
    # weeks before the horizon, last first: 8, 16, 32 hard hours. With three weeks
    # counted and a decay of 0.5: 8 + 0.5 x 16 + 0.25 x 32 = 24 h = 1,440 minutes
    inst = _week("2026-11-30", 3)
    data = inst.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["rules"].update(fairness_weeks=3, fairness_decay=0.5)
    data["people"][0]["history"] = {
        "past_weeks": [{"hard_hours": 8}, {"hard_hours": 16}, {"hard_hours": 32}]
    }
    decayed = Instance.model_validate(data)
    assert decayed.carried_hard_minutes(decayed.people[0]) == 1_440
    # two weeks counted: 8 + 0.5 x 16 = 16 h
    data["rules"]["fairness_weeks"] = 2
    assert Instance.model_validate(data).carried_hard_minutes(decayed.people[0]) == 960


def test_past_weeks_count_nights_and_weekends_from_the_rosters(tmp_path: Path) -> None:
    # ana works a night shift (22:00, 8 h) on Saturday 2026-11-28 and Sunday the 29th,
    # and a day shift on Saturday the 21st: last week 2 nights and 2 weekend days,
    # the week before 0 nights and 1 weekend day
    shifts = [
        {"id": "day", "start": "09:00", "hours": 8},
        {"id": "night", "start": "22:00", "hours": 8},
    ]
    inst = micro(
        days=14, horizon={"start": "2026-11-16", "days": 14}, shifts=shifts, people=[agent("ana")]
    )
    rows = shift_rows(inst, "ana", 12, "night", "general") + shift_rows(
        inst, "ana", 13, "night", "general"
    )
    older = shift_rows(inst, "ana", 5, "day", "general")
    now = micro(days=7, shifts=shifts, people=[agent("ana")])
    merged = merged_rosters([older, rows])
    (weeks,) = [h.past_weeks for h in history_from_roster(now, merged).values()]
    assert [(w.night_shifts, w.weekend_days) for w in weeks] == [(2, 2), (0, 1)]
    # a later roster's rows win on the days both cover
    assert merged_rosters([rows, []]) == rows
    assert dt.date(2026, 11, 21) in {r.date for r in merged}
