"""Changes made to a roster by hand, and what the checker says of them.

An edit names people, days, shifts, activities and batches by their ids, as the
roster does:

    assign PERSON DATE SHIFT ACTIVITY     PERSON works SHIFT on DATE on ACTIVITY
    unassign PERSON DATE SHIFT            PERSON no longer works SHIFT on DATE
    swap PERSON OTHER DATE                the two exchange their shifts of DATE
    move PERSON DATE SHIFT --to DATE SHIFT  the shift moves (same activity, same items)
    items PERSON DATE BATCH N             PERSON grades N items of BATCH in the rating
                                          shift of DATE (0: none)

`parse_edits` reads them from command-line words; each edit's `text` writes it
back the same way. `Pin` is what an edit asks of a later solve (`roster solve
--pin`, `roster replan`): a shift worked as it was edited, or a shift not worked.

The results (`TryResult`, `CoverResult`) are typed so that the command line and
the service say the same thing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from models.errors import InputError
from models.result import Violation


class _Edit(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    person: str
    date: dt.date


class Assign(_Edit):
    kind: Literal["assign"] = "assign"
    shift: str
    activity: str

    @property
    def text(self) -> str:
        return f"assign {self.person} {self.date} {self.shift} {self.activity}"


class Unassign(_Edit):
    kind: Literal["unassign"] = "unassign"
    shift: str

    @property
    def text(self) -> str:
        return f"unassign {self.person} {self.date} {self.shift}"


class Swap(_Edit):
    kind: Literal["swap"] = "swap"
    other: str

    @property
    def text(self) -> str:
        return f"swap {self.person} {self.other} {self.date}"


class Move(_Edit):
    kind: Literal["move"] = "move"
    shift: str
    to_date: dt.date
    to_shift: str

    @property
    def text(self) -> str:
        return f"move {self.person} {self.date} {self.shift} --to {self.to_date} {self.to_shift}"


class Items(_Edit):
    kind: Literal["items"] = "items"
    batch: str
    items: int = Field(ge=0)

    @property
    def text(self) -> str:
        return f"items {self.person} {self.date} {self.batch} {self.items}"


class Out(_Edit):
    """The person is out that day (a sick call): every shift of theirs that day is
    dropped, they are unavailable then, and a shift the instance fixed for them that day
    is released, since nobody can be held to a shift they are out for."""

    kind: Literal["out"] = "out"

    @property
    def text(self) -> str:
        return f"out {self.person} {self.date}"


Edit = Annotated[Assign | Unassign | Swap | Move | Items | Out, Field(discriminator="kind")]

USAGE = {
    "assign": "assign PERSON DATE SHIFT ACTIVITY",
    "unassign": "unassign PERSON DATE SHIFT",
    "swap": "swap PERSON OTHER DATE",
    "move": "move PERSON DATE SHIFT --to DATE SHIFT",
    "items": "items PERSON DATE BATCH N",
    "out": "out PERSON DATE",
}
"""Each edit as it is written on the command line."""


def _date(word: str, edit: str) -> dt.date:
    try:
        return dt.date.fromisoformat(word)
    except ValueError:
        raise InputError([f"{edit}: {word!r} is not a date (write YYYY-MM-DD)"]) from None


def parse_edits(words: list[str]) -> list[Edit]:
    """Edits from command-line words, one after another (`USAGE`)."""
    edits: list[Edit] = []
    rest = list(words)
    if not rest:
        raise InputError(["no edit given: " + "; ".join(USAGE.values())])
    while rest:
        kind = rest.pop(0)
        if kind not in USAGE:
            raise InputError(
                [f"{kind!r} is not an edit; the edits are: " + "; ".join(USAGE.values())]
            )
        usage = USAGE[kind]
        arity = len(usage.split()) - 1
        args, rest = rest[:arity], rest[arity:]
        shown = " ".join([kind, *args])
        if len(args) < arity or any(a in USAGE for a in args):
            raise InputError([f"{shown}: expected {usage}"])
        if kind == "assign":
            person, date, shift, activity = args
            edits.append(
                Assign(person=person, date=_date(date, shown), shift=shift, activity=activity)
            )
        elif kind == "unassign":
            person, date, shift = args
            edits.append(Unassign(person=person, date=_date(date, shown), shift=shift))
        elif kind == "swap":
            person, other, date = args
            edits.append(Swap(person=person, other=other, date=_date(date, shown)))
        elif kind == "move":
            person, date, shift, to, to_date, to_shift = args
            if to != "--to":
                raise InputError([f"{shown}: expected {usage}"])
            edits.append(
                Move(
                    person=person,
                    date=_date(date, shown),
                    shift=shift,
                    to_date=_date(to_date, shown),
                    to_shift=to_shift,
                )
            )
        elif kind == "out":
            person, date = args
            edits.append(Out(person=person, date=_date(date, shown)))
        else:
            person, date, batch, count = args
            if not count.isdigit():
                raise InputError([f"{shown}: N: {count!r} is not a whole number of items"])
            edits.append(
                Items(person=person, date=_date(date, shown), batch=batch, items=int(count))
            )
    return edits


class Pin(BaseModel):
    """What an edit asks of later solves: `works` SHIFT on DATE (on ACTIVITY, with
    these items), or does not work it (`works` false)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    person: str
    date: dt.date
    shift: str
    works: bool
    activity: str | None = None
    items: dict[str, int] = Field(default_factory=dict)
    """Items per batch of a rating shift, exactly (batches not named: as a solve finds)."""


class EditLog(BaseModel):
    """`edits.json` of an edited output folder: every edit made by hand since the solve,
    in order, and the pins they leave (the last word on each person, day and shift)."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(description="The folder the first edit was made on.")
    edits: list[Edit] = Field(default_factory=list)
    pins: list[Pin] = Field(default_factory=list)


class GoalChange(BaseModel):
    """One goal's figure before and after a change, in its unit, and its penalties."""

    name: str
    label: str
    unit: str
    before: float
    after: float
    penalty_before: float
    penalty_after: float

    @property
    def changed(self) -> bool:
        return abs(self.after - self.before) > 1e-9


class TryResult(BaseModel):
    """What the checker says of a roster after edits."""

    edits: list[Edit]
    violations: list[Violation] = Field(description="Every hard rule the edited roster breaks.")
    new_violations: list[Violation] = Field(
        description="Of those, the ones the roster before the edits did not break."
    )
    goals: list[GoalChange]
    objective_before: float
    objective_after: float

    @property
    def feasible(self) -> bool:
        return not self.violations

    @property
    def objective_change(self) -> float:
        return self.objective_after - self.objective_before


class Candidate(BaseModel):
    """One way to cover: its edits (one, or two for a two-step change), which keep every
    hard rule, with the goal changes and why the person fits."""

    edits: list[Edit]
    goals: list[GoalChange]
    objective_change: float
    reason: str


class CoverResult(BaseModel):
    """Ranked ways to fill what `what` names, best first."""

    what: str
    candidates: list[Candidate]
    two_step: bool = Field(description="No single change covers it; these take two.")
    note: str = ""
    open: bool = Field(default=True, description="False when there was nothing to cover.")
