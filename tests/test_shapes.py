"""`scheduler.shapes`: weeks of many shapes from a profile and a seed (the benchmark suite)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from models.loader import validate_instance
from scheduler.shapes import Profile, _queue_hours, _within_reach, capacity_ratio, week

ROOT = Path(__file__).resolve().parents[1]


def _suite() -> list[tuple[Profile, int]]:
    spec = importlib.util.spec_from_file_location("bench_suite", ROOT / "benchmarks" / "suite.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return list(module.SUITE)


SUITE = _suite()


def test_the_suite_has_sixteen_shapes_or_more() -> None:
    profiles = [p for p, _ in SUITE]
    assert len(profiles) >= 16
    assert len({p.name for p in profiles}) == len(profiles)
    # every kind of each axis the suite promises is in it
    assert {p.queues for p in profiles} == {1, 2, 3, 4, 5}
    assert {p.demand for p in profiles} == {"shift", "interval", "forecast"}
    assert {p.days for p in profiles} == {7, 14, 28}
    assert {p.contracts for p in profiles} >= {"mixed", "part"}
    assert {p.skills for p in profiles} == {"flat", "mixed", "scarce"}
    assert min(p.load for p in profiles) <= 0.6 and max(p.load for p in profiles) >= 1.1
    assert min(p.people for p in profiles) <= 50 and max(p.people for p in profiles) >= 1000


@pytest.mark.parametrize(("profile", "seed"), SUITE, ids=[p.name for p, _ in SUITE])
def test_every_suite_week_is_valid_and_asks_its_load(
    profile: Profile, seed: int, tmp_path: Path
) -> None:
    data = week(profile, seed)
    instance = validate_instance(data, tmp_path / f"{profile.name}.yaml")
    assert len(instance.people) == profile.people
    assert instance.horizon.days == profile.days
    assert len(instance.queues) == profile.queues
    # the agent-hours asked for, against those the agents could give, within 10 points
    assert capacity_ratio(data) == pytest.approx(profile.load, abs=0.1)
    if profile.demand == "forecast":
        forecasts = [d for d in instance.demand if d.forecast is not None]
        assert forecasts and all(d.hard_queue == "escalation" for d in forecasts)
        assert all(d.forecast and d.forecast.contacts_before_ai for d in forecasts)
    if profile.demand == "shift":
        assert all(d.shift is not None for d in instance.demand)
    else:
        assert any(d.shift is None for d in instance.demand)


@pytest.mark.parametrize(("profile", "seed"), SUITE, ids=[p.name for p, _ in SUITE])
def test_no_queue_asks_more_than_its_qualified_agents_could_give(
    profile: Profile, seed: int
) -> None:
    data = week(profile, seed)
    instance = validate_instance(data, Path(f"{profile.name}.yaml"))
    reach = _queue_hours(data, profile.days)
    for queue, hours in zip(data["queues"], reach, strict=True):
        asked = sum(r.agent_hours for r in instance.requirements if r.queue == queue["id"])
        # the load of the qualified agents' hours, with slack for rounding each row to
        # whole agents and for Erlang staffing of a forecast (15 % and one 8-hour shift)
        assert asked <= profile.load * hours * 1.15 + 8, queue["id"]


def test_a_capped_queue_passes_what_it_cannot_ask_to_the_others() -> None:
    # 100 hours, half each; the second queue's agents reach 20 hours, so 30 of its 50
    # go to the first queue: 80 and 20, shares 0.8 and 0.2
    assert _within_reach([0.5, 0.5], 100, [1000, 20]) == pytest.approx([0.8, 0.2])
    # three queues, the last capped at 10: its 40 extra hours split 1:2 over the others
    assert _within_reach([0.2, 0.3, 0.5], 100, [1000, 1000, 10]) == pytest.approx(
        [0.2 + 0.4 * 0.4, 0.3 + 0.4 * 0.6, 0.1]
    )
    # every queue capped: the shares sum to what the queues reach (30 of 100)
    assert _within_reach([0.5, 0.5], 100, [10, 20]) == pytest.approx([0.1, 0.2])


def test_the_same_profile_and_seed_give_the_same_week() -> None:
    profile = Profile("same", 40, queues=3, demand="forecast", days=14, weekend_split=True)
    assert week(profile, 3) == week(profile, 3)
    assert week(profile, 3) != week(profile, 4)


def test_a_weekend_split_has_weekday_and_weekend_templates() -> None:
    data = week(Profile("split", 30, weekend_split=True, shifts=4), 0)
    weekdays = {s["id"]: s.get("weekdays") for s in data["shifts"]}
    assert weekdays["early"] == ["mon", "tue", "wed", "thu", "fri"]
    assert weekdays["we-day"] == ["sat", "sun"]
    assert weekdays["night"] is None  # nights every day


def test_bad_profiles_are_refused() -> None:
    with pytest.raises(ValueError, match="queues must be 1 to 5"):
        week(Profile("x", 10, queues=6))
    with pytest.raises(ValueError, match="hard residue needs a second queue"):
        week(Profile("x", 10, queues=1, demand="forecast"))
