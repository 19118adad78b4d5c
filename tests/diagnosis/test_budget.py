"""The search for fixes within its time budget, and what it says while it looks."""

from __future__ import annotations

import time

import pytest

from models import Instance
from scheduler.diagnosis.budget import LEAST_SOLVE, Budget, OutOfTimeError
from scheduler.diagnosis.check import check
from scheduler.diagnosis.verdict import Verdict
from tests.diagnosis.test_check import OPTIONS, _expert_week, six_in_a_row


def test_each_solve_gets_at_most_its_share_and_none_once_spent() -> None:
    told: list[str] = []
    budget = Budget(total=100.0, per_solve=20.0, on_stage=told.append)
    budget.say("looking at batch b")
    assert budget.seconds() == 20.0  # 100 s left: the per-solve cap decides
    assert budget.solves == 1 and told[-1].startswith("looking at batch b (1 trial solve, ")
    # 5 s left of 100: the next solve gets those 5 s (within rounding), not 20
    late = Budget(total=100.0, per_solve=20.0, started=time.monotonic() - 95.0)
    assert 4.0 < late.seconds() <= 5.0
    spent = Budget(total=1.0, per_solve=20.0, started=time.monotonic() - 1.0 + LEAST_SOLVE / 2)
    with pytest.raises(OutOfTimeError):
        spent.seconds()  # less than LEAST_SOLVE is left: no solve starts
    assert spent.spent and spent.solves == 0


def test_a_spent_budget_keeps_the_verdict_and_says_the_search_stopped() -> None:
    # The expert week of 3,000 items is 600 gradings late (test_check); with no time
    # for the search (0.01 s, below the least a solve is given), the verdict stands,
    # no fix is proposed, and the note says why: the search stopped, not "no fix".
    inst = Instance.model_validate(_expert_week(3000))
    told: list[str] = []
    report = check(inst, OPTIONS, fix_budget=0.01, on_stage=told.append)
    assert report.verdict is Verdict.shortfalls
    assert report.fixes == []
    (note,) = [n for n in report.notes if "stopped at its time limit" in n]
    assert "(0.01 s)" in note and "batch redteam" in note
    assert told[0] == "solving the week"
    assert told[-1] == "done: fits with shortfalls, 0 fixes"


def test_the_search_tells_its_target_and_its_solves_as_it_goes() -> None:
    inst = Instance.model_validate(_expert_week(3000))
    told: list[str] = []
    report = check(inst, OPTIONS, on_stage=told.append)
    # one late batch, so one target; each fix is solved again before it is proposed
    steps = [t for t in told if t.startswith("looking for fixes to batch redteam, 1 of 1 (")]
    assert len(steps) >= 1 + len(report.fixes)
    assert any("trial solves" in t for t in steps)
    assert told[-1] == f"done: fits with shortfalls, {len(report.fixes)} fixes"
    assert not [n for n in report.notes if "stopped at its time limit" in n]


def test_no_time_for_the_contradiction_is_said_not_hidden() -> None:
    # Six days in a row against at most five: cannot be staffed (test_check); with no
    # time left to name the contradicting rules, the note says so.
    inst = six_in_a_row()
    report = check(inst, OPTIONS, fix_budget=0.01)
    assert report.verdict is Verdict.cannot_staff
    assert report.conflicts == [] and report.fixes == []
    assert "No contradiction was found within the time limit (0.01 s)." in report.notes


def test_a_stop_during_the_search_keeps_the_verdict_and_the_fixes_found() -> None:
    # Ctrl-C (or the service's Stop) while the fixes are tried, here raised at the
    # search's next-to-last stage message (the run without a stop tells where that is):
    # the verdict stands, the fixes found before it are kept, a strict part of them, and
    # the note says the search was stopped (not that no other fix exists).
    inst = Instance.model_validate(_expert_week(3000))
    told: list[str] = []
    whole = check(inst, OPTIONS, on_stage=told.append)
    assert len(whole.fixes) == 2  # a later deadline, and extra raters (test_check)
    stop_at = sum(1 for t in told if "trial solve" in t) - 1
    seen = 0

    def stop_late(text: str) -> None:
        nonlocal seen
        if "trial solve" in text:
            seen += 1
            if seen == stop_at:
                raise KeyboardInterrupt

    report = check(inst, OPTIONS, on_stage=stop_late)
    assert report.verdict is Verdict.shortfalls
    kept = [f.sentence for f in report.fixes]
    assert 0 < len(kept) < len(whole.fixes)
    assert kept == [f.sentence for f in whole.fixes][: len(kept)]
    (note,) = [n for n in report.notes if "was stopped" in n]
    assert note.startswith("The search for fixes was stopped while looking at batch redteam")
