"""The goal `cost`: minutes worked times each person's hourly cost."""

from __future__ import annotations

from models import Instance


def minute_cents(instance: Instance, minutes: dict[str, int]) -> int:
    """Minutes by person id -> minutes × cents an hour (hourly_cost has at most two
    decimals, so this is exact; divided by 6,000 once, it is the cost)."""
    return sum(minutes[p.id] * round(100 * p.hourly_cost) for p in instance.people)
