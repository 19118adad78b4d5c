"""Agents needed for a queue of contacts: Erlang C, and Erlang A with abandonment.

No solver here: plain queueing formulas, numerically stable for very large
traffic (no factorials, no powers that overflow) and fast (everything is
linear in the number of agents, with numpy for the long sums).

Notation, for one interval of ``interval_seconds``:

- λ = contacts / interval_seconds, the arrival rate; h = the average handling
  time (AHT) in seconds; μ = 1/h; A = λ·h, the offered traffic in Erlangs.
- n agents; T = the answer time of the service-level target (e.g. 80 % of
  contacts answered within T = 20 s).

**Erlang C** (M/M/n: Poisson arrivals, exponential handling times, nobody
gives up), for n > A:

    B(0) = 1,  B(k) = A·B(k-1) / (k + A·B(k-1))          Erlang B, by recursion
    C = n·B(n) / (n - A·(1 - B(n)))                       probability of waiting
    SL(T) = 1 - C·exp(-(n - A)·T/h)                        answered within T
    ASA = C·h / (n - A)                                    mean wait, over all contacts
    occupancy = A / n

For n <= A the queue grows without bound: C = 1, SL = 0, ASA infinite.

**Erlang A** (M/M/n+M, Palm's model: each waiting contact gives up after an
exponential patience with mean P, θ = 1/P). With π_n = 1, the states below n
weigh 1/B(n) - 1 in all (they are Erlang B's), and the queue lengths m >= 0
weigh t_0 = 1, t_m = t_(m-1)·λ/(n·μ + m·θ). With Z their total:

    P(wait) = Σ t_m / Z,    E[queue] = Σ m·t_m / Z
    abandonment = θ·E[queue] / λ                         share of contacts that give up
    ASA = E[queue] / λ                                   mean wait, over all contacts (Little)
    occupancy = λ·(1 - abandonment)·h / n

A contact that finds m waiting ahead reaches an agent before giving up and
within T with probability (x = n·μ/θ, z = 1 - exp(-θ·T)):

    S_m(T) = x / (x + m + 1) · I_z(m + 1, x + 1)

(I the regularised incomplete beta function). Ahead of it, the queue shrinks at
rate n·μ + i·θ with i waiting, and it gives up at rate θ itself: the chance of
never giving up telescopes to x/(x+m+1), and the time to reach an agent is a
sum of exponentials with rates θ·(x+1) ... θ·(x+m+1), which is distributed as
the (m+1)-th failure among x+m+1 lifetimes of rate θ, hence the beta function.
So SL(T) = (1/B(n) - 1)/Z + Σ t_m·S_m(T)/Z: every contact counts, and one that
gives up is not answered. As P grows to infinity this tends to Erlang C.

Assumptions of both models: arrivals are Poisson at a constant rate within the
interval, the queue is in steady state, handling times are exponential, every
agent handles one contact at a time, and contacts are answered first come,
first served.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

MAX_TRAFFIC = 100_000.0
"""Erlangs (agents busy at once, contacts x handling time / interval) the staffing search
takes: far above any one queue's interval, and bounded so that it answers in a second."""
MAX_PATIENCE = 1_000_000.0
"""Seconds; beyond this nobody gives up in practice: leave the patience out (Erlang C)."""

_TAIL_EPS = 1e-17
"""Queue-length weights below this share of the largest are dropped."""


@dataclass(frozen=True)
class QueueFigures:
    """How a queue performs with a given number of agents."""

    agents: int
    traffic: float
    """Offered load in Erlangs (A)."""
    service_level: float
    """Share of contacts answered within the answer time."""
    wait_probability: float
    average_speed_of_answer: float
    """Mean wait in seconds over all contacts (infinite when the queue is unstable)."""
    occupancy: float
    abandonment: float
    """Share of contacts that give up waiting (0 for Erlang C)."""


@dataclass(frozen=True)
class Staffing(QueueFigures):
    """The fewest agents that meet a target, and what they achieve."""

    staffed: int
    """Agents to roster once shrinkage is added: ceil(agents / (1 - shrinkage))."""
    model: str
    """"erlang_c", or "erlang_a" when a patience is given."""

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        if math.isinf(self.average_speed_of_answer):
            out["average_speed_of_answer"] = None
        return out


def check_inputs(
    contacts: float,
    interval_seconds: float,
    aht_seconds: float,
    service_level: float,
    answer_seconds: float,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
    patience_seconds: float | None = None,
) -> list[str]:
    """Every input out of range, each as 'name: value is ...'."""
    problems = []

    def bad(name: str, value: float, why: str) -> None:
        problems.append(f"{name}: {value!r} {why}")

    values = {
        "contacts": contacts,
        "interval_seconds": interval_seconds,
        "aht_seconds": aht_seconds,
        "service_level": service_level,
        "answer_seconds": answer_seconds,
        "shrinkage": shrinkage,
        "max_occupancy": max_occupancy,
    }
    if patience_seconds is not None:
        values["patience_seconds"] = patience_seconds
    for name, value in values.items():
        if not math.isfinite(value):
            bad(name, value, "is not a finite number")
    if problems:
        return problems
    if contacts < 0:
        bad("contacts", contacts, "is negative")
    if interval_seconds <= 0:
        bad("interval_seconds", interval_seconds, "must be above 0")
    if aht_seconds <= 0:
        bad("aht_seconds", aht_seconds, "must be above 0 (a contact takes some time)")
    if not 0 < service_level < 1:
        bad("service_level", service_level, "must be above 0 and below 1 (e.g. 0.8 for 80 %)")
    if answer_seconds < 0:
        bad("answer_seconds", answer_seconds, "is negative")
    if not 0 <= shrinkage < 1:
        bad("shrinkage", shrinkage, "must be at least 0 and below 1 (e.g. 0.3 for 30 %)")
    if not 0 < max_occupancy <= 1:
        bad("max_occupancy", max_occupancy, "must be above 0 and at most 1")
    if patience_seconds is not None and not 0 < patience_seconds <= MAX_PATIENCE:
        bad(
            "patience_seconds",
            patience_seconds,
            f"must be above 0 and at most {MAX_PATIENCE:,.0f} (leave it out for Erlang C)",
        )
    if not problems and (load := traffic(contacts, interval_seconds, aht_seconds)) > MAX_TRAFFIC:
        bad(
            "contacts",
            contacts,
            f"with {aht_seconds:g} s each in {interval_seconds:g} s keep "
            f"{f'{load:,.0f}' if math.isfinite(load) else 'countless'} agents busy at once, "
            f"above the {MAX_TRAFFIC:,.0f} the staffing search takes",
        )
    return problems


def traffic(contacts: float, interval_seconds: float, aht_seconds: float) -> float:
    """Offered load in Erlangs: agents kept busy on average."""
    return contacts * aht_seconds / interval_seconds


def erlang_b(agents: int, traffic: float) -> float:
    """Blocking probability of n agents and no queue (stable recursion, O(n))."""
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


def erlang_c(agents: int, traffic: float) -> float:
    """Probability that a contact waits, with n agents (1 when n <= A)."""
    if agents <= traffic:
        return 1.0
    b = erlang_b(agents, traffic)
    return agents * b / (agents - traffic * (1 - b))


def erlang_c_figures(
    agents: int, contacts: float, interval_seconds: float, aht_seconds: float, answer_seconds: float
) -> QueueFigures:
    traffic = contacts * aht_seconds / interval_seconds
    if contacts == 0:
        return QueueFigures(agents, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    if agents <= traffic:
        return QueueFigures(agents, traffic, 0.0, 1.0, math.inf, 1.0 if agents else 0.0, 0.0)
    wait = erlang_c(agents, traffic)
    level = 1 - wait * math.exp(-(agents - traffic) * answer_seconds / aht_seconds)
    asa = wait * aht_seconds / (agents - traffic)
    return QueueFigures(agents, traffic, level, wait, asa, traffic / agents, 0.0)


def erlang_a_figures(
    agents: int,
    contacts: float,
    interval_seconds: float,
    aht_seconds: float,
    answer_seconds: float,
    patience_seconds: float,
) -> QueueFigures:
    """Erlang A (M/M/n+M) figures; see the module docstring for the formulas."""
    traffic = contacts * aht_seconds / interval_seconds
    if contacts == 0:
        return QueueFigures(agents, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    lam = contacts / interval_seconds
    mu = 1.0 / aht_seconds
    theta = 1.0 / patience_seconds
    log_t = _queue_log_weights(lam, agents * mu, theta)
    top = float(log_t.max())
    # Relative to π_n = 1 the states below n weigh 1/B(n) - 1 = e^r - 1; work in units
    # of e^L, L the larger exponent, so that nothing overflows.
    r = _log_inverse_erlang_b(agents, traffic)
    big = max(r, top)
    z_below = math.exp(r - big) - math.exp(-big)
    weights = np.exp(log_t - big)
    norm = z_below + float(weights.sum())
    p_m = weights / norm  # P(an arrival finds m waiting), m = 0, 1, ...
    p_below = z_below / norm
    m = np.arange(len(p_m), dtype=float)
    queue = float((m * p_m).sum())
    wait = float(p_m.sum())
    abandonment = theta * queue / lam
    asa = queue / lam
    x = agents * mu / theta
    answered_in_time = p_below + float(
        (p_m * _reach_agent_in_time(x, theta, answer_seconds, len(p_m))).sum()
    )
    occupancy = lam * (1 - abandonment) * aht_seconds / agents if agents else 0.0
    return QueueFigures(
        agents, traffic, min(1.0, answered_in_time), wait, asa, occupancy, abandonment
    )


def _log_inverse_erlang_b(agents: int, traffic: float) -> float:
    """log(1 / B(n)), with 1/B(n) = sum_{j=0..n} prod_{i<j} (n - i) / A, summed in logs."""
    if agents == 0:
        return 0.0
    steps = np.log(np.arange(agents, 0, -1, dtype=float) / traffic)  # log((n - i) / A)
    log_terms = np.concatenate(([0.0], np.cumsum(steps)))
    top = float(log_terms.max())
    return top + math.log(float(np.exp(log_terms - top).sum()))


def _queue_log_weights(lam: float, service_rate: float, theta: float) -> np.ndarray:
    """log t_m for m = 0 .. M, where the tail beyond M is negligible."""
    peak = max(0.0, (lam - service_rate) / theta)
    size = int(peak) + 64
    while True:
        j = np.arange(1, size + 1, dtype=float)
        log_t = np.concatenate(([0.0], np.cumsum(math.log(lam) - np.log(service_rate + j * theta))))
        if log_t[-1] < log_t.max() + math.log(_TAIL_EPS) and size > peak + 1:
            return log_t
        size *= 2


def _reach_agent_in_time(x: float, theta: float, answer_seconds: float, count: int) -> np.ndarray:
    """S_m(T) = x/(x+m+1) · I_z(m+1, x+1) for m = 0 .. count-1 (z = 1 - e^(-θT))."""
    m = np.arange(count, dtype=float)
    z = -math.expm1(-theta * answer_seconds)
    if z <= 0 or x <= 0:  # no time to answer in (or no agents)
        return np.zeros(count)
    b = x + 1.0
    # I_z(a, b) for a = 1, 2, ...: I_z(1, b) = 1 - (1 - z)^b, and
    # I_z(a + 1, b) = I_z(a, b) - d(a) with d(a) = z^a (1-z)^b Γ(a+b) / (Γ(a+1) Γ(b)),
    # d(a+1) / d(a) = z (a + b) / (a + 1): a running product in logs.
    a = m + 1.0
    log_d = np.empty(count)
    log_d[0] = math.log(z) + b * math.log1p(-z) + math.log(b)  # d(1) = z (1-z)^b b
    if count > 1:
        log_d[1:] = log_d[0] + np.cumsum(np.log(z * (a[:-1] + b) / (a[:-1] + 1.0)))
    first = -math.expm1(b * math.log1p(-z))
    i_z = first - np.concatenate(([0.0], np.cumsum(np.exp(log_d[:-1]))))
    i_z = np.clip(i_z, 0.0, 1.0)
    return x / (x + m + 1.0) * i_z


def queue_figures(
    agents: int,
    contacts: float,
    interval_seconds: float,
    aht_seconds: float,
    answer_seconds: float,
    patience_seconds: float | None = None,
) -> QueueFigures:
    """How n agents do on this queue: Erlang C, or Erlang A with a patience."""
    if patience_seconds is None:
        return erlang_c_figures(agents, contacts, interval_seconds, aht_seconds, answer_seconds)
    return erlang_a_figures(
        agents, contacts, interval_seconds, aht_seconds, answer_seconds, patience_seconds
    )


def required_agents(
    contacts: float,
    interval_seconds: float,
    aht_seconds: float,
    service_level: float,
    answer_seconds: float,
    shrinkage: float = 0.0,
    max_occupancy: float = 1.0,
    patience_seconds: float | None = None,
) -> Staffing:
    """The fewest agents whose service level meets the target within the occupancy cap.

    Raises ValueError (one line per bad input) when an input is out of range.
    """
    problems = check_inputs(
        contacts,
        interval_seconds,
        aht_seconds,
        service_level,
        answer_seconds,
        shrinkage,
        max_occupancy,
        patience_seconds,
    )
    if problems:
        raise ValueError("\n".join(problems))

    def figures(n: int) -> QueueFigures:
        return queue_figures(
            n, contacts, interval_seconds, aht_seconds, answer_seconds, patience_seconds
        )

    def meets(f: QueueFigures) -> bool:
        return f.service_level >= service_level - 1e-12 and f.occupancy <= max_occupancy + 1e-12

    if contacts == 0:
        best = figures(0)
    elif patience_seconds is None:
        best = _erlang_c_search(
            contacts * aht_seconds / interval_seconds,
            aht_seconds,
            answer_seconds,
            service_level,
            max_occupancy,
        )
    else:
        # Erlang A's service level grows with the agents. Erlang C's answer is a good
        # first guess: search below it when it meets the target, above it otherwise.
        guess = _erlang_c_search(
            contacts * aht_seconds / interval_seconds,
            aht_seconds,
            answer_seconds,
            service_level,
            max_occupancy,
        ).agents
        if meets(figures(guess)):
            # at most n·μ contacts a second are served, so fewer than target·A agents
            # cannot answer a `target` share of them: the search starts there
            low = math.ceil(service_level * contacts * aht_seconds / interval_seconds) - 2
            low, high = max(-1, min(low, guess - 1)), guess
        else:
            low, high = guess, 2 * guess
            while not meets(figures(high)):
                low, high = high, 2 * high
        while high - low > 1:
            mid = (low + high) // 2
            if mid >= 0 and meets(figures(mid)):
                high = mid
            else:
                low = mid
        best = figures(high)
    staffed = math.ceil(best.agents / (1 - shrinkage) - 1e-9)
    return Staffing(
        **asdict(best),
        staffed=staffed,
        model="erlang_c" if patience_seconds is None else "erlang_a",
    )


def _erlang_c_search(
    traffic: float, aht: float, answer: float, target: float, max_occupancy: float
) -> QueueFigures:
    """Walk n up from just above A, carrying Erlang B along (O(n) in all)."""
    n = math.floor(traffic) + 1
    n = max(n, math.ceil(traffic / max_occupancy - 1e-12))
    b = erlang_b(n, traffic)
    while True:
        wait = n * b / (n - traffic * (1 - b))
        level = 1 - wait * math.exp(-(n - traffic) * answer / aht)
        if level >= target - 1e-12 and traffic / n <= max_occupancy + 1e-12:
            asa = wait * aht / (n - traffic)
            return QueueFigures(n, traffic, level, wait, asa, traffic / n, 0.0)
        n += 1
        b = traffic * b / (n + traffic * b)
