"""Signals around a command: a held stop outlives the command only when it is the program."""

from __future__ import annotations

import signal
from collections.abc import Iterator

import pytest

from scheduler.cpsat.signals import hold_signals, stop_signals_keep_the_roster


@pytest.fixture
def handlers() -> Iterator[None]:
    """Put back whatever handlers the test left set."""
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in before.items():
        signal.signal(sig, handler)


@pytest.mark.parametrize("whole_process", [False, True])
def test_without_a_stop_the_handlers_are_put_back(handlers: None, whole_process: bool) -> None:
    # no stop was held, so there is nothing to keep, program or not
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with stop_signals_keep_the_roster(whole_process=whole_process):
        assert signal.getsignal(signal.SIGTERM) is signal.default_int_handler
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_a_held_stop_ends_with_a_command_called_in_process(handlers: None) -> None:
    before = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    with stop_signals_keep_the_roster():
        hold_signals()
        held = signal.getsignal(signal.SIGINT)
        assert signal.getsignal(signal.SIGTERM) is held
        assert held not in before
    assert (signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)) == before


def test_a_held_stop_lasts_until_the_program_exits(handlers: None) -> None:
    # a Ctrl-C between the roster written and the exit must find the held handler, not
    # KeyboardInterrupt, which would end the process by SIGINT instead of status 0
    with stop_signals_keep_the_roster(whole_process=True):
        hold_signals()
        held = signal.getsignal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is held
    assert signal.getsignal(signal.SIGTERM) is held
    assert held is not signal.default_int_handler
