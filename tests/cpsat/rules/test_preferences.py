"""Preferences: wanted and avoided shifts or days, with weights."""

from __future__ import annotations

from tests.helpers import agent, demand, figure, micro, solve_checked, worked


def test_the_lighter_wish_gives_way() -> None:
    # One agent wanted Monday; both avoid Monday, Ana with weight 3, Bo with 1: Bo works,
    # 1 point unmet.
    inst = micro(
        days=1,
        demand=[demand("general", "mon")],
        people=[
            agent("ana", preferences=[{"kind": "avoid", "day": "mon", "weight": 3}]),
            agent("bo", preferences=[{"kind": "avoid", "day": "mon", "weight": 1}]),
        ],
    )
    result, _ = solve_checked(inst)
    assert worked(result, "bo") == ["2026-11-30"]
    assert figure(result, "preferences") == 1


def test_wanted_shift_is_given() -> None:
    # One agent wanted on Wednesday; Bo could work it, but Ana wants it: she gets it.
    inst = micro(
        demand=[demand("general", "wed")],
        people=[
            agent("bo"),
            agent("ana", preferences=[{"kind": "want", "day": "wed", "shift": "day"}]),
        ],
    )
    result, _ = solve_checked(inst)
    assert worked(result, "ana") == ["2026-12-02"]
    assert figure(result, "preferences") == 0
