"""Faults under load (`tests/service/faults.py`): 20 clients uploading, patching, solving,
stopping and publishing at once, one worker killed with SIGKILL and the server
restarted with SIGTERM meanwhile. Loopback only, each client's loops bounded (two
rounds, its requests retried only while the server is away), its clients given up past
90 s; it takes about 25 s on two cores, on the embedded store and (where
`ROSTER_TEST_POSTGRES` names a server) on PostgreSQL. `benchmarks/faults.py` prints
its figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from scheduler.service.store import Store
from tests.service.conftest import POSTGRES
from tests.service.faults import CLIENTS, run


@pytest.fixture(params=["sqlite", *(["postgresql"] if POSTGRES else [])])
def database(request: pytest.FixtureRequest) -> str | None:
    """None: the folder's embedded store; else an emptied PostgreSQL database."""
    if request.param == "sqlite":
        return None
    assert POSTGRES is not None
    store = Store(POSTGRES)
    with store.engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    store.engine.dispose()
    return POSTGRES


def test_every_accepted_request_is_kept_once_through_a_killed_worker_and_a_restart(
    tmp_path: Path, database: str | None
) -> None:
    figures = run(tmp_path, db=database)
    # what must hold (`faults.verify`): each accepted upload, patch and solve stored
    # once, every job ended in a state it may be in, every roster kept accepted by the
    # checker, no person in two published weeks on one day, one feed of ana live
    assert figures.problems == []
    assert figures.processes_left == [], "no worker, fork server or tracker of either server"
    # and the run did what it is for: clients at work on both servers, stops and
    # refused publishes among their requests, the killed worker's job and the streamed
    # one interrupted with their rosters (checked in `verify`)
    answers = figures.ledger.answers
    assert figures.answered_after_restart > 0
    assert answers[("publish", 200)] >= CLIENTS // 2 and answers[("publish", 409)] >= 1
    assert answers[("stop", 202)] >= 1 and figures.jobs.get("stopped", 0) >= 1
    assert figures.jobs.get("done", 0) >= CLIENTS
    assert answers[("patch", 201)] >= 2 * CLIENTS
    assert figures.ledger.renewals == CLIENTS
