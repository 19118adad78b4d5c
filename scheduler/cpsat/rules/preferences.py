"""Preferences: wanted and avoided shifts or days, with weights.

For each preference and each horizon day it names (for a shift-specific one,
only days that shift runs):

    want shift s:  unmet = 1 - on[p, d, s]        want any: unmet = 1 - day_on[p, d]
    avoid shift s: unmet = on[p, d, s]            avoid any: unmet = day_on[p, d]

points = sum weight x unmet; penalty: points x weights.preferences.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from scheduler.cpsat.context import SCALE, GoalTerm, RosterModel, Site


def goals(m: RosterModel) -> list[GoalTerm]:
    inst, v = m.instance, m.vars
    points: list[cp_model.LinearExprT] = []
    for person in inst.people:
        for pref in person.preferences:
            for d in inst.days_of(pref.day):
                if pref.shift is not None:
                    if not inst.runs_on(inst.shift_by_id[pref.shift], d):
                        continue
                    worked = v.on.get((person.id, d, pref.shift))
                else:
                    worked = v.day_on.get((person.id, d))
                works = worked if worked is not None else 0
                unmet = (1 - works) if pref.kind == "want" else works
                points.append(pref.weight * unmet)
                if worked is not None:
                    weight = pref.weight * inst.weights.preferences
                    who = frozenset([person.id])
                    m.sites.append(Site(d, d, worked, weight, who, pref.kind == "want"))
    total = sum(points) if points else 0
    return [
        GoalTerm(
            "preferences",
            total,
            SCALE * inst.weights.preferences * total,
        )
    ]
