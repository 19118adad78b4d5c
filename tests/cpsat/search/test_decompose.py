"""Solving by parts (`scheduler.cpsat.search.decompose`), for instances too large for one model."""

from __future__ import annotations

import time

import pytest

from models import Assignment, SolveStatus
from scheduler.checker import evaluate
from scheduler.cpsat import params
from scheduler.cpsat.search import decompose, start
from scheduler.cpsat.solve import SolveOptions, solve
from scheduler.formats import read_instance
from scheduler.formats.curtois import read_reference_rosters
from tests.helpers import CURTOIS, REFERENCES, agent, demand, micro, shift_row

BENCH = CURTOIS


def test_the_residual_instance_differs_from_the_whole_by_a_constant() -> None:
    """Two rosters that differ only for a group of people: the whole instance's objective
    and the group's residual instance's objective change by exactly the same amount,
    over and under demand alike (Instance2's reference roster, then two of its people
    with one day's shifts dropped and one day's shifts added)."""
    inst = read_instance(BENCH / "Instance2.txt")
    reference = read_reference_rosters(REFERENCES / "Instance2.txt.out", inst)
    rows = reference[0][0]
    group = [inst.people[0].id, inst.people[1].id]
    others = [r for r in rows if r.person not in group]
    residual = start.residual_instance(inst, group, start.coverage(inst, others))
    assert [p.id for p in residual.people] == group

    def objectives(roster: list[Assignment]) -> tuple[float, float]:
        mine = [r for r in roster if r.person in group]
        return evaluate(inst, roster).objective, evaluate(residual, mine).objective

    changed = [r for r in rows if not (r.person in group and r.date == inst.dates[3])]
    worked = {(r.person, r.date) for r in changed}
    template = next(r for r in rows if r.person in group)
    for person in group:  # a day shift on a day off: over demand somewhere, or under less
        day = next(d for d in inst.dates if (person, d) not in worked)
        shift = inst.shift_by_id[template.shift]
        start_at, end_at = inst.shift_times(inst.dates.index(day), shift)
        moved = {"person": person, "date": day, "start": start_at, "end": end_at}
        changed.append(template.model_copy(update=moved))
    whole_before, part_before = objectives(rows)
    whole_after, part_after = objectives(changed)
    assert whole_after != whole_before  # the change matters ...
    assert whole_after - whole_before == part_after - part_before  # ... equally to both


def test_by_parts_keeps_every_rule_and_never_worsens_the_first_roster() -> None:
    """Instance1 by parts: person by person, then 30 group steps. The roster keeps every
    hard rule, its objective is the checker's, and it is no worse than the first."""
    inst = read_instance(BENCH / "Instance1.txt")
    first = start.person_by_person(inst, time.monotonic() + 300, seed=0)
    assert first is not None
    first_objective = evaluate(inst, first).objective
    outcome = decompose.Outcome()
    decompose.run(inst, outcome, time.monotonic() + 300, seed=0, max_steps=30)
    assert outcome.rows is not None
    evaluation = evaluate(inst, outcome.rows)
    assert evaluation.violations == []
    assert outcome.objective == evaluation.objective
    assert evaluation.objective <= first_objective
    assert evaluation.objective >= 607  # Instance1's proven optimum


def test_an_instance_too_large_is_solved_by_parts_and_says_it_has_no_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With the threshold lowered, `solve` takes the by-parts path: best found, no bound,
    no gap, and the goal figures are the checker's."""
    monkeypatch.setattr(params, "CELLS", 0)
    inst = read_instance(BENCH / "Instance1.txt")
    assert decompose.by_parts(inst)
    result = solve(inst, SolveOptions(time_limit=3, workers=2, seed=0))
    assert result.status is SolveStatus.feasible
    assert result.bound is None and result.gap is None
    assert result.no_bound_reason == "solved by parts"
    evaluation = evaluate(inst, result.roster)
    assert evaluation.violations == []
    assert result.objective == evaluation.objective
    assert [g.penalty for g in result.goals] == [g.penalty for g in evaluation.goals]


def test_people_who_meet_in_more_than_shift_demand_are_never_solved_by_parts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Interval demand, or hard-case fairness, couples people beyond per-shift rows: such
    an instance is built whole however large it is."""
    monkeypatch.setattr(params, "CELLS", 0)
    people = [agent("a", skills={"general": 3}), agent("b", skills={"general": 3})]
    per_shift = micro(people=people, demand=[demand("general", None)])
    assert decompose.by_parts(per_shift)
    interval = micro(
        people=people,
        demand=[{"queue": "general", "start": "09:00", "minutes": 60, "agents": 1}],
    )
    assert not decompose.separable(interval)
    assert not decompose.by_parts(interval)
    hard = micro(people=[agent("a"), agent("b")], demand=[demand("general", None)])
    assert not decompose.separable(hard)  # both could take hard cases: fairness couples them


def test_a_shift_wanted_by_nobody_still_costs_its_overstaffing_in_the_residual() -> None:
    """A demand row of 0 agents with an over weight (Curtois-Qu Instance24 has 1,020):
    working it costs the same in the group's residual instance as in the whole (its own
    weight, not the default for a shift without demand)."""
    people = [agent("a", skills={"general": 3}), agent("b", skills={"general": 3})]
    inst = micro(
        people=people,
        demand=[
            {"queue": "general", "shift": "day", "day": "mon", "agents": 0, "over_weight": 7},
            demand("general", "tue"),
        ],
    )

    def row(person: str, d: int) -> Assignment:
        return shift_row(inst, person, d, "day")

    others = [row("b", 1)]
    residual = start.residual_instance(inst, ["a"], start.coverage(inst, others))
    off: list[Assignment] = []
    monday = [row("a", 0)]
    whole = [evaluate(inst, others + mine).objective for mine in (off, monday)]
    part = [evaluate(residual, mine).objective for mine in (off, monday)]
    assert whole[1] - whole[0] == 7 + 8  # its own over weight, and 8 hours of cost
    assert part[1] - part[0] == whole[1] - whole[0]


def test_the_residual_instance_asks_of_each_interval_what_the_others_leave_open() -> None:
    """Interval demand: 2 agents 14:00-15:00 (held by the 09:00 `day` and 13:00 `late`
    shifts) and 1 agent 10:00-11:00 (held by `day` only). Agent b works `day`, so a's
    residual asks 1 agent at 14:00 and none at 10:00. Whatever a does, the whole
    instance's objective and a's residual's change by the same amount:

    - `late`: 14:00 covered (-10,000 per agent-interval short), 8 hours (+8 of cost);
    - `day`: that too, and 10:00 one agent over (+5 per agent-interval over).
    """
    people = [agent("a", skills={"general": 3}), agent("b", skills={"general": 3})]
    inst = micro(
        days=1,
        people=people,
        shifts=[
            {"id": "day", "start": "09:00", "hours": 8},
            {"id": "late", "start": "13:00", "hours": 8},
        ],
        demand=[
            {"queue": "general", "start": "14:00", "minutes": 60, "agents": 2},
            {"queue": "general", "start": "10:00", "minutes": 60, "agents": 1},
        ],
    )
    others = [shift_row(inst, "b", 0, "day")]
    residual = start.residual_instance(inst, ["a"], start.coverage(inst, others))
    asked = {r.start.hour: r.agents for r in residual.interval_requirements}
    assert asked == {10: 0, 14: 1}
    off: list[Assignment] = []
    rosters = [off, [shift_row(inst, "a", 0, "late")], [shift_row(inst, "a", 0, "day")]]
    whole = [evaluate(inst, others + mine).objective for mine in rosters]
    part = [evaluate(residual, mine).objective for mine in rosters]
    assert whole[1] - whole[0] == -10_000 + 8
    assert whole[2] - whole[0] == -10_000 + 5 + 8
    assert [w - whole[0] for w in whole] == [p - part[0] for p in part]
