"""Batch deadlines: gradings late, and gradings not done in the horizon.

    done_by_deadline(b) = sum_{p, s, d <= deadline(b)} items[p, d, s, b]
    late(b) = items(b) x graders(b) - done_by_deadline(b)     (deadline in the horizon)
    unfinished(b) = items(b) x graders(b) - sum_{p, d, s} items[p, d, s, b]

Both are exact without a max: the batch total is capped at items x graders.
Penalties: late x priority x weights.late_items, unfinished x weights.unfinished_items.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from scheduler.cpsat.context import SCALE, GoalTerm, RosterModel, Site


def goals(m: RosterModel) -> list[GoalTerm]:
    inst, v = m.instance, m.vars
    by_batch: dict[str, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    graders: dict[str, set[str]] = defaultdict(set)
    for (p, d, _, b), n in v.items.items():
        by_batch[b].append((d, n))
        graders[b].add(p)
    late_terms, late_pen, unfinished_terms = [], [], []
    for batch in inst.batches:
        graded = by_batch.get(batch.id, [])
        done = sum(n for _, n in graded) if graded else 0
        unfinished_terms.append(batch.required - done)
        deadline = inst.deadline_day(batch)
        if deadline < inst.horizon.days:
            on_time = [n for d, n in graded if d <= deadline]
            late = m.model.new_int_var(0, batch.required, f"late[{batch.id}]")
            m.model.add(late == batch.required - (sum(on_time) if on_time else 0))
            late_terms.append(late)
            late_pen.append(batch.priority * late)
            weight = batch.priority * inst.weights.late_items
            release = inst.release_day(batch)
            who = frozenset(graders[batch.id])
            m.sites.append(Site(release, deadline, late, weight, who, grading=True))
    weights = inst.weights
    return [
        GoalTerm(
            "late_items",
            sum(late_terms),
            SCALE * weights.late_items * sum(late_pen),
        ),
        GoalTerm(
            "unfinished_items",
            sum(unfinished_terms),
            SCALE * weights.unfinished_items * sum(unfinished_terms),
        ),
    ]
