"""Time per call of the staffing search, Erlang C and Erlang A, from small to huge traffic.

    python benchmarks/queueing_speed.py

Each case runs `required_agents` repeatedly (timeit, best of 5 repeats) and
prints the time per call and the answer, so that the figures can be checked.
"""

from __future__ import annotations

import timeit

from models.queueing import required_agents

CASES = [
    # contacts in 30 min, AHT seconds, patience (None: Erlang C)
    (100, 180, None),
    (1_000, 300, None),
    (20_000, 300, None),
    (100, 180, 300.0),
    (1_000, 300, 180.0),
    (20_000, 300, 120.0),
]


def main() -> None:
    print("| contacts / 30 min | AHT (s) | model | traffic (Erlangs) | agents | time per call |")
    print("|---:|---:|---|---:|---:|---:|")
    for contacts, aht, patience in CASES:

        def call(c: float = contacts, h: float = aht, p: float | None = patience) -> object:
            return required_agents(c, 1800, h, 0.8, 20, patience_seconds=p)

        timer = timeit.Timer(call)
        loops, _ = timer.autorange()
        best = min(timer.repeat(repeat=5, number=loops)) / loops
        result = required_agents(contacts, 1800, aht, 0.8, 20, patience_seconds=patience)
        model = "Erlang C" if patience is None else f"Erlang A (patience {patience:g} s)"
        shown = f"{best * 1e6:,.0f} µs" if best < 1e-3 else f"{best * 1e3:,.2f} ms"
        print(
            f"| {contacts:,} | {aht} | {model} | {result.traffic:,.1f} | {result.agents:,} "
            f"| {shown} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
