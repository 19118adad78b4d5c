"""Proven floors of one goal: the least of its figure over every roster.

The decomposition bound of the week with that goal alone as the objective (weight 1,
every other goal 0, every demand row's own weights cleared, every batch of priority 1
for the gradings late) is at most the goal's figure in every roster the checker
accepts. Where the figure counts whole things (agent-shifts, agent-intervals,
gradings), the floor is that bound rounded up: "no roster leaves fewer than N
agent-intervals uncovered".
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from models import Instance
from models.goals import GOALS
from models.loader import validate_instance
from scheduler.cpsat.columns.bound import decomposition_bound

COUNTED = ("uncovered", "uncovered_intervals", "late_items", "unfinished_items")
"""Goals whose figure is a count of whole things, so that a floor rounds up."""


def goal_alone(instance: Instance, goal: str) -> Instance:
    """The week with `goal` the only goal, weighted 1 per unit of its figure."""
    data: dict[str, Any] = instance.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["weights"] = {g.name: (1 if g.name == goal else 0) for g in GOALS}
    for row in data.get("demand", []):
        row.pop("under_weight", None)
        row.pop("over_weight", None)
    if goal == "late_items":
        for batch in data.get("batches", []):
            batch["priority"] = 1
    return validate_instance(data, Path(instance.name))


def goal_floor(
    instance: Instance, goal: str, time_limit: float = 30.0, seed: int = 0, processes: int = 1
) -> float:
    """The least the goal's figure can be in any roster (0 when nothing is proven)."""
    if goal not in COUNTED:
        raise ValueError(f"{goal}: floors are for {', '.join(COUNTED)}")
    alone = goal_alone(instance, goal)
    bound = decomposition_bound(alone, time_limit=time_limit, seed=seed, processes=processes)
    if bound.value is None or bound.value <= 0:
        return 0.0
    if math.isinf(bound.value):
        return bound.value
    return float(math.ceil(bound.value - 1e-6))
