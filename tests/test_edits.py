"""Edits by hand (`roster try`): what they break, what they change, and what is kept."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from models import Assignment, Instance, SolveResult, SolveStatus, read_roster_csv
from models.edits import Assign, Items, Move, Swap, parse_edits
from models.errors import InputError
from models.roster import shift_rows
from scheduler.checker import evaluate
from scheduler.cli import main
from scheduler.edits import apply_edits, try_edits
from scheduler.outputs.folder import write_outputs
from tests.helpers import MONDAY, agent, demand, micro, rater

TUESDAY = dt.date(2026, 12, 1)
MON = dt.date.fromisoformat(MONDAY)

TWO_SHIFTS = [
    {"id": "early", "start": "06:00", "hours": 8},
    {"id": "late", "start": "14:00", "hours": 8},
]


def _folder(path: Path, inst: Instance, rows: list[Assignment]) -> Path:
    """An output folder for a roster made by hand, as `roster solve` writes one."""
    evaluation = evaluate(inst, rows)
    result = SolveResult(
        instance=inst.name,
        status=SolveStatus.feasible,
        objective=evaluation.objective,
        bound=0.0,
        gap=1.0,
        solve_seconds=0.0,
        workers=1,
        seed=0,
        time_limit=None,
        goals=evaluation.goals,
        roster=rows,
    )
    write_outputs(path, inst, result, evaluation, exports=False)
    return path


def _day(inst: Instance, date: dt.date) -> int:
    return (date - inst.horizon.start).days


def test_an_edit_that_breaks_min_rest_names_both_shifts_and_the_hours_between() -> None:
    # ana works late Monday (14:00-22:00); early on Tuesday starts 06:00: 8 h of rest
    # where her contract asks 11 h
    inst = micro(days=2, shifts=TWO_SHIFTS, people=[agent("ana")])
    roster = shift_rows(inst, "ana", 0, "late", "general")
    result, *_ = try_edits(
        inst, roster, [Assign(person="ana", date=TUESDAY, shift="early", activity="general")]
    )
    assert not result.feasible
    (rest,) = result.violations
    assert rest.rule == "min_rest" and rest.person == "ana" and rest.date == TUESDAY
    assert (
        "rests 8 h between late (ends 2026-11-30 22:00) and early (starts 2026-12-01 06:00) "
        "(min 11 h)"
    ) in rest.message
    assert result.new_violations == result.violations


def test_a_swap_that_keeps_every_rule_reports_the_exact_goal_changes() -> None:
    # Monday's day shift asks one agent of general; ana (cost 1 an hour) works it.
    # ben costs 2 an hour and would rather not work Monday (a preference of weight 3).
    # Swapping them keeps every rule; by hand:
    #   cost: 8 h x 1 = 8 -> 8 h x 2 = 16 (weight 1: penalty 8 -> 16)
    #   preferences: 0 -> 3 points (weight 5: penalty 0 -> 15)
    #   hard-load spread: nobody does hard work: 0 -> 0
    #   objective: +8 + 15 = +23
    inst = micro(
        days=1,
        demand=[demand("general", "mon")],
        people=[
            agent("ana", hourly_cost=1),
            agent("ben", hourly_cost=2, preferences=[{"kind": "avoid", "day": "mon", "weight": 3}]),
        ],
    )
    roster = shift_rows(inst, "ana", 0, "day", "general")
    result, rows, *_ = try_edits(inst, roster, [Swap(person="ana", other="ben", date=MON)])
    assert result.feasible
    changed = {
        g.name: (g.before, g.after, g.penalty_before, g.penalty_after)
        for g in result.goals
        if g.changed
    }
    assert changed == {"cost": (8, 16, 8, 16), "preferences": (0, 3, 0, 15)}
    assert result.objective_change == 23
    assert [(r.person, r.activity) for r in rows] == [("ben", "general")]


def test_edits_carry_their_work_with_them() -> None:
    # a rating shift of ana's with 40 items of batch b moves to Tuesday whole; then
    # she grades 10 items of b there instead (10 items at 60 an hour take 10 minutes)
    batch = {"id": "b", "skill": "safety", "difficulty": "medium", "items": 100}
    inst = micro(days=2, people=[rater("ana")], batches=[batch], rates={"medium": 60})
    roster = shift_rows(inst, "ana", 0, "day", "rating", {"b": 40})
    rows, touched = apply_edits(
        inst,
        roster,
        [
            Move(person="ana", date=MON, shift="day", to_date=TUESDAY, to_shift="day"),
            Items(person="ana", date=TUESDAY, batch="b", items=10),
        ],
    )
    graded = [(r.date, r.batch, r.items, r.hours) for r in rows if r.batch]
    assert graded == [(TUESDAY, "b", 10, round(10 / 60, 2))]
    assert touched == {("ana", MON, "day"): set(), ("ana", TUESDAY, "day"): {"b"}}


@pytest.mark.parametrize(
    ("words", "message"),
    [
        (["assign", "zed", MONDAY, "day", "general"], "no person 'zed'"),
        (["assign", "ana", "2026-12-09", "day", "general"], "2026-12-09 is outside the horizon"),
        (
            ["assign", "ana", MONDAY, "weekend", "general"],
            "shift 'weekend' does not run on Mon 2026-11-30",
        ),
        (["assign", "ana", MONDAY, "day", "chat"], "no activity 'chat'"),
        (["unassign", "ben", MONDAY, "day"], "ben does not work day on 2026-11-30"),
        (["swap", "ana", "ana", MONDAY], "two different people"),
        (["assign", "ana", "30/11", "day", "general"], "'30/11' is not a date"),
        (["promote", "ana"], "'promote' is not an edit"),
        (["unassign", "ana", MONDAY], "expected unassign PERSON DATE SHIFT"),
        (["move", "ana", MONDAY, "day", "--to", MONDAY, "day"], "works day on 2026-11-30 already"),
    ],
)
def test_bad_edits_are_bad_input_naming_them_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], words: list[str], message: str
) -> None:
    shifts = [
        {"id": "day", "start": "09:00", "hours": 8},
        {"id": "weekend", "start": "09:00", "hours": 8, "weekdays": ["sat", "sun"]},
    ]
    inst = micro(days=7, shifts=shifts, people=[agent("ana"), agent("ben")])
    out = _folder(tmp_path / "out", inst, shift_rows(inst, "ana", 0, "day", "general"))
    new = tmp_path / "edited"
    code = main(["try", str(out), *words, "--write", str(new)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and message in err[0], err
    assert not new.exists()


def test_a_folder_that_is_not_an_output_folder_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "roster.csv").write_text("date\n")
    assert main(["try", str(tmp_path), "unassign", "ana", MONDAY, "day"]) == 2
    assert "not an output folder of roster" in capsys.readouterr().err


def test_edits_are_read_from_the_command_line_as_written() -> None:
    words = [
        "assign",
        "a",
        "2026-12-01",
        "early",
        "chat",
        "move",
        "a",
        "2026-12-01",
        "early",
        "--to",
        "2026-12-02",
        "late",
    ]
    edits = parse_edits(words)
    assert [e.text for e in edits] == [
        "assign a 2026-12-01 early chat",
        "move a 2026-12-01 early --to 2026-12-02 late",
    ]
    with pytest.raises(InputError, match="N: 'x' is not a whole number"):
        parse_edits(["items", "a", MONDAY, "b", "x"])


def _instance_file(path: Path, inst: Instance) -> Path:
    path.write_text(
        yaml.safe_dump(inst.model_dump(mode="json", by_alias=True, exclude_defaults=True))
    )
    return path


SOLVE = ["--workers", "1", "--seed", "0", "--quiet", "--no-exports", "--time-limit", "30"]


def test_a_written_edit_passes_verify_and_a_later_solve_keeps_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # One agent of general asked for Monday; ana costs 1 an hour, ben 2: the solve
    # puts ana there. Unassigning her by hand and writing it leaves a pin; a solve
    # with --pin then cannot put her back, so ben covers Monday (the cheaper roster
    # without the pin would be ana again).
    inst = micro(
        days=1,
        demand=[demand("general", "mon")],
        people=[agent("ana", hourly_cost=1), agent("ben", hourly_cost=2)],
    )
    week = _instance_file(tmp_path / "week.yaml", inst)
    out, edited, again = tmp_path / "out", tmp_path / "edited", tmp_path / "again"
    assert main(["solve", str(week), "--out", str(out), *SOLVE]) == 0
    assert [r.person for r in read_roster_csv(out)] == ["ana"]
    code = main(["try", str(out), "unassign", "ana", MONDAY, "day", "--write", str(edited)])
    assert code == 0  # short of demand, but no hard rule breaks
    printed = capsys.readouterr().out
    # the goals that change, aligned: one agent-shift short, 8 hours at cost 1 saved
    assert "agent-shifts uncovered      0 -> 1 agent-shifts" in printed
    assert "hours worked x hourly cost  8 -> 0 cost" in printed
    assert "objective 8 -> 100,000 (+99,992)" in printed
    summary = json.loads((edited / "summary.json").read_text())
    assert summary["status"] == "edited"
    assert summary["edited"]["edits"] == [f"unassign ana {MONDAY} day"]
    assert main(["verify", str(week), str(edited)]) == 0
    assert main(["solve", str(week), "--out", str(again), "--pin", str(edited), *SOLVE]) == 0
    assert [r.person for r in read_roster_csv(again)] == ["ben"]
    # re-planned from Monday on, the pin holds too (without it the re-plan's first
    # stage, the goals, would put the cheaper ana back)
    replanned = tmp_path / "replanned"
    argv = ["replan", str(week), str(edited), "--from", MONDAY, "--out", str(replanned)]
    assert main([*argv, *SOLVE]) == 0
    assert [r.person for r in read_roster_csv(replanned)] == ["ben"]


def test_an_items_edit_is_pinned_exactly(tmp_path: Path) -> None:
    # ana grades batch b on Monday (100 items, 60 an hour: 100 minutes). Set to 30 by
    # hand, the pin holds a later solve to exactly 30 (it would grade all 100 to
    # avoid 70 unfinished, each costing far more than a minute of ana's time).
    batch = {"id": "b", "skill": "safety", "difficulty": "medium", "items": 100}
    inst = micro(days=1, people=[rater("ana")], batches=[batch], rates={"medium": 60})
    week = _instance_file(tmp_path / "week.yaml", inst)
    out, edited, again = tmp_path / "out", tmp_path / "edited", tmp_path / "again"
    assert main(["solve", str(week), "--out", str(out), *SOLVE]) == 0
    assert sum(r.items for r in read_roster_csv(out)) == 100
    assert main(["try", str(out), "items", "ana", MONDAY, "b", "30", "--write", str(edited)]) == 0
    assert main(["solve", str(week), "--out", str(again), "--pin", str(edited), *SOLVE]) == 0
    assert sum(r.items for r in read_roster_csv(again)) == 30


def test_pins_are_the_last_word_on_each_shift(tmp_path: Path) -> None:
    # assign then unassign the same shift: one pin, not working it; edits on an
    # edited folder add to its log
    inst = micro(days=2, people=[agent("ana")])
    out = _folder(tmp_path / "out", inst, shift_rows(inst, "ana", 0, "day", "general"))
    first, second = tmp_path / "first", tmp_path / "second"
    assert (
        main(["try", str(out), "assign", "ana", "2026-12-01", "day", "esc", "--write", str(first)])
        == 0
    )
    assert (
        main(["try", str(first), "unassign", "ana", "2026-12-01", "day", "--write", str(second)])
        == 0
    )
    log: dict[str, Any] = json.loads((second / "edits.json").read_text())
    assert [e["kind"] for e in log["edits"]] == ["assign", "unassign"]
    assert [(p["date"], p["works"]) for p in log["pins"]] == [("2026-12-01", False)]
    assert log["source"] == str(out)


def test_an_edited_folder_says_what_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # two shifts of ana's on Monday and Tuesday; assigning her the hard queue both days
    # makes every hour hard (100 % > the 50 % allowed): written anyway, as a draft,
    # and its report says the edits break the rule, not that the solver has a bug
    inst = micro(days=2, people=[agent("ana")])
    rows = shift_rows(inst, "ana", 0, "day", "general") + shift_rows(
        inst, "ana", 1, "day", "general"
    )
    out = _folder(tmp_path / "out", inst, rows)
    edited = tmp_path / "edited"
    words = ["assign", "ana", MONDAY, "day", "esc", "assign", "ana", "2026-12-01", "day", "esc"]
    assert main(["try", str(out), *words, "--write", str(edited)]) == 1
    report = (edited / "report.html").read_text()
    assert "a bug" not in report and "The edits made by hand break hard rules" in report
    assert "roster try --write" in report
    # the folder being edited is not overwritten
    assert main(["try", str(out), *words, "--write", str(out)]) == 2
    assert "is the folder being edited" in capsys.readouterr().err


def test_out_is_a_sick_call_that_releases_a_fixed_shift(tmp_path: Path) -> None:
    # ana is fixed on Monday's day shift (on general) and works it. Unassigning it by
    # hand breaks the fixed rule; `out ana MONDAY` instead marks her unavailable that
    # day, so the fixed shift is released and no rule breaks (ben covers it).
    ana = agent("ana", fixed=[{"day": "mon", "shift": "day", "activity": "general"}])
    inst = micro(days=1, people=[ana, agent("ben")])
    roster = shift_rows(inst, "ana", 0, "day", "general")
    assert evaluate(inst, roster).violations == []
    unassigned, *_ = try_edits(inst, roster, parse_edits(["unassign", "ana", MONDAY, "day"]))
    assert [v.rule for v in unassigned.new_violations] == ["fixed_assignment"]
    words = ["out", "ana", MONDAY, "assign", "ben", MONDAY, "day", "general"]
    covered, rows, *_ = try_edits(inst, roster, parse_edits(words))
    assert covered.violations == [] and [r.person for r in rows] == ["ben"]
    # out, she cannot be put back on that day: the checker says she is unavailable
    back = ["out", "ana", MONDAY, "assign", "ana", MONDAY, "day", "general"]
    again, *_ = try_edits(inst, roster, parse_edits(back))
    assert [v.rule for v in again.violations] == ["availability"]

    # written, the folder's instance has her out with the fixed shift released, and its
    # pins keep a later solve from putting her back (the cheaper roster without them
    # would be ana again: both cost the same, and she is fixed there)
    out, edited, again_dir = tmp_path / "out", tmp_path / "edited", tmp_path / "again"
    _folder(out, inst, roster)
    assert main(["try", str(out), *words, "--write", str(edited), "--no-exports"]) == 0
    written = Instance.model_validate_json((edited / "instance.json").read_text())
    assert written.person_by_id["ana"].fixed == []
    assert main(["verify", str(edited / "instance.json"), str(edited)]) == 0
    pins = json.loads((edited / "edits.json").read_text())["pins"]
    assert [(p["person"], p["works"]) for p in pins] == [("ana", False), ("ben", True)]
    week = _instance_file(tmp_path / "week.yaml", inst)
    assert main(["solve", str(week), "--out", str(again_dir), "--pin", str(edited), *SOLVE]) == 0
    assert [r.person for r in read_roster_csv(again_dir)] == ["ben"]


def test_out_drops_every_shift_of_the_day_and_names_a_bad_date() -> None:
    # ana works early on Monday and late on Tuesday: out on Monday drops Monday's alone
    inst = micro(days=2, shifts=TWO_SHIFTS, people=[agent("ana")])
    roster = shift_rows(inst, "ana", 0, "early", "general") + shift_rows(
        inst, "ana", 1, "late", "general"
    )
    rows, touched = apply_edits(inst, roster, parse_edits(["out", "ana", MONDAY]))
    assert [(r.date, r.shift) for r in rows] == [(TUESDAY, "late")]
    # both of Monday's shifts are touched, so the pins keep her off either
    assert sorted(touched) == [("ana", MON, "early"), ("ana", MON, "late")]
    with pytest.raises(InputError, match="out ana 2026-12-09: 2026-12-09 is outside"):
        apply_edits(inst, roster, parse_edits(["out", "ana", "2026-12-09"]))
    with pytest.raises(InputError, match="expected out PERSON DATE"):
        parse_edits(["out", "ana"])
