"""The time the search for fixes may take, in all, and what it says while it looks.

`roster check` solves the week once with the user's time limit; explaining a shortfall
or a contradiction then takes many more solves (each candidate fix is solved again
before it is proposed). A `Budget` bounds those solves together: each asks it for its
time limit (`seconds`), at most `per_solve` and never past the budget's end, and once
the budget is spent `seconds` raises `OutOfTimeError`, which the search catches to keep the
fixes found so far and say that it stopped (`check`'s notes).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Budget", "OutOfTimeError"]

LEAST_SOLVE = 0.05
"""Seconds below which a solve is not started: the budget counts as spent."""


class OutOfTimeError(Exception):
    """The budget is spent: no further solve may start."""


@dataclass
class Budget:
    total: float
    """Seconds for every solve of the search together (wall-clock, from `started`)."""
    per_solve: float
    """The most one solve may take."""
    on_stage: Callable[[str], None] | None = None
    """Told what the search is doing, at each step and each solve."""
    started: float = field(default_factory=time.monotonic)
    solves: int = 0
    spent: bool = False
    """True once a solve was refused for want of time."""
    doing: str = ""

    def left(self) -> float:
        return self.total - (time.monotonic() - self.started)

    def seconds(self) -> float:
        """The time limit of the next solve; raises `OutOfTimeError` once the budget is spent."""
        left = self.left()
        if left < LEAST_SOLVE:
            self.spent = True
            raise OutOfTimeError
        self.solves += 1
        self._tell()
        return min(self.per_solve, left)

    def say(self, doing: str) -> None:
        """What the search turns to now (a target, a contradiction)."""
        self.doing = doing
        self._tell()

    def _tell(self) -> None:
        if self.on_stage is None:
            return
        tried = f"{self.solves} trial solve{'s' if self.solves != 1 else ''}"
        self.on_stage(f"{self.doing} ({tried}, {max(0.0, self.left()):.0f} s left)")
