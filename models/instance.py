"""The instance format: everything a roster is planned from.

Field checks live on the fields; cross-references (unknown skill, shift,
queue, duplicate ids, day references outside the horizon) live in the root
validator `Instance._check_references`, whose messages carry the path of
the culprit and its value. Nothing here knows about the solver.

Days are written either as ISO dates (``2026-12-02``) or as weekday names
(``mon`` ... ``sun``, or in full). A weekday name stands for every such day in
the horizon; where exactly one day is needed (a deadline, a fixed shift) it
must match exactly one day of the horizon.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property, lru_cache
from typing import Annotated, Any, Literal, Self
from zoneinfo import ZoneInfo, available_timezones

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from models.goals import GOAL
from models.queueing import QueueFigures, queue_figures, required_agents

MAX_LEVEL = 5
"""Skill levels run from 1 (novice) to 5 (expert)."""

RATING = "rating"
"""The activity of a rater grading items; every other activity is a queue id."""

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_ALIASES = {
    **{w: i for i, w in enumerate(WEEKDAYS)},
    **{
        full: i
        for i, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
}
_ID = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=_ID)]
DayRef = Annotated[str, Field(min_length=1)]
Level = Annotated[int, Field(ge=1, le=MAX_LEVEL)]


MAX_DAYS = 366
"""The longest horizon: a year."""
MAX_PEOPLE = 10_000
"""The most people an instance may hold (each list has such a bound, so that a stray file
cannot take minutes and gigabytes to validate; the largest week measured has 1,000)."""
MAX_DEMAND_ROWS = 200_000


def _numbers(annotation: Any) -> bool:
    """Whether a field's type is a number: int or float, or a union of them and None."""
    if annotation in (int, float):
        return True
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return bool(args) and all(_numbers(a) for a in args)
    return False


def _bool_where_a_number_goes(annotation: Any, value: Any) -> bool:
    """`value` is true or false where the field's type wants a number (alone, or as the
    values of a mapping or the items of a list), which pydantic would read as 1 or 0."""
    if isinstance(value, bool):
        return _numbers(annotation)
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(annotation) if a is not type(None)]
        return len(options) == 1 and _bool_where_a_number_goes(options[0], value)
    args = typing.get_args(annotation)
    if isinstance(value, dict) and origin is dict and len(args) == 2:
        return any(_bool_where_a_number_goes(args[1], v) for v in value.values())
    if isinstance(value, list) and origin is list and len(args) == 1:
        return any(_bool_where_a_number_goes(args[0], v) for v in value)
    return False


class Strict(BaseModel):
    """Base of every input model: unknown fields are errors, not silently ignored, and
    true or false where a number goes is an error, not read as 1 or 0."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, frozen=True, allow_inf_nan=False
    )

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_a_number(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, (bool, dict, list)) and info.field_name is not None:
            annotation = cls.model_fields[info.field_name].annotation
            if _bool_where_a_number_goes(annotation, value):
                raise ValueError("expected a number, not true or false")
        return value


@lru_cache(maxsize=4096)
def parse_day_ref(ref: str) -> dt.date | int:
    """A day reference as a date, or as a weekday number (Monday is 0)."""
    key = ref.strip().lower()
    if key in _WEEKDAY_ALIASES:
        return _WEEKDAY_ALIASES[key]
    try:
        return dt.date.fromisoformat(key)
    except ValueError:
        raise ValueError(
            f"{ref!r} is not a day: write an ISO date (2026-12-02) or a weekday (mon ... sun)"
        ) from None


def _check_day_ref(ref: str | None) -> str | None:
    if ref is not None:
        parse_day_ref(ref)
    return ref


class Difficulty(StrEnum):
    easy = "easy"
    medium = "medium"
    hard = "hard"
    expert = "expert"

    @property
    def is_hard(self) -> bool:
        """Hard and expert batches count as hard work for rotation and fairness."""
        return self in (Difficulty.hard, Difficulty.expert)


class Role(StrEnum):
    rater = "rater"
    agent = "agent"


class Horizon(Strict):
    """The planned days: `days` days from `start` (a week by default)."""

    start: dt.date
    days: int = Field(default=7, ge=1, le=MAX_DAYS)
    timezone: str = Field(default="UTC", description="IANA time zone of all clock times.")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        # a name of the IANA database, never a path into it (`Europe` is a folder there)
        if value not in _time_zones():
            shown = value if len(value) <= 60 else value[:57] + "..."
            raise ValueError(f"unknown time zone {shown!r} (an IANA name: Europe/Berlin, UTC)")
        return value


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


class ShiftTemplate(Strict):
    """A shift that runs on some weekdays; on a given day it is the unit people work."""

    id: Id
    start: dt.time = Field(description="Clock time the shift starts, e.g. '06:00'.")
    hours: float = Field(gt=0, description="Length in hours; a shift may cross midnight.")
    weekdays: list[str] = Field(
        default_factory=lambda: list(WEEKDAYS), description="Weekdays it runs on."
    )
    activities: list[str] | None = Field(
        default=None,
        description="Activities allowed on this shift (queue ids and/or 'rating'); all if absent.",
    )
    forbidden_next: list[str] = Field(
        default_factory=list,
        description="Shifts that may not be worked on the day after this one.",
    )
    night: bool | None = Field(
        default=None,
        description="A night shift, for the counts of night shifts in the outputs; by "
        "default one with at least 3 h between 23:00 and 06:00.",
    )

    @field_validator("hours")
    @classmethod
    def _length(cls, value: float) -> float:
        if value > 24:
            raise ValueError(f"a shift of {value:g} h is longer than 24 h")
        if abs(value * 60 - round(value * 60)) > 1e-6:
            raise ValueError(f"{value:g} h is not a whole number of minutes")
        return value

    @field_validator("weekdays")
    @classmethod
    def _weekdays(cls, value: list[str]) -> list[str]:
        out = []
        for day in value:
            key = day.strip().lower()
            if key not in _WEEKDAY_ALIASES:
                raise ValueError(f"{day!r} is not a weekday (mon ... sun)")
            out.append(WEEKDAYS[_WEEKDAY_ALIASES[key]])
        if not out:
            raise ValueError("a shift must run on at least one weekday")
        return out

    @property
    def minutes(self) -> int:
        return round(self.hours * 60)

    @property
    def is_night(self) -> bool:
        """`night` when given; else whether the shift has `NIGHT_MINUTES` or more between
        23:00 and 06:00 (the EU working-time directive's test of a night worker: three
        hours of the daily time in a night period that includes midnight to 05:00)."""
        if self.night is not None:
            return self.night
        start = dt.datetime.combine(dt.date(2000, 1, 3), self.start)
        return night_minutes(start, start + dt.timedelta(minutes=self.minutes)) >= NIGHT_MINUTES


LAST_SHIFT_REACH_HOURS = 24
"""How far into the horizon the last shift before it may end (`History.last_shift_end`):
a shift that began before the horizon, such as Sunday's night shift ending on Monday
morning, ends within a day of the horizon's start."""

NIGHT_MINUTES = 180
"""Minutes between 23:00 and 06:00 that make a shift a night shift."""


def night_minutes(start: dt.datetime, end: dt.datetime) -> int:
    """Clock minutes of [start, end) between 23:00 and 06:00."""
    total = 0
    day = start.date() - dt.timedelta(days=1)
    while dt.datetime.combine(day, dt.time(23)) < end:
        low = max(start, dt.datetime.combine(day, dt.time(23)))
        high = min(end, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(6)))
        if high > low:
            total += round((high - low).total_seconds() / 60)
        day += dt.timedelta(days=1)
    return total


class Queue(Strict):
    """A support queue: the skill and level it needs, and whether its cases are hard."""

    id: Id
    skill: str
    min_level: Level = 1
    hard: bool = Field(default=False, description="Escalations: the residue after deflection.")


class Forecast(Strict):
    """Contacts expected in a demand row's shift or interval, and the promise made on them.

    Either `contacts` (what reaches people) or `contacts_before_ai` with a
    `deflection` rate: the AI assistant closes that share, and the residue it could
    not close takes `residue_aht_factor` times the average handling time and holds
    `hard_share` hard cases, which go to the row's `hard_queue`. Agents follow by
    Erlang C, or Erlang A when a `patience_seconds` is given (`models.queueing`).
    """

    contacts: float | None = Field(default=None, ge=0, le=1_000_000)
    contacts_before_ai: float | None = Field(default=None, ge=0, le=10_000_000)
    deflection: float = Field(default=0.0, ge=0, lt=1, description="Share the AI closes.")
    aht_seconds: float = Field(gt=0, le=86_400, description="Average handling time.")
    residue_aht_factor: float = Field(
        default=1.0, gt=0, le=20, description="Residue AHT over the pre-deflection average."
    )
    hard_share: float = Field(default=0.0, ge=0, le=1, description="Of the residue.")
    service_level: float = Field(default=0.8, gt=0, lt=1, description="Answered in time.")
    answer_seconds: float = Field(default=20, ge=0, le=86_400)
    shrinkage: float = Field(default=0.3, ge=0, lt=1, description="Breaks, training, absence.")
    max_occupancy: float = Field(default=1.0, gt=0, le=1)
    patience_seconds: float | None = Field(
        default=None, gt=0, le=1_000_000, description="Mean patience: Erlang A when given."
    )

    @model_validator(mode="after")
    def _one_volume(self) -> Forecast:
        if (self.contacts is None) == (self.contacts_before_ai is None):
            raise ValueError("give either contacts or contacts_before_ai (with a deflection)")
        if self.contacts is not None and (self.deflection or self.residue_aht_factor != 1.0):
            raise ValueError(
                "deflection and residue_aht_factor go with contacts_before_ai, not contacts"
            )
        return self

    @property
    def human_contacts(self) -> float:
        """Contacts that reach people: all of them, or the residue after deflection."""
        if self.contacts is not None:
            return self.contacts
        assert self.contacts_before_ai is not None
        return self.contacts_before_ai * (1 - self.deflection)

    @property
    def human_aht_seconds(self) -> float:
        return self.aht_seconds * self.residue_aht_factor

    def queue_contacts(self, hard: bool) -> float:
        """Contacts for the row's queue (hard=False) or its hard queue (hard=True)."""
        share = self.hard_share if hard else 1 - self.hard_share
        return self.human_contacts * share


class Demand(Strict):
    """Agents wanted on a queue: per shift, or per interval of the day.

    A row names either a `shift`, or an interval by `start` and `minutes`; it
    applies on one date, every such weekday, or every day (a date beats a
    weekday, a weekday beats a row without a day). The number is given as
    `agents`, or as a `forecast` that the scheduler turns into agents.
    """

    queue: str
    hard_queue: str | None = Field(
        default=None, description="Receives the forecast's hard share of the residue."
    )
    shift: str | None = None
    start: dt.time | None = Field(default=None, description="Start of the interval.")
    minutes: int | None = Field(default=None, description="Interval length: 15, 30 or 60.")
    day: DayRef | None = None
    agents: int | None = Field(default=None, ge=0, le=10_000)
    forecast: Forecast | None = None
    under_weight: int | None = Field(
        default=None, ge=0, le=1_000_000, description="Per agent short."
    )
    over_weight: int | None = Field(
        default=None, ge=0, le=1_000_000, description="Per agent too many."
    )

    check_day = field_validator("day")(_check_day_ref)

    @model_validator(mode="after")
    def _one_form(self) -> Demand:
        if (self.agents is None) == (self.forecast is None):
            raise ValueError("give either agents or a forecast")
        if self.shift is not None and (self.start is not None or self.minutes is not None):
            raise ValueError("give either a shift or an interval (start and minutes), not both")
        if self.shift is None and (self.start is None or self.minutes is None):
            raise ValueError("give a shift, or an interval by start and minutes")
        if self.minutes is not None and self.minutes not in INTERVAL_MINUTES:
            raise ValueError(f"minutes: {self.minutes} is not one of 15, 30 or 60")
        if self.start is not None and (self.start.second or self.start.microsecond):
            raise ValueError(f"start: {self.start} is not a whole minute")
        hard_share = self.forecast.hard_share if self.forecast else 0.0
        if hard_share > 0 and self.hard_queue is None:
            raise ValueError("forecast.hard_share needs a hard_queue to send hard cases to")
        if self.hard_queue is not None and self.forecast is None:
            raise ValueError("hard_queue needs a forecast to take the hard share of")
        if self.hard_queue is not None and self.hard_queue == self.queue:
            raise ValueError("hard_queue must differ from queue")
        return self

    @property
    def is_interval(self) -> bool:
        return self.shift is None

    def targets(self) -> list[tuple[str, bool]]:
        """The queues this row asks agents for, each with whether it takes the hard share."""
        out = [(self.queue, False)]
        if self.hard_queue is not None:
            out.append((self.hard_queue, True))
        return out


INTERVAL_MINUTES = (15, 30, 60)


_staffing = lru_cache(maxsize=65_536)(required_agents)
"""`required_agents`, remembered: the same forecast recurs on many days."""


@dataclass(frozen=True)
class Requirement:
    """Agents required on one queue in one shift or interval, as derived from a demand row."""

    queue: str
    day: int
    shift: str | None
    """The shift of a per-shift requirement; None for an interval."""
    start: dt.datetime
    end: dt.datetime
    agents: int
    """Required agents: the row's number, or the forecast's staffed figure."""
    contacts: float | None
    """Contacts forecast for this queue; None when agents were given."""
    aht_seconds: float | None
    row: int
    """Index of the demand row in force."""
    under_weight: int | None
    over_weight: int | None
    forecast: Forecast | None = field(default=None, compare=False)

    @property
    def agent_hours(self) -> float:
        """Agents required times the hours they are required for."""
        return self.agents * (self.end - self.start).total_seconds() / 3600

    def achieved(self, assigned: int) -> QueueFigures | None:
        """How the assigned agents do on the forecast (after shrinkage); None without one."""
        if self.forecast is None or self.contacts is None or self.aht_seconds is None:
            return None
        productive = math.floor(assigned * (1 - self.forecast.shrinkage) + 1e-9)
        return queue_figures(
            productive,
            self.contacts,
            (self.end - self.start).total_seconds(),
            self.aht_seconds,
            self.forecast.answer_seconds,
            self.forecast.patience_seconds,
        )


class Contract(Strict):
    """A person's working-time limits. Weekly limits hold per calendar week (Mon-Sun)."""

    min_hours_per_week: float = Field(
        default=0, ge=0, le=168, description="Soft: shortfall is a goal."
    )
    max_hours_per_week: float = Field(default=40, ge=0, le=168, description="A week has 168 h.")
    max_days_per_week: int = Field(default=5, ge=0, le=7)
    max_consecutive_days: int = Field(default=5, ge=1)
    min_consecutive_days: int = Field(default=1, ge=1)
    min_consecutive_days_off: int = Field(default=1, ge=1)
    max_weekends: int | None = Field(default=None, ge=0, description="Over the horizon.")
    min_rest_hours: float = Field(default=11, ge=0, le=48)
    max_items_per_week: int = Field(default=750, ge=0, le=10_000_000)
    max_shifts_per_day: int = Field(default=1, ge=1, le=4)
    max_shifts: dict[str, int] = Field(
        default_factory=dict, description="Per shift id: at most this many over the horizon."
    )
    max_hours_total: float | None = Field(
        default=None, ge=0, le=24 * 366, description="Over the whole horizon (hard)."
    )
    min_hours_total: float | None = Field(
        default=None,
        ge=0,
        le=24 * 366,
        description="Over the whole horizon (hard, unlike the weekly minimum).",
    )

    @field_validator(
        "min_hours_per_week",
        "max_hours_per_week",
        "min_rest_hours",
        "max_hours_total",
        "min_hours_total",
    )
    @classmethod
    def _whole_minutes(cls, value: float | None) -> float | None:
        if value is not None and abs(value * 60 - round(value * 60)) > 1e-6:
            raise ValueError(f"{value:g} h is not a whole number of minutes")
        return value

    @property
    def min_rest_minutes(self) -> int:
        return round(self.min_rest_hours * 60)

    @property
    def max_minutes_per_week(self) -> int:
        return round(self.max_hours_per_week * 60)

    def min_minutes(self, days_in_week: int) -> int:
        """The weekly minimum prorated to the days of the week inside the horizon."""
        return round(self.min_hours_per_week * 60) * days_in_week // 7

    @model_validator(mode="after")
    def _min_below_max(self) -> Contract:
        if self.min_hours_per_week > self.max_hours_per_week:
            raise ValueError(
                f"min_hours_per_week {self.min_hours_per_week:g} is above "
                f"max_hours_per_week {self.max_hours_per_week:g}"
            )
        if self.min_consecutive_days > self.max_consecutive_days:
            raise ValueError(
                f"min_consecutive_days {self.min_consecutive_days} is above "
                f"max_consecutive_days {self.max_consecutive_days}"
            )
        for shift, limit in self.max_shifts.items():
            if limit < 0:
                raise ValueError(f"max_shifts.{shift}: {limit} is negative")
        return self


class PastWeek(Strict):
    """One week before the horizon, as the fairness goal and the outputs count it."""

    hard_hours: float = Field(default=0, ge=0, le=168)
    night_shifts: int = Field(default=0, ge=0, le=28)
    weekend_days: int = Field(default=0, ge=0, le=2)


class History(Strict):
    """What happened before the horizon, for rules that look back across its start."""

    consecutive_days_worked: int = Field(
        default=0, ge=0, le=3660, description="Up to the day before."
    )
    consecutive_days_off: int = Field(default=0, ge=0, le=3660, description="Up to the day before.")
    last_shift_end: dt.datetime | None = Field(
        default=None,
        description="Local clock time. The shift began before the horizon; it may end inside "
        "it (a night shift ending on the first morning): no shift that overlaps it can be "
        "worked, and rest counts from its end.",
    )
    hard_hours_last_week: float = Field(default=0, ge=0, le=168, description="A week has 168 h.")
    consecutive_hard_days: int = Field(default=0, ge=0, le=3660)
    past_weeks: list[PastWeek] = Field(
        default_factory=list,
        max_length=520,
        description="The weeks before the horizon, the last one first (`roster solve "
        "--history` fills it); the first one's hard hours are `hard_hours_last_week`.",
    )

    @field_validator("last_shift_end", mode="before")
    @classmethod
    def _a_clock_time(cls, value: Any) -> Any:
        # pydantic would read a number as seconds since 1970 in UTC
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise ValueError(f"{value!r} is not a date and time, like 2026-11-29 22:00")
        return value

    @field_validator("last_shift_end")
    @classmethod
    def _local(cls, value: dt.datetime | None) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            raise ValueError(
                f"{value.isoformat(sep=' ')} has a time zone: give the local clock time "
                "(the instance's timezone applies)"
            )
        return value

    @model_validator(mode="before")
    @classmethod
    def _last_week_from_past_weeks(cls, data: Any) -> Any:
        if isinstance(data, dict) and "hard_hours_last_week" not in data:
            weeks = data.get("past_weeks")
            if isinstance(weeks, list) and weeks and isinstance(weeks[0], dict):
                hours = weeks[0].get("hard_hours", 0)
                if isinstance(hours, (int, float)) and not isinstance(hours, bool):
                    data = {**data, "hard_hours_last_week": hours}
        return data

    @model_validator(mode="after")
    def _last_week_agrees(self) -> History:
        if not self.past_weeks:
            return self
        first = self.past_weeks[0].hard_hours
        if abs(self.hard_hours_last_week - first) > 1e-6:
            raise ValueError(
                f"hard_hours_last_week {self.hard_hours_last_week:g} differs from the first "
                f"of past_weeks ({first:g}): they are the same week"
            )
        return self

    @model_validator(mode="after")
    def _not_both(self) -> History:
        if self.consecutive_days_worked and self.consecutive_days_off:
            raise ValueError(
                "consecutive_days_worked and consecutive_days_off cannot both be above 0: "
                "the day before the horizon was either worked or not"
            )
        if self.consecutive_hard_days > self.consecutive_days_worked:
            raise ValueError(
                f"consecutive_hard_days {self.consecutive_hard_days} is above "
                f"consecutive_days_worked {self.consecutive_days_worked}: "
                "a hard day is a worked day"
            )
        return self


class Unavailability(Strict):
    """A day (or range of days) someone cannot work, optionally only one shift of it."""

    model_config = ConfigDict(populate_by_name=True)

    day: DayRef | None = None
    from_day: DayRef | None = Field(default=None, alias="from")
    to_day: DayRef | None = Field(default=None, alias="to")
    shift: str | None = None
    reason: str = ""
    credit_hours: float | None = Field(
        default=None,
        ge=0,
        le=24,
        description="Out from rostered work (a sick call): the hours of each day that count "
        "as worked, not hard, for minimum hours and the hard share, and runs of days are "
        "judged without the day. Absent: leave, a day off like any other.",
    )

    check_days = field_validator("day", "from_day", "to_day")(_check_day_ref)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        return {"day": data} if isinstance(data, str) else data

    @model_validator(mode="after")
    def _one_form(self) -> Unavailability:
        if self.day is None and (self.from_day is None or self.to_day is None):
            raise ValueError("give either 'day' or both 'from' and 'to'")
        if self.day is not None and (self.from_day is not None or self.to_day is not None):
            raise ValueError("give either 'day' or 'from'/'to', not both")
        if self.from_day is not None and self.to_day is not None:
            start, end = parse_day_ref(self.from_day), parse_day_ref(self.to_day)
            if not isinstance(start, dt.date) or not isinstance(end, dt.date):
                raise ValueError("'from' and 'to' must be dates")
            if end < start:
                raise ValueError(f"'to' {end} is before 'from' {start}")
        return self


class FixedAssignment(Strict):
    """A shift someone must work, optionally on a given activity (a queue or 'rating')."""

    day: DayRef
    shift: str
    activity: str | None = None
    items: dict[str, int] = Field(
        default_factory=dict,
        description="Rating: exactly this many items of each batch named (the others as "
        "the solve finds).",
    )

    check_day = field_validator("day")(_check_day_ref)

    @field_validator("items")
    @classmethod
    def _counts(cls, value: dict[str, int]) -> dict[str, int]:
        for batch, count in value.items():
            if count < 0:
                raise ValueError(f"{batch}: {count} items is below 0")
        return value


class Preference(Strict):
    """A wish with a weight: `want` a shift (or any shift) on a day, or `avoid` it.

    Without `day` it applies to every day of the horizon; without `shift`, to any shift.
    Each day on which a wish is not honoured costs its weight.
    """

    kind: Literal["want", "avoid"]
    day: DayRef | None = None
    shift: str | None = None
    weight: int = Field(default=1, ge=1, le=1000)

    check_day = field_validator("day")(_check_day_ref)


class Person(Strict):
    """A rater, an agent, or both."""

    id: Id
    name: str = ""
    roles: list[Role] = Field(min_length=1)
    skills: dict[str, int] = Field(default_factory=dict)
    speed: float = Field(default=1.0, gt=0, le=5, description="Multiplies grading rates.")
    hourly_cost: float = Field(
        default=1.0, ge=0, le=100_000, description="Cost of an hour, to two decimals."
    )
    contract: Contract = Field(default_factory=Contract)
    unavailable: list[Unavailability] = Field(default_factory=list)
    days_off: list[DayRef] = Field(default_factory=list, description="Fixed days off.")
    fixed: list[FixedAssignment] = Field(default_factory=list)
    preferences: list[Preference] = Field(default_factory=list)
    history: History = Field(default_factory=History)

    @field_validator("skills", mode="before")
    @classmethod
    def _no_yes_no_levels(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for skill, level in value.items():
                if isinstance(level, bool):
                    raise ValueError(
                        f"{skill}: {str(level).lower()} is not a level; give a whole number "
                        f"1-{MAX_LEVEL}"
                    )
        return value

    @field_validator("skills")
    @classmethod
    def _levels(cls, value: dict[str, int]) -> dict[str, int]:
        for skill, level in value.items():
            if level < 1:
                raise ValueError(f"{skill}: level {level} is below the minimum 1")
            if level > MAX_LEVEL:
                raise ValueError(f"{skill}: level {level} is above the maximum {MAX_LEVEL}")
        return value

    @field_validator("hourly_cost")
    @classmethod
    def _cents(cls, value: float) -> float:
        if abs(value * 100 - round(value * 100)) > 1e-6:
            raise ValueError(f"{value:g} has more than two decimals")
        return value

    @field_validator("roles")
    @classmethod
    def _unique_roles(cls, value: list[Role]) -> list[Role]:
        return list(dict.fromkeys(value))

    @field_validator("days_off")
    @classmethod
    def _day_refs(cls, value: list[str]) -> list[str]:
        for ref in value:
            parse_day_ref(ref)
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.id

    def level(self, skill: str) -> int:
        return self.skills.get(skill, 0)


class Batch(Strict):
    """Items to grade: how many, how hard, who may grade them, and by when."""

    id: Id
    items: int = Field(ge=1, le=10_000_000)
    difficulty: Difficulty
    skill: str
    min_level: Level = 1
    graders: int = Field(default=1, ge=1, le=10, description="Distinct graders per item.")
    release: DayRef | None = Field(default=None, description="First day; horizon start if absent.")
    deadline: DayRef | None = Field(default=None, description="Last day; horizon end if absent.")
    priority: int = Field(default=3, ge=1, le=5, description="5 is most urgent.")

    check_days = field_validator("release", "deadline")(_check_day_ref)

    @property
    def required(self) -> int:
        """Gradings needed: each item graded by `graders` different people."""
        return self.items * self.graders


class Rates(Strict):
    """Items an hour at each difficulty for a person of speed 1.0."""

    easy: float = Field(default=150, gt=0, le=100_000)
    medium: float = Field(default=100, gt=0, le=100_000)
    hard: float = Field(default=75, gt=0, le=100_000)
    expert: float = Field(
        default=60, gt=0, le=100_000, description="Seeds: 50-100 an hour at expert level."
    )

    def per_hour(self, difficulty: Difficulty) -> float:
        return float(getattr(self, difficulty.value))


class Rules(Strict):
    """Hard-case rotation: limits that keep every shift from being the bad one."""

    max_hard_days_per_week: int = Field(default=3, ge=0, le=7)
    max_consecutive_hard_days: int = Field(default=2, ge=1)
    max_hard_share: float = Field(
        default=0.5, ge=0, le=1, description="Of a person's hours in a week."
    )
    fairness_weeks: int = Field(
        default=1,
        ge=1,
        le=520,
        description="Weeks before the horizon the hard-load fairness goal counts (1: last week).",
    )
    fairness_decay: float = Field(
        default=1.0,
        ge=0,
        le=1,
        description="Each week further back counts this much less: the k-th week before last "
        "counts decay^k of its hard hours.",
    )


class Weights(Strict):
    """Goal weights by goal name (`models.goals`; earlier names still read); the defaults
    order the goals as docs/rules.md lists them.

    Covering demand first, then deadlines by priority, then a fair spread of hard
    work, then preferences and minimum hours, then cost.
    """

    model_config = ConfigDict(populate_by_name=True)

    uncovered: int = Field(
        default=GOAL["uncovered"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["uncovered"].per,
    )
    overstaffed: int = Field(
        default=GOAL["overstaffed"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["overstaffed"].per,
    )
    uncovered_intervals: int = Field(
        default=GOAL["uncovered_intervals"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["uncovered_intervals"].per,
        validation_alias=AliasChoices("uncovered_intervals", "uncovered_interval"),
    )
    overstaffed_intervals: int = Field(
        default=GOAL["overstaffed_intervals"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["overstaffed_intervals"].per,
        validation_alias=AliasChoices("overstaffed_intervals", "overstaffed_interval"),
    )
    late_items: int = Field(
        default=GOAL["late_items"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["late_items"].per,
        validation_alias=AliasChoices("late_items", "late_item"),
    )
    unfinished_items: int = Field(
        default=GOAL["unfinished_items"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["unfinished_items"].per,
        validation_alias=AliasChoices("unfinished_items", "unfinished_item"),
    )
    hard_spread: int = Field(
        default=GOAL["hard_spread"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["hard_spread"].per,
    )
    preferences: int = Field(
        default=GOAL["preferences"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["preferences"].per,
        validation_alias=AliasChoices("preferences", "preference"),
    )
    min_hours_short: int = Field(
        default=GOAL["min_hours_short"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["min_hours_short"].per,
    )
    cost: int = Field(
        default=GOAL["cost"].weight,
        ge=0,
        le=1_000_000,
        description=GOAL["cost"].per,
    )


def _cached_views(cls: type) -> list[str]:
    return [
        name
        for klass in cls.__mro__
        for name, value in vars(klass).items()
        if isinstance(value, cached_property)
    ]


class Instance(Strict):
    """A planning problem: who, when, what must be covered and graded, and the rules."""

    name: str = "instance"
    horizon: Horizon
    skills: list[Id] = Field(
        default_factory=list, max_length=1_000, description="Every skill used anywhere."
    )
    shifts: list[ShiftTemplate] = Field(min_length=1, max_length=1_000)
    queues: list[Queue] = Field(default_factory=list, max_length=1_000)
    demand: list[Demand] = Field(default_factory=list, max_length=MAX_DEMAND_ROWS)
    people: list[Person] = Field(min_length=1, max_length=MAX_PEOPLE)
    batches: list[Batch] = Field(default_factory=list, max_length=10_000)
    rates: Rates = Field(default_factory=Rates)
    rules: Rules = Field(default_factory=Rules)
    weights: Weights = Field(default_factory=Weights)

    # ---- days -------------------------------------------------------------

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy, changed by `update`, without the derived views cached on this one
        (`person_by_id`, `requirements`, ...): they are worked out again for the copy."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _cached_views(type(self)):
            copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def dates(self) -> list[dt.date]:
        return [self.horizon.start + dt.timedelta(days=i) for i in range(self.horizon.days)]

    @property
    def day_range(self) -> range:
        return range(self.horizon.days)

    def days_of(self, ref: str | None) -> list[int]:
        """Day indices a reference stands for (every day for None; none outside)."""
        if ref is None:
            return list(self.day_range)
        parsed = parse_day_ref(ref)
        if isinstance(parsed, int):
            return [d for d, date in enumerate(self.dates) if date.weekday() == parsed]
        offset = (parsed - self.horizon.start).days
        return [offset] if 0 <= offset < self.horizon.days else []

    def day_of(self, ref: str) -> int:
        """The day index of a reference that names one day; may lie outside the horizon."""
        parsed = parse_day_ref(ref)
        if isinstance(parsed, dt.date):
            return (parsed - self.horizon.start).days
        days = self.days_of(ref)
        if len(days) != 1:
            raise ValueError(f"{ref!r} matches {len(days)} days of the horizon, not exactly one")
        return days[0]

    def weeks(self) -> list[list[int]]:
        """Day indices grouped by calendar week (Monday to Sunday) within the horizon."""
        groups: dict[tuple[int, int], list[int]] = {}
        for d, date in enumerate(self.dates):
            iso = date.isocalendar()
            groups.setdefault((iso.year, iso.week), []).append(d)
        return list(groups.values())

    def weekends(self) -> list[list[int]]:
        """Day indices of each weekend (Saturday and Sunday) touching the horizon."""
        groups: dict[tuple[int, int], list[int]] = {}
        for d, date in enumerate(self.dates):
            if date.weekday() >= 5:
                iso = date.isocalendar()
                groups.setdefault((iso.year, iso.week), []).append(d)
        return list(groups.values())

    # ---- lookups ----------------------------------------------------------

    @cached_property
    def shift_by_id(self) -> dict[str, ShiftTemplate]:
        return {s.id: s for s in self.shifts}

    @cached_property
    def queue_by_id(self) -> dict[str, Queue]:
        return {q.id: q for q in self.queues}

    @cached_property
    def person_by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    @cached_property
    def batch_by_id(self) -> dict[str, Batch]:
        return {b.id: b for b in self.batches}

    def date_at(self, day: int) -> dt.date:
        """The date of a day of the horizon; a day before it (-1) is the date before, not
        a date counted from the horizon's end."""
        return self.dates[day] if day >= 0 else self.horizon.start + dt.timedelta(days=day)

    def runs_on(self, shift: ShiftTemplate, day: int) -> bool:
        return WEEKDAYS[self.date_at(day).weekday()] in shift.weekdays

    def shift_times(self, day: int, shift: ShiftTemplate) -> tuple[dt.datetime, dt.datetime]:
        """Local start and end of a shift on a day (the end may fall on the next date)."""
        start = dt.datetime.combine(self.date_at(day), shift.start)
        return start, start + dt.timedelta(minutes=shift.minutes)

    @cached_property
    def clock_minutes(self) -> dict[tuple[int, str], tuple[int, int]]:
        """Start and end of every (day, shift) in real minutes since the horizon's first
        midnight (daylight saving counted), for differences without datetimes."""
        origin = dt.datetime.combine(self.horizon.start, dt.time())
        out = {}
        for d in self.day_range:
            for shift in self.shifts:
                start, end = self.shift_times(d, shift)
                out[(d, shift.id)] = (
                    self.minutes_between(origin, start),
                    self.minutes_between(origin, end),
                )
        return out

    def minutes_between(self, earlier: dt.datetime, later: dt.datetime) -> int:
        """Real elapsed minutes between two local clock times (daylight saving counted)."""
        zone = ZoneInfo(self.horizon.timezone)
        # Aware datetimes sharing one tzinfo subtract as wall-clock times: go through UTC.
        start = earlier.replace(tzinfo=zone).astimezone(dt.UTC)
        end = later.replace(tzinfo=zone).astimezone(dt.UTC)
        return math.floor((end - start).total_seconds() / 60)

    def release_day(self, batch: Batch) -> int:
        return max(0, self.day_of(batch.release)) if batch.release else 0

    def deadline_day(self, batch: Batch) -> int:
        """Last day whose grading counts as on time (may lie beyond the horizon)."""
        return self.day_of(batch.deadline) if batch.deadline else self.horizon.days - 1

    def item_ms(self, person: Person, batch: Batch) -> int:
        """Milliseconds one item of the batch takes this person (rounded up).

        Grading time in the model and the checker is counted in whole milliseconds
        so that both agree exactly: items x item_ms must fit in the rating time.
        """
        per_hour = self.rates.per_hour(batch.difficulty) * person.speed
        return math.ceil(3_600_000 / per_hour - 1e-9)

    @cached_property
    def requirements(self) -> list[Requirement]:
        """Agents required per queue and shift or interval, by the demand rows in force.

        For each queue, day and shift (or interval start and length) the most specific
        row wins: a date beats a weekday, a weekday beats a row without a day. A row with
        a forecast gives its hard share to its `hard_queue`.
        """
        chosen: dict[tuple[str, int, Any], tuple[int, int, bool]] = {}
        for i, row in enumerate(self.demand):
            rank = 0 if row.day is None else (1 if isinstance(parse_day_ref(row.day), int) else 2)
            for d in self.days_of(row.day):
                if row.shift is not None:
                    if not self.runs_on(self.shift_by_id[row.shift], d):
                        continue
                    kind: Any = row.shift
                else:
                    assert row.start is not None and row.minutes is not None
                    kind = (row.start, row.minutes)
                for target, hard in row.targets():
                    key = (target, d, kind)
                    if key not in chosen or chosen[key][0] < rank:
                        chosen[key] = (rank, i, hard)
        out = [
            self._requirement(target, d, i, hard) for (target, d, _), (_, i, hard) in chosen.items()
        ]
        return sorted(out, key=lambda r: (r.start, r.end, r.queue))

    def _requirement(self, queue: str, d: int, index: int, hard: bool) -> Requirement:
        row = self.demand[index]
        if row.shift is not None:
            start, end = self.shift_times(d, self.shift_by_id[row.shift])
        else:
            assert row.start is not None and row.minutes is not None
            start = dt.datetime.combine(self.dates[d], row.start)
            end = start + dt.timedelta(minutes=row.minutes)
        contacts = aht = None
        agents = row.agents
        if row.forecast is not None:
            contacts = row.forecast.queue_contacts(hard)
            aht = row.forecast.human_aht_seconds
            agents = _staffing(
                contacts,
                (end - start).total_seconds(),
                aht,
                row.forecast.service_level,
                row.forecast.answer_seconds,
                row.forecast.shrinkage,
                row.forecast.max_occupancy,
                row.forecast.patience_seconds,
            ).staffed
        assert agents is not None
        return Requirement(
            queue=queue,
            day=d,
            shift=row.shift,
            start=start,
            end=end,
            agents=agents,
            contacts=contacts,
            aht_seconds=aht,
            row=index,
            under_weight=row.under_weight,
            over_weight=row.over_weight,
            forecast=row.forecast,
        )

    @cached_property
    def demand_in_force(self) -> dict[tuple[str, int, str], Requirement]:
        """Per-shift requirements by (queue, day, shift)."""
        return {(r.queue, r.day, r.shift): r for r in self.requirements if r.shift is not None}

    def demand_table(self) -> dict[tuple[str, int, str], Requirement]:
        """A copy of `demand_in_force`, safe to change."""
        return dict(self.demand_in_force)

    @cached_property
    def interval_requirements(self) -> list[Requirement]:
        """Per-interval requirements, by start time."""
        return [r for r in self.requirements if r.shift is None]

    def covering_shifts(self, requirement: Requirement) -> list[tuple[int, str]]:
        """(day, shift) pairs whose time span holds the whole interval."""
        out = []
        for d in (requirement.day - 1, requirement.day):
            for shift_id, start, end in self.day_spans(d):
                if start <= requirement.start and end >= requirement.end:
                    out.append((d, shift_id))
        return out

    def day_spans(self, day: int) -> list[tuple[str, dt.datetime, dt.datetime]]:
        """The shifts that run on a day of the horizon (none outside it), with their
        local start and end."""
        return self._day_spans.get(day, [])

    @cached_property
    def _day_spans(self) -> dict[int, list[tuple[str, dt.datetime, dt.datetime]]]:
        return {
            d: [(s.id, *self.shift_times(d, s)) for s in self.shifts if self.runs_on(s, d)]
            for d in self.day_range
        }

    @cached_property
    def interval_covering(self) -> list[list[tuple[int, str]]]:
        """`covering_shifts` of each of `interval_requirements`, in their order."""
        return [self.covering_shifts(req) for req in self.interval_requirements]

    @cached_property
    def interval_queues(self) -> dict[tuple[int, str], set[str]]:
        """Queues with interval demand that each (day, shift) could cover."""
        out: dict[tuple[int, str], set[str]] = {}
        for req, covering in zip(self.interval_requirements, self.interval_covering, strict=True):
            for slot in covering:
                out.setdefault(slot, set()).add(req.queue)
        return out

    # ---- who may do what --------------------------------------------------

    def can_work_queue(self, person: Person, queue: Queue) -> bool:
        return Role.agent in person.roles and person.level(queue.skill) >= queue.min_level

    def can_grade(self, person: Person, batch: Batch) -> bool:
        return Role.rater in person.roles and person.level(batch.skill) >= batch.min_level

    def allows(self, shift: ShiftTemplate, activity: str) -> bool:
        return shift.activities is None or activity in shift.activities

    def unavailable_slots(self, person: Person) -> tuple[set[int], set[tuple[int, str]]]:
        """Whole days off and single (day, shift) slots a person cannot work."""
        days: set[int] = set()
        slots: set[tuple[int, str]] = set()
        for entry in person.unavailable:
            for d in self.days_covered(entry):
                if entry.shift is None:
                    days.add(d)
                else:
                    slots.add((d, entry.shift))
        for ref in person.days_off:
            days.update(self.days_of(ref))
        return days, slots

    def out_minutes(self, person: Person) -> dict[int, int]:
        """The days of the horizon a person is out from rostered work (`Unavailability.
        credit_hours` given), each with the minutes it credits."""
        out: dict[int, int] = {}
        for entry in person.unavailable:
            if entry.credit_hours is not None:
                for d in self.days_covered(entry):
                    out[d] = out.get(d, 0) + round(60 * entry.credit_hours)
        return out

    def days_covered(self, entry: Unavailability) -> list[int]:
        """The days of the horizon an unavailability entry covers."""
        if entry.day is not None:
            return self.days_of(entry.day)
        assert entry.from_day is not None and entry.to_day is not None
        first, last = self.day_of(entry.from_day), self.day_of(entry.to_day)
        return [d for d in self.day_range if first <= d <= last]

    def carried_hard_minutes(self, person: Person) -> int:
        """Hard minutes from before the horizon the fairness goal counts: last week's,
        and with `rules.fairness_weeks` above 1 the weeks before it, the k-th week
        before last weighed `rules.fairness_decay` ** k; rounded once to whole minutes."""
        history = person.history
        hours = history.hard_hours_last_week
        rules = self.rules
        for k, week in enumerate(history.past_weeks[1 : rules.fairness_weeks], start=1):
            hours += rules.fairness_decay**k * week.hard_hours
        return round(60 * hours)

    def is_hard_capable(self, person: Person) -> bool:
        """Whether the person could do any hard work: the fairness goal spreads over these."""
        return person.id in self.hard_capable

    @cached_property
    def hard_capable(self) -> frozenset[str]:
        """Ids of the people who could do any hard work (a hard queue, a hard or expert
        batch)."""
        hard_queues = [q for q in self.queues if q.hard]
        hard_batches = [b for b in self.batches if b.difficulty.is_hard]
        return frozenset(
            p.id
            for p in self.people
            if any(self.can_work_queue(p, q) for q in hard_queues)
            or any(self.can_grade(p, b) for b in hard_batches)
        )

    # ---- cross-references -------------------------------------------------

    @model_validator(mode="after")
    def _check_references(self) -> Instance:
        problems = list(_reference_problems(self))
        if problems:
            raise ValueError("\n".join(problems))
        return self


def _duplicates(kind: str, ids: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for i, ident in enumerate(ids):
        if ident in seen:
            out.append(f"{kind}[{i}].id: duplicate id {ident!r} (first at {kind}[{seen[ident]}])")
        else:
            seen[ident] = i
    return out


def _reference_problems(inst: Instance) -> list[str]:
    """Every broken cross-reference, each as 'path: message'."""
    out: list[str] = []
    for kind, ids in (
        ("shifts", [s.id for s in inst.shifts]),
        ("queues", [q.id for q in inst.queues]),
        ("people", [p.id for p in inst.people]),
        ("batches", [b.id for b in inst.batches]),
    ):
        out += _duplicates(kind, ids)
    if RATING in {q.id for q in inst.queues}:
        out.append(f"queues: the id {RATING!r} is reserved for grading items")
    skills = set(inst.skills)
    shifts = {s.id for s in inst.shifts}
    queues = {q.id for q in inst.queues}
    activities = queues | {RATING}
    known = f"known: {', '.join(sorted(skills)) or 'none declared under skills'}"

    def day_in_horizon(path: str, ref: str | None, single: bool) -> None:
        if ref is None:
            return
        if single:
            try:
                inst.day_of(ref)
            except ValueError as exc:
                out.append(f"{path}: {exc}")

    for i, s in enumerate(inst.shifts):
        for a in s.activities or []:
            if a not in activities:
                out.append(f"shifts[{i}].activities: unknown activity {a!r}")
        for nxt in s.forbidden_next:
            if nxt not in shifts:
                out.append(f"shifts[{i}].forbidden_next: unknown shift {nxt!r}")
    for i, q in enumerate(inst.queues):
        if q.skill not in skills:
            out.append(f"queues[{i}].skill: unknown skill {q.skill!r} ({known})")
    for i, row in enumerate(inst.demand):
        if row.queue not in queues:
            out.append(f"demand[{i}].queue: unknown queue {row.queue!r}")
        if row.hard_queue is not None and row.hard_queue not in queues:
            out.append(f"demand[{i}].hard_queue: unknown queue {row.hard_queue!r}")
        if row.day is not None and not inst.days_of(row.day):
            out.append(f"demand[{i}].day: {row.day!r} is outside the horizon")
        elif row.shift is None:
            if not _interval_coverable(inst, row):
                out.append(
                    f"demand[{i}]: no shift holds the interval {row.start:%H:%M} "
                    f"+{row.minutes} min on any day it applies to"
                )
        elif row.shift not in shifts:
            out.append(f"demand[{i}].shift: unknown shift {row.shift!r}")
        elif row.day is not None and not any(
            inst.runs_on(inst.shift_by_id[row.shift], d) for d in inst.days_of(row.day)
        ):
            out.append(f"demand[{i}].day: shift {row.shift!r} does not run on {row.day!r}")
    seen_demand: dict[tuple[str, Any, Any], int] = {}
    for i, row in enumerate(inst.demand):
        where = f"shift {row.shift!r}" if row.shift else f"interval {row.start} +{row.minutes} min"
        day_key = None if row.day is None else parse_day_ref(row.day)
        for target, _ in row.targets():
            key = (target, row.shift or (row.start, row.minutes), day_key)
            if key in seen_demand:
                out.append(
                    f"demand[{i}]: duplicate row for queue {target!r}, {where}, "
                    f"day {row.day!r} (first at demand[{seen_demand[key]}])"
                )
            seen_demand.setdefault(key, i)
    for i, p in enumerate(inst.people):
        at = f"people[{i}]"
        for skill in p.skills:
            if skill not in skills:
                out.append(f"{at}.skills.{skill}: unknown skill {skill!r} ({known})")
        for shift in p.contract.max_shifts:
            if shift not in shifts:
                out.append(f"{at}.contract.max_shifts.{shift}: unknown shift {shift!r}")
        for j, u in enumerate(p.unavailable):
            if u.shift is not None and u.shift not in shifts:
                out.append(f"{at}.unavailable[{j}].shift: unknown shift {u.shift!r}")
        for j, f in enumerate(p.fixed):
            if f.shift not in shifts:
                out.append(f"{at}.fixed[{j}].shift: unknown shift {f.shift!r}")
                continue
            if f.activity is not None and f.activity not in activities:
                out.append(f"{at}.fixed[{j}].activity: unknown activity {f.activity!r}")
            if f.items and f.activity != RATING:
                out.append(f"{at}.fixed[{j}].items: items are graded on activity {RATING!r}")
            for batch in f.items:
                if batch not in inst.batch_by_id:
                    out.append(f"{at}.fixed[{j}].items.{batch}: unknown batch {batch!r}")
            try:
                d = inst.day_of(f.day)
            except ValueError as exc:
                out.append(f"{at}.fixed[{j}].day: {exc}")
                continue
            if not 0 <= d < inst.horizon.days:
                out.append(f"{at}.fixed[{j}].day: {f.day!r} is outside the horizon")
            elif not inst.runs_on(inst.shift_by_id[f.shift], d):
                out.append(f"{at}.fixed[{j}]: shift {f.shift!r} does not run on {f.day!r}")
            else:
                out += _fixed_conflicts(inst, p, f, d, f"{at}.fixed[{j}]")
                out += _fixed_items_problems(inst, p, f, d, f"{at}.fixed[{j}]")
        end = p.history.last_shift_end
        origin = dt.datetime.combine(inst.horizon.start, dt.time())
        if end is not None and end > origin + dt.timedelta(hours=LAST_SHIFT_REACH_HOURS):
            out.append(
                f"{at}.history.last_shift_end: {end.isoformat(sep=' ')} is more than "
                f"{LAST_SHIFT_REACH_HOURS} h after the horizon starts ({inst.horizon.start}): "
                "the last shift before the horizon began before it"
            )
        for j, pref in enumerate(p.preferences):
            if pref.shift is not None and pref.shift not in shifts:
                out.append(f"{at}.preferences[{j}].shift: unknown shift {pref.shift!r}")
            elif (
                pref.shift is not None
                and pref.day is not None
                and inst.days_of(pref.day)
                and not any(
                    inst.runs_on(inst.shift_by_id[pref.shift], d) for d in inst.days_of(pref.day)
                )
            ):
                out.append(
                    f"{at}.preferences[{j}]: shift {pref.shift!r} does not run on {pref.day!r}"
                )
    for i, b in enumerate(inst.batches):
        at = f"batches[{i}]"
        if b.skill not in skills:
            out.append(f"{at}.skill: unknown skill {b.skill!r} ({known})")
        day_in_horizon(f"{at}.release", b.release, single=True)
        day_in_horizon(f"{at}.deadline", b.deadline, single=True)
        if b.release and b.deadline:
            try:
                release, deadline = inst.day_of(b.release), inst.day_of(b.deadline)
            except ValueError:
                continue
            if deadline < release:
                out.append(f"{at}.deadline: {b.deadline} is before the release {b.release}")
        if b.deadline:
            try:
                if inst.day_of(b.deadline) < 0:
                    out.append(f"{at}.deadline: {b.deadline} is before the horizon starts")
            except ValueError:
                pass
        if b.release:
            try:
                if inst.day_of(b.release) >= inst.horizon.days:
                    out.append(f"{at}.release: {b.release} is after the horizon ends")
            except ValueError:
                pass
    return out


def _interval_coverable(inst: Instance, row: Demand) -> bool:
    """Whether some shift, on some day the row applies to, holds its whole interval."""
    assert row.start is not None and row.minutes is not None
    for d in inst.days_of(row.day):
        start = dt.datetime.combine(inst.dates[d], row.start)
        end = start + dt.timedelta(minutes=row.minutes)
        for shift_day in (d - 1, d):
            for _, first, last in inst.day_spans(shift_day):
                if first <= start and last >= end:
                    return True
    return False


def _fixed_conflicts(inst: Instance, p: Person, f: FixedAssignment, d: int, at: str) -> list[str]:
    """A fixed shift the person cannot work at all: unavailable, or unqualified for it."""
    off_days, off_slots = inst.unavailable_slots(p)
    if d in off_days or (d, f.shift) in off_slots:
        return [f"{at}: {p.id} is fixed on {f.day} {f.shift} but is unavailable or off then"]
    shift = inst.shift_by_id[f.shift]
    if f.activity is not None:
        if not inst.allows(shift, f.activity):
            return [f"{at}.activity: shift {f.shift!r} does not allow {f.activity!r}"]
        if f.activity == RATING and Role.rater not in p.roles:
            return [f"{at}.activity: {p.id} is fixed to rating but is not a rater"]
        queue = inst.queue_by_id.get(f.activity)
        if queue is not None and not inst.can_work_queue(p, queue):
            return [
                f"{at}.activity: {p.id} cannot work queue {queue.id!r} (needs role agent and "
                f"{queue.skill} level {queue.min_level}, has {p.level(queue.skill)})"
            ]
        return []
    doable = [q for q in inst.queues if inst.can_work_queue(p, q) and inst.allows(shift, q.id)]
    if not doable and not (Role.rater in p.roles and inst.allows(shift, RATING)):
        return [f"{at}: {p.id} is fixed on shift {f.shift!r} but can do none of its activities"]
    return []


def _fixed_items_problems(
    inst: Instance, p: Person, f: FixedAssignment, d: int, at: str
) -> list[str]:
    """Items fixed to be graded that never can be: more than the batch holds, by a
    rater who may not grade it, or before it is released."""
    out = []
    for batch_id, count in f.items.items():
        batch = inst.batch_by_id.get(batch_id)
        if batch is None or count == 0 or f.activity != RATING:
            continue  # an unknown batch, or items off rating, are named already
        where = f"{at}.items.{batch_id}"
        if count > batch.items:
            out.append(f"{where}: {count:,} items, more than {batch_id} holds ({batch.items:,})")
        elif Role.rater in p.roles and not inst.can_grade(p, batch):
            out.append(
                f"{where}: {p.id} may not grade {batch_id} (needs {batch.skill} level "
                f"{batch.min_level}, has {p.level(batch.skill)})"
            )
        elif d < inst.release_day(batch):
            out.append(f"{where}: {batch_id} is released on {batch.release}, after {f.day}")
    return out


_PATH = re.compile(r"^[a-z_]+(\[\d+\])?[.:\[]")


def is_path_message(message: str) -> bool:
    """Whether a validator message already starts with the path of its culprit."""
    return bool(_PATH.match(message))
