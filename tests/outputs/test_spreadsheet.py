"""roster.xlsx read back with openpyxl: the same assignments as roster.csv, laid out for people."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.worksheet import Worksheet

import scheduler.outputs.exports
from models import ROSTER_COLUMNS, Assignment, Role
from scheduler.cli import main
from scheduler.outputs import calendars, spreadsheet
from scheduler.outputs.exports import OutputData
from tests.helpers import ROOT

SMALL = ROOT / "instances" / "small-week.yaml"
SOLVE = ["--workers", "1", "--seed", "0", "--time-limit", "30", "--quiet"]


def write_ours(folder: Path) -> list[str]:
    """The spreadsheet and the calendars of a solved folder."""
    data = OutputData.load(folder)
    spreadsheet.write(data, folder / "roster.xlsx")
    calendars.write(data, folder / "calendars")
    return ["roster.xlsx", "calendars"]


def solve_folder(instance: Path, out: Path) -> Path:
    """`roster solve` into `out`, with this module's two exports (not the others')."""
    with pytest.MonkeyPatch.context() as patch:
        # When `roster solve` writes the exports itself, it writes these two.
        patch.setattr(scheduler.outputs.exports, "write_exports", write_ours)
        assert main(["solve", str(instance), "--out", str(out), *SOLVE]) == 0
    if not (out / "roster.xlsx").exists():  # a `roster solve` that writes no exports
        write_ours(out)
    return out


def csv_rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "roster.csv").open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sheet(path: Path, name: str) -> Worksheet:
    workbook = openpyxl.load_workbook(path)
    worksheet = workbook[name]
    assert isinstance(worksheet, Worksheet)
    return worksheet


def as_csv_text(column: str, value: object) -> str:
    """A typed Assignments cell as roster.csv writes it."""
    if value is None:
        return ""
    if column == "date":
        assert isinstance(value, dt.datetime | dt.date)
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    if column in ("start", "end"):
        assert isinstance(value, dt.datetime)
        return value.strftime("%Y-%m-%d %H:%M")
    if column == "hours":
        assert isinstance(value, int | float)
        return f"{value:.2f}"
    return str(value)


@pytest.fixture(scope="module")
def solved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return solve_folder(SMALL, tmp_path_factory.mktemp("xlsx") / "small-week")


def test_sheets_in_order(solved: Path) -> None:
    workbook = openpyxl.load_workbook(solved / "roster.xlsx")
    assert workbook.sheetnames == [
        "Roster",
        "Assignments",
        "Coverage",
        "Batches",
        "People",
        "Summary",
    ]


def test_assignments_sheet_equals_roster_csv(solved: Path) -> None:
    rows = csv_rows(solved)
    assert rows
    ws = sheet(solved / "roster.xlsx", "Assignments")
    values = list(ws.iter_rows(values_only=True))
    assert list(values[0]) == ROSTER_COLUMNS
    read_back = [
        {c: as_csv_text(c, v) for c, v in zip(ROSTER_COLUMNS, row, strict=True)}
        for row in values[1:]
    ]
    assert read_back == rows  # row by row, column by column
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:L{len(rows) + 1}"
    # typed cells, shown as the CSV's text
    assert ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["C2"].number_format == "yyyy-mm-dd hh:mm"
    assert ws["K2"].number_format == "0.00"


def roster_grid(ws: Worksheet) -> tuple[dict[tuple[str, str], Any], dict[str, int], int]:
    """(person, ISO date) -> cell, date -> column, the number of person rows."""
    header = [c.value for c in ws[1]]
    assert header[:3] == ["person", "name", "roles"]
    columns = {}
    for index, title in enumerate(header[3:], start=4):
        assert isinstance(title, str)
        weekday, iso = title.split(" ")
        assert dt.date.fromisoformat(iso).strftime("%a") == weekday
        columns[iso] = index
    cells = {}
    row = 2
    while ws.cell(row=row, column=1).value is not None:
        person = ws.cell(row=row, column=1).value
        assert isinstance(person, str)
        for iso, column in columns.items():
            cells[(person, iso)] = ws.cell(row=row, column=column)
        row += 1
    return cells, columns, row - 2


def test_roster_grid_shows_every_shift_in_its_cell(solved: Path) -> None:
    data = OutputData.load(solved)
    ws = sheet(solved / "roster.xlsx", "Roster")
    cells, columns, people = roster_grid(ws)
    assert list(columns) == [d.isoformat() for d in data.instance.dates]
    assert people == len(data.instance.people)

    shifts: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
    for row in csv_rows(solved):
        shifts[(row["person"], row["date"], row["shift"])].append(row)
    for (person, date, shift), rows in shifts.items():
        text = cells[(person, date)].value
        assert isinstance(text, str), (person, date)
        lines = [ln for ln in text.split("\n") if ln.removeprefix("⚑ ").startswith(f"{shift} · ")]
        assert len(lines) == 1, (person, date, shift, text)
        line = lines[0]
        hard = any(r["hard"] == "yes" for r in rows)
        assert line.startswith("⚑ ") == hard, line
        for r in rows:
            if r["activity"] != "rating":
                assert f"{shift} · {r['activity']}" in line
            elif r["batch"]:
                assert f"{r['batch']} {r['items']}" in line
            else:
                assert "leftover" in line
    # and nothing else: every line of every cell is a shift of roster.csv
    lines_shown = sum(len(c.value.split("\n")) for c in cells.values() if isinstance(c.value, str))
    assert lines_shown == len(shifts)


def test_roster_frozen_filtered_and_sized(solved: Path) -> None:
    data = OutputData.load(solved)
    ws = sheet(solved / "roster.xlsx", "Roster")
    assert ws.freeze_panes == "D2"  # the header row and id, name, roles
    last = openpyxl.utils.get_column_letter(3 + len(data.instance.dates))
    assert ws.auto_filter.ref == f"A1:{last}{len(data.instance.people) + 1}"
    for letter in ("A", "B", "C", "D", last):
        width = ws.column_dimensions[letter].width
        assert width is not None and 6 <= width <= 60
    # the date columns are wide enough for their longest line, up to 60 characters; a
    # longer line wraps, in a row tall enough for it
    for column in range(4, 4 + len(data.instance.dates)):
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width
        for row in range(1, len(data.instance.people) + 2):
            cell = ws.cell(row=row, column=column)
            lines = str(cell.value or "").split("\n")
            longest = max(len(line) for line in lines)
            assert width >= min(longest, 60)
            if longest > width:
                assert cell.alignment.wrap_text
                height = ws.row_dimensions[row].height
                assert height is not None and height > 15 * len(lines)


def test_hard_cells_marked_and_one_fill_per_activity(solved: Path) -> None:
    ws = sheet(solved / "roster.xlsx", "Roster")
    cells, _, _ = roster_grid(ws)
    shift_rows: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in csv_rows(solved):
        shift_rows[(row["person"], row["date"])].append(row)

    fills: dict[str, set[str]] = defaultdict(set)
    hard_cells = 0
    for key, cell in cells.items():
        rows = shift_rows.get(key, [])
        if not rows:
            assert cell.value is None
            continue
        hard = any(r["hard"] == "yes" for r in rows)
        hard_cells += hard
        assert str(cell.value).startswith("⚑") == hard
        assert bool(cell.font.bold) == hard
        assert (cell.font.color is not None and cell.font.color.rgb == "00C00000") == hard
        activities = {r["activity"] for r in rows}
        if len(activities) == 1:
            assert cell.fill.fill_type == "solid"
            fills[activities.pop()].add(str(cell.fill.fgColor.rgb))
    assert hard_cells > 0
    assert {"general", "escalations", "rating"} <= set(fills)
    for activity, colours in fills.items():
        assert len(colours) == 1, (activity, colours)
    assert len({next(iter(c)) for c in fills.values()}) == len(fills)  # distinct per activity

    # the legend below the grid names every activity with its fill, and the hard mark
    legend: dict[str, str] = {}
    for number in range(len({p for p, _ in cells}) + 2, ws.max_row + 1):
        entry = ws.cell(row=number, column=1)
        if isinstance(entry.value, str) and entry.fill.fill_type == "solid":
            legend[entry.value] = str(entry.fill.fgColor.rgb)
    for activity, colours in fills.items():
        assert legend[activity] == next(iter(colours))
    texts = [ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)]
    assert "⚑ hard" in texts


def test_tables_from_the_csv_files(solved: Path) -> None:
    data = OutputData.load(solved)
    workbook = openpyxl.load_workbook(solved / "roster.xlsx")
    for name, frame in (
        ("Coverage", data.coverage),
        ("Batches", data.batches),
        ("People", data.people),
    ):
        ws = workbook[name]
        assert isinstance(ws, Worksheet)
        values = list(ws.iter_rows(values_only=True))
        assert list(values[0]) == [str(c) for c in frame.columns]
        assert len(values) - 1 == len(frame)
        assert ws.freeze_panes == "A2"
        last = openpyxl.utils.get_column_letter(len(frame.columns))
        assert ws.auto_filter.ref == f"A1:{last}{len(frame) + 1}"
        for column in range(1, len(frame.columns) + 1):
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(column)].width
    people = workbook["People"]
    assert isinstance(people, Worksheet)
    header = [c.value for c in people[1]]
    by_person = {row[0]: row for row in people.iter_rows(min_row=2, values_only=True)}
    for record in data.people.to_dict("records"):
        row = by_person[record["person"]]
        assert row[header.index("hours")] == pytest.approx(record["hours"])
    coverage = workbook["Coverage"]
    assert isinstance(coverage, Worksheet)
    assert coverage["B2"].value == dt.datetime.fromisoformat(str(data.coverage["date"][0]))


def summary_rows(path: Path) -> list[tuple[Any, ...]]:
    ws = sheet(path, "Summary")
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:F")
    return list(ws.iter_rows(min_row=2, values_only=True))


def test_summary_sheet(solved: Path) -> None:
    summary = json.loads((solved / "summary.json").read_text())
    rows = summary_rows(solved / "roster.xlsx")
    solve = {row[1]: row[2] for row in rows if row[0] == "solve"}
    assert solve["status"] == summary["status"]
    assert solve["objective"] == pytest.approx(summary["objective"])
    assert solve["bound"] == pytest.approx(summary["bound"])
    assert solve["gap"] == pytest.approx(summary["gap"])
    goals = [row for row in rows if row[0] == "goal"]
    assert [(g[1], g[2], g[3]) for g in goals] == [
        (goal["label"], pytest.approx(goal["value"]), goal["unit"])
        for goal in summary["goals"].values()
    ]
    checker = {row[1]: row[2] for row in rows if row[0] == "checker"}
    assert checker["verdict"] == "every hard rule holds"
    shortfalls = [row[2] for row in rows if row[0] == "shortfall"]
    assert shortfalls == summary["shortfalls"]
    assert not any(str(row[0]).startswith("check ") or row[0] == "check" for row in rows)


def test_summary_sheet_with_check(solved: Path, tmp_path: Path) -> None:
    check = {
        "verdict": "fits with shortfalls",
        "status": "optimal",
        "objective": 1.0,
        "bound": 1.0,
        "gap": 0.0,
        "shortfalls": [
            {"kind": "batch", "subject": "chat-quality", "binding": "item caps",
             "sentence": "chat-quality needs 300 more gradings by Sun."}
        ],
        "conflicts": [],
        "fixes": [
            {"kind": "later_deadline", "target": "chat-quality",
             "sentence": "Move the deadline of chat-quality to Mon.", "verified": True}
        ],
        "notes": ["No extra hours help."],
    }  # fmt: skip
    data = dataclasses.replace(OutputData.load(solved), check=check)
    spreadsheet.write(data, tmp_path / "checked.xlsx")
    rows = summary_rows(tmp_path / "checked.xlsx")
    assert ("check", "verdict", "fits with shortfalls") in [row[:3] for row in rows]
    assert (
        "check fix",
        "chat-quality",
        "Move the deadline of chat-quality to Mon.",
        None,
        None,
        "verified",
    ) in rows
    assert any(
        row[0] == "check shortfall" and row[2] == check["shortfalls"][0]["sentence"]  # type: ignore[index]
        for row in rows
    )
    assert ("check note", None, "No extra hours help.") in [row[:3] for row in rows]


def assignment(**fields: Any) -> Assignment:
    base: dict[str, Any] = {
        "date": dt.date(2026, 11, 30),
        "shift": "night",
        "start": dt.datetime(2026, 11, 30, 22),
        "end": dt.datetime(2026, 12, 1, 6),
        "person": "ana",
        "name": "Ana",
        "role": Role.agent,
        "activity": "escalations",
        "hours": 8.0,
        "hard": True,
    }
    return Assignment(**{**base, **fields})


def test_cell_lines() -> None:
    night = spreadsheet.ShiftWork((assignment(),))
    assert night.line() == "⚑ night · escalations (→06:00)"
    rating = spreadsheet.ShiftWork(
        (
            assignment(shift="rating_day", start=dt.datetime(2026, 11, 30, 9),
                       end=dt.datetime(2026, 11, 30, 17), role=Role.rater, activity="rating",
                       batch="safety-redteam", items=120, hours=2.0, hard=False),
            assignment(shift="rating_day", start=dt.datetime(2026, 11, 30, 9),
                       end=dt.datetime(2026, 11, 30, 17), role=Role.rater, activity="rating",
                       hours=6.0, hard=False),
        )
    )  # fmt: skip
    assert rating.line() == "rating_day · safety-redteam 120 + leftover"
    assert rating.leftover_hours == 6.0


def test_folder_without_a_roster(solved: Path, tmp_path: Path) -> None:
    """No roster (not staffable): an empty grid, and notes instead of the tables."""
    data = dataclasses.replace(
        OutputData.load(solved),
        roster=[],
        coverage=pd.DataFrame(),
        batches=pd.DataFrame(),
        people=pd.DataFrame(),
    )
    target = tmp_path / "nested" / "roster.xlsx"
    spreadsheet.write(data, target)
    spreadsheet.write(data, target)  # replaces it
    workbook = openpyxl.load_workbook(target)
    roster = workbook["Roster"]
    assert isinstance(roster, Worksheet)
    cells, _, people = roster_grid(roster)
    assert people == len(data.instance.people)
    assert all(cell.value is None for cell in cells.values())
    assignments = workbook["Assignments"]
    assert isinstance(assignments, Worksheet)
    assert assignments.max_row == 1
    coverage = workbook["Coverage"]
    assert isinstance(coverage, Worksheet)
    assert coverage["A2"].value == "coverage.csv was not written (no roster)"


def test_one_colour_per_activity_beyond_the_palette(solved: Path) -> None:
    data = OutputData.load(solved)
    queue = data.instance.queues[0]
    many = [queue.model_copy(update={"id": f"q{i}"}) for i in range(40)]
    instance = data.instance.model_copy(update={"queues": many})
    colours = spreadsheet.activity_colours(dataclasses.replace(data, instance=instance))
    assert list(colours)[:40] == [f"q{i}" for i in range(40)]
    assert "rating" in colours
    assert len(set(colours.values())) == len(colours)
    assert spreadsheet.MIXED_COLOUR not in colours.values()
