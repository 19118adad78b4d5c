"""The decomposition bound in its own process beside the roster search.

The search keeps its cores; this process prices schedules round after round and
sends each better bound back. When the search ends, the latest bound is read and
the process is stopped: a solve never waits for it.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import signal
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from models import Instance, SolveResult, SolveStatus

SOURCE_MODEL = "model"
"""`SolveResult.bound_source`: CP-SAT's bound of the compact model (or its LP)."""
SOURCE_DECOMPOSITION = "decomposition"
"""`SolveResult.bound_source`: the LP over whole schedules (`columns.bound`)."""


@dataclass
class Found:
    """The best decomposition bound sent back, in objective units (None: none yet)."""

    value: float | None = None


def _run(instance: Instance, time_limit: float, seed: int, out: Any) -> None:
    from scheduler.cpsat.columns.bound import Bound, decomposition_bound

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the search's to take

    def send(bound: Bound) -> None:
        out.put(bound.value)

    result = decomposition_bound(instance, time_limit=time_limit, seed=seed, on_round=send)
    send(result)


class Beside:
    """A running decomposition bound; `finish` reads what it reached and stops it."""

    def __init__(self, instance: Instance, time_limit: float | None, seed: int) -> None:
        context = mp.get_context("spawn")  # the search's threads are not forked
        self._out: Any = context.Queue()
        limit = time_limit if time_limit is not None else 24 * 3600.0
        self._process: BaseProcess = context.Process(
            target=_run, args=(instance, limit, seed, self._out), daemon=True
        )
        self._process.start()

    def finish(self) -> Found:
        found = Found()
        while True:
            try:
                found = Found(self._out.get_nowait())
            except queue.Empty:
                break
        self._process.terminate()
        self._process.join(5)
        with contextlib.suppress(Exception):
            self._out.close()
        return found


def merged(result: SolveResult, found: Found) -> SolveResult:
    """The result with the better of its bound and the decomposition's, and which it is.

    A bound at the roster's objective proves it optimal over every roster the checker
    accepts; an infinite one, with no roster, proves the week cannot be staffed (a
    person's own rules hold in none of their schedules)."""
    value = found.value
    if value is None:
        return result.model_copy(
            update={"bound_source": SOURCE_MODEL if result.bound is not None else None}
        )
    if value == float("inf"):
        if result.has_roster:  # cannot be: a roster keeps everyone's rules
            return result
        return result.model_copy(update={"status": SolveStatus.infeasible})
    if not result.has_roster or result.objective is None:
        return result
    if result.bound is not None and result.bound >= value:
        return result.model_copy(update={"bound_source": SOURCE_MODEL})
    objective = result.objective
    gap = 0.0 if abs(objective) < 1e-9 else max(0.0, (objective - value) / abs(objective))
    update: dict[str, Any] = {
        "bound": value,
        "gap": gap,
        "bound_source": SOURCE_DECOMPOSITION,
        "no_bound_reason": None,
    }
    if value >= objective - 1e-9 and result.status is SolveStatus.feasible:
        update["status"] = SolveStatus.optimal
    return result.model_copy(update=update)
