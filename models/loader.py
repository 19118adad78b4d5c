"""Reading an instance from YAML or JSON, with long lists optionally in CSV files.

Any of the lists `shifts`, `queues`, `demand`, `people` and `batches` may be
given as the name of a CSV file beside the instance. A CSV column names a
field; dotted names reach nested fields (`contract.max_hours_per_week`,
`skills.safety`, `history.last_shift_end`). A cell holding several values
separates them with `;` (`roles`: `rater;agent`); a cell starting with `[` or
`{` is read as JSON (`preferences`: `[{"kind": "avoid", "shift": "night"}]`).
An empty cell leaves the field at its default.

Every problem is reported as an `InputError` whose messages name the file, the
field path and the value; nothing here ever lets a traceback reach a user.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from models.instance import Batch, Demand, Instance, Person, Queue, ShiftTemplate

CSV_LISTS: dict[str, type[BaseModel]] = {
    "shifts": ShiftTemplate,
    "queues": Queue,
    "demand": Demand,
    "people": Person,
    "batches": Batch,
}
_LIST_CELLS = {"roles", "days_off", "unavailable", "weekdays", "activities", "skills_list"}


class InputError(Exception):
    """Input that cannot be planned from: each message names file, field and value."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def load_instance(path: str | Path) -> Instance:
    """Read and validate an instance file; raise `InputError` on any problem."""
    path = Path(path)
    data = read_document(path)
    if not isinstance(data, dict):
        raise InputError([f"{path}: the top level must be a mapping of fields, not {_kind(data)}"])
    sources: dict[str, Path] = {}
    for key in CSV_LISTS:
        value = data.get(key)
        if isinstance(value, str):
            csv_path = path.parent / value
            data[key] = read_csv_list(csv_path, CSV_LISTS[key], f"{path}: {key}")
            sources[key] = csv_path
    return validate_instance(data, path, sources)


def validate_instance(
    data: dict[str, Any], path: Path, sources: dict[str, Path] | None = None
) -> Instance:
    """Validate already-read data; messages say which file (or CSV row) holds each culprit."""
    try:
        return Instance.model_validate(data)
    except ValidationError as exc:
        raise InputError(format_errors(exc, path, sources or {})) from None


def read_document(path: Path) -> Any:
    if not path.exists():
        raise InputError([f"{path}: file not found"])
    if path.is_dir():
        raise InputError([f"{path}: is a folder, not an instance file"])
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([f"{path}: cannot be read: {exc}"]) from None
    if not text.strip():
        raise InputError([f"{path}: the file is empty"])
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
            problem = getattr(exc, "problem", None) or str(exc)
            raise InputError([f"{path}: {where}YAML syntax error: {problem}"]) from None
    if suffix == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(
                [f"{path}: line {exc.lineno}, column {exc.colno}: JSON syntax error: {exc.msg}"]
            ) from None
    raise InputError([f"{path}: unknown file type {suffix!r}: use .yaml, .yml or .json"])


def read_csv_list(path: Path, model: type[BaseModel], where: str) -> list[dict[str, Any]]:
    """Rows of a CSV file as nested dicts ready for `model`."""
    if not path.exists():
        raise InputError([f"{where}: CSV file {str(path.name)!r} not found (looked for {path})"])
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            columns = [c.strip() for c in (reader.fieldnames or [])]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError([f"{path}: cannot be read as CSV: {exc}"]) from None
    if not columns:
        raise InputError([f"{path}: the file is empty (no header row)"])
    known = {info.alias or name for name, info in model.model_fields.items()} | set(
        model.model_fields
    )
    problems = [
        f"{path}: unknown column {c!r} (known: {', '.join(sorted(known))})"
        for c in columns
        if c.split(".")[0] not in known
    ]
    roots = {c.split(".")[0] for c in columns}
    problems += [
        f"{path}: missing column {name!r}, which every row needs"
        for name, info in model.model_fields.items()
        if info.is_required() and name not in roots
    ]
    if problems:
        raise InputError(problems)
    out = []
    for number, row in enumerate(rows, start=2):
        if None in row:
            raise InputError([f"{path}: row {number}: more cells than columns"])
        item: dict[str, Any] = {}
        for raw_column, raw in row.items():
            column = raw_column.strip()
            cell = (raw or "").strip()
            if not cell:
                continue
            try:
                value = _cell_value(column, cell)
            except ValueError as exc:
                raise InputError([f"{path}: row {number}, column {column!r}: {exc}"]) from None
            _set_path(item, column.split("."), value)
        out.append(item)
    return out


def _cell_value(column: str, cell: str) -> Any:
    if cell[0] in "[{":
        try:
            return json.loads(cell)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{cell!r} is not valid JSON ({exc.msg})") from None
    if column.split(".")[-1] in _LIST_CELLS:
        return [part.strip() for part in cell.split(";") if part.strip()]
    return cell


def _set_path(target: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value


# ---- messages -------------------------------------------------------------

_FOLDABLE = re.compile(r"^([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*): (.+)$", re.S)


def format_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def format_errors(exc: ValidationError, path: Path, sources: dict[str, Path]) -> list[str]:
    """One line per problem: `file: field.path: message (got value)`."""
    lines = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if not loc:
            lines += [f"{path}: {line}" for line in message.splitlines()]
            continue
        field = format_path(loc)
        folded = _FOLDABLE.match(message)
        if error["type"] == "value_error" and folded and " " not in folded.group(1):
            field, message = f"{field}.{folded.group(1)}", folded.group(2)
        where = str(path)
        if loc[0] in sources and len(loc) > 1 and isinstance(loc[1], int):
            where = f"{sources[str(loc[0])]}: row {loc[1] + 2}"
        value = ""
        if error["type"] not in ("missing", "value_error", "assertion_error") and not isinstance(
            error.get("input"), dict
        ):
            value = f" (got {error.get('input')!r})"
        lines.append(f"{where}: {field}: {message}{value}")
    return lines


def _kind(value: Any) -> str:
    return {list: "a list", str: "a string", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )
