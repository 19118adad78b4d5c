"""The roster as an Excel workbook (`roster.xlsx`), written with openpyxl.

Sheets, each with a frozen header row, an autofilter and fitted column widths:

- **Roster**: the week at a glance. One row per person (id, name, roles), one
  column per date of the horizon ("Mon 2026-11-30"); each cell holds the
  person's shifts that day, one line each: "early · general",
  "rating · safety-redteam 575 + chat-quality 2 + leftover" (batches with the
  items planned, "leftover" for grading time left over), a shift that ends on
  the next date with its end "night · escalations (→06:00)". Hard work is
  marked with a "⚑" prefix and a bold red font. Cells are filled by activity,
  one colour per queue and one for rating (a grey fill when a day holds
  several activities); the legend is below the grid. The header row and the
  three person columns are frozen.
- **Assignments**: the rows and columns of roster.csv, in its order. Cells are
  typed so that they sort and sum: `date` a date, `start` and `end` date-times,
  `items` an integer, `hours` a number, all formatted to show exactly the
  text of roster.csv (`yyyy-mm-dd`, `yyyy-mm-dd hh:mm`, `0.00`); `role`,
  `activity`, `batch` and `hard` (`yes`/`no`) are text as in the CSV.
- **Coverage**, **Batches**, **People**: coverage.csv, batches.csv and
  people.csv, with ISO dates and date-times as typed dates.
- **Summary**: summary.json (status, objective, bound, gap, each goal's label,
  value, unit and penalty, the checker's verdict and the shortfalls) and,
  when `roster check` wrote the folder, check.json (verdict, shortfalls with
  their reasons, contradicting rules, fixes and notes), one line per item in
  the columns section, item, value, unit, penalty, note.

`ShiftWork` and `shifts_of` group the roster rows into shifts; the calendars
use them too.
"""

from __future__ import annotations

import colorsys
import datetime as dt
import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models import RATING, ROSTER_COLUMNS, Assignment
from scheduler.outputs.exports import OutputData, one_line

HARD_MARK = "⚑"
"""Prefix of a shift line that holds hard work."""
HARD_FONT = Font(bold=True, color="C00000")
LEFTOVER = "leftover"
"""Named in a rating shift for grading time left over (a roster row without a batch)."""
MIXED_COLOUR = "D9D9D9"
"""Fill of a Roster cell whose shifts hold more than one activity."""

PALETTE = (
    "BDD7EE",  # blue
    "F8CBAD",  # orange
    "C6E0B4",  # green
    "FFE699",  # yellow
    "D9C3E9",  # lilac
    "B4E5E2",  # teal
    "F4B6C2",  # pink
    "E2D3B8",  # sand
    "C9D8A6",  # olive
    "A9C4EB",  # steel
    "F2C4A0",  # apricot
    "CFE2F3",  # ice
)
"""Light fills that keep black and red text readable; more are generated beyond these."""

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")
_WEEKEND_HEADER_FILL = PatternFill("solid", fgColor="C4CDD8")
_HEADER_BORDER = Border(bottom=Side(style="thin", color="7F7F7F"))
_CELL_BORDER = Border(
    left=Side(style="thin", color="BFBFBF"),
    right=Side(style="thin", color="BFBFBF"),
    top=Side(style="thin", color="BFBFBF"),
    bottom=Side(style="thin", color="BFBFBF"),
)
_TOP_WRAP = Alignment(vertical="top", wrap_text=True)
_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
_MIN_WIDTH = 6

CellValue = bool | int | float | str | dt.date | dt.datetime | None
"""What a cell is written with here."""
_MAX_WIDTH = 60


@dataclass(frozen=True)
class ShiftWork:
    """One shift of one person on one date: its roster rows together."""

    rows: tuple[Assignment, ...]

    @property
    def first(self) -> Assignment:
        return self.rows[0]

    @property
    def person(self) -> str:
        return self.first.person

    @property
    def name(self) -> str:
        return one_line(self.first.name) or self.first.person

    @property
    def date(self) -> dt.date:
        return self.first.date

    @property
    def shift(self) -> str:
        return self.first.shift

    @property
    def start(self) -> dt.datetime:
        return self.first.start

    @property
    def end(self) -> dt.datetime:
        return self.first.end

    @property
    def hard(self) -> bool:
        return any(row.hard for row in self.rows)

    @property
    def activities(self) -> tuple[str, ...]:
        """The activities in the shift, in row order (one, in rosters the solver writes)."""
        return tuple(dict.fromkeys(row.activity for row in self.rows))

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(row.role.value for row in self.rows))

    @property
    def graded(self) -> list[Assignment]:
        """The rating rows with a batch: what is graded in the shift."""
        return [row for row in self.rows if row.activity == RATING and row.batch]

    @property
    def leftover_hours(self) -> float:
        """Grading time of the shift with nothing planned (rating rows without a batch)."""
        return sum(row.hours for row in self.rows if row.activity == RATING and not row.batch)

    @property
    def has_leftover(self) -> bool:
        return any(row.activity == RATING and not row.batch for row in self.rows)

    @property
    def crosses_midnight(self) -> bool:
        return self.end.date() > self.date

    def work(self) -> str:
        """What the shift holds: the queue, or the batches graded with their items."""
        parts: list[str] = []
        for activity in self.activities:
            if activity != RATING:
                parts.append(activity)
                continue
            pieces = [f"{row.batch} {row.items}" for row in self.graded]
            if self.has_leftover:
                pieces.append(LEFTOVER)
            parts.append(" + ".join(pieces) if pieces else RATING)
        return " + ".join(parts)

    def label(self) -> str:
        """ "early · general", "rating · safety-redteam 120 + leftover"."""
        return f"{self.shift} · {self.work()}"

    def line(self) -> str:
        """The Roster cell line: the label, the hard mark and the next-day end."""
        text = f"{HARD_MARK} {self.label()}" if self.hard else self.label()
        if self.crosses_midnight:
            text += f" (→{self.end:%H:%M})"
        return text


def shifts_of(roster: Iterable[Assignment]) -> list[ShiftWork]:
    """The roster rows grouped by (person, date, shift), by date, start and person."""
    groups: dict[tuple[str, dt.date, str], list[Assignment]] = {}
    for row in roster:
        groups.setdefault((row.person, row.date, row.shift), []).append(row)
    shifts = [ShiftWork(tuple(rows)) for rows in groups.values()]
    return sorted(shifts, key=lambda s: (s.date, s.start, s.person, s.shift))


def activity_colours(data: OutputData) -> dict[str, str]:
    """One fill colour (RRGGBB) per activity, all distinct: the queues in instance order,
    then rating, then any other activity of the roster."""
    names = [queue.id for queue in data.instance.queues] + [RATING]
    names += [row.activity for row in data.roster]
    colours: dict[str, str] = {}
    used = {MIXED_COLOUR}
    generated = iter(range(len(PALETTE), 1 << 30))
    for index, name in enumerate(dict.fromkeys(names)):
        colour = PALETTE[index] if index < len(PALETTE) else MIXED_COLOUR
        while colour in used:
            colour = _generated_colour(next(generated))
        used.add(colour)
        colours[name] = colour
    return colours


def _generated_colour(index: int) -> str:
    """A light colour for activities beyond the palette (golden-ratio hues)."""
    hue = (index * 0.618033988749895) % 1.0
    lightness = 0.78 + 0.04 * (index % 3)
    red, green, blue = colorsys.hls_to_rgb(hue, lightness, 0.55)
    return f"{round(red * 255):02X}{round(green * 255):02X}{round(blue * 255):02X}"


def write(data: OutputData, path: Path) -> None:
    """Write the workbook to `path` (replacing it)."""
    workbook = Workbook()
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    workbook.properties.title = f"{data.instance.name}: roster"
    workbook.properties.creator = "roster (ai-staffing-scheduler)"
    _roster_sheet(workbook.create_sheet("Roster"), data)
    _assignments_sheet(workbook.create_sheet("Assignments"), data.roster)
    _frame_sheet(workbook.create_sheet("Coverage"), data.coverage, "coverage.csv")
    _frame_sheet(workbook.create_sheet("Batches"), data.batches, "batches.csv")
    _frame_sheet(workbook.create_sheet("People"), data.people, "people.csv")
    _summary_sheet(workbook.create_sheet("Summary"), data)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def _cell(sheet: Worksheet, row: int, column: int, value: CellValue) -> Cell | MergedCell:
    """Write a value as data, never as a formula: a text starting with `=` (a name from a
    spreadsheet, say) stays text, and control characters, which the format cannot hold,
    become spaces."""
    cell = sheet.cell(row=row, column=column)
    cell.value = ILLEGAL_CHARACTERS_RE.sub(" ", value) if isinstance(value, str) else value
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def _header(sheet: Worksheet, titles: Sequence[str]) -> None:
    for column, title in enumerate(titles, start=1):
        cell = _cell(sheet, 1, column, title)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.border = _HEADER_BORDER
        cell.alignment = Alignment(vertical="center")


def _finish_table(
    sheet: Worksheet,
    columns: int,
    rows: int,
    freeze: str = "A2",
    widths: dict[int, float] | None = None,
) -> None:
    """Freeze the header, filter the table A1..(columns, rows + 1), fit the widths."""
    sheet.freeze_panes = freeze
    last = get_column_letter(max(columns, 1))
    sheet.auto_filter.ref = f"A1:{last}{rows + 1}"
    for column in range(1, columns + 1):
        letter = get_column_letter(column)
        if widths is not None and column in widths:
            width = widths[column]
        else:
            width = max(
                (_shown_width(sheet.cell(row=r, column=column).value) for r in range(1, rows + 2)),
                default=0,
            )
        sheet.column_dimensions[letter].width = min(max(width + 2, _MIN_WIDTH), _MAX_WIDTH)


def _shown_width(value: object) -> float:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    if isinstance(value, float):
        return len(f"{value:.4g}") + 1
    return max((len(line) for line in str(value).splitlines()), default=0)


def _roster_sheet(sheet: Worksheet, data: OutputData) -> None:
    instance = data.instance
    dates = instance.dates
    colours = activity_colours(data)
    titles = ["person", "name", "roles"] + [f"{day:%a} {day.isoformat()}" for day in dates]
    _header(sheet, titles)
    for offset, day in enumerate(dates):
        if day.weekday() >= 5:
            sheet.cell(row=1, column=4 + offset).fill = _WEEKEND_HEADER_FILL
    sheet.row_dimensions[1].height = 18

    by_cell: dict[tuple[str, dt.date], list[ShiftWork]] = {}
    for work in shifts_of(data.roster):
        by_cell.setdefault((work.person, work.date), []).append(work)
    people = [(p.id, p.display_name, ", ".join(r.value for r in p.roles)) for p in instance.people]
    known = {pid for pid, _, _ in people}
    for work in shifts_of(data.roster):  # rows of people no longer in the instance
        if work.person not in known:
            known.add(work.person)
            people.append((work.person, work.name, ", ".join(work.roles)))

    column_widths: dict[int, float] = {}
    for index, (pid, name, roles) in enumerate(people):
        row = index + 2
        for column, value in enumerate((pid, name, roles), start=1):
            cell = _cell(sheet, row, column, value)
            cell.alignment = _TOP_WRAP
            cell.border = _CELL_BORDER
        for offset, day in enumerate(dates):
            column = 4 + offset
            day_cell = _cell(sheet, row, column, None)
            day_cell.border = _CELL_BORDER
            day_cell.alignment = _TOP_WRAP
            works = by_cell.get((pid, day), [])
            if not works:
                continue
            lines = [work.line() for work in works]
            _cell(sheet, row, column, "\n".join(lines))
            activities = {a for work in works for a in work.activities}
            colour = colours[next(iter(activities))] if len(activities) == 1 else MIXED_COLOUR
            day_cell.fill = PatternFill("solid", fgColor=colour)
            if any(work.hard for work in works):
                day_cell.font = HARD_FONT
            column_widths[column] = max(
                column_widths.get(column, 0), *(len(line) for line in lines)
            )
    for offset, _day in enumerate(dates):
        column = 4 + offset
        column_widths[column] = max(column_widths.get(column, 0), len(titles[column - 1]), 12)
    _finish_table(sheet, len(titles), len(people), freeze="D2", widths=column_widths)
    for row in range(2, len(people) + 2):  # room for the lines, wrapped at the column width
        shown = 1
        for column in range(4, len(titles) + 1):
            text = sheet.cell(row=row, column=column).value
            if isinstance(text, str):
                width = sheet.column_dimensions[get_column_letter(column)].width or _MAX_WIDTH
                shown = max(shown, _wrapped_lines(text, width))
        if shown > 1:
            sheet.row_dimensions[row].height = 15 * shown
    _legend(sheet, data, colours, first_row=len(people) + 3)
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as it takes
    sheet.print_title_rows = "1:1"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True  # type: ignore[union-attr]


def _wrapped_lines(text: str, width: float) -> int:
    """About how many lines `text` takes in a wrapping cell `width` characters wide."""
    room = max(int(width) - 2, 1)
    return sum(max(math.ceil(len(line) / room), 1) for line in text.split("\n"))


def _legend(sheet: Worksheet, data: OutputData, colours: dict[str, str], first_row: int) -> None:
    """Below the grid: each activity's fill, the hard mark, the next-day end."""
    queues = data.instance.queue_by_id
    title = _cell(sheet, first_row, 1, "Legend")
    title.font = _HEADER_FONT
    entries: list[tuple[str, str, PatternFill | None, Font | None]] = []
    for activity, colour in colours.items():
        queue = queues.get(activity)
        if queue is not None:
            meaning = f"queue {queue.id}: {queue.skill} level ≥ {queue.min_level}"
            if queue.hard:
                meaning += " (a hard queue: hard work)"
        elif activity == RATING:
            meaning = (
                "rating: batches graded, each with the items planned; "
                f"'{LEFTOVER}' is grading time with no batch planned"
            )
        else:
            meaning = f"activity {activity}"
        entries.append((activity, meaning, PatternFill("solid", fgColor=colour), None))
    entries += [
        (
            "several",
            "the day holds several activities",
            PatternFill("solid", fgColor=MIXED_COLOUR),
            None,
        ),
        (
            f"{HARD_MARK} hard",
            "hard work: a hard queue, or items of a hard or expert batch",
            None,
            HARD_FONT,
        ),
        ("(→06:00)", "the shift ends the next day at that time", None, None),
    ]
    for offset, (key, meaning, fill, font) in enumerate(entries, start=1):
        key_cell = _cell(sheet, first_row + offset, 1, key)
        key_cell.border = _CELL_BORDER
        if fill is not None:
            key_cell.fill = fill
        if font is not None:
            key_cell.font = font
        _cell(sheet, first_row + offset, 2, meaning)
    width = max(len(key) for key, _, _, _ in entries) + 2
    current = sheet.column_dimensions["A"].width or 0
    sheet.column_dimensions["A"].width = min(max(current, width), _MAX_WIDTH)


def _assignments_sheet(sheet: Worksheet, roster: Sequence[Assignment]) -> None:
    _header(sheet, ROSTER_COLUMNS)
    for index, assignment in enumerate(roster):
        row = index + 2
        values: dict[str, CellValue] = {
            "date": assignment.date,
            "shift": assignment.shift,
            "start": assignment.start,
            "end": assignment.end,
            "person": assignment.person,
            "name": assignment.name,
            "role": assignment.role.value,
            "activity": assignment.activity,
            "batch": assignment.batch,
            "items": assignment.items,
            "hours": assignment.hours,
            "hard": "yes" if assignment.hard else "no",
        }
        for column, name in enumerate(ROSTER_COLUMNS, start=1):
            cell = _cell(sheet, row, column, values[name])
            if name == "date":
                cell.number_format = _DATE_FORMAT
            elif name in ("start", "end"):
                cell.number_format = _DATETIME_FORMAT
            elif name == "items":
                cell.number_format = "0"
            elif name == "hours":
                cell.number_format = "0.00"
            elif name == "hard" and assignment.hard:
                cell.font = HARD_FONT
    _finish_table(sheet, len(ROSTER_COLUMNS), len(roster))


def _cell_value(value: object) -> tuple[CellValue, str | None]:
    """A DataFrame value as a cell value and its number format."""
    if value is None:
        return None, None
    if isinstance(value, float) and math.isnan(value):
        return None, None
    if value is pd.NA or value is pd.NaT:
        return None, None
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    if isinstance(value, str):
        if _ISO_DATE.match(value):
            return dt.date.fromisoformat(value), _DATE_FORMAT
        if _ISO_DATETIME.match(value):
            return dt.datetime.fromisoformat(value), _DATETIME_FORMAT
    if isinstance(value, bool | int | float | str | dt.date):
        return value, None
    return str(value), None


def _frame_sheet(sheet: Worksheet, frame: pd.DataFrame, source: str) -> None:
    if frame.columns.empty:
        _header(sheet, ["note"])
        _cell(sheet, 2, 1, f"{source} was not written (no roster)")
        _finish_table(sheet, 1, 1)
        return
    columns = [str(c) for c in frame.columns]
    _header(sheet, columns)
    for index, record in enumerate(frame.itertuples(index=False, name=None)):
        for column, raw in enumerate(record, start=1):
            value, number_format = _cell_value(raw)
            cell = _cell(sheet, index + 2, column, value)
            if number_format is not None:
                cell.number_format = number_format
    _finish_table(sheet, len(columns), len(frame))


SUMMARY_COLUMNS = ["section", "item", "value", "unit", "penalty", "note"]

_SOLVE_FIELDS = (
    ("instance", "instance"),
    ("status", "status"),
    ("status_text", "status (in words)"),
    ("objective", "objective"),
    ("bound", "bound"),
    ("gap", "gap"),
    ("solve_seconds", "solve seconds"),
    ("stopped_early", "stopped early"),
    ("time_limit", "time limit (s)"),
    ("workers", "workers"),
    ("seed", "seed"),
    ("roster_rows", "roster rows"),
)


def _plain(value: object) -> CellValue:
    """A JSON value as a cell value: booleans as yes/no, lists and mappings as JSON text."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or isinstance(value, int | float | str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _text_of(entry: object, *keys: str) -> str:
    if isinstance(entry, dict):
        for key in keys:
            if entry.get(key):
                return str(entry[key])
        return json.dumps(entry, ensure_ascii=False, default=str)
    return str(entry)


def summary_lines(summary: dict[str, Any], check: dict[str, Any] | None) -> list[list[CellValue]]:
    """The Summary sheet's rows (without the header), in SUMMARY_COLUMNS."""
    lines: list[list[CellValue]] = []
    used = {"goals", "check", "shortfalls"}
    for key, label in _SOLVE_FIELDS:
        if key in summary:
            used.add(key)
            lines.append(["solve", label, _plain(summary[key]), None, None, None])
    for key, value in summary.items():  # anything a later release adds
        if key not in used:
            lines.append(["solve", key, _plain(value), None, None, None])
    for name, goal in (summary.get("goals") or {}).items():
        lines.append(
            [
                "goal",
                goal.get("label", name),
                goal.get("value"),
                goal.get("unit"),
                goal.get("penalty"),
                name,
            ]
        )
    checker = summary.get("check")
    if isinstance(checker, dict):
        holds = checker.get("hard_rules_hold")
        verdict = "every hard rule holds" if holds else "hard rules broken"
        lines.append(["checker", "verdict", verdict, None, None, None])
        if "objective" in checker:
            lines.append(["checker", "objective", _plain(checker["objective"]), None, None, None])
        for violation in checker.get("violations") or []:
            lines.append(["checker", "violation", _text_of(violation, "text"), None, None, None])
    for shortfall in summary.get("shortfalls") or []:
        lines.append(["shortfall", "", _text_of(shortfall, "sentence", "text"), None, None, None])
    if check is None:
        return lines
    lines.append(["check", "verdict", _plain(check.get("verdict")), None, None, None])
    for key in ("status", "objective", "bound", "gap"):
        if key in check:
            lines.append(["check", key, _plain(check[key]), None, None, None])
    for shortfall in check.get("shortfalls") or []:
        subject = shortfall.get("subject", "") if isinstance(shortfall, dict) else ""
        binding = shortfall.get("binding") if isinstance(shortfall, dict) else None
        note = f"binds: {binding}" if binding else None
        lines.append(
            ["check shortfall", subject, _text_of(shortfall, "sentence"), None, None, note]
        )
    for conflict in check.get("conflicts") or []:
        rule = conflict.get("rule", "") if isinstance(conflict, dict) else ""
        lines.append(["check conflict", rule, _text_of(conflict, "text"), None, None, None])
    for fix in check.get("fixes") or []:
        target = fix.get("target", "") if isinstance(fix, dict) else ""
        verified = fix.get("verified") if isinstance(fix, dict) else None
        note = None if verified is None else ("verified" if verified else "not verified")
        lines.append(["check fix", target, _text_of(fix, "sentence"), None, None, note])
    for note in check.get("notes") or []:
        lines.append(["check note", "", str(note), None, None, None])
    return lines


def _summary_sheet(sheet: Worksheet, data: OutputData) -> None:
    _header(sheet, SUMMARY_COLUMNS)
    lines = summary_lines(data.summary, data.check)
    for index, line in enumerate(lines):
        row = index + 2
        for column, value in enumerate(line, start=1):
            cell = _cell(sheet, row, column, value)
            cell.alignment = _TOP_WRAP
            if isinstance(value, float) and not value.is_integer():
                cell.number_format = "#,##0.00"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cell.number_format = "#,##0"
        if line[1] == "gap" and isinstance(line[2], int | float):
            sheet.cell(row=row, column=3).number_format = "0.00%"
    widths = {3: max((_shown_width(line[2]) for line in lines), default=10)}
    widths[3] = min(widths[3], 90)
    _finish_table(sheet, len(SUMMARY_COLUMNS), len(lines), widths=widths)
    sheet.column_dimensions["C"].width = min(max(widths[3] + 2, 12), 90)
