"""The goal `hard_spread`: the most minus the least hard load, last week's included."""

from __future__ import annotations

from models import Instance


def spread_minutes(instance: Instance, hard_minutes: dict[str, int]) -> int:
    """Hard minutes by person id in the horizon -> the spread over hard-capable people."""
    loads = [
        round(60 * p.history.hard_hours_last_week) + hard_minutes[p.id]
        for p in instance.people
        if instance.is_hard_capable(p)
    ]
    return max(loads) - min(loads) if len(loads) >= 2 else 0
