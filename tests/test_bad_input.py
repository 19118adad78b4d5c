"""Bad input: every broken instance is refused with a located message and exit status 2.

Each case starts from one small valid instance, breaks one thing, and runs it
through `roster validate` and `roster solve`. Both must exit 2, print only
`error:` lines that name the file (or CSV file and row), the field path and the
value, never a traceback, and `solve` must leave no output folder behind.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from scheduler.cli import EXIT_BAD_INPUT, EXIT_OK, main

# Wednesday 2 December 2026, for a week: Wed 2 ... Tue 8.
VALID: dict[str, Any] = {
    "name": "tiny",
    "horizon": {"start": "2026-12-02", "days": 7, "timezone": "Europe/Berlin"},
    "skills": ["safety", "code"],
    "shifts": [
        {"id": "day", "start": "08:00", "hours": 8},
        {"id": "night", "start": "22:00", "hours": 8, "weekdays": ["mon", "tue", "wed", "thu"]},
    ],
    "queues": [{"id": "chat", "skill": "safety", "min_level": 2}],
    "demand": [{"queue": "chat", "shift": "day", "agents": 1}],
    "people": [
        {"id": "ann", "roles": ["agent"], "skills": {"safety": 3}},
        {
            "id": "bob",
            "roles": ["rater"],
            "skills": {"code": 2},
            "contract": {"max_hours_per_week": 32},
        },
    ],
    "batches": [
        {
            "id": "b1",
            "items": 200,
            "difficulty": "hard",
            "skill": "code",
            "release": "2026-12-02",
            "deadline": "2026-12-05",
        }
    ],
}

PEOPLE_CSV = "id,name,roles,skills.safety,skills.code,contract.max_hours_per_week\n"
Writer = Callable[[Path], Path]


@dataclass(frozen=True)
class Case:
    id: str
    write: Writer
    expect: tuple[str, ...]
    never: tuple[str, ...] = ()  # pieces the message must not contain


def _dump(data: Any, path: Path) -> Path:
    if path.suffix == ".json":
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def broken(change: Callable[[dict[str, Any]], None], name: str = "instance.yaml") -> Writer:
    """The valid instance with one thing changed, written to `name`."""

    def write(folder: Path) -> Path:
        data = copy.deepcopy(VALID)
        change(data)
        return _dump(data, folder / name)

    return write


def setting(*where: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change that sets the field at `where` (keys and list indices) to `value`."""

    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in where[:-1]:
            target = target[key]
        target[where[-1]] = value

    return change


def updating(*where: str | int, **fields: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        target: Any = data
        for key in where:
            target = target[key]
        target.update(fields)

    return change


def raw(content: str | bytes, name: str = "instance.yaml") -> Writer:
    def write(folder: Path) -> Path:
        path = folder / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write


def with_people_csv(rows: str, header: str = PEOPLE_CSV, name: str = "people.csv") -> Writer:
    """The valid instance with its people in a CSV file beside it."""

    def write(folder: Path) -> Path:
        (folder / "people.csv").write_text(header + rows, encoding="utf-8")
        data = copy.deepcopy(VALID)
        data["people"] = name
        return _dump(data, folder / "instance.yaml")

    return write


def missing(folder: Path) -> Path:
    return folder / "nope.yaml"


def folder_named_like_a_file(folder: Path) -> Path:
    path = folder / "instance.yaml"
    path.mkdir()
    return path


def add_batch_copy(data: dict[str, Any]) -> None:
    data["batches"].append(dict(data["batches"][0]))


def past_the_calendar(data: dict[str, Any]) -> None:
    data["horizon"]["start"] = "9999-12-30"
    data["batches"] = []


def past_the_calendar_with_a_weekday(data: dict[str, Any]) -> None:
    past_the_calendar(data)
    data["people"][0]["fixed"] = [{"day": "fri", "shift": "day"}]


def drop_horizon(data: dict[str, Any]) -> None:
    del data["horizon"]


def fixing(person: int, **fixed: Any) -> Callable[[dict[str, Any]], None]:
    """A change that fixes person `person` to one shift (Thursday 3 December by default)."""
    return setting("people", person, "fixed", value=[{"day": "2026-12-03", **fixed}])


def both(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        for one in changes:
            one(data)

    return change


CASES = [
    # -- the file itself
    Case("missing file", missing, ("nope.yaml", "file not found")),
    Case("empty file", raw(""), ("instance.yaml", "the file is empty")),
    Case(
        "comments only",
        raw("# nothing here yet\n"),
        ("instance.yaml", "must be a mapping of fields, not an empty value"),
    ),
    Case("folder instead of file", folder_named_like_a_file, ("instance.yaml", "is a folder")),
    Case(
        "yaml syntax error",
        raw("horizon: {start: '2026-12-02'\npeople: [ann\n"),
        (
            "instance.yaml",
            "line 2, column 1: YAML syntax error",
            "while parsing a flow mapping at line 1, column 10",
        ),
    ),
    Case(
        "yaml duplicate key",
        raw("name: a\nhorizon: {start: '2026-12-02'}\nname: b\n"),
        ("instance.yaml", "line 3, column 1", "duplicate key 'name' (first on line 1)"),
    ),
    Case(
        "json syntax error",
        raw('{\n  "name": "tiny",\n  "horizon": {"start": "2026-12-02",}\n}', "instance.json"),
        ("instance.json", "line 3, column 37", "JSON syntax error"),
    ),
    Case(
        "json duplicate key",
        raw('{"name": "a", "name": "b"}', "instance.json"),
        ("instance.json", "duplicate key 'name'"),
    ),
    Case("unknown extension", raw("name: x\n", "instance.toml"), ("instance.toml", "'.toml'")),
    Case(
        "not utf-8",
        raw(b"name: caf\xe9\n"),
        ("instance.yaml", "not UTF-8", "0xe9"),
    ),
    Case(
        "top level is a list",
        raw("- ann\n- bob\n"),
        ("instance.yaml", "top level must be a mapping", "not a list"),
    ),
    Case("required field missing", broken(drop_horizon), ("horizon", "required field is missing")),
    # -- one field's value
    Case(
        "items not a number",
        broken(setting("batches", 0, "items", value="many")),
        ("batches[0].items", "'many' is not a whole number"),
    ),
    Case(
        "negative items",
        broken(setting("batches", 0, "items", value=-5)),
        ("batches[0].items", "-5 is below the minimum 1"),
    ),
    Case(
        "zero items",
        broken(setting("batches", 0, "items", value=0)),
        ("batches[0].items", "0 is below the minimum 1"),
    ),
    Case(
        "absurdly many items",
        broken(setting("batches", 0, "items", value=10**12)),
        ("batches[0].items", "1000000000000 is above the maximum 10000000"),
    ),
    Case(
        "shift longer than 24 h",
        broken(setting("shifts", 0, "hours", value=30)),
        ("shifts[0].hours", "a shift of 30 h is longer than 24 h"),
    ),
    Case(
        "skill level 7",
        broken(setting("people", 0, "skills", "safety", value=7)),
        ("people[0].skills.safety", "level 7 is above the maximum 5"),
    ),
    # items fixed to be graded that never can be (bob rates code at level 2; b1 holds
    # 200 items of code, released on the first day, Wed 2 December)
    Case(
        "fixed items more than the batch",
        broken(fixing(1, shift="day", activity="rating", items={"b1": 300})),
        ("people[1].fixed[0].items.b1", "300 items, more than b1 holds (200)"),
    ),
    Case(
        "fixed items of a batch the rater may not grade",
        broken(
            both(
                setting("batches", 0, "min_level", value=3),
                fixing(1, shift="day", activity="rating", items={"b1": 5}),
            )
        ),
        ("people[1].fixed[0].items.b1", "bob may not grade b1 (needs code level 3, has 2)"),
    ),
    Case(
        "fixed items before the batch is released",
        broken(
            both(
                setting("batches", 0, "release", value="2026-12-04"),
                fixing(1, shift="day", activity="rating", items={"b1": 5}),
            )
        ),
        ("people[1].fixed[0].items.b1", "b1 is released on 2026-12-04, after 2026-12-03"),
    ),
    # true where a number goes: pydantic would read it as 1, quietly
    Case(
        "demand agents true",
        broken(setting("demand", 0, "agents", value=True)),
        ("demand[0].agents", "expected a number, not true or false"),
    ),
    Case(
        "contract limit true",
        broken(setting("people", 1, "contract", "max_hours_per_week", value=True)),
        ("people[1].contract.max_hours_per_week", "expected a number, not true or false"),
    ),
    Case(
        "batch items false",
        broken(setting("batches", 0, "items", value=False)),
        ("batches[0].items", "expected a number, not true or false"),
    ),
    Case(
        "skill level 0",
        broken(setting("people", 0, "skills", "safety", value=0)),
        ("people[0].skills.safety", "level 0 is below the minimum 1"),
    ),
    Case(
        "queue level 6",
        broken(setting("queues", 0, "min_level", value=6)),
        ("queues[0].min_level", "6 is above the maximum 5"),
    ),
    Case(
        "unknown field (typo)",
        broken(setting("people", 1, "contract", value={"max_hour_per_week": 32})),
        (
            "people[1].contract.max_hour_per_week",
            "unknown field 'max_hour_per_week'",
            "did you mean 'max_hours_per_week'?",
        ),
    ),
    Case(
        "bad date",
        broken(setting("horizon", "start", value="2026-13-02")),
        ("horizon.start", "'2026-13-02' is not a date", "month"),
    ),
    Case(
        "bad time 25:00",
        broken(setting("shifts", 0, "start", value="25:00")),
        ("shifts[0].start", "'25:00' is not a clock time", "hour"),
    ),
    Case(
        "time as a number",
        broken(setting("shifts", 0, "start", value=28800), "instance.json"),
        ("instance.json", "shifts[0].start", "08:00:00+00:00", "write it as '08:00'"),
    ),
    Case(
        "unknown weekday",
        broken(setting("shifts", 1, "weekdays", value=["mon", "funday"])),
        ("shifts[1].weekdays", "'funday' is not a weekday"),
    ),
    Case(
        "bad day reference",
        broken(setting("batches", 0, "deadline", value="someday")),
        ("batches[0].deadline", "'someday' is not a day"),
    ),
    Case(
        "unknown difficulty",
        broken(setting("batches", 0, "difficulty", value="brutal")),
        ("batches[0].difficulty", "'brutal' is not one of 'easy', 'medium', 'hard' or 'expert'"),
    ),
    Case(
        "unknown role",
        broken(setting("people", 0, "roles", value=["agent", "manager"])),
        ("people[0].roles[1]", "'manager' is not one of 'rater' or 'agent'"),
    ),
    Case(
        "no roles",
        broken(setting("people", 0, "roles", value=[])),
        ("people[0].roles", "needs at least 1 item(s), got 0"),
    ),
    Case(
        "id with a space",
        broken(setting("people", 0, "id", value="ann smith")),
        ("people[0].id", "'ann smith' is not a valid id"),
    ),
    Case(
        "bad timezone",
        broken(setting("horizon", "timezone", value="Mars/Olympus")),
        ("horizon.timezone", "unknown time zone 'Mars/Olympus'"),
    ),
    Case(
        "horizon too long",
        broken(setting("horizon", "days", value=400)),
        ("horizon.days", "400 is above the maximum 366"),
    ),
    Case(
        "horizon past the calendar",
        broken(past_the_calendar),
        ("horizon.days", "7 days from 9999-12-30 run past 9999-12-31"),
    ),
    Case(
        "horizon past the calendar, days referenced",
        broken(past_the_calendar_with_a_weekday),
        ("horizon.days", "7 days from 9999-12-30 run past 9999-12-31"),
    ),
    Case(
        "negative demand",
        broken(setting("demand", 0, "agents", value=-1)),
        ("demand[0].agents", "-1 is below the minimum 0"),
    ),
    Case(
        "speed 0",
        broken(setting("people", 1, "speed", value=0)),
        ("people[1].speed", "0 is too small: it must be above 0"),
    ),
    Case(
        "infinite max hours",
        broken(setting("people", 1, "contract", "max_hours_per_week", value=float("inf"))),
        ("people[1].contract.max_hours_per_week", "inf is not a finite number"),
    ),
    Case(
        "min hours above max",
        broken(setting("people", 1, "contract", "min_hours_per_week", value=45)),
        ("people[1].contract", "min_hours_per_week 45 is above max_hours_per_week 32"),
    ),
    Case(
        "unavailable to before from",
        broken(
            setting("people", 0, "unavailable", value=[{"from": "2026-12-05", "to": "2026-12-03"}])
        ),
        ("people[0].unavailable[0]", "'to' 2026-12-03 is before 'from' 2026-12-05"),
    ),
    Case(
        "list given as a plain word",
        broken(setting("people", value="ann")),
        ("instance.yaml", "people", "expected a list or the name of a CSV file", "'ann'"),
    ),
    # -- cross-references and impossible combinations
    Case(
        "unknown skill on a person",
        broken(setting("people", 0, "skills", "python", value=2)),
        ("people[0].skills.python", "unknown skill 'python'", "known: code, safety"),
    ),
    Case(
        "unknown shift in demand",
        broken(setting("demand", 0, "shift", value="evening")),
        ("demand[0].shift", "unknown shift 'evening'"),
    ),
    Case(
        "unknown queue in demand",
        broken(setting("demand", 0, "queue", value="email")),
        ("demand[0].queue", "unknown queue 'email'"),
    ),
    Case(
        "unknown shift in a fixed assignment",
        broken(setting("people", 0, "fixed", value=[{"day": "2026-12-03", "shift": "late"}])),
        ("people[0].fixed[0].shift", "unknown shift 'late'"),
    ),
    Case(
        "unknown shift in a preference",
        broken(setting("people", 0, "preferences", value=[{"kind": "want", "shift": "late"}])),
        ("people[0].preferences[0].shift", "unknown shift 'late'"),
    ),
    Case(
        "unknown shift in unavailability",
        broken(setting("people", 0, "unavailable", value=[{"day": "2026-12-03", "shift": "late"}])),
        ("people[0].unavailable[0].shift", "unknown shift 'late'"),
    ),
    Case(
        "fixed shift outside the horizon",
        broken(setting("people", 0, "fixed", value=[{"day": "2026-12-24", "shift": "day"}])),
        ("people[0].fixed[0].day", "'2026-12-24' is outside the horizon"),
    ),
    Case(
        "duplicate person id",
        broken(setting("people", 1, "id", value="ann")),
        ("people[1].id", "duplicate id 'ann'", "first at people[0]"),
    ),
    Case(
        "duplicate batch id",
        broken(add_batch_copy),
        ("batches[1].id", "duplicate id 'b1'", "first at batches[0]"),
    ),
    Case(
        "deadline before release",
        broken(updating("batches", 0, release="2026-12-05", deadline="2026-12-03")),
        ("batches[0].deadline", "2026-12-03 is before the release 2026-12-05"),
    ),
    Case(
        "release after the horizon",
        broken(updating("batches", 0, release="2026-12-20", deadline="2026-12-21")),
        ("batches[0].release", "2026-12-20 is after the horizon ends"),
    ),
    # -- numbers the solver counts exactly, and bounds on them
    Case(
        "NaN speed in json",
        broken(setting("people", 1, "speed", value=float("nan")), "instance.json"),
        ("instance.json", "people[1].speed", "NaN is not a number: give a finite number"),
        never=("maximum", "minimum"),
    ),
    Case(
        "NaN rate in yaml",
        broken(setting("rates", value={"hard": float("nan")})),
        ("instance.yaml", "rates.hard", "NaN is not a number"),
        never=("maximum", "minimum"),
    ),
    Case(
        "rest not whole minutes",
        broken(setting("people", 1, "contract", "min_rest_hours", value=10.99)),
        ("people[1].contract.min_rest_hours", "10.99 h is not a whole number of minutes"),
    ),
    Case(
        "max hours not whole minutes",
        broken(setting("people", 1, "contract", "max_hours_per_week", value=37.123)),
        ("people[1].contract.max_hours_per_week", "37.123 h is not a whole number of minutes"),
    ),
    Case(
        "hourly cost below a cent",
        broken(setting("people", 0, "hourly_cost", value=1.234)),
        ("people[0].hourly_cost", "1.234 has more than two decimals"),
    ),
    Case(
        "too many agents",
        broken(setting("demand", 0, "agents", value=20_000)),
        ("demand[0].agents", "20000 is above the maximum 10000"),
    ),
    Case(
        "weight 2e6 in json",
        raw(json.dumps(VALID)[:-1] + ', "weights": {"uncovered": 2e6}}', "instance.json"),
        ("instance.json", "weights.uncovered", "2000000.0 is above the maximum 1000000"),
    ),
    Case(
        "weight 2e6 in yaml",
        raw(yaml.safe_dump(VALID, sort_keys=False) + "weights:\n  preference: 2e6\n"),
        ("weights.preference", "'2e6' is not a whole number as written: write 2000000"),
    ),
    Case(
        "under weight above a million",
        broken(setting("demand", 0, "under_weight", value=2_000_000)),
        ("demand[0].under_weight", "2000000 is above the maximum 1000000"),
    ),
    # -- history that contradicts itself or the horizon
    Case(
        "more hard days than days worked",
        broken(
            setting(
                "people",
                0,
                "history",
                value={"consecutive_days_worked": 1, "consecutive_hard_days": 3},
            )
        ),
        ("people[0].history", "consecutive_hard_days 3 is above consecutive_days_worked 1"),
    ),
    Case(
        # the horizon starts 2026-12-02 00:00; a shift that began before it ends within
        # 24 h of that (a night shift ends on the first morning), so 2026-12-03 06:00 is
        # 30 h in: no shift that began before the horizon ends there
        "last shift ends more than a day into the horizon",
        broken(setting("people", 0, "history", value={"last_shift_end": "2026-12-03 06:00"})),
        (
            "people[0].history.last_shift_end",
            "2026-12-03 06:00:00 is more than 24 h after the horizon starts (2026-12-02): "
            "the last shift before the horizon began before it",
        ),
    ),
    # -- fixed shifts that cannot be worked at all
    Case(
        "fixed on an unavailable day",
        broken(
            both(setting("people", 0, "unavailable", value=["2026-12-03"]), fixing(0, shift="day"))
        ),
        ("people[0].fixed[0]", "ann is fixed on 2026-12-03 day but is unavailable or off then"),
    ),
    Case(
        "fixed on a fixed day off",
        broken(both(setting("people", 0, "days_off", value=["thu"]), fixing(0, shift="day"))),
        ("people[0].fixed[0]", "ann is fixed on 2026-12-03 day but is unavailable or off then"),
    ),
    Case(
        "fixed to rating for a non-rater",
        broken(fixing(0, shift="day", activity="rating")),
        ("people[0].fixed[0].activity", "ann is fixed to rating but is not a rater"),
    ),
    Case(
        "fixed to a queue the shift does not allow",
        broken(
            both(
                setting("shifts", 1, "activities", value=["rating"]),
                fixing(0, shift="night", activity="chat"),
            )
        ),
        ("people[0].fixed[0].activity", "shift 'night' does not allow 'chat'"),
    ),
    Case(
        "fixed to a queue without the qualification",
        broken(fixing(1, shift="day", activity="chat")),
        (
            "people[1].fixed[0].activity",
            "bob cannot work queue 'chat'",
            "needs role agent and safety level 2, has 0",
        ),
    ),
    Case(
        "fixed on a shift with nothing the person can do",
        broken(
            both(setting("shifts", 1, "activities", value=["rating"]), fixing(0, shift="night"))
        ),
        ("people[0].fixed[0]", "ann is fixed on shift 'night' but can do none of its activities"),
    ),
    # -- lists kept in CSV files
    Case(
        "csv missing required column",
        with_people_csv("ann,Ann,3\n", header="id,name,skills.safety\n"),
        ("people.csv", "missing column 'roles'"),
    ),
    Case(
        "csv unknown column",
        with_people_csv("ann,agent,3\n", header="id,roles,skill.safety\n"),
        ("people.csv", "unknown column 'skill.safety'", "did you mean 'skills'?"),
    ),
    Case(
        "csv file does not exist",
        with_people_csv("", name="staff.csv"),
        ("instance.yaml", "people", "CSV file 'staff.csv' not found"),
    ),
    Case(
        "csv row with a bad value",
        with_people_csv("ann,Ann,agent,3,,\nbob,Bob,rater,,2,lots\n"),
        ("people.csv", "row 3", "people[1].contract.max_hours_per_week", "'lots' is not a number"),
    ),
    Case(
        "csv row with a level out of range",
        with_people_csv("ann,Ann,agent,3,,\n\nbob,Bob,rater,,7,\n"),
        ("people.csv", "row 4", "people[1].skills.code", "level 7 is above the maximum 5"),
    ),
    Case(
        # a quote left open would make the rest of the file one cell: ann's name
        # would swallow bob, who would be lost without a word
        "csv quote never closed",
        with_people_csv('ann,"Ann,agent,3,,\nbob,Bob,rater,,2,\n'),
        ("people.csv", "row 2", "a quote opened in this row is never closed"),
    ),
    Case(
        # a quote closed inside a cell, then more text: not CSV (strict reading)
        "csv text after a closing quote",
        with_people_csv('ann,"Ann" Lee,agent,3,,\n'),
        ("people.csv", "row 2", "not valid CSV", "',' expected after '\"'"),
    ),
    Case(
        "csv duplicate id",
        with_people_csv("ann,Ann,agent,3,,\nann,Bob,rater,,2,\n"),
        ("people.csv", "row 3", "people[1].id", "duplicate id 'ann'"),
    ),
    Case(
        "csv bad json cell",
        with_people_csv('ann,agent,"[{""kind"": ""want"",]"\n', header="id,roles,preferences\n"),
        ("people.csv", "row 2", "column 'preferences'", "is not valid JSON"),
    ),
    Case(
        "csv row with too many cells",
        with_people_csv("ann,Ann,agent,3,,,surplus\n"),
        ("people.csv", "row 2", "7 cells but only 6 columns"),
    ),
]


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_enough_distinct_cases() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 24


def test_the_valid_instance_is_valid(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _dump(VALID, tmp_path / "instance.yaml")
    assert main(["validate", str(path)]) == EXIT_OK
    out, err = capsys.readouterr()
    assert "valid: 2 people, 2 shifts, 1 queues, 1 batches, 7 days from 2026-12-02" in out
    assert err == ""


def test_the_valid_instance_is_valid_in_csv_form(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = with_people_csv("ann,Ann,agent,3,,\nbob,Bob,rater,,2,32\n")(tmp_path)
    assert main(["validate", str(path)]) == EXIT_OK
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
@pytest.mark.parametrize("command", ["validate", "solve"])
def test_bad_input_is_refused_with_a_located_message(
    case: Case, command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = case.write(tmp_path)
    out_dir = tmp_path / "out"
    argv = [command, str(path)]
    if command == "solve":
        argv += ["--out", str(out_dir), "--time-limit", "5"]

    assert main(argv) == EXIT_BAD_INPUT

    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert out == "", "no partial output on stdout"
    assert not out_dir.exists(), "no partial output folder"
    lines = _lines(err)
    assert lines
    for line in lines:
        # Every message names the file it is about: the instance or one of its CSV files.
        assert line.startswith(f"error: {tmp_path}"), line
    for piece in case.expect:
        assert piece in err, f"{piece!r} not in:\n{err}"
    for piece in case.never:
        assert piece not in err, f"{piece!r} in:\n{err}"
