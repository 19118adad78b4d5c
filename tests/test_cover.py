"""Who can cover (`roster cover`): ranked changes that keep every hard rule."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from models import Assignment, Instance
from models.edits import Out
from models.roster import shift_rows
from scheduler.checker import evaluate
from scheduler.cli import main
from scheduler.cover import cover_batch, cover_person, cover_shift
from scheduler.edits import try_edits
from tests.helpers import agent, contract, demand, micro, rater
from tests.test_edits import _folder

MON, TUE = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
SHIFTS = [
    {"id": "early", "start": "07:00", "hours": 8},
    {"id": "late", "start": "14:00", "hours": 8},
]


def _rows(inst: Instance, *shifts: tuple[str, int, str, str]) -> list[Assignment]:
    return [r for p, d, s, a in shifts for r in shift_rows(inst, p, d, s, a)]


def _sick_call(*people: dict[str, Any]) -> tuple[Instance, list[Assignment]]:
    inst = micro(
        days=3,
        shifts=SHIFTS,
        demand=[demand("general", "tue", shift="early"), demand("general", "tue", shift="late")],
        people=[agent("ana"), *people],
    )
    return inst, _rows(inst, ("ana", 1, "early", "general"))


def test_for_a_sick_call_the_free_person_ranks_first_and_the_others_are_not_offered() -> None:
    # ana is out on Tuesday, her early shift (07:00) asks one agent of general.
    # cal worked late on Monday (ends 22:00): 9 h of rest before 07:00, min 11 h.
    # dan may work 8 h a week and already works Wednesday: 16 h with Tuesday.
    # eve is free: the only change that keeps every rule.
    inst, roster = _sick_call(
        agent("cal"), agent("dan", **contract(max_hours_per_week=8)), agent("eve")
    )
    roster += _rows(inst, ("cal", 0, "late", "general"), ("dan", 2, "early", "general"))
    assert evaluate(inst, roster).violations == []
    (result,) = cover_person(inst, roster, "ana", TUE)
    assert not result.two_step
    assert [c.edits[-1].person for c in result.candidates] == ["eve"]
    (best,) = result.candidates
    assert [e.text for e in best.edits] == [
        "out ana 2026-12-01",
        "assign eve 2026-12-01 early general",
    ]
    assert best.reason.startswith("eve: free that day, 8 h of 40 h that week")
    # the same cost as ana's shift: nothing changes but who works it
    assert best.objective_change == 0 and best.goals == []


def test_where_only_a_two_step_change_works_it_is_offered_and_said() -> None:
    # ana is out on Tuesday early. fay works Tuesday late and could work early
    # instead; gus cannot work early that day but can take fay's late shift. So:
    # fay takes early, gus takes late; nobody can take early alone (fay would work
    # two shifts in a day).
    gus = agent("gus", unavailable=[{"day": "tue", "shift": "early"}])
    inst, roster = _sick_call(agent("fay"), gus)
    roster += _rows(inst, ("fay", 1, "late", "general"))
    (result,) = cover_person(inst, roster, "ana", TUE)
    assert result.two_step
    assert [e.text for e in result.candidates[0].edits] == [
        "out ana 2026-12-01",
        "unassign fay 2026-12-01 late",
        "assign fay 2026-12-01 early general",
        "assign gus 2026-12-01 late general",
    ]
    assert result.candidates[0].objective_change == 0


def test_an_open_shift_lists_who_could_take_it() -> None:
    # nobody on Tuesday late; ana works early then, so only ben can take it
    inst, roster = _sick_call(agent("ben"))
    result = cover_shift(inst, roster, TUE, "late", "general")
    assert [e.text for c in result.candidates for e in c.edits] == [
        "assign ben 2026-12-01 late general"
    ]
    # one agent-shift less uncovered (100,000) for 8 h of ben's time (8)
    assert result.candidates[0].objective_change == -100_000 + 8


def test_gradings_are_placed_where_a_rater_has_room() -> None:
    # 200 items of b (60 an hour: 8 h hold 480) due Tuesday; ana's Monday rating shift
    # grades 80 of them, so 120 are open and her shift has room for 400 more. ben
    # grades 80 items of c on Monday, his weekly item limit. So ana takes all 120 in her
    # own shift (none late, no new shift) and ben is not offered.
    batches = [
        {"id": "b", "skill": "safety", "difficulty": "medium", "items": 200, "deadline": "tue"},
        {"id": "c", "skill": "safety", "difficulty": "medium", "items": 80},
    ]
    inst = micro(
        days=2,
        people=[rater("ana"), rater("ben", **contract(max_items_per_week=80))],
        batches=batches,
        rates={"medium": 60},
    )
    roster = shift_rows(inst, "ana", 0, "day", "rating", {"b": 80})
    roster += shift_rows(inst, "ben", 0, "day", "rating", {"c": 80})
    result = cover_batch(inst, roster, "b", 120)
    assert [[e.text for e in c.edits] for c in result.candidates] == [
        ["items ana 2026-11-30 b 200"]
    ]
    # 120 gradings no longer open, for no more hours: open at the deadline (Tuesday,
    # the last day) they count as late and as not done in the horizon
    (best,) = result.candidates
    assert {g.name: (g.before, g.after) for g in best.goals} == {
        "late_items": (120, 0),
        "unfinished_items": (120, 0),
    }


def test_bad_cover_questions_are_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inst, roster = _sick_call(agent("ben"))
    out = _folder(tmp_path / "out", inst, roster)
    for words, message in [
        (["--person", "zed", "--from", "2026-12-01"], "no person 'zed'"),
        (["--person", "ana", "--from", "2026-12-09"], "outside the horizon"),
        (["--shift", "2026-12-01", "night", "general"], "no shift 'night'"),
        (["--batch", "nope", "--items", "3"], "no batch 'nope'"),
        ([], "give one of"),
    ]:
        assert main(["cover", str(out), *words]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and message in err[0], err


def test_a_rater_out_hands_their_items_to_whoever_takes_the_shift() -> None:
    # ana grades 100 items of b on Monday (60 an hour: 100 minutes) and is out; ben is
    # free and may grade b: he takes the shift with its 100 items, so nothing is late
    batch = {"id": "b", "skill": "safety", "difficulty": "medium", "items": 100}
    inst = micro(days=1, people=[rater("ana"), rater("ben")], batches=[batch], rates={"medium": 60})
    roster = shift_rows(inst, "ana", 0, "day", "rating", {"b": 100})
    (result,) = cover_person(inst, roster, "ana", MON)
    assert [e.text for e in result.candidates[0].edits] == [
        "out ana 2026-11-30",
        "assign ben 2026-11-30 day rating",
        "items ben 2026-11-30 b 100",
    ]
    assert result.candidates[0].objective_change == 0


def test_cover_asks_for_a_queue_and_at_least_one_candidate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inst, roster = _sick_call(agent("ben"))
    out = _folder(tmp_path / "out", inst, roster)
    assert main(["cover", str(out), "--shift", "2026-12-01", "late", "rating"]) == 2
    assert "rating is not a queue" in capsys.readouterr().err
    assert main(["cover", str(out), "--shift", "2026-12-01", "late", "general", "--top", "0"]) == 2
    assert "'0' must be 1 or more" in capsys.readouterr().err


def test_a_sick_call_on_a_fixed_shift_is_covered_with_it_released() -> None:
    # ana is fixed on Tuesday early and is out. Unassigning her would break the fixed
    # rule, so every candidate would break a rule; out, the shift is released and eve,
    # free that day, takes it
    ana = agent("ana", fixed=[{"day": "tue", "shift": "early", "activity": "general"}])
    inst = micro(days=3, shifts=SHIFTS, people=[ana, agent("eve")])
    roster = _rows(inst, ("ana", 1, "early", "general"))
    assert evaluate(inst, roster).violations == []
    (result,) = cover_person(inst, roster, "ana", TUE)
    assert [e.text for e in result.candidates[0].edits] == [
        "out ana 2026-12-01",
        "assign eve 2026-12-01 early general",
    ]


def test_someone_out_on_a_day_they_do_not_work_is_nothing_to_cover(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # ana works Tuesday alone; out on Monday, she leaves nothing to cover: said in
    # words, and with --json as an empty list (JSON still, for the service's cover job)
    inst, roster = _sick_call(agent("ben"))
    out = _folder(tmp_path / "out", inst, roster)
    assert main(["cover", str(out), "--person", "ana", "--from", "2026-11-30"]) == 0
    assert capsys.readouterr().out.strip() == (
        "ana works no shift from 2026-11-30 to 2026-11-30: nothing to cover"
    )
    assert main(["cover", str(out), "--person", "ana", "--from", "2026-11-30", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_a_cover_dearer_than_leaving_the_shift_open_is_said_so() -> None:
    # ana grades 100 items of b (safety) on Monday and is out. ben, the only other
    # rater, may not grade b: he could take the shift, grading nothing, for his 8 hours
    # at 1 an hour. That keeps every rule but costs 8 more than leaving it open (the
    # 100 items are left either way), and the answer says so
    from models.edits import parse_edits
    from scheduler.edits import try_edits

    batch = {"id": "b", "skill": "safety", "difficulty": "medium", "items": 100}
    ben = rater("ben", skills={"general": 3}, hourly_cost=1)
    inst = micro(days=1, people=[rater("ana"), ben], batches=[batch], rates={"medium": 60})
    roster = shift_rows(inst, "ana", 0, "day", "rating", {"b": 100})
    (result,) = cover_person(inst, roster, "ana", MON)
    (best,) = result.candidates
    assert [e.text for e in best.edits] == [
        "out ana 2026-11-30",
        "assign ben 2026-11-30 day rating",
    ]
    left_open, *_ = try_edits(inst, roster, parse_edits(["out", "ana", "2026-11-30"]))
    assert best.objective_change == pytest.approx(left_open.objective_change + 8)
    assert result.note.startswith("leaving it open costs less: objective +")


def _hard_week() -> tuple[Instance, list[Assignment]]:
    """ana works esc (hard) on Monday and general on Tuesday: 8 of 16 h hard, the most
    the default 50 % share allows. Tuesday early asks one general agent."""
    inst = micro(
        days=3,
        shifts=SHIFTS,
        demand=[demand("general", "tue", shift="early")],
        people=[
            agent("ana", **contract(min_hours_per_week=16)),
            agent("cal"),
            agent("eve"),
        ],
    )
    roster = _rows(inst, ("ana", 0, "early", "esc"), ("ana", 1, "early", "general"))
    roster += _rows(inst, ("cal", 0, "late", "general"))
    return inst, roster


def test_someone_out_is_not_held_to_their_share_nor_are_those_who_cover() -> None:
    # ana out on Tuesday: her week is Monday's 8 hard hours worked and Tuesday's 8 h
    # credited as worked, not hard: 8 of 16 h, 50 %, within the share (without the
    # credit, 8 of 8 h: 100 %). Her minimum of 16 h is met by 8 worked + 8 credited.
    # Who covers Tuesday early (07:00): cal's late Monday ends 22:00, 9 h of rest
    # (min 11 h), so not cal; eve is free: eve alone.
    inst, roster = _hard_week()
    assert evaluate(inst, roster).violations == []
    result, _, after, _ = try_edits(inst, roster, [Out(person="ana", date=TUE)])
    assert result.violations == []
    assert next(g for g in after.goals if g.name == "min_hours_short").value == 0
    (cover,) = cover_person(inst, roster, "ana", TUE)
    assert not cover.two_step
    assert [c.edits[-1].person for c in cover.candidates] == ["eve"]


def test_a_candidate_is_judged_on_the_rules_they_break_not_on_another_persons() -> None:
    # Tuesday early open; ana already breaks the share (Monday esc alone: 8 of 8 h
    # hard). She may take it (8 of 16 h then) and eve, free, may too: each keeps every
    # rule of their own. cal rests 9 h after Monday late (min 11 h): not offered.
    inst, roster = _hard_week()
    roster = [r for r in roster if not (r.person == "ana" and r.date == TUE)]
    assert {v.rule for v in evaluate(inst, roster).violations} == {"max_hard_share"}
    cover = cover_shift(inst, roster, TUE, "early", "general")
    assert sorted(c.edits[-1].person for c in cover.candidates) == ["ana", "eve"]
