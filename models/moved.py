"""An instance moved in time: the same week planned some days later.

Every date in it moves by the same number of days: the horizon's start, the
dated day references (`DayRef` fields: demand rows, unavailability, days off,
fixed shifts, preferences, batch release and deadline) and the clock times of
history. Weekday references stay weekdays, so moved by a multiple of seven days
the week keeps its meaning; times of day do not change.

History belongs to the week before the horizon, so by default the moved instance
has none: `roster solve --history` then takes each person's from the roster of
the week before, which is how a team plans week after week.
"""

from __future__ import annotations

import datetime as dt
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from models.errors import InputError
from models.instance import DayRef, Instance, parse_day_ref
from models.loader import validate_instance


def moved(
    instance: Instance, days: int, keep_history: bool = False, path: Path | None = None
) -> Instance:
    """The instance with every date `days` later (earlier when negative); `InputError`
    (naming `path`) where a date would leave the calendar."""
    data = instance.model_dump(mode="json", by_alias=True, exclude_none=True)
    where = path or Path(instance.name)
    try:
        _walk(instance, data, dt.timedelta(days=days))
    except OverflowError:
        raise InputError(
            [f"{where}: moved by {days:,} days, its dates would leave the calendar (1-9999)"]
        ) from None
    if not keep_history:
        for person in data.get("people", []):
            person.pop("history", None)
    return validate_instance(data, where)


def _walk(obj: BaseModel, data: dict[str, Any], delta: dt.timedelta) -> None:
    hints = typing.get_type_hints(type(obj), include_extras=True)
    for name, field in type(obj).model_fields.items():
        key = field.alias or name
        if key in data:
            data[key] = _moved(getattr(obj, name), data[key], hints[name], delta)


def _moved(value: Any, raw: Any, hint: Any, delta: dt.timedelta) -> Any:
    if isinstance(value, BaseModel):
        _walk(value, raw, delta)
        return raw
    if isinstance(value, list):
        return [_moved(v, r, hint, delta) for v, r in zip(value, raw, strict=True)]
    if isinstance(value, dict):
        return {k: _moved(value[k], raw[k], hint, delta) for k in raw}
    if isinstance(value, dt.datetime):
        return (value + delta).isoformat()
    if isinstance(value, dt.date):
        return (value + delta).isoformat()
    if isinstance(value, str) and _names_day_ref(hint):
        parsed = parse_day_ref(value)
        return (parsed + delta).isoformat() if isinstance(parsed, dt.date) else raw
    return raw


def _names_day_ref(hint: Any) -> bool:
    """Whether a field's type is a day reference, alone, optional or in a list."""
    return hint == DayRef or any(_names_day_ref(arg) for arg in typing.get_args(hint))
