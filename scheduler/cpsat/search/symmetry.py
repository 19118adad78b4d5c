"""Symmetry breaking between identical people, for the main search.

Two people who are alike in everything but their id and name (roles, skills, contract,
speed, cost, time off, fixed shifts, preferences, history) can swap rosters: every
rule holds and every goal pays the same. A search that proves a bound meets each
roster once per such swap. In each group of identical people (in id order) the main
search's model asks the people's *keys* to be non-increasing, a key being the weighted
sum of a person's shifts, each (day, shift, activity) weighted by its place in their
common list, plus one. Any roster can be brought into that order by swapping the
rosters of identical people, so the optimum is the same.

Only the main search's model gets these constraints (`broken`, a clone): the
neighbourhood search frees some people and fixes the others, and an order between a
fixed person and a free one would forbid it moves that a swap would allow; its rosters
stay valid for the whole model, which has no order.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict

from ortools.sat.python import cp_model

from models import Instance
from scheduler.cpsat.context import RosterModel


def identical_groups(instance: Instance) -> list[list[str]]:
    """Groups (two or more, ids in order) of people alike in all but id and name."""
    by_key: dict[str, list[str]] = defaultdict(list)
    for person in instance.people:
        key = json.dumps(person.model_dump(mode="json", exclude={"id", "name"}), sort_keys=True)
        by_key[key].append(person.id)
    return [sorted(ids) for ids in by_key.values() if len(ids) > 1]


def broken(rm: RosterModel) -> tuple[cp_model.CpModel, int]:
    """The model, cloned with each group's keys in order when identical people exist;
    and how many order constraints were added (0: the model itself is returned)."""
    groups = identical_groups(rm.instance)
    if not groups:
        return rm.model, 0
    shifts: dict[str, dict[tuple[int, str, str], int]] = defaultdict(dict)
    for (person, d, shift, activity), var in rm.vars.work.items():
        shifts[person][(d, shift, activity)] = var.index
    model = rm.model.clone()
    added = 0
    for ids in groups:
        slots = sorted(shifts[ids[0]])
        if not slots or any(sorted(shifts[p]) != slots for p in ids):
            continue  # alike people have the same decisions; kept out if not
        weights = [k + 1 for k in range(len(slots))]
        for first, second in itertools.pairwise(ids):
            ahead = [model.get_int_var_from_proto_index(shifts[first][s]) for s in slots]
            behind = [model.get_int_var_from_proto_index(shifts[second][s]) for s in slots]
            model.add(
                cp_model.LinearExpr.weighted_sum(ahead, weights)
                >= cp_model.LinearExpr.weighted_sum(behind, weights)
            )
            added += 1
    return (model, added) if added else (rm.model, 0)
