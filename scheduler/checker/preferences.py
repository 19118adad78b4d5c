"""The goal `preferences`: wishes to work or to be off, met or not."""

from __future__ import annotations

from dataclasses import dataclass

from models import Instance, Person
from scheduler.checker.rows import Worked


@dataclass
class Wishes:
    met: int = 0
    total: int = 0
    points: int = 0
    """The weights of the wishes not met."""


def wishes(instance: Instance, person: Person, worked: list[Worked]) -> Wishes:
    out = Wishes()
    worked_slots = {(s.day, s.template.id) for s in worked}
    worked_days = {s.day for s in worked}
    for pref in person.preferences:
        template = instance.shift_by_id.get(pref.shift) if pref.shift else None
        for day in instance.days_of(pref.day):
            if template is not None:
                if not instance.runs_on(template, day):
                    continue
                works = (day, template.id) in worked_slots
            else:
                works = day in worked_days
            met = works if pref.kind == "want" else not works
            out.total += 1
            if met:
                out.met += 1
            else:
                out.points += pref.weight
    return out
