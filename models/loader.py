"""Reading an instance from YAML or JSON, with long lists optionally in CSV files.

Any of the lists `shifts`, `queues`, `demand`, `people` and `batches` may be
given as the name of a CSV file beside the instance. A CSV column names a
field; dotted names reach nested fields (`contract.max_hours_per_week`,
`skills.safety`, `history.last_shift_end`). A cell holding several values
separates them with `;` (`roles`: `rater;agent`); a cell starting with `[` or
`{` is read as JSON (`preferences`: `[{"kind": "avoid", "shift": "night"}]`).
An empty cell leaves the field at its default. Rows are numbered as in the file
(the header is row 1); blank rows are skipped.

YAML is read with the YAML 1.2 core rules rather than PyYAML's YAML 1.1 ones,
so that a hand-written file means what it says: `22:00` is a clock time (not
the sexagesimal number 1320), `2026-12-02` stays a day reference (not a date
object a text field rejects), `no`, `on` and `off` are words (only `true` and
`false` are booleans), and a key written twice in one mapping is an error
rather than the last one silently winning.

Every problem is reported as an `InputError` whose messages name the file, the
field path and the value; nothing here ever lets a traceback reach a user.
After the model's own checks, numbers must be finite and at most
`MAX_NUMBER`, clock times carry no UTC offset (they are local to
`horizon.timezone`), and the horizon must end within the calendar.

`instance_json_schema` gives the same format as a JSON Schema (`roster schema`),
with the CSV and short forms above and the loader's own bounds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
import stat
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from models.errors import InputError, format_path, show, suggest
from models.goals import GOALS
from models.instance import (
    MAX_LEVEL,
    Batch,
    Demand,
    Horizon,
    Instance,
    Person,
    Queue,
    ShiftTemplate,
    is_path_message,
)
from models.queueing import MAX_TRAFFIC, traffic

CSV_LISTS: dict[str, type[BaseModel]] = {
    "shifts": ShiftTemplate,
    "queues": Queue,
    "demand": Demand,
    "people": Person,
    "batches": Batch,
}
_LIST_CELLS = {"roles", "days_off", "unavailable", "weekdays", "activities", "skills_list"}

MAX_NUMBER = 1_000_000_000
"""Largest number accepted anywhere: larger ones are typos and would overflow the solver."""

_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"

MAX_FILE_BYTES = 20 * 1024 * 1024
"""The largest instance, CSV or roster file read (20 MiB): far above any real week
(a generated 1,000-person week is under 1 MiB), and bounded so that a stray file
cannot take minutes and gigabytes to read."""
MAX_YAML_NODES = 1_000_000
"""The most values (YAML nodes: scalars, lists, mappings) a document may hold, and may
stand for once its aliases are expanded: anchors shared by many people are fine; a
document too long to be an instance, or one that multiplies itself (a 'billion laughs'),
is refused before its tree is built."""

# Where the rows of a list came from: the CSV file and the file row of each item
# (None: item i is on row i + 2, as when rows are neither blank nor span lines).
_Source = tuple[Path, list[int] | None]


# ---- reading --------------------------------------------------------------


def load_instance(path: str | Path) -> Instance:
    """Read and validate an instance file of our format; raise `InputError` on any problem.

    (`scheduler.formats.read_instance` reads the Curtois-Qu benchmark's files too.)
    """
    path = Path(path)
    data = read_document(path)
    if not isinstance(data, dict):
        raise InputError([f"{path}: the top level must be a mapping of fields, not {_kind(data)}"])
    sources: dict[str, _Source] = {}
    problems: list[str] = []
    for key, model in CSV_LISTS.items():
        value = data.get(key)
        if not isinstance(value, str):
            continue
        if not value.lower().endswith(".csv"):
            problems.append(
                f"{path}: {key}: expected a list or the name of a CSV file (*.csv), got {value!r}"
            )
            continue
        csv_path = path.parent / value
        if Path(value).is_absolute() or not csv_path.resolve().is_relative_to(
            path.parent.resolve()
        ):
            problems.append(
                f"{path}: {key}: {value!r} is outside the instance's folder; a CSV file "
                "must be in that folder or below it"
            )
            continue
        try:
            data[key], lines = _read_csv(csv_path, model, f"{path}: {key}")
        except InputError as exc:
            problems += exc.messages
            continue
        sources[key] = (csv_path, lines)
    if problems:
        raise InputError(problems)
    return _validate(data, path, sources)


_LONGEST = {
    key: next(m.max_length for m in info.metadata if getattr(m, "max_length", None))
    for key, info in Instance.model_fields.items()
    if any(getattr(m, "max_length", None) for m in info.metadata)
}
"""Each list's most items (`Field(max_length=...)` of `Instance`)."""


def validate_instance(
    data: dict[str, Any], path: Path, sources: dict[str, Path] | None = None
) -> Instance:
    """Validate already-read data; messages say which file (or CSV row) holds each culprit."""
    return _validate(data, path, {k: (p, None) for k, p in (sources or {}).items()})


def _validate(data: dict[str, Any], path: Path, sources: dict[str, _Source]) -> Instance:
    too_long = [
        f"{path}: {key}: {len(items):,} items, above the {most:,} an instance may have"
        for key, most in _LONGEST.items()
        if isinstance(items := data.get(key), list) and len(items) > most
    ]
    if too_long:  # said before validating them all, which would take minutes
        raise InputError(too_long)
    try:
        instance = Instance.model_validate(data)
    except ValidationError as exc:
        raise InputError(_format(exc, path, sources)) from None
    except OverflowError:
        horizon = data.get("horizon")
        start, days = (
            (horizon.get("start"), horizon.get("days", Horizon.model_fields["days"].default))
            if isinstance(horizon, dict)
            else (None, None)
        )
        raise InputError(
            [
                f"{path}: horizon.days: {days} days from {start} run past 9999-12-31, "
                "the last date a calendar holds"
            ]
        ) from None
    except RecursionError:
        raise InputError([f"{path}: the data refers to itself or is nested too deeply"]) from None
    problems = list(_sanity_problems(instance))
    if problems:
        raise InputError([_locate(p, path, sources) for p in problems])
    return instance


class _DuplicateKeyError(yaml.constructor.ConstructorError):
    pass


class _TooLargeError(yaml.constructor.ConstructorError):
    pass


def _too_many_values() -> _TooLargeError:
    return _TooLargeError(
        None,
        None,
        f"the document holds more than {MAX_YAML_NODES:,} values (scalars, lists and "
        "mappings), more than an instance may hold",
        None,
    )


def _count_values(text: str) -> None:
    """Refuse a document of more than MAX_YAML_NODES values before any tree is built,
    counted on libyaml's parser events (some ten times faster than composing them in
    Python). A document libyaml cannot parse is left to the loader, which says why;
    without libyaml the loader's own count (`_YamlLoader.compose_node`) holds alone."""
    if not yaml.__with_libyaml__:
        return
    values = 0
    kinds = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
    parser = yaml.CBaseLoader(text)
    try:
        while parser.check_event():
            if isinstance(parser.get_event(), kinds):
                values += 1
                if values > MAX_YAML_NODES:
                    raise _too_many_values()
    except _TooLargeError:
        raise
    except yaml.YAMLError:
        return
    finally:
        parser.dispose()


class _YamlLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core scalars and no duplicate keys (see the module doc),
    refusing documents of more than MAX_YAML_NODES values, counted as they are composed,
    and documents whose aliases expand past it."""

    composed = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if not self.check_event(yaml.AliasEvent):  # an alias is a node composed before
            self.composed += 1
            if self.composed > MAX_YAML_NODES:
                raise _too_many_values()
        return super().compose_node(parent, index)

    def get_single_node(self) -> yaml.Node | None:
        node = super().get_single_node()
        if node is not None:
            size = _expanded_size(node, {})
            if size > MAX_YAML_NODES:
                raise _TooLargeError(
                    None,
                    None,
                    f"its aliases expand to more than {MAX_YAML_NODES:,} values, more than "
                    "an instance may hold",
                    node.start_mark,
                )
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, yaml.Mark] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            if key_node.value in seen:
                first = seen[key_node.value]
                raise _DuplicateKeyError(
                    None,
                    None,
                    f"duplicate key {key_node.value!r} (first on line {first.line + 1})",
                    key_node.start_mark,
                )
            seen[key_node.value] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    """Nodes the document stands for with every alias expanded (shared nodes counted
    each time they are used), computed once per node; saturates past the limit."""
    known = sizes.get(id(node))
    if known is not None:
        return known
    sizes[id(node)] = MAX_YAML_NODES + 1  # a node inside itself expands without end
    total = 1
    if isinstance(node, yaml.SequenceNode):
        for child in node.value:
            total += _expanded_size(child, sizes)
            if total > MAX_YAML_NODES:
                break
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            total += _expanded_size(key, sizes) + _expanded_size(value, sizes)
            if total > MAX_YAML_NODES:
                break
    sizes[id(node)] = min(total, MAX_YAML_NODES + 1)
    return sizes[id(node)]


def _yaml_1_2_resolvers() -> None:
    # Keep only resolvers whose plain scalars YAML 1.1 dumpers also write plainly:
    # then anything yaml.safe_dump writes still reads back as the same value.
    dropped = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int"}
    _YamlLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in dropped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    _YamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool",
        re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        list("tTfF"),
    )
    _YamlLoader.add_implicit_resolver(
        "tag:yaml.org,2002:int",
        re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$"),
        list("-+0123456789"),
    )
    # The YAML 1.1 float resolver also reads '1:30.5' as sexagesimal 90.5: drop that form.
    _YamlLoader.yaml_implicit_resolvers = {
        first: [
            (tag, rx)
            if tag != "tag:yaml.org,2002:float"
            else (
                tag,
                re.compile(
                    r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?"
                    r"|\.[0-9_]+(?:[eE][-+][0-9]+)?"
                    r"|[-+]?\.(?:inf|Inf|INF)"
                    r"|\.(?:nan|NaN|NAN))$"
                ),
            )
            for tag, rx in resolvers
        ]
        for first, resolvers in _YamlLoader.yaml_implicit_resolvers.items()
    }


_yaml_1_2_resolvers()


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r} in a JSON object")
        out[key] = value
    return out


def read_document(path: Path) -> Any:
    """The parsed content of a YAML or JSON file; `InputError` if it cannot be read."""
    if not path.exists():
        raise InputError([f"{path}: file not found"])
    if path.is_dir():
        raise InputError([f"{path}: is a folder, not an instance file"])
    suffix = path.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise InputError(
            [f"{path}: unknown file type {suffix or '(none)'!r}: use .yaml, .yml or .json"]
        )
    text = _read_text(path, "utf-8")
    if not text.strip():
        raise InputError([f"{path}: the file is empty"])
    try:
        if suffix == ".json":
            return json.loads(text, object_pairs_hook=_no_duplicate_keys)
        _count_values(text)
        return yaml.load(text, Loader=_YamlLoader)
    except json.JSONDecodeError as exc:
        raise InputError(
            [f"{path}: line {exc.lineno}, column {exc.colno}: JSON syntax error: {exc.msg}"]
        ) from None
    except ValueError as exc:  # a duplicate JSON key
        raise InputError([f"{path}: {exc}"]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        kind = "" if isinstance(exc, _DuplicateKeyError | _TooLargeError) else "YAML syntax error: "
        context = getattr(exc, "context", None)
        context_mark = getattr(exc, "context_mark", None)
        if context and context_mark:
            problem += (
                f" ({context} at line {context_mark.line + 1}, column {context_mark.column + 1})"
            )
        raise InputError([f"{path}: {where}{kind}{problem}"]) from None
    except RecursionError:
        raise InputError([f"{path}: nested too deeply to be an instance"]) from None


def _read_text(path: Path, encoding: str) -> str:
    """A regular file's text, at most MAX_FILE_BYTES; `InputError` says what is wrong."""
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None
    if not stat.S_ISREG(info.st_mode):
        what = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a pipe or device)"
        raise InputError([f"{path}: is {what}; give a file"])
    if info.st_size > MAX_FILE_BYTES:
        raise InputError(
            [
                f"{path}: is {info.st_size / 2**20:,.1f} MiB, above the "
                f"{MAX_FILE_BYTES // 2**20} MiB a file may be"
            ]
        )
    try:
        return path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            [f"{path}: is not UTF-8 text (byte {exc.object[exc.start]:#04x} at offset {exc.start})"]
        ) from None
    except OSError as exc:
        raise InputError([f"{path}: cannot be read: {exc.strerror or exc}"]) from None


def read_csv_list(path: Path, model: type[BaseModel], where: str) -> list[dict[str, Any]]:
    """Rows of a CSV file as nested dicts ready for `model`."""
    rows, _ = _read_csv(path, model, where)
    return rows


def _read_csv(
    path: Path, model: type[BaseModel], where: str
) -> tuple[list[dict[str, Any]], list[int]]:
    """Rows as nested dicts, and the file row (header = 1) each came from."""
    if not path.exists():
        raise InputError([f"{where}: CSV file {path.name!r} not found (looked for {path})"])
    if path.is_dir():
        raise InputError([f"{where}: {path} is a folder, not a CSV file"])
    text = _read_text(path, "utf-8-sig")
    records: list[tuple[int, list[str]]] = []
    # strict: a quote left open to the end of the file is an error, not one long cell
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    previous = 0
    try:
        for cells in reader:
            first_line, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                records.append((first_line, cells))
    except csv.Error as exc:
        row = previous + 1  # where the record the error is in begins
        if "unexpected end of data" in str(exc):
            message = f"{path}: row {row}: a quote opened in this row is never closed"
        else:
            message = f"{path}: row {row}: not valid CSV: {exc}"
        raise InputError([message]) from None
    if not records:
        raise InputError([f"{path}: the file is empty (no header row)"])
    (_, header), body = records[0], records[1:]
    columns = [c.strip() for c in header]
    problems = _column_problems(path, columns, body, model)
    if problems:
        raise InputError(problems)
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    for number, cells in body:
        if len(cells) > len(columns):
            problems.append(
                f"{path}: row {number}: {len(cells)} cells but only {len(columns)} columns"
            )
            continue
        item: dict[str, Any] = {}
        for column, raw in zip(columns, cells, strict=False):
            cell = raw.strip()
            if not cell or not column:
                continue
            try:
                _set_path(item, column.split("."), _cell_value(column, cell))
            except ValueError as exc:
                problems.append(f"{path}: row {number}, column {column!r}: {exc}")
        rows.append(item)
        lines.append(number)
    if problems:
        raise InputError(problems)
    return rows, lines


def _column_problems(
    path: Path, columns: list[str], body: list[tuple[int, list[str]]], model: type[BaseModel]
) -> list[str]:
    known = _field_names(model)
    problems = []
    for index, column in enumerate(columns):
        if not column:
            if any(index < len(cells) and cells[index].strip() for _, cells in body):
                problems.append(f"{path}: column {index + 1} has values but no name")
            continue
        root = column.split(".")[0]
        if root not in known:
            problems.append(f"{path}: unknown column {column!r}{_suggest(root, known)}")
        if columns.index(column) != index:
            problems.append(f"{path}: column {column!r} appears twice")
        clashing = [c for c in columns if c.startswith(column + ".")]
        if clashing:
            problems.append(
                f"{path}: columns {column!r} and {clashing[0]!r} both give {column!r}: keep one"
            )
    roots = {c.split(".")[0] for c in columns}
    problems += [
        f"{path}: missing column {info.alias or name!r}, which every row needs"
        for name, info in model.model_fields.items()
        if info.is_required() and name not in roots and info.alias not in roots
    ]
    return problems


def _cell_value(column: str, cell: str) -> Any:
    if cell[0] in "[{":
        try:
            return json.loads(cell)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{show(cell)} is not valid JSON ({exc.msg})") from None
        except RecursionError:
            raise ValueError("a JSON cell nested too deeply") from None
    if column.split(".")[-1] in _LIST_CELLS:
        return [part.strip() for part in cell.split(";") if part.strip()]
    return cell


def _set_path(target: dict[str, Any], keys: list[str], value: Any) -> None:
    for key in keys[:-1]:
        target = target.setdefault(key, {})
    target[keys[-1]] = value


# ---- the format as a JSON Schema -------------------------------------------

_CLOCK = r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?"
_CLOCK_TIME = (
    f"^{_CLOCK}$",
    "Local clock time in horizon.timezone: HH:MM or HH:MM:SS, no UTC offset.",
)
_LOCAL_DATETIME = (
    f"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}([Tt _]{_CLOCK})?$",
    "Local date and time in horizon.timezone: YYYY-MM-DDTHH:MM (or a space for the T), "
    "no UTC offset.",
)


def instance_json_schema() -> dict[str, Any]:
    """The JSON Schema of an instance file as `load_instance` reads it (`roster schema`).

    It is pydantic's schema of `Instance`, changed where the loader accepts more or less:
    the lists in `CSV_LISTS` may name a CSV file instead; an `unavailable` entry may be
    a plain day; clock times are local (`HH:MM`, no offset) rather than RFC 3339; every
    number is within `MAX_NUMBER`; skill levels and shift lengths have their bounds.
    Cross-references (unknown ids, days outside the horizon) are beyond a schema.
    """
    schema = Instance.model_json_schema()
    properties, defs = schema["properties"], schema["$defs"]
    for key, model in CSV_LISTS.items():
        listed = properties[key]
        title = listed.pop("title", key.title())
        properties[key] = {
            "title": title,
            "description": (
                f"A list of {model.__name__} entries, or the name of a CSV file beside "
                "the instance holding them (one row each; a column names a field, dotted "
                "names reach nested fields)."
            ),
            "anyOf": [
                listed,
                {
                    "type": "string",
                    "pattern": r"\.[Cc][Ss][Vv]$",
                    "description": f"A CSV file of {key}, relative to the instance file.",
                },
            ],
        }
    weights = defs["Weights"]["properties"]
    for goal in GOALS:  # a weight's earlier name is still read
        if goal.old is not None:
            weights[goal.old] = {
                **weights[goal.name],
                "description": f"The earlier name of `{goal.name}`, still read.",
                "deprecated": True,
            }
    unavailable = defs["Person"]["properties"]["unavailable"]
    unavailable["items"] = {
        "anyOf": [
            unavailable["items"],
            {
                "type": "string",
                "minLength": 1,
                "description": "A whole day: an ISO date or a weekday; short for {day: ...}.",
            },
        ]
    }
    defs["Person"]["properties"]["skills"]["additionalProperties"].update(
        {"minimum": 1, "maximum": MAX_LEVEL}
    )
    defs["Contract"]["properties"]["max_shifts"]["additionalProperties"]["minimum"] = 0
    defs["ShiftTemplate"]["properties"]["hours"]["maximum"] = 24
    _loader_forms(schema)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _loader_forms(node: Any) -> None:
    """Local clock times for `format: time/date-time`; numbers bounded by `MAX_NUMBER`."""
    if isinstance(node, list):
        for item in node:
            _loader_forms(item)
        return
    if not isinstance(node, dict):
        return
    form = node.get("format")
    if form in ("time", "date-time"):
        del node["format"]
        pattern, description = _CLOCK_TIME if form == "time" else _LOCAL_DATETIME
        node["pattern"] = pattern
        node.setdefault("description", description)
    if node.get("type") in ("integer", "number"):
        if "maximum" not in node and "exclusiveMaximum" not in node:
            node["maximum"] = MAX_NUMBER
        if "minimum" not in node and "exclusiveMinimum" not in node:
            node["minimum"] = -MAX_NUMBER
    for key, value in node.items():
        if key not in ("default", "const", "enum", "examples"):
            _loader_forms(value)


# ---- checks the model leaves to the edge ----------------------------------


def _sanity_problems(instance: Instance) -> Iterator[str]:
    """Values the model accepts but no plan can use: infinities, absurd sizes, offsets."""
    horizon = instance.horizon
    try:
        horizon.start + dt.timedelta(days=horizon.days)
    except OverflowError:
        yield (
            f"horizon.days: {horizon.days} days from {horizon.start} run past 9999-12-31, "
            "the last date a calendar holds"
        )
    yield from _value_problems(instance, "")
    for i, row in enumerate(instance.demand):
        if row.forecast is None:
            continue
        seconds = 60.0 * row.minutes if row.minutes else 0.0
        if row.shift is not None and row.shift in instance.shift_by_id:
            seconds = 3600 * instance.shift_by_id[row.shift].hours
        if seconds <= 0:
            continue
        contacts = max(row.forecast.queue_contacts(False), row.forecast.queue_contacts(True))
        load = traffic(contacts, seconds, row.forecast.human_aht_seconds)
        if load > MAX_TRAFFIC:
            yield (
                f"demand[{i}].forecast: {contacts:,.0f} contacts of "
                f"{row.forecast.human_aht_seconds:g} s in {seconds / 60:g} minutes keep "
                f"{load:,.0f} agents busy at once, above the {MAX_TRAFFIC:,.0f} the staffing "
                "search takes"
            )


def _value_problems(value: Any, at: str) -> Iterator[str]:
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            key = info.alias or name
            yield from _value_problems(getattr(value, name), f"{at}.{key}" if at else key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _value_problems(item, f"{at}[{i}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _value_problems(item, f"{at}.{key}")
    elif isinstance(value, bool):
        return
    elif isinstance(value, float) and not math.isfinite(value):
        yield f"{at}: {_not_finite(value)}"
    elif isinstance(value, int | float) and abs(value) > MAX_NUMBER:
        yield f"{at}: {value:g} is too large (at most {MAX_NUMBER:,})"
    elif isinstance(value, dt.time | dt.datetime) and value.tzinfo is not None:
        yield (
            f"{at}: {value.isoformat()} is not a local clock time (it has a UTC offset or "
            "was written as a number); write it as '08:00', in horizon.timezone"
        )


# ---- messages -------------------------------------------------------------

_FOLDABLE = re.compile(r"^([A-Za-z0-9_\-]+(?:\.[A-Za-z0-9_\-]+)*): (.+)$", re.S)
_LIST_ITEM = re.compile(r"^([a-z_]+)\[(\d+)\]")


def format_errors(exc: ValidationError, path: Path, sources: dict[str, Path]) -> list[str]:
    """One line per problem: `file: field.path: message naming the value`."""
    return _format(exc, path, {k: (p, None) for k, p in sources.items()})


def _format(exc: ValidationError, path: Path, sources: dict[str, _Source]) -> list[str]:
    lines = []
    for error in exc.errors(include_url=False):
        loc = tuple(error["loc"])
        if not loc:
            message = _strip_prefix(str(error["msg"]))
            lines += [_locate(line, path, sources) for line in message.splitlines()]
            continue
        field = format_path(loc)
        message = _describe(error, loc)
        folded = _FOLDABLE.match(message)
        if error["type"] == "value_error" and folded and " " not in folded.group(1):
            field, message = f"{field}.{folded.group(1)}", folded.group(2)
        lines.append(f"{_where(loc, path, sources)}: {field}: {message}")
    return lines


def _where(loc: tuple[int | str, ...], path: Path, sources: dict[str, _Source]) -> str:
    """The file holding the culprit: the instance, or a CSV file and its row."""
    if len(loc) > 1 and isinstance(loc[0], str) and isinstance(loc[1], int) and loc[0] in sources:
        csv_path, rows = sources[loc[0]]
        index = loc[1]
        number = rows[index] if rows is not None and index < len(rows) else index + 2
        return f"{csv_path}: row {number}"
    return str(path)


def _locate(message: str, path: Path, sources: dict[str, _Source]) -> str:
    """Prefix a `field.path: message` line with the file (and CSV row) it is about."""
    item = _LIST_ITEM.match(message)
    if item and is_path_message(message):
        return f"{_where((item.group(1), int(item.group(2))), path, sources)}: {message}"
    return f"{path}: {message}"


def _strip_prefix(message: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


_NUMERIC_BOUNDS = {
    "greater_than_equal": ("ge", "{v} is below the minimum {b}"),
    "less_than_equal": ("le", "{v} is above the maximum {b}"),
    "greater_than": ("gt", "{v} is too small: it must be above {b}"),
    "less_than": ("lt", "{v} is too large: it must be below {b}"),
}
_NOT_A = {
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "int_type": "a whole number",
    "float_parsing": "a number",
    "float_type": "a number",
    "finite_number": "a finite number",
    "bool_parsing": "true or false",
    "bool_type": "true or false",
}
_EXPECTED_SHAPE = {
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping of fields",
    "model_attributes_type": "a mapping of fields",
    "string_type": "text",
}
_TIME_FORMATS = {
    "date": "a date (write YYYY-MM-DD)",
    "time": "a clock time (write HH:MM)",
    "datetime": "a date and time (write YYYY-MM-DD HH:MM)",
}


def _describe(error: ErrorDetails, loc: tuple[int | str, ...]) -> str:
    """What is wrong with one value, in words that name the value."""
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    shown = show(value)
    if kind in ("value_error", "assertion_error"):
        return _strip_prefix(str(error["msg"]))
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field {loc[-1]!r}{_suggest(str(loc[-1]), _fields_at(loc[:-1]))}"
    if isinstance(value, float) and not math.isfinite(value):
        return _not_finite(value)
    if kind == "int_parsing" and isinstance(value, str) and _integral(value) is not None:
        # YAML reads '2e6' as text (its floats need a dot and a signed exponent: 2.0e+6).
        return f"{shown} is not a whole number as written: write {_integral(value)}"
    if kind in _NUMERIC_BOUNDS and _NUMERIC_BOUNDS[kind][0] in ctx:
        bound, template = _NUMERIC_BOUNDS[kind]
        number = value if isinstance(value, str) else shown
        return template.format(v=number, b=_number(ctx[bound]))
    if kind in _NOT_A:
        return f"{shown} is not {_NOT_A[kind]}"
    if kind in _EXPECTED_SHAPE:
        got = _kind(value) if value is None else f"{_kind(value)} {shown}"
        return f"expected {_EXPECTED_SHAPE[kind]}, got {got}"
    if kind in ("enum", "literal_error") and "expected" in ctx:
        return f"{shown} is not one of {ctx['expected']}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == _ID_PATTERN:
        return (
            f"{shown} is not a valid id: use ASCII letters, digits, '_', '.' and '-', "
            "starting with a letter or digit"
        )
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long" and "max_length" in ctx:
        return f"{shown} is longer than {ctx['max_length']} characters"
    if kind == "too_short" and "min_length" in ctx:
        return f"needs at least {ctx['min_length']} item(s), got {ctx.get('actual_length', 0)}"
    if kind == "too_long" and "max_length" in ctx:
        return f"allows at most {ctx['max_length']} item(s), got {ctx.get('actual_length')}"
    for prefix, wanted in _TIME_FORMATS.items():
        if kind.startswith(prefix + "_") and (kind.endswith("_parsing") or "type" in kind):
            detail = str(error["msg"]).partition(", ")[2]
            return f"{shown} is not {wanted}" + (f": {detail}" if detail else "")
    if kind == "recursion_loop":
        return "refers to itself (an alias loop)"
    return f"{_strip_prefix(str(error['msg']))} (got {shown})"


def _not_finite(value: float) -> str:
    if math.isnan(value):
        return "NaN is not a number: give a finite number"
    return f"{value} is not a finite number"


def _integral(text: str) -> int | None:
    """The whole number a text such as '2e6' spells, if it spells one."""
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if math.isfinite(number) and number.is_integer() else None


def _number(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _suggest(name: str, known: list[str] | None) -> str:
    return suggest(name, sorted(known or []))


def _field_names(model: type[BaseModel]) -> list[str]:
    return sorted({info.alias or name for name, info in model.model_fields.items()})


def _fields_at(loc: tuple[int | str, ...]) -> list[str] | None:
    """The field names of the model found at `loc` in an instance, if it is a model."""
    annotation: Any = Instance
    for part in loc:
        annotation = _unwrap(annotation)
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            fields = annotation.model_fields
            match = next(
                (info for name, info in fields.items() if part in (name, info.alias)), None
            )
            if match is None:
                return None
            annotation = match.annotation
        elif get_origin(annotation) is list and isinstance(part, int):
            annotation = get_args(annotation)[0]
        elif get_origin(annotation) is dict:
            annotation = get_args(annotation)[1]
        else:
            return None
    annotation = _unwrap(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _field_names(annotation)
    return None


def _unwrap(annotation: Any) -> Any:
    """`X` from `Annotated[X, ...]` and from `X | None`."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, types.UnionType):
            options = [a for a in get_args(annotation) if a is not type(None)]
            if len(options) != 1:
                return annotation
            annotation = options[0]
        else:
            return annotation


def _kind(value: Any) -> str:
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__
