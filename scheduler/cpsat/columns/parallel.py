"""The pricing problems, in this process or shared among processes.

Each person's problem is independent of the others', so the people are dealt to
`processes` worker processes (spawned: the caller may run threads), each of which
builds its people's models once and prices them again for every round's duals. A
round sends the duals to every worker and gathers what each found; the bound is
summed in the caller, in exact fractions, whatever the order.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
from collections.abc import Mapping
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from models import Instance
from scheduler.cpsat.columns.pricing import Column, Pricer, Row, Sketch

Priced = tuple[str, int | None, Column | None]
"""(person, proven least of the priced objective or None when no schedule, schedule)."""


class Pricing:
    """Every person's pricing problem, priced round after round."""

    def __init__(self, instance: Instance, processes: int = 1) -> None:
        self._local: list[Pricer] = []
        self._workers: list[tuple[BaseProcess, Connection]] = []
        people = list(instance.people)
        if processes <= 1 or len(people) < 2 * processes:
            self._local = [Pricer(instance, p) for p in people]
            self.sketches = [p.sketch() for p in self._local]
            return
        context = mp.get_context("spawn")
        shares = [[p.id for p in people[k::processes]] for k in range(processes)]
        for share in shares:
            mine, theirs = context.Pipe()
            worker = context.Process(target=_serve, args=(theirs, instance, share), daemon=True)
            worker.start()
            theirs.close()
            self._workers.append((worker, mine))
        self.sketches = []
        for _, conn in self._workers:
            self.sketches += conn.recv()

    def price(self, prices: Mapping[Row, int], seconds: float, seed: int) -> list[Priced]:
        if not self._workers:
            return [(p.person.id, *p.price(prices, seconds, seed)) for p in self._local]
        for _, conn in self._workers:
            conn.send((dict(prices), seconds, seed))
        out: list[Priced] = []
        for _, conn in self._workers:
            out += conn.recv()
        return out

    def close(self) -> None:
        for worker, conn in self._workers:
            try:
                conn.send(None)
                conn.close()
            except OSError:
                pass
            worker.join(5)
            if worker.is_alive():
                worker.terminate()
        self._workers = []

    def __enter__(self) -> Pricing:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _serve(conn: Connection, instance: Instance, people: list[str]) -> None:
    """A worker: build its people's models, then price them for each round's duals."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller stops the rounds
    pricers = [Pricer(instance, instance.person_by_id[p]) for p in people]
    sketches: list[Sketch] = [p.sketch() for p in pricers]
    conn.send(sketches)
    while True:
        try:
            asked: Any = conn.recv()
        except EOFError:
            return
        if asked is None:
            return
        prices, seconds, seed = asked
        conn.send([(p.person.id, *p.price(prices, seconds, seed)) for p in pricers])
