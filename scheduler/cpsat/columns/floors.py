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
from typing import Any

from models import Instance
from models.goals import GOALS
from models.patch import patched
from scheduler.cpsat.columns.bound import decomposition_bound

COUNTED = ("uncovered", "uncovered_intervals", "late_items", "unfinished_items")
"""Goals whose figure is a count of whole things, so that a floor rounds up."""


def goal_alone(instance: Instance, goal: str) -> Instance:
    """The week with `goal` the only goal, weighted 1 per unit of its figure (the
    changes as `models.patch` operations)."""
    cleared: dict[str, Any] = {}
    for n, row in enumerate(instance.demand):
        if row.under_weight is not None:
            cleared[f"demand.{n}.under_weight"] = None
        if row.over_weight is not None:
            cleared[f"demand.{n}.over_weight"] = None
    if goal == "late_items":
        cleared |= {f"batches.{b.id}.priority": 1 for b in instance.batches}
    weights = {g.name: (1 if g.name == goal else 0) for g in GOALS}
    return patched(instance, {"weights": weights, **({"set": cleared} if cleared else {})})


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
