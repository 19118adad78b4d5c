"""`roster check`: verdicts known by construction, and every proposed fix re-solved."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from models import Instance, SolveStatus
from models.patch import patched
from scheduler.checker import evaluate
from scheduler.cli import main
from scheduler.cpsat.solve import SolveOptions, solve
from scheduler.diagnosis.check import CheckReport, check, fix_scenarios
from scheduler.diagnosis.conflicts import rules_hold
from scheduler.diagnosis.verdict import Verdict
from scheduler.whatif import build_instance, instance_data
from tests.helpers import MONDAY, agent, demand, micro

OPTIONS = SolveOptions(time_limit=20, workers=1, seed=0)


def _expert_week(items: int) -> dict[str, Any]:
    """One rater, two weeks, an expert batch due Friday of the first week.

    At 60 expert items an hour, 8-hour rating shifts and at most 40 h (5 days) a
    week, Mon-Fri gives exactly 40 h = 2,400 items by the deadline (the hard-case
    rotation limits are lifted so that only time decides).
    """
    return {
        "name": "expert",
        "horizon": {"start": MONDAY, "days": 14},
        "skills": ["safety"],
        "shifts": [{"id": "rating", "start": "09:00", "hours": 8, "activities": ["rating"]}],
        "people": [
            {
                "id": "ria",
                "name": "Ria",
                "roles": ["rater"],
                "skills": {"safety": 4},
                "contract": {"max_items_per_week": 10_000},
            }
        ],
        "batches": [
            {
                "id": "redteam",
                "items": items,
                "difficulty": "expert",
                "skill": "safety",
                "min_level": 3,
                "deadline": "2026-12-04",
                "priority": 5,
            }
        ],
        "rules": {
            "max_hard_share": 1.0,
            "max_hard_days_per_week": 7,
            "max_consecutive_hard_days": 7,
        },
    }


def _assert_fixes_hold(instance: Instance, report: CheckReport) -> None:
    """Apply each proposed fix to the instance, as it is and as its `roster whatif`
    scenario, and solve again: its target must be met."""
    assert report.fixes, "a fix was expected"
    scenarios = fix_scenarios(report)["scenarios"][1:]
    for fix, scenario in zip(report.fixes, scenarios, strict=True):
        changed = patched(instance, fix.operations)
        operations = {k: v for k, v in scenario.items() if k not in ("name", "description")}
        assert build_instance(instance_data(instance), operations, Path("x")) == changed
        if fix.kind in ("relax_rule", "drop_fixed"):
            assert rules_hold(changed), fix.sentence
            continue
        result = solve(changed, OPTIONS)
        assert result.has_roster, fix.sentence
        after = evaluate(changed, result.roster)
        if fix.target in changed.batch_by_id:
            assert next(b.late for b in after.batches if b.batch == fix.target) == 0, fix.sentence
        else:
            assert sum(r.short for r in after.coverage if r.queue == fix.target) == 0, fix.sentence


def test_a_week_that_fits_says_fits() -> None:
    inst = micro(days=3, demand=[demand("general", None)], people=[agent("ana"), agent("bo")])
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.fits
    assert report.shortfalls == [] and report.conflicts == [] and report.fixes == []


def test_ten_expert_hours_short_and_the_earliest_deadline() -> None:
    # 3,000 expert items need 50 h; Ria has 40 h by Friday: 600 gradings late = 10 h.
    # The second week's hours start Monday 2026-12-07: 8 h Monday, 2 h Tuesday, so
    # Tuesday 2026-12-08 is the earliest deadline that holds.
    inst = Instance.model_validate(_expert_week(3000))
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.shortfalls
    (reason,) = [s for s in report.shortfalls if s["kind"] == "batch"]
    assert reason["figures"]["late"] == 600
    assert reason["figures"]["hours_needed"] == pytest.approx(10.0)
    assert "10 h of grading" in reason["sentence"]
    deadline = [f for f in report.fixes if f.kind == "later_deadline"]
    assert [f.figures["deadline"] for f in deadline] == ["2026-12-08"]
    # 10 h of grading in 8 h rating shifts: two shifts by extra raters, no fewer
    (extra,) = [f for f in report.fixes if f.kind == "extra_people"]
    assert extra.figures["shifts_added"] == 2 and extra.figures["hours_added"] == 16
    assert extra.figures["grading_minutes"] == 600
    assert extra.sentence.startswith("10 h of expert safety (level ≥ 3) grading")
    _assert_fixes_hold(inst, report)


def test_double_grading_late_can_drop_to_single() -> None:
    # 1,500 items graded twice = 3,000 gradings by Friday, 2,400 possible; once each fits.
    data = _expert_week(1500)
    data["batches"][0]["graders"] = 2
    data["people"].append({**data["people"][0], "id": "sam", "name": "Sam"})
    data["people"][0]["unavailable"] = [{"from": "2026-11-30", "to": "2026-12-06"}]
    inst = Instance.model_validate(data)
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.shortfalls
    kinds = {f.kind for f in report.fixes}
    assert "fewer_graders" in kinds
    _assert_fixes_hold(inst, report)


def six_in_a_row() -> Instance:
    """Four days worked before the horizon and fixed on Monday and Tuesday: six in a
    row against a maximum of five. Exactly these three rules contradict."""
    return micro(
        days=3,
        demand=[demand("general", None)],
        people=[
            agent(
                "ana",
                name="Ana",
                history={"consecutive_days_worked": 4},
                fixed=[{"day": "mon", "shift": "day"}, {"day": "tue", "shift": "day"}],
            ),
            agent("bo"),
        ],
    )


def test_history_and_fixed_shifts_breaking_max_consecutive_days() -> None:
    inst = six_in_a_row()
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.cannot_staff
    assert report.result.status is SolveStatus.infeasible
    assert sorted(c.rule for c in report.conflicts) == [
        "fixed_assignment",
        "fixed_assignment",
        "max_consecutive_days",
    ]
    texts = [c.text for c in report.conflicts]
    assert "Ana: at most 5 days in a row, 4 worked before the horizon" in texts
    assert "Ana: fixed on Mon 2026-11-30 day" in texts
    assert "Ana: fixed on Tue 2026-12-01 day" in texts
    # drop either fixed shift, or allow 6 days in a row (the least that holds)
    assert [f.kind for f in report.fixes] == ["drop_fixed", "drop_fixed", "relax_rule"]
    assert report.fixes[2].operations == {"set": {"people.ana.contract.max_consecutive_days": 6}}
    _assert_fixes_hold(inst, report)


def test_short_queue_gets_extra_agents_and_a_lower_target(tmp_path: Path) -> None:
    # One agent for a forecast that needs more: extra agents or a lower promise fix it.
    inst = micro(
        days=1,
        demand=[
            {
                "queue": "general",
                "shift": "day",
                "forecast": {"contacts": 60, "aht_seconds": 600, "shrinkage": 0},
            }
        ],
        people=[agent("ana")],
    )
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.shortfalls
    assert any(s["kind"] == "queue" for s in report.shortfalls)
    assert {f.kind for f in report.fixes} >= {"extra_people"}
    _assert_fixes_hold(inst, report)


def _write(tmp_path: Path, data: dict[str, Any]) -> Path:
    path = tmp_path / "week.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


@pytest.mark.parametrize(
    ("items", "code", "verdict"),
    [(2000, 0, "fits"), (3000, 1, "fits with shortfalls")],
)
def test_cli_exit_codes_and_check_json(
    tmp_path: Path, items: int, code: int, verdict: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, _expert_week(items))
    out = tmp_path / "out"
    argv = ["check", str(path), "--out", str(out), "--workers", "1", "--quiet"]
    assert main([*argv, "--time-limit", "20"]) == code
    document = json.loads((out / "check.json").read_text())
    assert document["verdict"] == verdict
    assert verdict in capsys.readouterr().out
    if code:
        assert document["fixes"] and all(f["verified"] for f in document["fixes"])


def test_cli_cannot_be_staffed_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _expert_week(100)
    data["people"][0]["history"] = {"consecutive_days_worked": 5}
    data["people"][0]["fixed"] = [{"day": "2026-11-30", "shift": "rating"}]
    path = _write(tmp_path, data)
    argv = ["check", str(path), "--out", str(tmp_path / "o"), "--workers", "1", "--quiet"]
    assert main(argv) == 3
    out = capsys.readouterr().out
    assert "cannot be staffed" in out and "Ria: at most 5 days in a row" in out


def test_cli_bad_input_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = _expert_week(100)
    data["batches"][0]["items"] = -1
    assert main(["check", str(_write(tmp_path, data))]) == 2
    assert "batches[0].items" in capsys.readouterr().err


# ---- the situations of the truth issue: verdicts, figures and the smallest fix ----------


def test_min_hours_total_met_on_a_queue_without_demand_fits() -> None:
    # Only Monday's general shift is asked for; Ana must work 24 h over the 3 days, so
    # she works all three (Tue and Wed over demand, which is no shortfall): fits. A
    # model without variables where no demand is in force called it unstaffable.
    inst = micro(
        days=3,
        demand=[demand("general", "mon")],
        people=[agent("ana", contract={"min_hours_total": 24})],
    )
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.fits
    assert report.evaluation is not None
    assert report.evaluation.goal("overstaffed").value == 2


def test_a_hard_queue_held_by_the_hard_share_beside_a_queue_without_demand() -> None:
    # A week of one escalation shift a day; Ana works at most 5 days (40 h), of which
    # half may be hard: 2 esc shifts (16 h of at most 20), beside 2 days on general,
    # where nobody asked for agents (2 over demand, 50 each; a third would only cost).
    # 5 esc shifts stay short, not 7: a model without the general queue's variables
    # left her no other work, so no hard work at all.
    inst = micro(days=7, demand=[demand("esc", None)], people=[agent("ana")])
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.shortfalls
    assert report.evaluation is not None
    assert report.evaluation.goal("uncovered").value == 5
    assert report.evaluation.goal("overstaffed").value == 2
    # each extra agent's hard shift needs as many other hours: 5 esc + 5 general shifts
    (extra,) = [f for f in report.fixes if f.kind == "extra_people"]
    assert extra.figures["shifts_added"] == 10
    # Ana's 5 days hold at most 5 esc shifts: no rotation rule alone can cover 7
    assert not [f for f in report.fixes if f.kind == "relax_rotation"]
    assert any("hard share" in note for note in report.notes)
    _assert_fixes_hold(inst, report)


def _hard_days_week() -> Instance:
    """Four days, one escalation shift wanted each day; Ana and Bo may take one hard day
    a week each (the hard share lifted): two esc days covered, two short."""
    return micro(
        days=4,
        rules={"max_hard_days_per_week": 1, "max_hard_share": 1.0},
        demand=[demand("esc", None)],
        people=[agent("ana"), agent("bo")],
    )


def test_a_hard_queue_short_gets_the_fewest_shifts_and_a_rotation_fix() -> None:
    inst = _hard_days_week()
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.shortfalls
    assert report.evaluation is not None
    assert report.evaluation.goal("uncovered").value == 2
    # on each short day both have had their one hard day: that rule binds, by name
    assert [s["binding"] for s in report.shortfalls] == ["hard days a week"] * 2
    # two extra agents, one esc shift each (hard days are per person): 2 shifts, 16 h
    (extra,) = [f for f in report.fixes if f.kind == "extra_people"]
    assert (extra.figures["shifts_added"], extra.figures["hours_added"]) == (2, 16)
    assert extra.figures["people"] == 2
    added = extra.operations["add_people"]
    fixed_days = sorted(f["day"] for p in added for f in p["fixed"])
    assert fixed_days == sorted(s.split()[0] for s in extra.figures["shifts"])
    for day in fixed_days:  # the days in the text are the days in the change
        assert f"{dt.date.fromisoformat(day):%a %Y-%m-%d}" in extra.sentence
    # two hard days a week each covers all four
    (rotation,) = [f for f in report.fixes if f.kind == "relax_rotation"]
    assert rotation.operations == {"rules": {"max_hard_days_per_week": 2}}
    _assert_fixes_hold(inst, report)


def test_a_hundred_gradings_short_need_one_shift() -> None:
    # 2,500 expert items by Friday, 2,400 possible: 100 late = 1 h 40 min, one 8 h shift.
    inst = Instance.model_validate(_expert_week(2500))
    report = check(inst, OPTIONS)
    (extra,) = [f for f in report.fixes if f.kind == "extra_people"]
    assert extra.figures["shifts_added"] == 1 and extra.figures["grading_minutes"] == 100
    assert extra.sentence.startswith("1 h 40 min of expert safety")
    _assert_fixes_hold(inst, report)


def test_one_grading_over_capacity_still_gets_a_fix() -> None:
    # 2,401 items: one grading late, one minute of grading. One extra shift closes it,
    # though it costs more than the late grading: a fix makes it fit, it is not priced.
    inst = Instance.model_validate(_expert_week(2401))
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.shortfalls
    (reason,) = report.shortfalls
    assert "1 late = 1 min of grading" in reason["sentence"]
    (extra,) = [f for f in report.fixes if f.kind == "extra_people"]
    assert extra.figures["shifts_added"] == 1
    assert [f.figures["deadline"] for f in report.fixes if f.kind == "later_deadline"] == [
        "2026-12-07"
    ]
    _assert_fixes_hold(inst, report)


def _night_then(start: str) -> Instance:
    """Ana fixed on Monday's night shift (22:00-06:00) and on Tuesday's shift at `start`."""
    return micro(
        days=2,
        shifts=[
            {"id": "night", "start": "22:00", "hours": 8},
            {"id": "next", "start": start, "hours": 8},
        ],
        demand=[demand("general", "mon", shift="night")],
        people=[
            agent(
                "ana",
                name="Ana",
                fixed=[{"day": "mon", "shift": "night"}, {"day": "tue", "shift": "next"}],
            )
        ],
    )


@pytest.mark.parametrize(("start", "rest"), [("06:00", 0), ("14:30", 8.5)])
def test_min_rest_is_loosened_by_the_least_that_holds(start: str, rest: float) -> None:
    # The night ends Tuesday 06:00: a shift at 06:00 leaves 0 h of rest, at 14:30 8 h 30
    # min; with min rest 11 h the two fixed shifts contradict, and the least min rest
    # that lets both stand is exactly that gap.
    inst = _night_then(start)
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.cannot_staff
    assert sorted(c.rule for c in report.conflicts) == [
        "fixed_assignment",
        "fixed_assignment",
        "min_rest",
    ]
    (relax,) = [f for f in report.fixes if f.kind == "relax_rule"]
    assert relax.operations == {"set": {"people.ana.contract.min_rest_hours": rest}}
    shown = "0 h" if rest == 0 else "8 h 30 min"
    assert f"Set Ana's min rest to {shown} (now 11 h)" in relax.sentence
    _assert_fixes_hold(inst, report)


def test_min_hours_total_beyond_the_horizon_is_named_and_lowered() -> None:
    # Two days of one 8 h shift hold 16 h at most; a contract asking 24 h cannot hold,
    # and 16 h is the most it may ask.
    inst = micro(
        days=2,
        demand=[demand("general", "mon")],
        people=[agent("ana", name="Ana", contract={"min_hours_total": 24})],
    )
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.cannot_staff
    assert [c.text for c in report.conflicts] == ["Ana: at least 24 h over the horizon"]
    (relax,) = report.fixes
    assert relax.operations == {"set": {"people.ana.contract.min_hours_total": 16}}
    _assert_fixes_hold(inst, report)


def test_a_rule_that_is_not_a_limit_is_said() -> None:
    # The day shift may not follow itself (forbidden_next) and Ana is fixed on it Monday
    # and Tuesday: there is no limit to loosen, only a fixed shift to drop; a note says
    # so for the shift sequence.
    inst = micro(
        days=2,
        shifts=[{"id": "day", "start": "09:00", "hours": 8, "forbidden_next": ["day"]}],
        people=[
            agent(
                "ana",
                name="Ana",
                fixed=[{"day": "mon", "shift": "day"}, {"day": "tue", "shift": "day"}],
            )
        ],
    )
    report = check(inst, OPTIONS)
    assert report.verdict is Verdict.cannot_staff
    assert "shift_sequence" in {c.rule for c in report.conflicts}
    assert [f.kind for f in report.fixes] == ["drop_fixed", "drop_fixed"]
    assert any("is not a limit" in note for note in report.notes)
    _assert_fixes_hold(inst, report)


def test_fixes_apply_to_an_instance_whose_people_are_a_csv_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The hard-days week with its people in people.csv: `roster check` writes each fix
    # as a scenario of fixes.yaml, and `roster whatif` runs every one of them to a week
    # that fits (the first scenario is the week as it is).
    data = _hard_days_week().model_dump(mode="json", exclude_none=True)
    (tmp_path / "people.csv").write_text(
        "id,roles,skills.general,skills.escalation\nana,agent,3,3\nbo,agent,3,3\n"
    )
    data["people"] = "people.csv"
    path = _write(tmp_path, data)
    out = tmp_path / "check"
    argv = ["check", str(path), "--out", str(out), "--workers", "1", "--time-limit", "20"]
    assert main([*argv, "--quiet", "--no-exports"]) == 1
    scenarios = yaml.safe_load((out / "fixes.yaml").read_text())["scenarios"]
    assert len(scenarios) == 1 + len(json.loads((out / "check.json").read_text())["fixes"])
    assert "roster whatif" in capsys.readouterr().out
    sweep = tmp_path / "whatif"
    argv = ["whatif", str(path), str(out / "fixes.yaml"), "--jobs", "1", "--out", str(sweep)]
    main([*argv, "--time-limit", "20"])
    rows = list(csv.DictReader((sweep / "whatif.csv").open()))
    assert [r["verdict"] for r in rows] == ["fits with shortfalls"] + ["fits"] * (len(rows) - 1)


def test_a_shortfall_comes_with_its_proven_floor() -> None:
    # Two agents asked on each of three days and ana, the only agent, may work 2 days:
    # every roster leaves at least 4 agent-shifts uncovered (1 on her two days, 2 on
    # the third), and the best one leaves exactly 4: the floor says so
    from scheduler.diagnosis.check import report_document, report_text
    from tests.helpers import contract

    inst = micro(
        days=3,
        demand=[demand("general", None, agents=2)],
        people=[agent("ana", **contract(max_days_per_week=2))],
    )
    options = SolveOptions(time_limit=20, workers=1, seed=0)
    report = check(inst, options, fix_time_limit=5, fix_budget=20)
    assert report.verdict is Verdict.shortfalls
    assert report.floors == {"uncovered": 4}
    assert report_document(report)["floors"]["uncovered"]["at_least"] == 4
    assert "at least 4 agent-shifts uncovered (this roster: 4)" in report_text(inst, report)


def test_the_check_folder_and_its_report_say_the_floor(tmp_path: Path) -> None:
    # the week above, through `roster check`: check.json and report.html name the floor
    from tests.helpers import contract

    inst = micro(
        days=3,
        demand=[demand("general", None, agents=2)],
        people=[agent("ana", **contract(max_days_per_week=2))],
    )
    path = _write(tmp_path, inst.model_dump(mode="json", by_alias=True, exclude_defaults=True))
    out = tmp_path / "out"
    argv = ["check", str(path), "--out", str(out), "--workers", "1", "--quiet"]
    assert main([*argv, "--time-limit", "20", "--fix-time-limit", "20"]) == 1
    document = json.loads((out / "check.json").read_text())
    assert document["floors"]["uncovered"] == {"at_least": 4, "roster": 4, "unit": "agent-shifts"}
    report = (out / "report.html").read_text()
    assert "Proven for every roster" in report
    assert "at least 4 agent-shifts uncovered (this roster: 4)" in report


def test_a_stopped_solve_is_judged_as_it_stands_with_no_fixes_or_floors_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the week of the floor test, its solve stopped by the user with the roster so far:
    # its shortfalls are said, and nothing is searched after the stop (no fixes, no floors)
    import scheduler.diagnosis.check as checking
    from tests.helpers import contract

    inst = micro(
        days=3,
        demand=[demand("general", None, agents=2)],
        people=[agent("ana", **contract(max_days_per_week=2))],
    )
    solved = solve(inst, SolveOptions(time_limit=20, workers=1, seed=0))
    stopped = solved.model_copy(update={"stopped_early": True})
    monkeypatch.setattr(checking, "solve", lambda *_: stopped)
    report = check(inst, SolveOptions(time_limit=20, workers=1, seed=0), fix_budget=20)
    assert report.verdict is Verdict.shortfalls and report.shortfalls
    assert report.fixes == [] and report.floors == {}
    assert report.notes == ["The solve was stopped, so no fixes were looked for."]
