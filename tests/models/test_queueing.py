"""Queueing math: published worked examples, and properties that hold for any input."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.queueing import (
    check_inputs,
    erlang_a_figures,
    erlang_c,
    erlang_c_figures,
    required_agents,
)

# ---- published worked examples ------------------------------------------------


@pytest.mark.parametrize(
    ("agents", "wait", "level", "asa"),
    [
        (11, 0.6821182, 0.3896138, 122.78127684408),
        (12, 0.4493882, 0.640158, 40.4449401868444),
        (13, 0.2852705, 0.7955948, 17.1162271821896),
        (14, 0.1741319, 0.88835, 7.83593701177724),
    ],
)
def test_call_centre_helper_example_agent_by_agent(
    agents: int, wait: float, level: float, asa: float
) -> None:
    """Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example":
    100 calls in 30 minutes, AHT 180 s, 80 % in 20 s. The article tries N = 11 .. 14
    (Pw 68.2 %, 44.94 %, 28.53 %, 17.41 %; SL 39 %, 64 %, 79.6 %, 88.8 %); the figures
    here are as printed, to 7 digits, by the CRAN package ErlangC 0.1.0 for the same
    example (README and tests)."""
    f = erlang_c_figures(agents, 100, 1800, 180, 20)
    assert f.traffic == 10
    assert round(f.wait_probability, 7) == wait
    assert round(f.service_level, 7) == level
    assert f.average_speed_of_answer == pytest.approx(asa, abs=1e-9)
    assert round(f.occupancy, 7) == round(10 / agents, 7)


def test_call_centre_helper_example_staffing() -> None:
    """Same example: 14 agents meet 80/20 (occupancy 71.4 %, under the 85 % cap);
    with 30 % shrinkage 14 / 0.7 = 20 agents are rostered."""
    s = required_agents(100, 1800, 180, 0.8, 20, shrinkage=0.3, max_occupancy=0.85)
    assert (s.agents, s.staffed) == (14, 20)
    assert round(s.occupancy, 3) == 0.714
    assert round(s.service_level, 3) == 0.888
    assert round(s.wait_probability, 3) == 0.174


def test_occupancy_cap_adds_agents() -> None:
    """pyworkforce's documented example, the same inputs with max occupancy 0.7: 15 raw
    positions, 22 after 30 % shrinkage, SL 0.941, occupancy 0.667, Pw 0.102."""
    s = required_agents(100, 1800, 180, 0.8, 20, shrinkage=0.3, max_occupancy=0.7)
    assert (s.agents, s.staffed) == (15, 22)
    assert (round(s.service_level, 3), round(s.occupancy, 3)) == (0.941, 0.667)
    assert round(s.wait_probability, 3) == 0.102


def test_mitan_phonecalc_example() -> None:
    """Mitan PhoneCalc, "The Erlang-C formula" step by step: 360 calls per half hour,
    4-minute calls, 55 agents, 15 s answer time: traffic 48 Erlangs, probability of
    waiting 0.2387, ASA 8.184 s, service level 0.8459 (4 significant digits)."""
    f = erlang_c_figures(55, 360, 1800, 240, 15)
    assert f.traffic == 48
    assert round(f.wait_probability, 4) == 0.2387
    assert round(f.average_speed_of_answer, 3) == 8.184
    assert round(f.service_level, 4) == 0.8459


def test_call_center_tools_example_with_occupancy_cap() -> None:
    """call-center-tools (PyPI) README: 1000 calls an hour, AHT 120 s, 80/20, occupancy
    at most 85 %, 30 % shrinkage: 33.333 Erlangs, 40 agents (the SL target alone would
    take 38; the cap forces 40), 58 after shrinkage; with 40 agents waiting 19.07 %,
    SL 93.72 %, ASA 3.43 s, occupancy 83.33 %."""
    s = required_agents(1000, 3600, 120, 0.8, 20, shrinkage=0.3, max_occupancy=0.85)
    assert (s.agents, s.staffed) == (40, 58)
    assert round(s.traffic, 3) == 33.333
    assert round(100 * s.wait_probability, 2) == 19.07
    assert round(100 * s.service_level, 2) == 93.72
    assert round(s.average_speed_of_answer, 2) == 3.43
    assert round(100 * s.occupancy, 2) == 83.33
    without_cap = required_agents(1000, 3600, 120, 0.8, 20)
    assert without_cap.agents == 38


@pytest.mark.parametrize(
    ("calls_per_hour", "agents", "occupancy"),
    [(100, 12, 0.69), (200, 21, 0.79), (400, 39, 0.85), (800, 74, 0.90), (1600, 142, 0.94)],
)
def test_agent_occupancy_table(calls_per_hour: int, agents: int, occupancy: float) -> None:
    """ "Understanding Agent Occupancy" (staffing table, 80 % in 20 s, AHT 300 s): the
    larger the centre, the higher the occupancy at the same service level."""
    s = required_agents(calls_per_hour, 3600, 300, 0.8, 20)
    assert s.agents == agents
    assert round(s.occupancy, 2) == occupancy


def test_erlang_a_pyworkforce_example() -> None:
    """pyworkforce's ErlangA documentation: 100 calls in 30 minutes, AHT 3 min, 80 % in
    20 s, patience 5 min, 30 % shrinkage: 13 raw positions, 19 rostered; SL 0.858,
    occupancy 0.750, abandonment 0.025, Pw 0.226, ASA 0.125 min. Its regression figures
    for 14 agents: Pw 0.14526, abandonment 0.013984, occupancy 0.704297, ASA 0.069919 min,
    SL 0.916792 (answered within 20 s over all contacts; abandoners count as not)."""
    s = required_agents(100, 1800, 180, 0.8, 20, shrinkage=0.3, patience_seconds=300)
    assert (s.agents, s.staffed, s.model) == (13, 19, "erlang_a")
    assert round(s.service_level, 3) == 0.858
    assert round(s.occupancy, 3) == 0.750
    assert round(s.abandonment, 3) == 0.025
    assert round(s.wait_probability, 3) == 0.226
    assert round(s.average_speed_of_answer / 60, 3) == 0.125
    f = erlang_a_figures(14, 100, 1800, 180, 20, 300)
    assert round(f.wait_probability, 5) == 0.14526
    assert round(f.abandonment, 6) == 0.013984
    assert round(f.occupancy, 6) == 0.704297
    assert round(f.average_speed_of_answer / 60, 6) == 0.069919
    assert round(f.service_level, 6) == 0.916792


# ---- scale and edge cases ---------------------------------------------------------


def test_twenty_thousand_contacts_in_half_an_hour() -> None:
    """3,333 Erlangs: no factorial, no overflow; the answer is just above the traffic."""
    s = required_agents(20_000, 1800, 300, 0.8, 20)
    assert 3333 < s.agents < 3400
    assert s.service_level >= 0.8
    assert math.isfinite(s.average_speed_of_answer)
    a = required_agents(20_000, 1800, 300, 0.8, 20, patience_seconds=120)
    assert 0 < a.agents <= s.agents and 0 < a.abandonment < 1


def test_no_contacts_need_no_agents() -> None:
    s = required_agents(0, 1800, 300, 0.8, 20, shrinkage=0.3)
    assert (s.agents, s.staffed, s.service_level) == (0, 0, 1.0)


def test_too_few_agents_is_an_unstable_queue() -> None:
    f = erlang_c_figures(10, 100, 1800, 180, 20)  # 10 agents for 10 Erlangs
    assert (f.service_level, f.wait_probability) == (0.0, 1.0)
    assert math.isinf(f.average_speed_of_answer)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("contacts", {"contacts": -1}),
        ("service_level", {"service_level": 1.2}),
        ("service_level", {"service_level": 1.0}),
        ("aht_seconds", {"aht_seconds": 0}),
        ("max_occupancy", {"max_occupancy": 0}),
        ("shrinkage", {"shrinkage": 1}),
        ("interval_seconds", {"interval_seconds": 0}),
        ("patience_seconds", {"patience_seconds": -5}),
        ("answer_seconds", {"answer_seconds": float("nan")}),
    ],
)
def test_bad_inputs_are_named(name: str, kwargs: dict[str, float]) -> None:
    args: dict[str, float] = {
        "contacts": 100,
        "interval_seconds": 1800,
        "aht_seconds": 180,
        "service_level": 0.8,
        "answer_seconds": 20,
    }
    args.update(kwargs)
    problems = check_inputs(**args)
    assert len(problems) == 1 and problems[0].startswith(f"{name}: ")
    with pytest.raises(ValueError, match=name):
        required_agents(**args)


# ---- properties ---------------------------------------------------------------

contacts = st.floats(1, 5000)
aht = st.floats(10, 1200)
target = st.floats(0.05, 0.99)
answer = st.floats(0, 120)


@settings(max_examples=150, deadline=None)
@given(contacts, st.floats(1, 500), aht, target, answer)
def test_more_contacts_never_need_fewer_agents(
    n: float, extra: float, h: float, level: float, t: float
) -> None:
    assert (
        required_agents(n + extra, 1800, h, level, t).agents
        >= required_agents(n, 1800, h, level, t).agents
    )


@settings(max_examples=150, deadline=None)
@given(contacts, aht, target, target, answer)
def test_a_higher_target_never_needs_fewer_agents(
    n: float, h: float, a: float, b: float, t: float
) -> None:
    low, high = sorted((a, b))
    assert required_agents(n, 1800, h, high, t).agents >= required_agents(n, 1800, h, low, t).agents


@settings(max_examples=150, deadline=None)
@given(contacts, aht, target, answer, st.none() | st.floats(5, 3600), st.floats(0.5, 1))
def test_the_achieved_level_meets_the_target(
    n: float, h: float, level: float, t: float, patience: float | None, occupancy: float
) -> None:
    s = required_agents(n, 1800, h, level, t, max_occupancy=occupancy, patience_seconds=patience)
    assert s.service_level >= level - 1e-9
    assert s.occupancy <= occupancy + 1e-9
    if s.agents > 1:  # and one agent fewer would not do
        from models.queueing import queue_figures

        fewer = queue_figures(s.agents - 1, n, 1800, h, t, patience)
        assert fewer.service_level < level - 1e-12 or fewer.occupancy > occupancy + 1e-12


@settings(max_examples=100, deadline=None)
@given(st.floats(1, 300), aht, answer, st.integers(0, 6))
def test_erlang_a_with_endless_patience_is_erlang_c(
    n: float, h: float, t: float, extra: int
) -> None:
    """As the patience grows without bound, Erlang A becomes Erlang C.

    With patience P far above the waits, about E[wait] / P of the contacts give up, so
    the figures differ by a few times (ASA + AHT) / P at most; at P = 10^6 s that is
    tiny, and at 10^5 s it is larger but still bounded the same way.
    """
    traffic = n * h / 1800
    agents = math.floor(traffic) + 1 + extra
    c = erlang_c_figures(agents, n, 1800, h, t)
    for patience in (100_000.0, 1_000_000.0):
        a = erlang_a_figures(agents, n, 1800, h, t, patience)
        bound = 20 * (c.average_speed_of_answer + h) / patience
        assert abs(a.service_level - c.service_level) <= bound
        assert abs(a.wait_probability - c.wait_probability) <= bound
        assert a.abandonment <= bound
        assert a.average_speed_of_answer <= c.average_speed_of_answer + 1e-9


def test_erlang_c_matches_its_definition_by_factorials_on_small_cases() -> None:
    """The stable recursion equals the textbook formula where factorials are still fine."""
    for agents in range(1, 30):
        for traffic in (0.5, 3.0, 7.25, agents - 0.5):
            if agents <= traffic:
                continue
            top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
            bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
            assert erlang_c(agents, traffic) == pytest.approx(top / bottom, rel=1e-12)
