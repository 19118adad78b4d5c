"""The service's store: migrations, instances and versions, jobs, results, tokens.

On SQLite always; on PostgreSQL too when `ROSTER_TEST_POSTGRES` names a server's URL
(`.ci/run` starts a throwaway cluster and sets it).
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from models.roster import shift_rows
from scheduler.service.store import Store
from tests.helpers import agent, demand, micro
from tests.test_edits import _folder

TABLES = {"instances", "versions", "files", "jobs", "events", "results", "published", "tokens"}


def test_migrations_make_the_schema_from_empty_and_from_the_revision_before(store: Store) -> None:
    assert set(inspect(store.engine).get_table_names()) >= TABLES
    store.downgrade("base")  # down to the revision before the first: nothing
    assert not TABLES & set(inspect(store.engine).get_table_names())
    store.migrate()
    assert set(inspect(store.engine).get_table_names()) >= TABLES


def test_a_store_of_the_revision_before_is_brought_up_with_its_rows(store: Store) -> None:
    _, version = store.add_instance("week", {"name": "week"}, {"week.yaml": b"name: week\n"})
    job = store.add_job("solve", version, {})
    store.downgrade("0001")  # the store as the first release made it: no found_at
    columns = {c["name"] for c in inspect(store.engine).get_columns("events")}
    assert "found_at" not in columns
    store.migrate()
    columns = {c["name"] for c in inspect(store.engine).get_columns("events")}
    assert "found_at" in columns
    assert store.files(version) == {"week.yaml": b"name: week\n"}
    store.add_event(job, seconds=1.0, objective=8.0, bound=8.0, gap=0.0, source="main search")
    assert [e.objective for e in store.events(job)] == [8.0]


def test_every_version_of_an_instance_is_kept_with_its_files(store: Store) -> None:
    first, v1 = store.add_instance("week", {"name": "week"}, {"week.yaml": b"name: week\n"})
    v2 = store.add_version(first, {"name": "week", "v": 2}, {"week.yaml": b"v2", "a.csv": b"x"})
    assert [v.number for v in store.versions(first)] == [1, 2]
    assert store.files(v1) == {"week.yaml": b"name: week\n"}
    assert store.files(v2) == {"a.csv": b"x", "week.yaml": b"v2"}
    version = store.version(v2)
    assert version is not None and version.document == {"name": "week", "v": 2}
    with pytest.raises(KeyError):
        store.add_version("nope", {}, {})


def test_jobs_run_in_the_order_queued_and_no_job_is_claimed_twice(store: Store) -> None:
    _, version = store.add_instance("week", {}, {})
    jobs = [store.add_job("solve", version, {"time_limit": 1}) for _ in range(30)]
    claimed: list[str] = []
    lock = threading.Lock()

    def worker(name: str) -> None:
        while (job := store.claim_next(name)) is not None:
            with lock:
                claimed.append(job.id)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(jobs) and len(set(claimed)) == 30
    # one claimer takes them in the order queued
    more = [store.add_job("check", version, {}) for _ in range(3)]
    taken = [store.claim_next("w") for _ in range(3)]
    assert [j.id for j in taken if j is not None] == more
    with pytest.raises(ValueError, match="job kind 'fly'"):
        store.add_job("fly", version, {})


def test_a_restart_interrupts_running_jobs_and_keeps_queued_ones(store: Store) -> None:
    _, version = store.add_instance("week", {}, {})
    running, queued = store.add_job("solve", version, {}), store.add_job("solve", version, {})
    assert store.claim_next("w").id == running  # type: ignore[union-attr]
    store.add_event(running, seconds=1.5, objective=10.0, bound=8.0, gap=0.2, source="main")
    assert store.interrupt_running("the server restarted") == [running]
    done = store.job(running)
    assert done is not None and done.state == "interrupted" and done.progress["objective"] == 10
    assert store.job(queued).state == "queued"  # type: ignore[union-attr]
    assert [e.objective for e in store.events(running)] == [10.0]


def test_a_result_is_kept_and_its_folder_rebuilt_with_the_exports(
    store: Store, tmp_path: Path
) -> None:
    inst = micro(days=1, demand=[demand("general", "mon")], people=[agent("ana")])
    folder = _folder(tmp_path / "out", inst, shift_rows(inst, "ana", 0, "day", "general"))
    _, version = store.add_instance("micro", inst.model_dump(mode="json"), {})
    result = store.save_result(version, folder)
    row = store.result(result)
    assert row is not None and row.summary["instance"] == "micro"
    again = tmp_path / "again"
    store.write_result(result, again)
    assert (again / "roster.csv").read_bytes() == (folder / "roster.csv").read_bytes()
    assert (again / "report.html").exists() and (again / "roster.xlsx").exists()
    assert store.publish(result) == []
    assert store.published("micro", dt.date(2026, 11, 30)) == result
    assert store.published("micro", dt.date(2026, 12, 7)) is None
    assert store.published("another", dt.date(2026, 11, 30)) is None


def test_tokens_are_kept_as_hashes_and_can_be_revoked(store: Store) -> None:
    token = store.create_token("api", name="ops", scope="read")
    feed = store.create_token("feed", person="ana")
    row = store.token(token, "api")
    assert row is not None and row.scope == "read"
    assert store.token(token, "feed") is None  # an API token opens no feed
    with store.engine.connect() as c:
        stored = [r[0] for r in c.execute(text("SELECT hash FROM tokens"))]
    assert token not in stored and feed not in stored
    assert store.revoke("api", name="ops") == 1
    assert store.token(token, "api") is None
    assert store.token(feed, "feed") is not None
    with pytest.raises(ValueError, match="scope 'admin'"):
        store.create_token("api", name="x", scope="admin")


def test_roster_token_creates_a_token_shown_once_and_revokes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from scheduler.cli import main

    data = ["--data", str(tmp_path / "data")]
    assert main(["token", "create", "--name", "ops", "--scope", "edit", *data]) == 0
    token = capsys.readouterr().out.strip()
    store = Store.in_folder(tmp_path / "data")
    row = store.token(token, "api")
    assert row is not None and (row.name, row.scope) == ("ops", "edit")
    assert main(["token", "revoke", "--name", "ops", *data]) == 0
    assert store.token(token, "api") is None
    # nothing left to revoke: bad input, one line
    assert main(["token", "revoke", "--name", "ops", *data]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "error: --name: no live API token named 'ops'"
    )
