"""The pricing problems, in this process or shared among processes.

Each person's problem is independent of the others', so the people are dealt to
`processes` worker processes (spawned: the caller may run threads), each of which
builds its people's models once and prices them again for every round's duals. A
round sends the duals to every worker and gathers what each found; the bound is
summed in the caller, in exact fractions, whatever the order.
"""

from __future__ import annotations

import importlib
import logging
import multiprocessing as mp
import signal
from collections.abc import Mapping
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from models import InputError, Instance
from scheduler.cpsat.columns.pricing import Column, Pricer, Row, Sketch

Priced = tuple[str, int | None, Column | None]
"""(person, proven least of the priced objective or None when no schedule, schedule)."""


BACKENDS = ("process", "ray")


def ray_module() -> Any:
    """The `ray` package, or `InputError` saying how to install it."""
    try:
        return importlib.import_module("ray")
    except ImportError:
        raise InputError(
            [
                "--backend ray: Ray is not installed; install the optional extra with "
                "pip install -e '.[ray]' (or pip install 'ray>=2.9')"
            ]
        ) from None


def ray_started(ray: Any, address: str | None, cpus: int) -> bool:
    """Ray reached at `address`, or a local cluster of `cpus` started; whether this call
    started it (and so should shut it down). `InputError` when it cannot be."""
    if ray.is_initialized():
        return False
    try:
        if address is not None:
            ray.init(address=address, logging_level=logging.WARNING, log_to_driver=False)
        else:
            ray.init(
                num_cpus=cpus,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
            )
    except Exception as exc:
        where = f"--address {address}" if address else "--backend ray"
        raise InputError([f"{where}: cannot start or reach Ray: {exc}"]) from None
    return True


class Pricing:
    """Every person's pricing problem, priced round after round: here (one process),
    in `processes` spawned processes, or with `backend="ray"` in as many Ray actors (on
    the cluster at `address`, or a local one started for it)."""

    def __init__(
        self,
        instance: Instance,
        processes: int = 1,
        backend: str = "process",
        address: str | None = None,
    ) -> None:
        self._local: _Share | None = None
        self._workers: list[tuple[BaseProcess, Connection]] = []
        self._actors: list[Any] = []
        self._ray: Any = None
        self._ray_started = False
        people = list(instance.people)
        if backend == "ray":
            self._start_ray(instance, max(1, processes), address)
            return
        if processes <= 1 or len(people) < 2 * processes:
            self._local = _Share(instance, [p.id for p in people])
            self.sketches = self._local.sketches()
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

    def _start_ray(self, instance: Instance, actors: int, address: str | None) -> None:
        ray = self._ray = ray_module()
        self._ray_started = ray_started(ray, address, actors)
        shared = ray.put(instance)
        remote = ray.remote(num_cpus=1, max_restarts=0)(_Share)
        people = [p.id for p in instance.people]
        self._actors = [remote.remote(shared, people[k::actors]) for k in range(actors)]
        self.sketches = [
            s for part in ray.get([a.sketches.remote() for a in self._actors]) for s in part
        ]

    def price(self, prices: Mapping[Row, int], seconds: float, seed: int) -> list[Priced]:
        if self._actors:
            asked = dict(prices)
            parts = self._ray.get([a.price.remote(asked, seconds, seed) for a in self._actors])
            return [priced for part in parts for priced in part]
        if self._local is not None:
            return self._local.price(dict(prices), seconds, seed)
        for _, conn in self._workers:
            conn.send((dict(prices), seconds, seed))
        out: list[Priced] = []
        for _, conn in self._workers:
            out += conn.recv()
        return out

    def close(self) -> None:
        if self._actors:
            for actor in self._actors:
                self._ray.kill(actor)
            self._actors = []
            if self._ray_started:
                self._ray.shutdown()
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


class _Share:
    """A share of the people: their models, built once and priced every round (here, in a
    worker process, or as a Ray actor)."""

    def __init__(self, instance: Instance, people: list[str]) -> None:
        self.pricers = [Pricer(instance, instance.person_by_id[p]) for p in people]

    def sketches(self) -> list[Sketch]:
        return [p.sketch() for p in self.pricers]

    def price(self, prices: dict[Row, int], seconds: float, seed: int) -> list[Priced]:
        return [(p.person.id, *p.price(prices, seconds, seed)) for p in self.pricers]


def _serve(conn: Connection, instance: Instance, people: list[str]) -> None:
    """A worker: build its people's models, then price them for each round's duals."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller stops the rounds
    share = _Share(instance, people)
    conn.send(share.sketches())
    while True:
        try:
            asked: Any = conn.recv()
        except EOFError:
            return
        if asked is None:
            return
        prices, seconds, seed = asked
        conn.send(share.price(prices, seconds, seed))
