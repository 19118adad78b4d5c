"""Exports people use: a spreadsheet, calendar files and a report to look at.

Every export is made from the files of an output folder, read back
(`OutputData.load`), never recomputed from the solver: `roster solve` writes
the CSV and JSON files first and then the exports from them, and
`roster export OUT_DIR` rebuilds the exports from the same files.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from models import Assignment, InputError, Instance, read_roster_csv
from scheduler.outputs.cells import restored_frame

EXPORTS = ("roster.xlsx", "calendars", "report.html")


def one_line(text: str) -> str:
    """A name or label as one line of plain text: every control character (a line
    break from a spreadsheet cell, a tab, a NUL) and line separator becomes a space."""
    cleaned = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(cleaned.split())


"""What `write_exports` adds to an output folder."""


@dataclass(frozen=True)
class OutputData:
    """The contents of an output folder."""

    folder: Path
    instance: Instance
    roster: list[Assignment]
    coverage: pd.DataFrame
    batches: pd.DataFrame
    people: pd.DataFrame
    summary: dict[str, Any]
    check: dict[str, Any] | None
    """check.json, when `roster check` wrote the folder."""

    @classmethod
    def load(cls, folder: Path) -> OutputData:
        missing = [
            name
            for name in ("instance.json", "roster.csv", "summary.json")
            if not (folder / name).exists()
        ]
        if missing:
            raise InputError(
                [f"{folder}: not an output folder of roster (missing {', '.join(missing)})"]
            )
        instance = Instance.model_validate_json((folder / "instance.json").read_text())

        def table(name: str) -> pd.DataFrame:
            path = folder / name
            if not path.exists():
                return pd.DataFrame()
            # ids stay text even when they look like numbers ("007")
            ids = {c: str for c in ("person", "name", "queue", "batch", "shift", "skill")}
            frame = pd.read_csv(path, keep_default_na=False, na_values=[""], dtype=ids)
            return restored_frame(frame)  # text cells as written, not as quoted

        check_path = folder / "check.json"
        return cls(
            folder=folder,
            instance=instance,
            roster=read_roster_csv(folder / "roster.csv"),
            coverage=table("coverage.csv"),
            batches=table("batches.csv"),
            people=table("people.csv"),
            summary=json.loads((folder / "summary.json").read_text()),
            check=json.loads(check_path.read_text()) if check_path.exists() else None,
        )


def write_exports(folder: Path) -> list[str]:
    """Write every export into `folder` from its own files; the names written."""
    from scheduler.outputs import calendars, report, spreadsheet

    data = OutputData.load(folder)
    spreadsheet.write(data, folder / "roster.xlsx")
    calendars.write(data, folder / "calendars")
    report.write(data, folder / "report.html")
    return list(EXPORTS)
