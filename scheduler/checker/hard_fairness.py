"""The goal `hard_spread`: the most minus the least hard load, the load carried from
earlier weeks included (`Instance.carried_hard_minutes`)."""

from __future__ import annotations

from models import Instance


def spread_minutes(instance: Instance, hard_minutes: dict[str, int]) -> int:
    """Hard minutes by person id in the horizon -> the spread over hard-capable people."""
    loads = [
        instance.carried_hard_minutes(p) + hard_minutes[p.id]
        for p in instance.people
        if instance.is_hard_capable(p)
    ]
    return max(loads) - min(loads) if len(loads) >= 2 else 0
