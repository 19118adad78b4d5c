"""The whole check: every documented rule has a case, the report, and random rosters."""

from __future__ import annotations

import ast
import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import RATING, Assignment, Role
from scheduler.checker import GOAL_NAMES, RULE_IDS, evaluate, format_report
from tests.checker.micro import HIST_LAST_23, START, build, days, penalty_sum, rules_of
from tests.helpers import ROOT

PROPERTY_INSTANCE = build(
    people={
        "ana": {
            "contract": {"min_consecutive_days": 2, "min_hours_per_week": 10, "max_weekends": 1},
            "history": {"consecutive_days_worked": 2, "last_shift_end": "2026-11-29T22:00"},
            "preferences": [{"kind": "avoid", "shift": "night", "weight": 2}],
        },
        "bob": {"history": {"consecutive_days_off": 1}, "days_off": ["sun"]},
    },
    demand=[
        {"queue": "chat", "shift": "early", "agents": 1},
        {"queue": "chat", "start": "12:00", "minutes": 30, "agents": 1},
        {"queue": "chat", "start": "05:00", "minutes": 60, "day": "tue", "agents": 2},
        {
            "queue": "chat",
            "hard_queue": "esc",
            "start": "15:00",
            "minutes": 15,
            "day": "wed",
            "forecast": {
                "contacts_before_ai": 40,
                "deflection": 0.5,
                "aht_seconds": 120,
                "hard_share": 0.25,
            },
        },
    ],
    batches=[
        {"id": "easy1", "items": 300, "difficulty": "easy", "skill": "safety", "deadline": "wed"},
        {"id": "exp1", "items": 100, "difficulty": "expert", "skill": "safety", "min_level": 2},
    ],
    rules={"max_hard_share": 0.5, "max_consecutive_hard_days": 2, "max_hard_days_per_week": 3},
)

_row = st.tuples(
    st.sampled_from(["ana", "bob", "zed"]),
    st.integers(min_value=-1, max_value=7),
    st.sampled_from(["early", "mid", "late", "night", "brunch"]),
    st.sampled_from(["chat", "esc", RATING, "voice"]),
    st.sampled_from(["", "easy1", "exp1", "nope"]),
    st.integers(min_value=0, max_value=1500),
    st.booleans(),
    st.sampled_from([0, 0, 0, 60]),
)


def _random_row(spec: tuple[str, int, str, str, str, int, bool, int]) -> Assignment:
    person, day, shift, activity, batch, items, hard, shift_by = spec
    inst = PROPERTY_INSTANCE
    template = inst.shift_by_id.get(shift)
    date = START + dt.timedelta(days=day)
    start = dt.datetime.combine(date, template.start if template else dt.time(9))
    start += dt.timedelta(minutes=shift_by)
    end = start + dt.timedelta(hours=template.hours if template else 8)
    if activity != RATING:
        batch, items = "", 0
    return Assignment(
        date=date,
        shift=shift,
        start=start,
        end=end,
        person=person,
        role=Role.rater if activity == RATING else Role.agent,
        activity=activity,
        batch=batch,
        items=items if batch else 0,
        hours=1.0,
        hard=hard,
    )


def test_checker_is_independent_of_the_solver() -> None:
    source = "\n".join(
        path.read_text(encoding="utf-8") for path in (ROOT / "scheduler" / "checker").glob("*.py")
    )
    imported: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    outside = [
        n
        for n in imported
        if n.split(".")[0] == "ortools"
        or (n.startswith("scheduler") and not n.startswith("scheduler.checker"))
    ]
    assert outside == [], imported


def test_violation_fields() -> None:
    inst = build(people=HIST_LAST_23)
    ev = evaluate(inst, days(inst, "ana", [0]))
    (v,) = ev.violations
    assert (v.rule, v.person, v.date) == ("min_rest", "ana", START)
    assert not ev.feasible


def test_goal_list_shape_and_objective() -> None:
    inst = build(demand=[{"queue": "chat", "shift": "early", "day": "mon", "agents": 2}])
    ev = evaluate(inst, [])
    assert [g.name for g in ev.goals] == list(GOAL_NAMES)
    assert [g.unit for g in ev.goals] == [
        "agent-shifts",
        "agent-shifts",
        "agent-intervals",
        "agent-intervals",
        "items",
        "items",
        "hours",
        "points",
        "hours",
        "cost",  # hours worked times hourly cost: a cost, not hours
    ]
    # 2 × 100 000 uncovered; easy1 5 000 and exp1 1 000 gradings late (× 3 × 10) and unfinished
    assert ev.objective == 200_000 + 6_000 * 30 + 6_000
    assert ev.objective == penalty_sum(ev)
    assert [p.person for p in ev.people] == ["ana", "bob"]
    assert ev.people[0].roles == "agent;rater"
    assert all(len(b.per_day) == 7 for b in ev.batches)


def test_format_report() -> None:
    inst = build(demand=[{"queue": "chat", "shift": "early", "day": "mon", "agents": 2}])
    clean = format_report(evaluate(inst, []))
    assert clean.splitlines()[0] == "All hard rules hold."
    assert "agent-shifts uncovered: 2 (penalty 200000)" in clean.splitlines()
    bad = format_report(evaluate(inst, days(inst, "ana", [0], "late") + days(inst, "ana", [1])))
    assert any(line.startswith("ana 2026-12-01 [min_rest] rests 8 h") for line in bad.splitlines())
    assert "All hard rules hold." not in bad
    assert "hours worked x hourly cost: 16 (penalty 16)" in bad.splitlines()


@settings(max_examples=150, deadline=None)
@given(st.lists(_row, max_size=14))
def test_random_rosters_never_crash(
    specs: list[tuple[str, int, str, str, str, int, bool, int]],
) -> None:
    inst = PROPERTY_INSTANCE
    ev = evaluate(inst, [_random_row(s) for s in specs])
    assert [g.name for g in ev.goals] == list(GOAL_NAMES)
    assert ev.objective == pytest.approx(penalty_sum(ev))
    assert all(g.value >= 0 and g.penalty >= 0 for g in ev.goals)
    assert set(rules_of(ev)) <= set(RULE_IDS)
    assert len(ev.people) == len(inst.people)
    assert all(len(b.per_day) == inst.horizon.days for b in ev.batches)
    starts = [(c.start, c.queue) for c in ev.coverage]
    assert starts == sorted(starts)
    keys = [(c.queue, c.start, c.end, c.shift) for c in ev.coverage]
    assert len(set(keys)) == len(keys)
    # the checker's own span test agrees with Instance.covering_shifts / interval_queues
    worked: dict[tuple[str, int, str], set[str]] = {}
    for a in [_random_row(s) for s in specs]:
        day = (a.date - START).days
        if 0 <= day < 7 and a.person in inst.person_by_id and a.shift in inst.shift_by_id:
            worked.setdefault((a.activity, day, a.shift), set()).add(a.person)
    intervals = [c for c in ev.coverage if c.shift is None]
    assert len(intervals) == len(inst.interval_requirements)
    for req, c in zip(inst.interval_requirements, intervals, strict=True):
        people = set().union(
            *(worked.get((req.queue, d, s), set()) for d, s in inst.covering_shifts(req))
        )
        assert (c.queue, c.start, c.assigned) == (req.queue, req.start, len(people))
    per_shift = {(c.queue, (c.date - START).days, c.shift) for c in ev.coverage if c.shift}
    for q, d, s in worked:
        if (q, d, s) not in inst.demand_in_force and q in inst.interval_queues.get((d, s), ()):
            assert (q, d, s) not in per_shift
    short = sum(c.short for c in intervals)
    over = sum(c.over for c in intervals)
    assert (short, over) == (
        ev.goal("uncovered_intervals").value,
        ev.goal("overstaffed_intervals").value,
    )
    assert isinstance(format_report(ev), str)


def test_every_rule_of_the_docs_has_a_case() -> None:
    """Each documented rule id is broken by a case of its family's test module."""
    import importlib

    from scheduler.checker import FAMILIES, ROW_RULES

    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("## Hard rules", 1)[1].split("###", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert documented == set(RULE_IDS)
    covered: set[str] = set()
    for family in (*FAMILIES, None):
        name = family.__name__.rsplit(".", 1)[1] if family is not None else "rows"
        module = importlib.import_module(f"tests.checker.test_{name}")
        rules = {c.rule for c in module.CASES}
        assert rules == set(family.RULES if family is not None else ROW_RULES), name
        covered |= rules
    assert covered == set(RULE_IDS)
