"""The .ics files parsed back with icalendar: every shift at its local times, in its zone."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar, Event

from scheduler.outputs import calendars
from scheduler.outputs.exports import OutputData
from tests.outputs.test_spreadsheet import SMALL, csv_rows, solve_folder

UTC = dt.UTC
Shift = tuple[str, str, str]
"""(person, date, shift)"""


def parse(path: Path) -> Calendar:
    calendar = Calendar.from_ical(path.read_bytes())
    assert isinstance(calendar, Calendar)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == calendars.PRODID
    return calendar


def events(calendar: Calendar) -> list[Event]:
    found = [e for e in calendar.walk("VEVENT") if isinstance(e, Event)]
    assert len(found) == len(calendar.walk("VEVENT"))
    return found


def when(event: Event, key: str) -> dt.datetime:
    value = event.decoded(key)
    assert isinstance(value, dt.datetime)
    return value


def shifts_in_csv(folder: Path) -> dict[Shift, list[dict[str, str]]]:
    shifts: dict[Shift, list[dict[str, str]]] = defaultdict(list)
    for row in csv_rows(folder):
        shifts[(row["person"], row["date"], row["shift"])].append(row)
    return shifts


def local(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%d %H:%M")


def check_event(event: Event, rows: list[dict[str, str]], timezone: str) -> None:
    """The event of a shift: its local times in the zone, summary, description, categories."""
    start, end = when(event, "DTSTART"), when(event, "DTEND")
    if timezone == "UTC":
        assert start.utcoffset() == dt.timedelta(0)
    else:
        assert event["DTSTART"].params["TZID"] == timezone
        assert event["DTEND"].params["TZID"] == timezone
    assert start.replace(tzinfo=None) == local(rows[0]["start"])
    assert end.replace(tzinfo=None) == local(rows[0]["end"])
    zone = ZoneInfo(timezone)  # the same instants as the roster's local times
    assert start.astimezone(UTC) == local(rows[0]["start"]).replace(tzinfo=zone).astimezone(UTC)
    assert end.astimezone(UTC) == local(rows[0]["end"]).replace(tzinfo=zone).astimezone(UTC)
    assert when(event, "DTSTAMP").utcoffset() == dt.timedelta(0)
    summary = str(event["SUMMARY"])
    assert f"{rows[0]['shift']} · " in summary
    description = str(event["DESCRIPTION"])
    cats = set(category_list(event))
    for row in rows:
        assert row["activity"] in cats
        if row["activity"] != "rating":
            assert row["activity"] in summary
        elif row["batch"]:
            assert row["batch"] in summary
            assert f"{row['batch']}: {row['items']} items" in description
        else:
            assert "Time left over" in description
    hard = any(row["hard"] == "yes" for row in rows)
    assert ("Hard work." in description) == hard
    assert (calendars.HARD_CATEGORY in cats) == hard


def category_list(event: Event) -> list[str]:
    value: Any = event.get("CATEGORIES")
    values = value if isinstance(value, list) else [value]
    return [str(c) for v in values for c in v.cats]


def check_folder(folder: Path) -> None:
    """Every person's file and team.ics hold exactly the shifts of roster.csv."""
    data = OutputData.load(folder)
    timezone = data.instance.horizon.timezone
    shifts = shifts_in_csv(folder)
    names = {row[0]["person"]: row[0]["name"] for row in shifts.values()}
    ics = folder / "calendars"
    people = {person for person, _, _ in shifts}
    expected_files = {calendars.file_name(p) for p in people} | {"team.ics"}
    assert {p.name for p in ics.glob("*.ics")} == expected_files

    for person in people:
        calendar = parse(ics / calendars.file_name(person))
        if timezone != "UTC":
            assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == [timezone]
        found = events(calendar)
        uids = [str(e["UID"]) for e in found]
        assert len(set(uids)) == len(uids)
        own = {key: rows for key, rows in shifts.items() if key[0] == person}
        assert sorted(uids) == sorted(f"{p}-{d}-{s}@roster" for p, d, s in own)
        by_uid = {str(e["UID"]): e for e in found}
        for (p, d, s), rows in own.items():
            check_event(by_uid[f"{p}-{d}-{s}@roster"], rows, timezone)

    team = parse(ics / "team.ics")
    found = events(team)
    assert len(found) == len(shifts)  # every shift once
    by_uid = {str(e["UID"]): e for e in found}
    assert len(by_uid) == len(found)
    for (p, d, s), rows in shifts.items():
        event = by_uid[f"{p}-{d}-{s}@roster"]
        check_event(event, rows, timezone)
        assert str(event["SUMMARY"]).startswith(f"{names[p]}: {s} · ")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return solve_folder(SMALL, tmp_path_factory.mktemp("ics") / "small-week")


def test_small_week(small: Path) -> None:
    check_folder(small)
    shifts = shifts_in_csv(small)
    assert any(
        row["activity"] == "rating" and row["batch"] for rows in shifts.values() for row in rows
    )
    assert any(row["hard"] == "yes" for rows in shifts.values() for row in rows)


def test_uids_stable_across_writes(small: Path, tmp_path: Path) -> None:
    data = OutputData.load(small)
    calendars.write(data, tmp_path / "one")
    calendars.write(data, tmp_path / "two")

    def uid_times(folder: Path) -> dict[str, dict[str, tuple[dt.datetime, dt.datetime]]]:
        return {
            path.name: {
                str(e["UID"]): (when(e, "DTSTART"), when(e, "DTEND")) for e in events(parse(path))
            }
            for path in sorted(folder.glob("*.ics"))
        }

    first, second = uid_times(tmp_path / "one"), uid_times(tmp_path / "two")
    assert first == second
    assert first == uid_times(small / "calendars")


def test_rewrite_drops_people_without_shifts(small: Path, tmp_path: Path) -> None:
    data = OutputData.load(small)
    calendars.write(data, tmp_path)
    person = data.roster[0].person
    fewer = [row for row in data.roster if row.person != person]
    calendars.write(OutputData(**{**data.__dict__, "roster": fewer}), tmp_path)
    assert not (tmp_path / f"{person}.ics").exists()
    team = events(parse(tmp_path / "team.ics"))
    assert all(not str(e["UID"]).startswith(f"{person}-") for e in team)


def instance(
    name: str, start: str, days: int, timezone: str, shifts: list[dict[str, Any]]
) -> dict[str, Any]:
    """Two agents, a general queue, one agent on every shift every day."""
    return {
        "name": name,
        "horizon": {"start": start, "days": days, "timezone": timezone},
        "skills": ["general"],
        "shifts": shifts,
        "queues": [{"id": "general", "skill": "general"}],
        "demand": [{"queue": "general", "shift": s["id"], "agents": 1} for s in shifts],
        "people": [
            {"id": "ana", "name": "Ana", "roles": ["agent"], "skills": {"general": 2}},
            {"id": "ben", "name": "Ben", "roles": ["agent"], "skills": {"general": 2}},
            {"id": "cy", "name": "Cy", "roles": ["agent"], "skills": {"general": 2}},
        ],
    }


def solve_instance(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / f"{data['name']}.json"
    path.write_text(json.dumps(data))
    return solve_folder(path, tmp_path / "out")


def events_by_start(folder: Path) -> dict[dt.datetime, Event]:
    found = events(parse(folder / "calendars" / "team.ics"))
    return {when(e, "DTSTART").replace(tzinfo=None): e for e in found}


def test_night_shift_ends_the_next_day(tmp_path: Path) -> None:
    data = instance(
        "nights", "2026-11-30", 3, "Europe/Berlin", [{"id": "night", "start": "22:00", "hours": 8}]
    )
    folder = solve_instance(tmp_path, data)
    check_folder(folder)
    by_start = events_by_start(folder)
    assert len(by_start) == 3
    for day in (30, 1, 2):
        month = 11 if day == 30 else 12
        start = dt.datetime(2026, month, day, 22)
        end = when(by_start[start], "DTEND")
        assert end.replace(tzinfo=None) == start + dt.timedelta(hours=8)
        assert end.date() == start.date() + dt.timedelta(days=1)
        assert (end.hour, end.minute) == (6, 0)
        assert "Ends the next day at 06:00." in str(by_start[start]["DESCRIPTION"])


def vtimezone(folder: Path) -> dt.tzinfo:
    """The zone as the file's own VTIMEZONE defines it (not the system's database)."""
    calendar = parse(folder / "calendars" / "team.ics")
    zones = calendar.timezones
    assert len(zones) == 1
    zone = zones[0].to_tz(lookup_tzid=False)
    assert isinstance(zone, dt.tzinfo)
    return zone


def test_berlin_across_the_change_to_summer_time(tmp_path: Path) -> None:
    """Europe/Berlin goes from +01:00 to +02:00 at 02:00 on Sun 2026-03-29."""
    data = instance(
        "berlin",
        "2026-03-27",
        4,
        "Europe/Berlin",
        [
            {"id": "day", "start": "09:00", "hours": 8},
            {"id": "night", "start": "22:00", "hours": 8},
        ],
    )
    folder = solve_instance(tmp_path, data)
    check_folder(folder)
    by_start = events_by_start(folder)
    assert str(by_start[dt.datetime(2026, 3, 28, 9)]["DTSTART"].params["TZID"]) == "Europe/Berlin"
    utc = {k: when(e, "DTSTART").astimezone(UTC) for k, e in by_start.items()}
    assert utc[dt.datetime(2026, 3, 28, 9)] == dt.datetime(2026, 3, 28, 8, tzinfo=UTC)  # CET
    assert utc[dt.datetime(2026, 3, 29, 9)] == dt.datetime(2026, 3, 29, 7, tzinfo=UTC)  # CEST
    night = by_start[dt.datetime(2026, 3, 28, 22)]  # 22:00 CET to 06:00 CEST: 7 h of real time
    assert when(night, "DTSTART").astimezone(UTC) == dt.datetime(2026, 3, 28, 21, tzinfo=UTC)
    assert when(night, "DTEND").astimezone(UTC) == dt.datetime(2026, 3, 29, 4, tzinfo=UTC)
    zone = vtimezone(folder)  # the VTIMEZONE carries the change
    assert dt.datetime(2026, 3, 28, 22, tzinfo=zone).utcoffset() == dt.timedelta(hours=1)
    assert dt.datetime(2026, 3, 29, 6, tzinfo=zone).utcoffset() == dt.timedelta(hours=2)
    text = (folder / "calendars" / "team.ics").read_text()
    assert "BEGIN:VTIMEZONE" in text and "DTSTART;TZID=Europe/Berlin:20260328T220000" in text


def test_new_york(tmp_path: Path) -> None:
    """America/New_York goes from -05:00 to -04:00 on Sun 2026-03-08."""
    data = instance(
        "new-york",
        "2026-03-06",
        4,
        "America/New_York",
        [{"id": "day", "start": "09:00", "hours": 8}],
    )
    folder = solve_instance(tmp_path, data)
    check_folder(folder)
    by_start = events_by_start(folder)
    event = by_start[dt.datetime(2026, 3, 6, 9)]
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert when(event, "DTSTART").astimezone(UTC) == dt.datetime(2026, 3, 6, 14, tzinfo=UTC)
    later = by_start[dt.datetime(2026, 3, 9, 9)]
    assert when(later, "DTSTART").astimezone(UTC) == dt.datetime(2026, 3, 9, 13, tzinfo=UTC)
    zone = vtimezone(folder)
    assert dt.datetime(2026, 3, 6, 9, tzinfo=zone).utcoffset() == dt.timedelta(hours=-5)
    assert dt.datetime(2026, 3, 9, 9, tzinfo=zone).utcoffset() == dt.timedelta(hours=-4)


def test_a_person_called_team(tmp_path: Path) -> None:
    assert calendars.file_name("team") == "_team.ics"
    assert calendars.file_name("Team") == "_Team.ics"
    assert calendars.file_name("ana") == "ana.ics"
