"""A roster from the pool of schedules: the restricted master as an integer program.

Over the columns the decomposition found (`bound.decomposition_bound`), each person
takes exactly one, and the linking rows are the master's with whole numbers:

    min  sum_pk c_pk z_pk + sum_r (U_r short_r + O_r over_r) + W (M - m)
    s.t. sum_k z_pk = 1                                    each person
         short_r >= req_r - sum_pk a_pkr z_pk,  over_r >= sum_pk a_pkr z_pk - req_r
         sum_pk g_pkb z_pk <= R_b                          each batch
         M >= carried_p + sum_k h_pk z_pk >= m             each person in the spread

Each column keeps its person's rules, so any choice is a roster the checker accepts
(the batch caps are the only rule between people), and its objective is the model's
(the checker's) up to the constant `Links.constant`. CP-SAT solves it; a person with
no column in the pool has none to take, and then there is no roster from the pool.

As a roster search on its own it is weak (price and branch without branching): on
the demo week a pool of 619 schedules held no roster covering all demand (130,994
against the search's 1,980), and on a fresh 300-person forecast week 376,830 after
90 s against the search's 330,236 in 60 s. It is kept as the decomposition's own
roster, checked like every other.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from models import Assignment, Instance
from scheduler.cpsat import params
from scheduler.cpsat.columns.pricing import Column, Links, Row, column_rows


def pool_roster(
    instance: Instance,
    link: Links,
    columns: list[Column],
    seconds: float,
    seed: int = 0,
    workers: int = 1,
) -> list[Assignment] | None:
    """The rows of the best roster of the pool found in the time (the checker scores
    them: a slack above its least value is not their cost); None when none was found."""
    model = cp_model.CpModel()
    by_person: dict[str, list[tuple[Column, cp_model.IntVar]]] = defaultdict(list)
    uses: dict[Row, list[tuple[int, cp_model.IntVar]]] = defaultdict(list)
    cost: list[cp_model.LinearExprT] = []
    for k, column in enumerate(columns):
        z = model.new_bool_var(f"z[{k}]")
        by_person[column.person].append((column, z))
        cost.append(column.cost * z)
        for row, use in column.rows.items():
            uses[row].append((use, z))
    if any(p.id not in by_person for p in instance.people):
        return None
    for chosen in by_person.values():
        model.add_exactly_one(z for _, z in chosen)
    for table in (link.shift_rows, link.interval_rows):
        for row, (req, under, most_short, over, most_over) in table.items():
            assigned = sum(use * z for use, z in uses.get(row, []))
            if most_short:
                short = model.new_int_var(0, most_short, "")
                model.add(short >= req - assigned)
                cost.append(under * short)
            if most_over:
                excess = model.new_int_var(0, most_over, "")
                model.add(excess >= assigned - req)
                cost.append(over * excess)
    for row, most in link.batch_rows.items():
        if uses.get(row):
            model.add(sum(use * z for use, z in uses[row]) <= most)
    if link.spread_weight:
        top = model.new_int_var(0, link.top, "M")
        bottom = model.new_int_var(0, link.top, "m")
        for person, carried in link.carried.items():
            load = carried + sum(use * z for use, z in uses.get(("hard", person), []))
            model.add(top >= load)
            model.add(bottom <= load)
        cost.append(link.spread_weight * (top - bottom))
    model.minimize(sum(cost))
    solver = params.solver(seconds, workers, seed)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    rows: list[Assignment] = []
    for chosen in by_person.values():
        for column, z in chosen:
            if solver.value(z):
                rows += column_rows(instance, column)
    return rows
