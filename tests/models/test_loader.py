"""Reading instances: CSV lists, JSON, YAML scalars, day references, demand precedence.

The property tests at the end check the loader against the pydantic fields
themselves: any valid instance written to YAML (or JSON) reads back equal, and
garbage in any known field, or as a whole file, gives `InputError` and nothing else.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from models import InputError, Instance, Person, Role
from models.errors import format_path
from models.instance import RATING, WEEKDAYS, parse_day_ref
from models.loader import MAX_NUMBER, read_csv_list, read_document, validate_instance
from scheduler.formats import read_instance

WEDNESDAY = dt.date(2026, 12, 2)


def small(**parts: Any) -> dict[str, Any]:
    """A small valid instance (a week from Wednesday 2 December 2026) as plain data."""
    data: dict[str, Any] = {
        "name": "small",
        "horizon": {"start": WEDNESDAY.isoformat(), "days": 7},
        "skills": ["safety", "code"],
        "shifts": [
            {"id": "day", "start": "08:00", "hours": 8},
            {"id": "night", "start": "22:00", "hours": 8, "weekdays": ["mon", "fri"]},
        ],
        "queues": [{"id": "chat", "skill": "safety"}],
        "demand": [],
        "people": [{"id": "ann", "roles": ["agent"], "skills": {"safety": 3}}],
        "batches": [],
    }
    data.update(parts)
    return data


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


# ---- CSV lists --------------------------------------------------------------

PEOPLE_CSV = (
    "id,name,roles,skills.safety,skills.code,contract.max_hours_per_week,days_off,"
    "preferences,history.last_shift_end\n"
    "ann,Ann Lee,agent,3,,,,,\n"
    'bob,Bob Roy,rater;agent,2,4,32,sat;2026-12-06,"[{""kind"": ""avoid"", ""shift"": '
    '""night"", ""weight"": 3}]",2026-12-01 22:00\n'
)


def test_csv_people_dotted_columns_lists_json_cells_and_defaults(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")
    instance = read_instance(write_yaml(tmp_path / "i.yaml", small(people="people.csv")))
    ann, bob = instance.people
    # Empty cells leave fields at their defaults.
    assert ann.skills == {"safety": 3}
    assert ann.contract.max_hours_per_week == 40
    assert ann.days_off == [] and ann.preferences == [] and ann.history.last_shift_end is None
    # Dotted columns reach nested fields; ';' separates list cells; JSON cells are parsed.
    assert bob.name == "Bob Roy"
    assert bob.roles == [Role.rater, Role.agent]
    assert bob.skills == {"safety": 2, "code": 4}
    assert bob.contract.max_hours_per_week == 32
    assert bob.days_off == ["sat", "2026-12-06"]
    assert [(p.kind, p.shift, p.weight) for p in bob.preferences] == [("avoid", "night", 3)]
    assert bob.history.last_shift_end == dt.datetime(2026, 12, 1, 22, 0)


def test_csv_with_a_byte_order_mark_and_crlf(tmp_path: Path) -> None:
    text = "id,roles,skills.safety\r\nann,agent,3\r\n"
    (tmp_path / "people.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    instance = read_instance(write_yaml(tmp_path / "i.yaml", small(people="people.csv")))
    assert [p.id for p in instance.people] == ["ann"]


def test_csv_shifts_queues_demand_and_batches(tmp_path: Path) -> None:
    (tmp_path / "shifts.csv").write_text(
        "id,start,hours,weekdays,activities\nday,08:00,8,mon;tue;wed;thu;fri,chat;rating\n"
        "late,16:00,7.5,,\n",
        encoding="utf-8",
    )
    (tmp_path / "demand.csv").write_text(
        "queue,shift,day,agents\nchat,day,,1\nchat,day,fri,2\n", encoding="utf-8"
    )
    (tmp_path / "batches.csv").write_text(
        "id,items,difficulty,skill,min_level,graders,deadline\nb1,500,expert,code,3,2,fri\n",
        encoding="utf-8",
    )
    data = small(shifts="shifts.csv", demand="demand.csv", batches="batches.csv")
    instance = read_instance(write_yaml(tmp_path / "i.yaml", data))
    day, late = instance.shifts
    assert day.weekdays == ["mon", "tue", "wed", "thu", "fri"]
    assert day.activities == ["chat", RATING]
    assert late.weekdays == list(WEEKDAYS) and late.activities is None and late.minutes == 450
    assert [(d.day, d.agents) for d in instance.demand] == [(None, 1), ("fri", 2)]
    (batch,) = instance.batches
    assert (batch.required, instance.deadline_day(batch)) == (1000, 2)


def test_csv_rows_are_numbered_as_in_the_file(tmp_path: Path) -> None:
    # A blank row and a cell spanning two lines: the culprit is still named by its file row.
    (tmp_path / "people.csv").write_text(
        'id,name,roles,skills.safety\nann,"Ann\nLee",agent,3\n\nbob,Bob,agent,9\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        read_instance(write_yaml(tmp_path / "i.yaml", small(people="people.csv")))
    assert caught.value.messages == [
        f"{tmp_path / 'people.csv'}: row 5: people[1].skills.safety: level 9 is above the maximum 5"
    ]


def test_csv_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_text("id,role\nann,agent\n", encoding="utf-8")
    data = small(people="people.csv", batches="batches.csv")
    with pytest.raises(InputError) as caught:
        read_instance(write_yaml(tmp_path / "i.yaml", data))
    text = str(caught.value)
    assert "unknown column 'role'; did you mean 'roles'?" in text
    assert "missing column 'roles'" in text
    assert "CSV file 'batches.csv' not found" in text


def test_csv_columns_that_clash_or_repeat(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,roles,skills,skills.safety,id\nann,agent,,3,ann\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_csv_list(path, Person, "people")
    assert caught.value.messages == [
        f"{path}: columns 'skills' and 'skills.safety' both give 'skills': keep one",
        f"{path}: column 'id' appears twice",
    ]


def test_csv_unnamed_empty_column_is_ignored(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("id,roles,\nann,agent,\n", encoding="utf-8")
    assert read_csv_list(path, Person, "people") == [{"id": "ann", "roles": ["agent"]}]
    path.write_text("id,roles,\nann,agent,x\n", encoding="utf-8")
    with pytest.raises(InputError, match="column 3 has values but no name"):
        read_csv_list(path, Person, "people")


def test_csv_that_is_empty_or_a_folder(tmp_path: Path) -> None:
    (tmp_path / "empty.csv").write_text("\n\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.csv: the file is empty"):
        read_csv_list(tmp_path / "empty.csv", Person, "people")
    (tmp_path / "dir.csv").mkdir()
    with pytest.raises(InputError, match="is a folder, not a CSV file"):
        read_csv_list(tmp_path / "dir.csv", Person, "people")


# ---- JSON and YAML ------------------------------------------------------------


def test_json_instance_reads_like_yaml(tmp_path: Path) -> None:
    data = small(batches=[{"id": "b", "items": 10, "difficulty": "easy", "skill": "code"}])
    (tmp_path / "i.json").write_text(json.dumps(data), encoding="utf-8")
    from_json = read_instance(tmp_path / "i.json")
    assert from_json == read_instance(write_yaml(tmp_path / "i.yaml", data))
    assert from_json.batches[0].items == 10


def test_yaml_reads_hand_written_scalars_as_meant(tmp_path: Path) -> None:
    # Unquoted, YAML 1.1 would read 22:00 as 1320 and the dates as date objects.
    path = tmp_path / "i.yml"
    path.write_text(
        "horizon: {start: 2026-12-02, days: 7}\n"
        "skills: [code]\n"
        "shifts:\n"
        "  - {id: night, start: 22:00, hours: 8, weekdays: [mon, sun]}\n"
        "  - {id: no, start: 06:30, hours: 1e1}\n"
        "people:\n"
        "  - id: on\n"
        "    roles: [rater]\n"
        "    skills: {code: 2}\n"
        "    history: {last_shift_end: 2026-12-01 21:00}\n"
        "batches:\n"
        "  - {id: b, items: 1_000, difficulty: easy, skill: code, deadline: 2026-12-05}\n",
        encoding="utf-8",
    )
    instance = read_instance(path)
    night, other = instance.shifts
    assert night.start == dt.time(22, 0)
    assert (other.id, other.start, other.hours) == ("no", dt.time(6, 30), 10.0)
    assert instance.people[0].id == "on"
    assert instance.people[0].history.last_shift_end == dt.datetime(2026, 12, 1, 21, 0)
    assert instance.batches[0].deadline == "2026-12-05"
    assert instance.batches[0].items == 1000
    assert read_document(path)["horizon"] == {"start": "2026-12-02", "days": 7}


def test_yaml_booleans_are_only_true_and_false(tmp_path: Path) -> None:
    path = tmp_path / "i.yaml"
    path.write_text("a: true\nb: False\nc: yes\nd: off\ne: 010\nf: 0x1F\n", encoding="utf-8")
    assert read_document(path) == {
        "a": True,
        "b": False,
        "c": "yes",
        "d": "off",
        "e": "010",
        "f": "0x1F",
    }


def test_validate_instance_with_csv_sources(tmp_path: Path) -> None:
    data = small(people=[{"id": "ann", "roles": ["agent"]}, {"id": "x y", "roles": ["agent"]}])
    with pytest.raises(InputError) as caught:
        validate_instance(data, tmp_path / "i.yaml", {"people": tmp_path / "p.csv"})
    assert caught.value.messages[0].startswith(f"{tmp_path / 'p.csv'}: row 3: people[1].id:")


def test_format_path() -> None:
    assert format_path(("people", 3, "skills", "safety")) == "people[3].skills.safety"
    assert format_path(("horizon",)) == "horizon"


# ---- days and demand --------------------------------------------------------------


def test_days_of_and_day_of() -> None:
    instance = Instance.model_validate(small(horizon={"start": "2026-12-02", "days": 10}))
    # Wed 2, Thu 3, Fri 4, Sat 5, Sun 6, Mon 7, Tue 8, Wed 9, Thu 10, Fri 11.
    assert instance.days_of(None) == list(range(10))
    assert instance.days_of("wed") == [0, 7]
    assert instance.days_of("Friday") == [2, 9]
    assert instance.days_of("mon") == [5]
    assert instance.days_of("2026-12-06") == [4]
    assert instance.days_of("2026-12-12") == [] and instance.days_of("2026-12-01") == []
    assert instance.day_of("mon") == 5
    assert instance.day_of("2026-12-02") == 0
    assert instance.day_of("2026-11-30") == -2  # dates may lie outside the horizon
    with pytest.raises(ValueError, match="'fri' matches 2 days of the horizon"):
        instance.day_of("fri")


def test_weeks_of_ten_days_from_a_wednesday() -> None:
    instance = Instance.model_validate(small(horizon={"start": "2026-12-02", "days": 10}))
    assert instance.dates[0].weekday() == 2
    assert instance.weeks() == [[0, 1, 2, 3, 4], [5, 6, 7, 8, 9]]
    assert instance.weekends() == [[3, 4]]


def test_demand_precedence_date_beats_weekday_beats_every_day() -> None:
    demand = [
        {"queue": "chat", "shift": "day", "agents": 1},
        {"queue": "chat", "shift": "day", "day": "fri", "agents": 2},
        {"queue": "chat", "shift": "day", "day": "2026-12-11", "agents": 3},
        {"queue": "chat", "shift": "day", "day": "2026-12-03", "agents": 4},
    ]
    instance = Instance.model_validate(
        small(horizon={"start": "2026-12-02", "days": 10}, demand=demand)
    )
    table = instance.demand_table()
    agents = {d: table[("chat", d, "day")].agents for d in instance.day_range}
    # Thu 3 by its date, Fri 4 by the weekday, Fri 11 by its date, the rest every day.
    assert agents == {0: 1, 1: 4, 2: 2, 3: 1, 4: 1, 5: 1, 6: 1, 7: 1, 8: 1, 9: 3}
    # a row for a day its shift never runs on is an error, not silently nothing
    night_on_wed = {"queue": "chat", "shift": "night", "day": "wed", "agents": 5}  # night: mon, fri
    with pytest.raises(ValidationError, match="shift 'night' does not run on 'wed'"):
        Instance.model_validate(
            small(horizon={"start": "2026-12-02", "days": 10}, demand=[*demand, night_on_wed])
        )


def test_demand_precedence_does_not_depend_on_row_order() -> None:
    rows = [
        {"queue": "chat", "shift": "day", "day": "2026-12-04", "agents": 3},
        {"queue": "chat", "shift": "day", "day": "fri", "agents": 2},
        {"queue": "chat", "shift": "day", "agents": 1},
    ]
    forward = Instance.model_validate(small(demand=rows)).demand_table()
    backward = Instance.model_validate(small(demand=rows[::-1])).demand_table()
    assert {k: v.agents for k, v in forward.items()} == {k: v.agents for k, v in backward.items()}
    assert forward[("chat", 2, "day")].agents == 3


# ---- properties -----------------------------------------------------------------

IDS = st.from_regex(r"[a-z][a-z0-9_.\-]{0,7}", fullmatch=True).filter(lambda s: s != RATING)
# No NEL: PyYAML's emitter writes it raw inside quotes, where YAML reads it as a line break.
TEXT = st.text(st.characters(blacklist_categories=["Cs"], blacklist_characters="\x85"), max_size=12)


@st.composite
def day_refs(draw: st.DrawFn, start: dt.date, days: int) -> str:
    """A weekday name (any spelling) or a date inside the horizon."""
    if draw(st.booleans()):
        weekday = draw(st.sampled_from(WEEKDAYS))
        return draw(st.sampled_from([weekday, weekday.upper()]))
    return (start + dt.timedelta(days=draw(st.integers(0, days - 1)))).isoformat()


def _runs_on_some_day(
    shifts: list[dict[str, Any]], shift_id: str, ref: str | None, dates: list[str]
) -> bool:
    """Whether the shift runs on a horizon day the reference names (an instance rule)."""
    if ref is None:
        return True
    weekdays = next(s["weekdays"] for s in shifts if s["id"] == shift_id)
    parsed = parse_day_ref(ref)
    named = [
        d
        for d in dates
        if (dt.date.fromisoformat(d).weekday() == parsed if isinstance(parsed, int) else d == ref)
    ]
    return any(WEEKDAYS[dt.date.fromisoformat(d).weekday()] in weekdays for d in named)


@st.composite
def instances(draw: st.DrawFn) -> Instance:
    """A valid small instance that touches most fields of the format."""
    start = draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
    days = draw(st.integers(1, 14))
    dates = [(start + dt.timedelta(days=i)).isoformat() for i in range(days)]
    skills = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    shift_ids = draw(st.lists(IDS, min_size=1, max_size=3, unique=True))
    queue_ids = draw(st.lists(IDS, max_size=2, unique=True))
    shifts = [
        {
            "id": s,
            "start": dt.time(draw(st.integers(0, 23)), draw(st.integers(0, 59))).isoformat(),
            "hours": draw(st.integers(1, 24 * 60)) / 60,
            "weekdays": draw(st.lists(st.sampled_from(WEEKDAYS), min_size=1, unique=True)),
            "activities": draw(
                st.none() | st.lists(st.sampled_from([*queue_ids, RATING]), unique=True)
            ),
        }
        for s in shift_ids
    ]
    queues = [
        {
            "id": q,
            "skill": draw(st.sampled_from(skills)),
            "min_level": draw(st.integers(1, 5)),
            "hard": draw(st.booleans()),
        }
        for q in queue_ids
    ]
    demand_keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(queue_ids or ["-"]),
                st.sampled_from(shift_ids),
                st.none() | st.sampled_from(dates),
            ),
            max_size=4 if queue_ids else 0,
            unique=True,
        )
    )
    demand = [
        {
            "queue": q,
            "shift": s,
            "day": d,
            "agents": draw(st.integers(0, 20)),
            "under_weight": draw(st.none() | st.integers(0, 1000)),
        }
        for q, s, d in demand_keys
        if _runs_on_some_day(shifts, s, d, dates)
    ]
    people: list[dict[str, Any]] = []
    for pid in draw(st.lists(IDS, min_size=1, max_size=3, unique=True)):
        # Contract hours are whole minutes, costs whole cents (the format's rules).
        max_minutes = draw(st.integers(0, 80 * 60))
        min_consecutive = draw(st.integers(1, 3))
        worked = draw(st.integers(0, 6))
        first, last = sorted(draw(st.integers(0, days - 1)) for _ in range(2))
        people.append(
            {
                "id": pid,
                "name": draw(TEXT),
                "roles": draw(st.lists(st.sampled_from(list(Role)), min_size=1, unique=True)),
                "skills": draw(st.dictionaries(st.sampled_from(skills), st.integers(1, 5))),
                "speed": draw(st.floats(0.1, 5)),
                "hourly_cost": draw(st.integers(0, 1000)) / 100,
                "contract": {
                    "min_hours_per_week": draw(st.integers(0, max_minutes)) / 60,
                    "max_hours_per_week": max_minutes / 60,
                    "max_days_per_week": draw(st.integers(0, 7)),
                    "min_consecutive_days": min_consecutive,
                    "max_consecutive_days": draw(st.integers(min_consecutive, 7)),
                    "max_weekends": draw(st.none() | st.integers(0, 2)),
                    "min_rest_hours": draw(st.integers(0, 48 * 60)) / 60,
                    "max_items_per_week": draw(st.integers(0, 2000)),
                    "max_shifts": draw(
                        st.dictionaries(st.sampled_from(shift_ids), st.integers(0, 5))
                    ),
                },
                "unavailable": [
                    {"day": draw(day_refs(start, days)), "reason": draw(TEXT)},
                    {
                        "from": dates[first],
                        "to": dates[last],
                        "shift": draw(st.sampled_from(shift_ids)),
                    },
                ][: draw(st.integers(0, 2))],
                "days_off": draw(st.lists(day_refs(start, days), max_size=2)),
                "preferences": [
                    {
                        "kind": draw(st.sampled_from(["want", "avoid"])),
                        "day": draw(st.none() | day_refs(start, days)),
                        "shift": draw(st.none() | st.sampled_from(shift_ids)),
                        "weight": draw(st.integers(1, 1000)),
                    }
                    for _ in range(draw(st.integers(0, 2)))
                ],
                "history": {
                    "consecutive_days_worked": worked,
                    "consecutive_hard_days": draw(st.integers(0, worked)),
                    # Before the horizon starts (midnight of its first day at the latest).
                    "last_shift_end": draw(
                        st.none()
                        | st.datetimes(
                            dt.datetime(1999, 12, 1), dt.datetime.combine(start, dt.time())
                        ).map(lambda t: t.replace(microsecond=0))
                    ),
                    "hard_hours_last_week": draw(st.floats(0, 60)),
                },
            }
        )
    for person in people:
        person["preferences"] = [
            p
            for p in person["preferences"]
            if p["shift"] is None or _runs_on_some_day(shifts, p["shift"], p["day"], dates)
        ]
    batches = []
    for bid in draw(st.lists(IDS, max_size=3, unique=True)):
        release, deadline = sorted(draw(st.integers(0, days - 1)) for _ in range(2))
        batches.append(
            {
                "id": bid,
                "items": draw(st.integers(1, 100_000)),
                "difficulty": draw(st.sampled_from(["easy", "medium", "hard", "expert"])),
                "skill": draw(st.sampled_from(skills)),
                "min_level": draw(st.integers(1, 5)),
                "graders": draw(st.integers(1, 3)),
                "release": draw(st.none() | st.just(dates[release])),
                "deadline": draw(st.none() | st.just(dates[deadline])),
                "priority": draw(st.integers(1, 5)),
            }
        )
    data = {
        "name": draw(TEXT),
        "horizon": {
            "start": start.isoformat(),
            "days": days,
            "timezone": draw(st.sampled_from(["UTC", "Europe/Berlin", "America/Sao_Paulo"])),
        },
        "skills": skills,
        "shifts": shifts,
        "queues": queues,
        "demand": demand,
        "people": people,
        "batches": batches,
        "rates": {"expert": draw(st.floats(1, 200))},
        "rules": {"max_hard_share": draw(st.floats(0, 1))},
        "weights": {"preference": draw(st.integers(0, 100))},
    }
    return Instance.model_validate(data)


_PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_PROPERTY
@given(instance=instances(), as_json=st.booleans())
def test_any_valid_instance_reads_back_equal(instance: Instance, as_json: bool) -> None:
    dumped = instance.model_dump(mode="json", by_alias=True)
    with tempfile.TemporaryDirectory() as folder:
        if as_json:
            path = Path(folder) / "instance.json"
            path.write_text(json.dumps(dumped), encoding="utf-8")
        else:
            path = write_yaml(Path(folder) / "instance.yaml", dumped)
        loaded = read_instance(path)
    assert loaded == instance
    assert loaded.model_dump() == instance.model_dump()


GARBAGE = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | TEXT
    | st.sampled_from(["", "mon", "2026-12-03", "25:00", "-1", "nan", "1e400", "rating", "day"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6,
)
FIELDS: list[tuple[str | int, ...]] = [
    ("name",),
    ("horizon",),
    ("horizon", "start"),
    ("horizon", "days"),
    ("horizon", "timezone"),
    ("skills",),
    ("shifts",),
    ("shifts", 0, "id"),
    ("shifts", 0, "start"),
    ("shifts", 0, "hours"),
    ("shifts", 0, "weekdays"),
    ("shifts", 0, "activities"),
    ("queues", 0),
    ("queues", 0, "min_level"),
    ("queues", 0, "hard"),
    ("demand",),
    ("demand", 0, "day"),
    ("demand", 0, "agents"),
    ("people", 0, "roles"),
    ("people", 0, "skills"),
    ("people", 0, "speed"),
    ("people", 0, "contract"),
    ("people", 0, "contract", "max_hours_per_week"),
    ("people", 0, "contract", "max_shifts"),
    ("people", 0, "unavailable"),
    ("people", 0, "days_off"),
    ("people", 0, "fixed"),
    ("people", 0, "preferences"),
    ("people", 0, "history"),
    ("people", 0, "history", "last_shift_end"),
    ("batches", 0, "items"),
    ("batches", 0, "difficulty"),
    ("batches", 0, "release"),
    ("batches", 0, "deadline"),
    ("rates",),
    ("rates", "expert"),
    ("rules", "max_hard_share"),
    ("weights",),
]
# Fields that hold a single scalar: a list or a mapping there is always wrong.
SCALAR_FIELDS: list[tuple[str | int, ...]] = [
    ("name",),
    ("horizon", "start"),
    ("horizon", "days"),
    ("horizon", "timezone"),
    ("shifts", 0, "id"),
    ("shifts", 0, "start"),
    ("shifts", 0, "hours"),
    ("queues", 0, "min_level"),
    ("queues", 0, "hard"),
    ("demand", 0, "day"),
    ("demand", 0, "agents"),
    ("people", 0, "speed"),
    ("people", 0, "contract", "max_hours_per_week"),
    ("people", 0, "history", "last_shift_end"),
    ("batches", 0, "items"),
    ("batches", 0, "difficulty"),
    ("batches", 0, "release"),
    ("batches", 0, "deadline"),
    ("rates", "expert"),
    ("rules", "max_hard_share"),
]


def garbage_instance() -> dict[str, Any]:
    return small(
        demand=[{"queue": "chat", "shift": "day", "agents": 1}],
        batches=[{"id": "b", "items": 10, "difficulty": "easy", "skill": "code"}],
        rates={"expert": 60},
        rules={"max_hard_share": 0.5},
        weights={"cost": 1},
        people=[
            {
                "id": "ann",
                "roles": ["agent"],
                "skills": {"safety": 3},
                "contract": {"max_hours_per_week": 40},
                "history": {"last_shift_end": "2026-12-01 22:00"},
            }
        ],
    )


def _put(data: dict[str, Any], where: tuple[str | int, ...], value: Any) -> None:
    target: Any = data
    for key in where[:-1]:
        target = target[key]
    target[where[-1]] = value


def _load_garbage(data: dict[str, Any], as_json: bool) -> Instance | InputError:
    with tempfile.TemporaryDirectory() as folder:
        if as_json:
            path = Path(folder) / "i.json"
            path.write_text(json.dumps(data), encoding="utf-8")
        else:
            path = write_yaml(Path(folder) / "i.yaml", data)
        try:
            return read_instance(path)
        except InputError as exc:
            assert exc.messages
            for message in exc.messages:
                assert message.startswith(f"{path}: "), message
                assert "Traceback" not in message
            return exc


@_PROPERTY
@given(where=st.sampled_from(FIELDS), value=GARBAGE, as_json=st.booleans())
def test_garbage_in_a_known_field_gives_input_error_or_an_instance(
    where: tuple[str | int, ...], value: Any, as_json: bool
) -> None:
    data = garbage_instance()
    _put(data, where, value)  # JSON gets NaN and Infinity as Python's json writes them
    outcome = _load_garbage(data, as_json)
    if isinstance(outcome, Instance):
        # Whatever is accepted is usable: finite, bounded numbers and a real calendar.
        assert outcome.dates[-1] >= outcome.horizon.start
        for number in _numbers(outcome.model_dump()):
            assert math.isfinite(number) and abs(number) <= MAX_NUMBER, number


def _numbers(value: Any) -> list[float]:
    if isinstance(value, dict):
        return [n for item in value.values() for n in _numbers(item)]
    if isinstance(value, list):
        return [n for item in value for n in _numbers(item)]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value]
    return []


@_PROPERTY
@given(
    where=st.sampled_from(SCALAR_FIELDS),
    value=st.lists(GARBAGE, min_size=1, max_size=2)
    | st.dictionaries(TEXT, GARBAGE, min_size=1, max_size=2),
)
def test_a_list_or_mapping_in_a_scalar_field_names_the_field(
    where: tuple[str | int, ...], value: Any
) -> None:
    data = garbage_instance()
    _put(data, where, value)
    outcome = _load_garbage(data, as_json=False)
    assert isinstance(outcome, InputError)
    assert any(f": {format_path(where)}:" in m for m in outcome.messages), outcome.messages


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_any_text_as_a_whole_file_gives_input_error_or_an_instance(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name in ("i.yaml", "i.json"):
            path = Path(folder) / name
            path.write_text(text, encoding="utf-8")
            try:
                read_instance(path)
            except InputError as exc:
                assert all(m.startswith(str(path)) for m in exc.messages)


@settings(max_examples=60, deadline=None)
@given(
    edits=st.lists(
        st.tuples(
            st.integers(0, 10_000),
            st.integers(0, 3),
            st.sampled_from(list(":-[]{}'\" #,\n\t0a&*!|>%@`")),
        ),
        min_size=1,
        max_size=4,
    ),
    as_json=st.booleans(),
)
def test_a_damaged_valid_file_gives_input_error_or_an_instance(
    edits: list[tuple[int, int, str]], as_json: bool
) -> None:
    data = garbage_instance()
    text = json.dumps(data, indent=1) if as_json else yaml.safe_dump(data, sort_keys=False)
    for at, cut, insert in edits:
        at %= len(text) + 1
        text = text[:at] + insert + text[at + cut :]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("i.json" if as_json else "i.yaml")
        path.write_text(text, encoding="utf-8")
        try:
            read_instance(path)
        except InputError as exc:
            assert all(m.startswith(str(path)) for m in exc.messages), exc.messages


@settings(max_examples=60, deadline=None)
@given(
    text=st.lists(
        st.lists(
            st.sampled_from(
                [
                    "id",
                    "roles",
                    "ann",
                    "agent",
                    "skills.safety",
                    "3",
                    "",
                    ";",
                    '"',
                    "{",
                    "[1]",
                    "skills",
                    "x.y.z",
                    "\n",
                    ",",
                ]
            )
            | TEXT,
            max_size=5,
        ),
        max_size=4,
    ).map(lambda rows: "\n".join(",".join(cells) for cells in rows))
)
def test_any_text_as_a_csv_list_gives_input_error_or_an_instance(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "people.csv").write_text(text, encoding="utf-8")
        path = write_yaml(Path(folder) / "i.yaml", small(people="people.csv"))
        try:
            read_instance(path)
        except InputError as exc:
            assert all(m.startswith(folder) for m in exc.messages), exc.messages


def test_wrong_shapes_are_named_in_words(tmp_path: Path) -> None:
    data = garbage_instance()
    data["people"][0]["contract"] = {"max_hours_per_week": [1, 2]}
    data["people"][0]["skills"] = ["safety"]
    data["rates"] = None
    with pytest.raises(InputError) as caught:
        read_instance(write_yaml(tmp_path / "i.yaml", data))
    where = tmp_path / "i.yaml"
    assert caught.value.messages == [
        f"{where}: people[0].skills: expected a mapping, got a list ['safety']",
        f"{where}: people[0].contract.max_hours_per_week: [1, 2] is not a number",
        f"{where}: rates: expected a mapping of fields, got an empty value",
    ]


@pytest.mark.parametrize(
    ("value", "says"),
    [(0, "0 is not a date and time"), ("2026-12-01T22:00+01:00", "has a time zone")],
)
def test_last_shift_end_is_a_local_date_and_time(tmp_path: Path, value: Any, says: str) -> None:
    """A number (which pydantic would read as seconds since 1970, in UTC) or a time with a
    zone is an input error naming the field, not a crash comparing it with the horizon."""
    person = {"id": "ann", "roles": ["agent"], "history": {"last_shift_end": value}}
    with pytest.raises(InputError) as caught:
        validate_instance(small(people=[person]), tmp_path / "i.yaml")
    message = caught.value.messages[0]
    assert "people[0].history.last_shift_end" in message and says in message
