"""The tables of an output folder (coverage.csv, batches.csv, people.csv) with their
text cells made safe for a spreadsheet when written, and as they were when read back
(`models.cells`). Only text columns are touched: numbers stay numbers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from models.cells import from_cell, to_cell


def _text_cells(frame: pd.DataFrame, change: Callable[[str], str]) -> pd.DataFrame:
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_object_dtype(series) or pd.api.types.is_string_dtype(series):
            out[column] = series.map(lambda v: change(v) if isinstance(v, str) else v)
    return out


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with each text cell that would begin a formula quoted (`to_cell`)."""
    return _text_cells(frame, to_cell)


def restored_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as read from a file `safe_frame` wrote, each text as it was."""
    return _text_cells(frame, from_cell)


def write_frame(frame: pd.DataFrame, path: Any) -> None:
    """Write a table as CSV (no index), its text cells made safe."""
    safe_frame(frame).to_csv(path, index=False)
