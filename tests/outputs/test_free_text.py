"""Names and other free text from spreadsheets reach every export safely: line breaks
and control characters as spaces, nothing read as a formula, markup escaped."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl
import yaml
from icalendar import Calendar

from scheduler.cli import main
from scheduler.outputs import calendars
from scheduler.outputs.exports import one_line
from tests.helpers import MONDAY

HOSTILE = '=HYPERLINK("http://x","y")\nBen\x07 <b>&'
"""A formula, a line break from a spreadsheet cell, a bell, and markup."""


def _week(tmp_path: Path, people: Sequence[Mapping[str, object]]) -> Path:
    data = {
        "name": "names",
        "horizon": {"start": MONDAY, "days": 1},
        "skills": ["general"],
        "shifts": [{"id": "day", "start": "09:00", "hours": 8}],
        "queues": [{"id": "general", "skill": "general"}],
        "demand": [{"queue": "general", "shift": "day", "agents": len(people)}],
        "people": people,
    }
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_one_line() -> None:
    assert one_line("Ben\nMaria\x00\tX\u2028Y") == "Ben Maria X Y"


def test_a_hostile_name_reaches_every_export_as_text(tmp_path: Path) -> None:
    person = {"id": "ben", "name": HOSTILE, "roles": ["agent"], "skills": {"general": 1}}
    out = tmp_path / "out"
    argv = ["solve", str(_week(tmp_path, [person])), "--out", str(out), "--workers", "1"]
    assert main([*argv, "--time-limit", "10", "--quiet"]) == 0
    shown = '=HYPERLINK("http://x","y") Ben <b>&'
    # the spreadsheet: the name is a text cell on every sheet, never a formula; a line
    # break stays (a cell holds one), the bell, which the format cannot hold, is a space
    book = openpyxl.load_workbook(out / "roster.xlsx")
    cells = [
        c for sheet in book for row in sheet.iter_rows() for c in row if "HYPERLINK" in str(c.value)
    ]
    assert len(cells) == 3  # the roster grid, the assignments and the people
    assert {c.data_type for c in cells} == {"s"}
    assert {c.value for c in cells} == {HOSTILE.replace("\x07", " ")}
    # the calendars: one line, in the summary of the team's event and the calendar name
    team = Calendar.from_ical((out / "calendars" / "team.ics").read_bytes())
    (event,) = team.walk("VEVENT")
    assert str(event["summary"]).startswith(shown + ": day")
    own = Calendar.from_ical((out / "calendars" / "ben.ics").read_bytes())
    assert str(own["x-wr-calname"]) == f"names: {shown}"
    # the report: escaped, no control character
    html = (out / "report.html").read_text()
    assert "=HYPERLINK(&#34;http://x&#34;,&#34;y&#34;)" in html  # quotes escaped
    assert "<b>&" not in html and "\x07" not in html


def test_ids_alike_but_for_case_get_calendar_files_of_their_own(tmp_path: Path) -> None:
    people = [
        {"id": pid, "roles": ["agent"], "skills": {"general": 1}} for pid in ("Ana", "ana", "team")
    ]
    out = tmp_path / "out"
    argv = ["solve", str(_week(tmp_path, people)), "--out", str(out), "--workers", "1"]
    assert main([*argv, "--time-limit", "10", "--quiet"]) == 0
    names = sorted(p.name for p in (out / "calendars").iterdir())
    # distinct even where case is ignored: Ana.ics, ana-2.ics, _team.ics, team.ics
    assert names == ["Ana.ics", "_team.ics", "ana-2.ics", "team.ics"]
    assert len({n.lower() for n in names}) == len(names)
    assert calendars.file_names(["Ana", "ana", "ANA"]) == {
        "Ana": "Ana.ics",
        "ana": "ana-2.ics",
        "ANA": "ANA-3.ics",
    }


def test_a_nul_byte_in_a_people_csv_reaches_the_exports_as_a_space(tmp_path: Path) -> None:
    (tmp_path / "people.csv").write_bytes(
        b"id,name,roles,skills.general\nben,Ben\x00Maria,agent,1\n"
    )
    path = _week(tmp_path, [])
    data = yaml.safe_load(path.read_text())
    data["people"] = "people.csv"
    data["demand"][0]["agents"] = 1
    path.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    argv = ["solve", str(path), "--out", str(out), "--workers", "1", "--time-limit", "10"]
    assert main([*argv, "--quiet"]) == 0
    team = Calendar.from_ical((out / "calendars" / "team.ics").read_bytes())
    (event,) = team.walk("VEVENT")
    assert str(event["summary"]).startswith("Ben Maria: day")
    book = openpyxl.load_workbook(out / "roster.xlsx")
    assert "Ben Maria" in {c.value for row in book["People"].iter_rows() for c in row}
