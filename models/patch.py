"""The one way to change an instance: patch operations on its plain data, by id.

The operations are those of a `roster whatif` scenario (docs/whatif.md): remove or
add people, remove batches, set deadlines, scale demand, set deflection, merge rules
and weights, `set` any field by a dotted path, and `append` items to any list. A
list item in a path is reached by its position, by its `id` (an id may hold dots:
the longest that matches wins), or, in a list of mappings without ids (demand rows,
fixed assignments), by a key of its fields: `demand.queue=chat,shift=early,day=mon`
is the one row whose `queue`, `shift` and `day` are those (a field left out of the
key must be absent from the row too, so the key names one row exactly). The fixes of
`roster check`, what-if scenarios, demand sweeps and re-planning are all written in
this language, so that each can be run as a scenario or applied as it is (`patched`).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from models.errors import InputError, show, suggest
from models.instance import Instance
from models.loader import validate_instance


class PatchError(Exception):
    """Operations that cannot be applied to this instance (an unknown id, an invalid result)."""


OPERATIONS: dict[str, str] = {
    "remove_people": "person ids to remove",
    "add_people": "people to add, each a mapping as in the instance's people list",
    "remove_batches": "batch ids to remove",
    "deadlines": "a mapping of batch id to its new deadline (a day, or null for none)",
    "scale_demand": "a factor for every demand row's agents (rounded up) and contacts",
    "deflection": "the share the AI closes, for every forecast with contacts_before_ai",
    "rules": "rule fields to change (merged into rules)",
    "weights": "goal weights to change (merged into weights)",
    "set": "a mapping of dotted field path to value",
    "append": "a mapping of dotted path of a list to the items added at its end",
}
"""Every patch operation, in the order they are applied, with the value it takes."""


KEY_FIELDS = ("queue", "shift", "day", "start", "minutes")
"""Fields a demand row is keyed by in a path (`_list_index`)."""


def _ids(value: Any) -> str | None:
    ok = isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
    return None if ok else "a non-empty list of ids"


def _mappings(value: Any) -> str | None:
    ok = isinstance(value, list) and value and all(isinstance(v, dict) for v in value)
    return None if ok else "a non-empty list of mappings (one per person)"


def _deadlines(value: Any) -> str | None:
    ok = (
        isinstance(value, dict)
        and value
        and all(isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in value.items())
    )
    return None if ok else "a mapping of batch id to a day (an ISO date or weekday) or null"


def _fields(value: Any) -> str | None:
    ok = isinstance(value, dict) and value and all(isinstance(k, str) for k in value)
    return None if ok else "a non-empty mapping of field names to values"


def _paths(value: Any) -> str | None:
    ok = (
        isinstance(value, dict)
        and value
        and all(isinstance(k, str) and all(k.split(".")) for k in value)
    )
    return None if ok else "a non-empty mapping of dotted paths (people.ana.speed) to values"


def _lists(value: Any) -> str | None:
    ok = (
        isinstance(value, dict)
        and value
        and all(
            isinstance(k, str) and all(k.split(".")) and isinstance(v, list) and v
            for k, v in value.items()
        )
    )
    return None if ok else "a non-empty mapping of dotted paths (people.ana.fixed) to lists"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _factor(value: Any) -> str | None:
    ok = _is_number(value) and 0 < value <= 1000
    return None if ok else "a number above 0 (at most 1000)"


def _share(value: Any) -> str | None:
    ok = _is_number(value) and 0 <= value < 1
    return None if ok else "a share from 0 up to (not including) 1"


SHAPES: dict[str, Callable[[Any], str | None]] = {
    "remove_people": _ids,
    "add_people": _mappings,
    "remove_batches": _ids,
    "deadlines": _deadlines,
    "scale_demand": _factor,
    "deflection": _share,
    "rules": _fields,
    "weights": _fields,
    "set": _paths,
    "append": _lists,
}


def instance_data(instance: Instance) -> dict[str, Any]:
    """The instance as plain data that validates back to an equal instance."""
    return instance.model_dump(mode="json", by_alias=True, exclude_none=True)


def apply_operations(data: dict[str, Any], operations: dict[str, Any]) -> None:
    """Patch instance data in place, operations in `OPERATIONS` order; `PatchError`."""
    for op in OPERATIONS:
        if op in operations:
            _APPLY[op](data, operations[op])


def build_instance(base: dict[str, Any], operations: dict[str, Any], path: Path) -> Instance:
    """The patched and validated instance; `PatchError` says what is wrong with it."""
    data = copy.deepcopy(base)
    apply_operations(data, operations)
    try:
        return validate_instance(data, path)
    except InputError as exc:
        prefix = f"{path}: "
        raise PatchError(
            "; ".join(message.removeprefix(prefix) for message in exc.messages)
        ) from None


def _remove(kind: str, key: str) -> Callable[[dict[str, Any], Any], None]:
    def apply(data: dict[str, Any], ids: list[str]) -> None:
        items: list[dict[str, Any]] = data.get(key, [])
        known = {item.get("id") for item in items}
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise PatchError(f"remove_{key}: {_no_such(kind, unknown, known)}")
        removed = set(ids)
        data[key] = [item for item in items if item.get("id") not in removed]

    return apply


def _no_such(kind: str, unknown: list[str], known: set[Any]) -> str:
    names = ", ".join(repr(i) for i in unknown)
    hint = suggest(unknown[0], sorted(str(k) for k in known)) if len(unknown) == 1 else ""
    if hint.startswith(" (known"):
        hint = ""
    kinds = _PLURALS.get(kind, kind) if len(unknown) > 1 else kind
    return f"no {kinds} {names} in the instance{hint}"


_PLURALS = {"person": "people", "batch": "batches"}


def _add_people(data: dict[str, Any], people: list[dict[str, Any]]) -> None:
    data.setdefault("people", []).extend(copy.deepcopy(people))


def _deadlines_op(data: dict[str, Any], deadlines: dict[str, str | None]) -> None:
    batches = {b.get("id"): b for b in data.get("batches", [])}
    unknown = [b for b in deadlines if b not in batches]
    if unknown:
        raise PatchError(f"deadlines: {_no_such('batch', unknown, set(batches))}")
    for batch_id, day in deadlines.items():
        if day is None:
            batches[batch_id].pop("deadline", None)
        else:
            batches[batch_id]["deadline"] = day


def _scale_demand(data: dict[str, Any], factor: float) -> None:
    rows = data.get("demand", [])
    if not rows:
        raise PatchError("scale_demand: the instance has no demand rows to scale")
    for row in rows:
        if isinstance(row.get("agents"), int):
            # round() first: 5 x 1.2 is 6.000000000000001 in floating point, not 7 agents.
            row["agents"] = math.ceil(round(row["agents"] * factor, 9))
        forecast = row.get("forecast")
        if isinstance(forecast, dict):
            for key in ("contacts", "contacts_before_ai"):
                if isinstance(forecast.get(key), int | float):
                    forecast[key] = forecast[key] * factor


def _deflection(data: dict[str, Any], share: float) -> None:
    forecasts = [
        row["forecast"]
        for row in data.get("demand", [])
        if isinstance(row.get("forecast"), dict) and "contacts_before_ai" in row["forecast"]
    ]
    if not forecasts:
        raise PatchError(
            "deflection: no forecast in the instance gives contacts_before_ai, "
            "so there is no deflection to set"
        )
    for forecast in forecasts:
        forecast["deflection"] = share


def _merge(key: str) -> Callable[[dict[str, Any], Any], None]:
    def apply(data: dict[str, Any], values: dict[str, Any]) -> None:
        target = data.setdefault(key, {})
        if not isinstance(target, dict):
            raise PatchError(f"{key}: the instance's {key} is not a mapping")
        target.update(copy.deepcopy(values))

    return apply


def _set(data: dict[str, Any], assignments: dict[str, Any]) -> None:
    for dotted, value in assignments.items():
        target, key = _walk(data, dotted, "set")
        target[key] = copy.deepcopy(value)


def _append(data: dict[str, Any], additions: dict[str, list[Any]]) -> None:
    for dotted, items in additions.items():
        target, key = _walk(data, dotted, "append")
        if isinstance(target, dict) and key not in target:
            target[key] = []
        current = target[key]
        if not isinstance(current, list):
            raise PatchError(f"append: {dotted} is {show(current)}, not a list")
        current.extend(copy.deepcopy(items))


def _walk(data: dict[str, Any], dotted: str, op: str) -> tuple[Any, Any]:
    """The container and the key (or list index) a dotted path ends at; mappings on the
    way are made when missing. An id may itself hold dots (`people.a.b.speed` reaches
    the person `a.b` when there is one): the longest id that matches wins."""
    parts = dotted.split(".")
    target: Any = data
    depth = 0
    while True:
        walked = ".".join(parts[:depth]) or "the instance"
        if isinstance(target, dict):
            key: Any = parts[depth]
            step = 1
        elif isinstance(target, list):
            key, step = _list_step(target, parts[depth:], f"{op}: {dotted}: {walked}")
        else:
            raise PatchError(f"{op}: {dotted}: {walked} is {show(target)}, not a mapping or a list")
        depth += step
        if depth == len(parts):
            return target, key
        target = target.setdefault(key, {}) if isinstance(target, dict) else target[key]


def _list_step(items: list[Any], rest: list[str], where: str) -> tuple[int, int]:
    """The index of the list item the path goes through next, and how many parts name it."""
    ids = {item.get("id") for item in items if isinstance(item, dict)}
    for size in range(len(rest), 1, -1):
        if ".".join(rest[:size]) in ids:
            return _list_index(items, ".".join(rest[:size]), where), size
    return _list_index(items, rest[0], where), 1


def _list_index(items: list[Any], part: str, where: str) -> int:
    """A list item by position (0 is the first), by id, or by a key of its fields."""
    if "=" in part:
        return _keyed_index(items, part, where)
    if part.lstrip("-").isdigit():
        index = int(part)
        if not 0 <= index < len(items):
            raise PatchError(f"{where} has {len(items)} items, so no item {index} (the first is 0)")
        return index
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") == part:
            return index
    ids = sorted(str(item["id"]) for item in items if isinstance(item, dict) and "id" in item)
    hint = suggest(part, ids) if ids else ""
    if hint.startswith(" (known"):
        hint = ""
    raise PatchError(f"{where} has no item with id {part!r}{hint}")


def row_key(row: dict[str, Any]) -> str:
    """The key that names a demand row in a path: its `KEY_FIELDS` that are given."""
    return ",".join(f"{name}={row[name]}" for name in KEY_FIELDS if row.get(name) is not None)


def _keyed_index(items: list[Any], part: str, where: str) -> int:
    wanted: dict[str, str] = {}
    for pair in part.split(","):
        name, _, value = pair.partition("=")
        wanted[name.strip()] = value.strip()
    matches = [
        index
        for index, item in enumerate(items)
        if isinstance(item, dict)
        and all(str(item.get(name)) == value for name, value in wanted.items())
        and all(item.get(name) is None for name in KEY_FIELDS if name not in wanted)
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise PatchError(f"{where} has no item with {part}")
    raise PatchError(f"{where} has {len(matches)} items with {part}; name one by its position")


def shape_problems(operations: dict[str, Any]) -> list[str]:
    """What is wrong with the operations' names and value shapes (empty when nothing)."""
    problems = []
    for key, value in operations.items():
        if key not in OPERATIONS:
            problems.append(f"{key}: unknown operation{suggest(str(key), list(OPERATIONS))}")
            continue
        expected = SHAPES[key](value)
        if expected:
            problems.append(f"{key}: expected {expected}, got {show(value)}")
    return problems


def patched(instance: Instance, operations: dict[str, Any], path: Path | None = None) -> Instance:
    """The instance with the operations applied and validated again; `PatchError` says
    what is wrong (an operation of the wrong shape, an unknown id, an invalid result)."""
    problems = shape_problems(operations)
    if problems:
        raise PatchError("; ".join(problems))
    return build_instance(instance_data(instance), operations, path or Path(instance.name))


_APPLY: dict[str, Callable[[dict[str, Any], Any], None]] = {
    "remove_people": _remove("person", "people"),
    "add_people": _add_people,
    "remove_batches": _remove("batch", "batches"),
    "deadlines": _deadlines_op,
    "scale_demand": _scale_demand,
    "deflection": _deflection,
    "rules": _merge("rules"),
    "weights": _merge("weights"),
    "set": _set,
    "append": _append,
}
