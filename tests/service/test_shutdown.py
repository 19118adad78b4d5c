"""A server's life: refused at start on a store it cannot serve, stopped with SIGTERM while
its jobs are watched, killed with SIGKILL, and a job stopped as its worker starts.

`roster serve` runs as a process of its own (`tests/service/servers.py`), its job the
demo week's solve with one worker and a 300 s limit, which runs long after its first
roster. No test waits on a clock for its verdict: each waits for a state, bounded by a
time far beyond what the right behaviour takes and far below what the wrong one does.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from scheduler.cli import main
from scheduler.service.jobs import SERVER_STOPPED, JobRunner
from scheduler.service.store import JobRow, Store
from tests.service.conftest import POSTGRES
from tests.service.servers import ROOT, SERVE, Served, free_port, left_alive, long_job, servers
from tests.service.test_jobs import demo, ended, roster_of, wait

Servers = Callable[..., Served]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Servers]:
    yield from servers(tmp_path / "data")


def checked_roster_kept(store: Store, job: JobRow) -> None:
    from scheduler.checker import evaluate

    inst, rows = roster_of(store, job)
    assert rows and not evaluate(inst, rows).violations, "the checker accepts the roster kept"


# ---- stopping -------------------------------------------------------------------------


def test_sigterm_stops_the_jobs_first_though_their_events_are_streamed(
    serve: Servers, tmp_path: Path
) -> None:
    server = serve()
    job = long_job(server)
    lines: list[str] = []
    streaming = threading.Event()

    def read_events() -> None:
        with (
            httpx.Client(base_url=server.url, timeout=120) as api,
            api.stream("GET", f"/api/jobs/{job['id']}/events") as stream,
        ):
            for line in stream.iter_lines():
                lines.append(line)
                streaming.set()

    reader = threading.Thread(target=read_events, daemon=True)
    reader.start()
    assert streaming.wait(30), "the event stream sent nothing"
    processes = server.processes()
    server.process.send_signal(signal.SIGTERM)
    # the job's limit is 300 s: a server that waited for it would still run long after
    # this bound; stopping the search and keeping its roster takes a second or two
    assert server.process.wait(timeout=60) == 0, server.said()
    reader.join(timeout=10)
    assert not reader.is_alive(), "the event stream was closed"
    ends = [json.loads(n[6:]) for p, n in itertools.pairwise(lines) if p == "event: end"]
    assert [(e["state"], e["reason"]) for e in ends] == [("interrupted", SERVER_STOPPED)]
    store = Store.in_folder(tmp_path / "data")
    stopped = store.job(job["id"])
    assert stopped is not None and (stopped.state, stopped.reason) == (
        "interrupted",
        SERVER_STOPPED,
    )
    checked_roster_kept(store, stopped)
    summary = json.loads(store.files(str(stopped.result_id))["summary.json"])
    assert summary["stopped_early"] is True and summary["solve_seconds"] < 300
    left = left_alive(processes, 10)
    for proc in left:
        os.kill(proc.pid, signal.SIGKILL)
    assert left == [], "no worker, fork server or tracker is left"
    assert "stopped; queued jobs run at the next start" in server.said()


def test_a_job_stopped_as_its_worker_starts_ends_stopped_with_no_roster(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the stop comes as the worker process starts, before it has set its own handling
    # of SIGINT, let alone found a roster
    start = JobRunner._start
    job_id = store.add_job("solve", demo(store), {"time_limit": 300, "workers": 1, "seed": 0})

    def started_then_stopped(self: JobRunner, work: Any) -> Any:
        handle = start(self, work)
        assert self.stop(job_id)
        return handle

    monkeypatch.setattr(JobRunner, "_start", started_then_stopped)
    runner = JobRunner(store, poll_seconds=0.05)
    runner.start()
    try:
        job = wait(store, job_id, ended)
    finally:
        runner.close()
    assert (job.state, job.reason, job.result_id) == (
        "stopped",
        "stopped on request; it had found no roster, so none is kept",
        None,
    )


# ---- killed ----------------------------------------------------------------------------


def test_a_killed_server_leaves_no_process_behind(serve: Servers, tmp_path: Path) -> None:
    server = serve()
    job = long_job(server)
    processes = server.processes()
    commands = " ".join(p.command for p in processes)
    assert "forkserver" in commands and "resource_tracker" in commands, commands
    assert len(processes) >= 3, "the fork server, the resource tracker and the worker"
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(timeout=10)
    left = left_alive(processes, 10)
    for proc in left:  # not to outlive the test either
        os.kill(proc.pid, signal.SIGKILL)
    assert left == []
    # the next server on the folder takes it (the dead one's lock went with it) and
    # marks the job interrupted, its best roster kept
    again = serve()
    with again.client() as api:
        after = api.get(f"/api/jobs/{job['id']}").json()
    assert after["state"] == "interrupted" and "best roster" in after["reason"]
    assert after["result_id"] is not None


# ---- refused at start ------------------------------------------------------------------


@pytest.fixture(params=["sqlite", *(["postgresql"] if POSTGRES else [])])
def store_args(request: pytest.FixtureRequest, tmp_path: Path) -> list[str]:
    """The flags naming a store: a data folder, or the test PostgreSQL database, empty."""
    if request.param == "sqlite":
        return ["--data", str(tmp_path / "data")]
    assert POSTGRES is not None
    made = Store(POSTGRES)
    with made.engine.begin() as c:
        c.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    made.engine.dispose()
    return ["--db", POSTGRES]


def test_a_second_server_on_one_store_is_refused_and_the_first_runs_on(
    serve: Servers, store_args: list[str], tmp_path: Path
) -> None:
    first = serve(*([] if store_args[0] == "--data" else store_args))  # --data: the same
    job = long_job(first)
    second = subprocess.run(
        [sys.executable, "-c", SERVE, "serve", *store_args, "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 2
    said = second.stderr.strip().splitlines()
    if store_args[0] == "--data":
        assert said[-1] == (
            f"error: --data {store_args[1]}: another roster serve (pid {first.process.pid}) "
            "uses roster.db; stop it first, or give this one a store of its own"
        )
    else:
        assert said[-1].startswith(f"error: --db {POSTGRES}: another roster serve of this host")
    with first.client() as api:
        # the first server's job was left running, and it stops as asked
        assert api.get(f"/api/jobs/{job['id']}").json()["state"] == "running"
        assert api.delete(f"/api/jobs/{job['id']}").status_code == 202
        deadline = time.monotonic() + 60
        while (now := api.get(f"/api/jobs/{job['id']}").json())["state"] == "running":
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert now["state"] == "stopped" and "best roster" in now["reason"]


def _garbled(folder: Path) -> Path:
    """A data folder whose roster.db has pages overwritten in its middle (a disk's bad
    sectors, a copy cut short and patched): the header whole, so SQLite opens it."""
    store = Store.in_folder(folder)
    store.migrate()
    for i in range(20):
        store.add_instance(f"week {i}", {"name": f"week {i}"}, {"week.yaml": os.urandom(20_000)})
    store.engine.dispose()  # the last connection closed: the write-ahead log folded in
    database = folder / "roster.db"
    assert not (folder / "roster.db-wal").exists() or (folder / "roster.db-wal").stat().st_size == 0
    size = database.stat().st_size
    with database.open("r+b") as f:
        for page in range(size // 4096 // 3, size // 4096 // 3 + 8):
            f.seek(page * 4096)
            f.write(b"\xa5" * 4096)
    return database


def test_a_damaged_database_is_refused_at_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    def served(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("roster serve served a damaged database")

    monkeypatch.setattr(uvicorn, "run", served)
    monkeypatch.setattr(uvicorn.Server, "run", served)
    folder = tmp_path / "data"
    _garbled(folder)
    port = str(free_port())
    assert main(["serve", "--data", str(folder), "--port", port]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1, said
    # what SQLite says of it depends on the pages hit: its check's first finding, or
    # its error reading them
    assert said[0].startswith(f"error: --data {folder}: roster.db is damaged (")
    assert said[0].endswith("); restore it from a backup")
    # a file that is no database at all is refused in the same way
    (folder / "roster.db").write_bytes(os.urandom(8192))
    assert main(["serve", "--data", str(folder), "--port", port]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert said == [
        f"error: --data {folder}: roster.db is damaged (SQLite: file is not a database); "
        "restore it from a backup"
    ]
