"""Stopping a command cleanly: SIGTERM as Ctrl-C, and a stop that cannot be cancelled.

A solve stopped by Ctrl-C (or SIGTERM) keeps its best roster and writes it. Pressed
again while that happens, Ctrl-C must not lose it: `hold_signals` (called by
`scheduler.cpsat.solve` at the first stop) turns later signals into a message until the
command ends. No OR-Tools here, so that every command can use it.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_HOLD = threading.Event()
"""Set while a command that writes what it finds runs (`stop_signals_keep_the_roster`)."""


def _finishing(signum: int, frame: object) -> None:
    print(
        "\nstill stopping: the best roster so far is being written (it cannot be cancelled now)",
        file=sys.stderr,
        flush=True,
    )


@contextmanager
def stop_signals_keep_the_roster(*, whole_process: bool = False) -> Iterator[None]:
    """For a command: SIGTERM stops a solve as Ctrl-C does, and once a solve is stopping,
    further Ctrl-C or SIGTERM neither cancel it nor the writing of its best roster.

    Outside a solve (before one starts), both raise KeyboardInterrupt as usual. The
    handlers are restored on leaving; only the main thread can set them. With
    `whole_process` (the command is the program), a stop once held stays held until the
    process exits: a second Ctrl-C just after the roster is written must not turn a
    clean exit into death by SIGINT.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    _HOLD.set()
    try:
        yield
    finally:
        _HOLD.clear()
        held = signal.getsignal(signal.SIGINT) is _finishing  # `hold_signals` ran
        if not (whole_process and held):
            for sig, handler in before.items():
                signal.signal(sig, handler)


def hold_signals() -> None:
    """After the first stop: later Ctrl-C and SIGTERM only say that the roster is kept."""
    if _HOLD.is_set() and threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, _finishing)
