"""Each goal once: its name, its label and unit in every output, its default weight.

The goals are minimised as a weighted sum; the default weights put them in the order
of docs/rules.md: cover demand, then meet deadlines by priority, then spread hard work
fairly, then preferences and minimum hours, then cost. A weight is set in the
instance's `weights` by the goal's name (older names are still read: `old`).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Goal:
    name: str
    label: str
    unit: str
    weight: int
    """The default weight."""
    per: str
    """What one unit of weight is paid for."""
    old: str | None = None
    """The weight's earlier name, still read."""


GOALS: tuple[Goal, ...] = (
    Goal("uncovered", "agent-shifts uncovered", "agent-shifts", 100_000, "Per agent-shift short."),
    Goal(
        "overstaffed",
        "agent-shifts over demand",
        "agent-shifts",
        50,
        "Per agent-shift over demand.",
    ),
    Goal(
        "uncovered_intervals",
        "agent-intervals uncovered",
        "agent-intervals",
        10_000,
        "Per agent-interval short.",
        old="uncovered_interval",
    ),
    Goal(
        "overstaffed_intervals",
        "agent-intervals over demand",
        "agent-intervals",
        5,
        "Per agent-interval over demand.",
        old="overstaffed_interval",
    ),
    Goal(
        "late_items",
        "gradings late",
        "items",
        10,
        "Per grading late, times priority.",
        old="late_item",
    ),
    Goal(
        "unfinished_items",
        "gradings not done in the horizon",
        "items",
        1,
        "Per grading not done at all.",
        old="unfinished_item",
    ),
    Goal(
        "hard_spread", "hard-load spread (max - min)", "hours", 20, "Per hour of max-min hard load."
    ),
    Goal(
        "preferences",
        "preference points unmet",
        "points",
        5,
        "Per preference point not met.",
        old="preference",
    ),
    Goal(
        "min_hours_short", "hours below contract minimum", "hours", 10, "Per hour below min hours."
    ),
    Goal("cost", "hours worked x hourly cost", "cost", 1, "Per hour worked, times hourly cost."),
)
"""Every goal, in priority order."""

GOAL = {goal.name: goal for goal in GOALS}
GOAL_LABELS: dict[str, tuple[str, str]] = {g.name: (g.label, g.unit) for g in GOALS}
"""Every goal by name, in priority order: its label and unit, the same in every output."""
