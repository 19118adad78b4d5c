"""The service's jobs: run in worker processes, their best roster kept as it improves.

Each test drives a `JobRunner` on a real store, its jobs in real worker processes.
Solves pin one worker and the seed; the demo week, whose search goes on for long after
its first roster, stands in for a long solve that is stopped or killed midway.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from models import Instance, read_roster_csv
from models.roster import Assignment
from scheduler.checker import evaluate
from scheduler.cli import main
from scheduler.service.jobs import SERVER_GONE, STOPPED, JobRunner
from scheduler.service.store import JobRow, Store
from tests.helpers import agent, demand, micro

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "instances" / "demo-week.yaml"
DEMO_FILES = {
    "demo-week.yaml": DEMO.read_bytes(),
    "demo-week-people.csv": (ROOT / "instances" / "demo-week-people.csv").read_bytes(),
}
ONE_WORKER = {"workers": 1, "seed": 0}


def _yaml(inst: Instance) -> bytes:
    document = inst.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return yaml.safe_dump(document).encode()


def add(store: Store, inst: Instance, name: str = "week.yaml") -> str:
    """A new instance of one version; the version's id."""
    _, version = store.add_instance(inst.name, inst.model_dump(mode="json"), {name: _yaml(inst)})
    return version


def demo(store: Store) -> str:
    from scheduler.formats import read_instance

    inst = read_instance(DEMO)
    _, version = store.add_instance("demo-week", inst.model_dump(mode="json"), DEMO_FILES)
    return version


def two_people(away: str | None = None) -> Instance:
    """One day, one agent needed; ana costs 1 an hour, ben 2: the best roster is ana's,
    or ben's when ana is away."""
    people = [agent("ana", hourly_cost=1), agent("ben", hourly_cost=2)]
    if away is not None:
        for person in people:
            if person["id"] == away:
                person["unavailable"] = [{"from": "2026-11-30", "to": "2026-11-30"}]
    return micro(days=1, demand=[demand("general", "mon")], people=people)


@pytest.fixture
def runner(store: Store) -> Iterator[Callable[..., JobRunner]]:
    made: list[JobRunner] = []

    def start(slots: int = 1) -> JobRunner:
        job_runner = JobRunner(store, slots=slots, poll_seconds=0.05)
        job_runner.start()
        made.append(job_runner)
        return job_runner

    yield start
    for job_runner in made:
        job_runner.close()


def wait(store: Store, job_id: str, until: Callable[[JobRow], bool], seconds: float = 60) -> JobRow:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = store.job(job_id)
        assert job is not None
        if until(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {store.job(job_id)}")


def ended(job: JobRow) -> bool:
    return job.state not in ("queued", "running")


def roster_of(store: Store, job: JobRow) -> tuple[Instance, list[Assignment]]:
    """The job's result as the checker reads it: its instance and its roster."""
    assert job.result_id is not None
    files = store.files(job.result_id)
    inst = Instance.model_validate_json(files["instance.json"])
    folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"roster-test-{job.id}.csv"
    folder.write_bytes(files["roster.csv"])
    try:
        return inst, read_roster_csv(folder)
    finally:
        folder.unlink()


def test_a_solve_job_gives_the_cli_roster_and_its_figures(
    store: Store, runner: Callable[..., JobRunner], tmp_path: Path
) -> None:
    inst = two_people()
    job_id = store.add_job("solve", add(store, inst), {"time_limit": 20, **ONE_WORKER})
    runner()
    job = wait(store, job_id, ended)
    assert job.state == "done", job.reason
    files = store.files(str(job.result_id))
    # the CLI on the same file and flags writes the same roster: ana's 8 hours at 1
    (tmp_path / "week.yaml").write_bytes(_yaml(inst))
    flags = ["--quiet", "--workers", "1", "--seed", "0", "--time-limit", "20", "--no-exports"]
    code = main(["solve", str(tmp_path / "week.yaml"), "--out", str(tmp_path / "out"), *flags])
    assert code == 0
    assert files["roster.csv"] == (tmp_path / "out" / "roster.csv").read_bytes()
    summary = json.loads(files["summary.json"])
    assert summary["status"] == "optimal" and summary["objective"] == 8
    assert store.events(job_id), "each better roster is an event"
    assert "demo" not in store.output(job_id) and "optimal" in store.output(job_id)


def test_two_solves_at_once_keep_their_own_results(
    store: Store, runner: Callable[..., JobRunner]
) -> None:
    # Two versions of one week run side by side: ana works the first; the second has
    # ana away, so ben works it. Each job's result must be its own version's.
    first = add(store, two_people())
    second = add(store, two_people(away="ana"))
    jobs = [store.add_job("solve", v, {"time_limit": 20, **ONE_WORKER}) for v in (first, second)]
    runner(slots=2)
    done = [wait(store, j, ended) for j in jobs]
    assert [j.state for j in done] == ["done", "done"]
    workers = {j.worker for j in done}
    assert len(workers) == 2, "both ran at once, in two slots"
    people = []
    for job in done:
        inst, rows = roster_of(store, job)
        assert not evaluate(inst, rows).violations
        people.append({r.person for r in rows})
    assert people == [{"ana"}, {"ben"}]


def test_a_killed_worker_leaves_the_job_interrupted_with_its_best_roster(
    store: Store, runner: Callable[..., JobRunner]
) -> None:
    job_id = store.add_job("solve", demo(store), {"time_limit": 300, **ONE_WORKER})
    job_runner = runner()
    job = wait(store, job_id, lambda j: j.result_id is not None)  # a best roster saved
    pid = job_runner._running[job_id].handle.process.pid
    os.kill(pid, signal.SIGKILL)
    job = wait(store, job_id, ended)
    assert job.state == "interrupted"
    assert "SIGKILL" in job.reason and "best roster" in job.reason
    inst, rows = roster_of(store, job)
    assert rows and not evaluate(inst, rows).violations, "the checker accepts the roster kept"
    summary = json.loads(store.files(str(job.result_id))["summary.json"])
    assert summary["stopped_early"] is True and summary["status"] == "best_found"


def test_stopping_a_running_job_keeps_the_best_roster(
    store: Store, runner: Callable[..., JobRunner]
) -> None:
    job_id = store.add_job("solve", demo(store), {"time_limit": 300, **ONE_WORKER})
    job_runner = runner()
    wait(store, job_id, lambda j: j.result_id is not None)
    assert job_runner.stop(job_id)
    job = wait(store, job_id, ended, seconds=120)
    assert job.state == "stopped" and job.reason == STOPPED
    inst, rows = roster_of(store, job)
    assert rows and not evaluate(inst, rows).violations
    summary = json.loads(store.files(str(job.result_id))["summary.json"])
    assert summary["stopped_early"] is True
    assert summary["solve_seconds"] < 300, "it stopped before its time limit"
    assert not job_runner.stop(job_id), "an ended job cannot be stopped again"


def test_a_queued_job_stopped_never_runs(store: Store) -> None:
    job_id = store.add_job("solve", add(store, two_people()), {"time_limit": 5, **ONE_WORKER})
    job_runner = JobRunner(store)  # not started: the job stays queued
    assert job_runner.stop(job_id)
    job = store.job(job_id)
    assert job is not None and job.state == "stopped" and job.result_id is None


def test_a_job_stopped_between_its_claim_and_its_start_never_runs(
    store: Store, runner: Callable[..., JobRunner], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the slot has claimed the job (running in the store) but is still gathering its
    # work when the stop comes: the stop is taken, and the job ends stopped, unrun
    claimed, go = threading.Event(), threading.Event()
    work_for = JobRunner.work_for

    def slow(self: JobRunner, job: JobRow) -> Any:
        claimed.set()
        go.wait(30)
        return work_for(self, job)

    monkeypatch.setattr(JobRunner, "work_for", slow)
    job_runner = runner()
    job_id = store.add_job("solve", add(store, two_people()), {"time_limit": 5, **ONE_WORKER})
    job_runner.wake()
    assert claimed.wait(30)
    assert job_runner.stop(job_id)
    go.set()
    job = wait(store, job_id, ended)
    assert (job.state, job.reason, job.result_id) == (
        "stopped",
        "stopped on request before it ran",
        None,
    )


def test_a_restarted_server_runs_the_queued_jobs_and_marks_the_running_interrupted(
    store: Store, runner: Callable[..., JobRunner]
) -> None:
    version = add(store, two_people())
    # A server of this host died with one job running (its best roster saved) and
    # two queued.
    left = store.add_job("solve", version, {"time_limit": 5, **ONE_WORKER})
    claimed = store.claim_next(JobRunner(store).prefix + "0")
    assert claimed is not None and claimed.id == left
    first_job = store.job(left)
    assert first_job is not None
    store.keep_best(left, {"roster.csv": b"person,date\n", "summary.json": b'{"status": "x"}'})
    queued = [store.add_job("solve", version, {"time_limit": 5, **ONE_WORKER}) for _ in range(2)]
    runner()
    job = store.job(left)
    assert job is not None and job.state == "interrupted" and job.reason == SERVER_GONE
    assert job.result_id is not None, "its best roster is kept"
    assert [wait(store, j, ended).state for j in queued] == ["done", "done"]


def test_bad_input_fails_the_job_with_the_cli_message_and_the_next_job_runs(
    store: Store, runner: Callable[..., JobRunner]
) -> None:
    version = add(store, two_people())
    solve = store.add_job("solve", version, {"time_limit": 5, **ONE_WORKER})
    runner()
    done = wait(store, solve, ended)
    # the week is one day, 2026-11-30: a replan from 2026-12-05 is outside it
    bad = store.add_job("replan", version, {"base": done.result_id, "from": "2026-12-05"})
    good = store.add_job("solve", version, {"time_limit": 5, **ONE_WORKER})
    failed = wait(store, bad, ended)
    assert failed.state == "failed"
    assert failed.reason == "--from: 2026-12-05 is not a day of the horizon of week.yaml"
    assert failed.result_id is None, "nothing stored for it"
    assert wait(store, good, ended).state == "done"


def test_a_job_whose_result_is_gone_fails_with_the_reason(
    store: Store, runner: Callable[..., JobRunner]
) -> None:
    version = add(store, two_people())
    job_id = store.add_job("replan", version, {"base": "0" * 32, "from": "2026-11-30"})
    runner()
    job = wait(store, job_id, ended)
    assert job.state == "failed" and job.reason == f"result {'0' * 32} is gone"


def test_check_cover_and_replan_jobs_answer_as_the_cli(
    store: Store, runner: Callable[..., JobRunner]
) -> None:
    version = add(store, two_people())
    runner()
    solved = wait(store, store.add_job("solve", version, {"time_limit": 5, **ONE_WORKER}), ended)
    check = store.add_job("check", version, {"time_limit": 5, **ONE_WORKER})
    # ana is out on the one day: ben, the one other agent, is the one candidate
    cover = store.add_job(
        "cover", version, {"base": solved.result_id, "person": "ana", "from": "2026-11-30"}
    )
    replan = store.add_job(
        "replan",
        version,
        {"base": solved.result_id, "from": "2026-11-30", "unavailable": ["ana"], **ONE_WORKER},
    )
    checked = wait(store, check, ended)
    assert checked.state == "done", checked.reason
    assert "check.json" in store.files(str(checked.result_id))
    covered = wait(store, cover, ended)
    assert covered.state == "done", covered.reason
    answer = json.loads(store.output(cover))
    (candidate,) = answer[0]["candidates"]
    assigned = [(e["kind"], e["person"]) for e in candidate["edits"]]
    assert assigned == [("out", "ana"), ("assign", "ben")]
    assert candidate["objective_change"] == 8  # ben's 8 hours at 2 for ana's at 1
    replanned = wait(store, replan, ended)
    assert replanned.state == "done", replanned.reason
    _, rows = roster_of(store, replanned)
    assert {r.person for r in rows} == {"ben"}
    assert "changes.csv" in store.files(str(replanned.result_id))


def test_jobs_run_as_ray_tasks_and_stop_with_their_best_roster(store: Store) -> None:
    pytest.importorskip("ray", reason="ray is not installed (optional: pip install -e '.[ray]')")
    job_runner = JobRunner(store, slots=1, backend="ray", poll_seconds=0.05)
    job_runner.start()
    try:
        quick = store.add_job("solve", add(store, two_people()), {"time_limit": 20, **ONE_WORKER})
        job_runner.wake()
        job = wait(store, quick, ended, seconds=120)
        assert job.state == "done", job.reason
        assert {r.person for r in roster_of(store, job)[1]} == {"ana"}  # the cheaper agent
        long = store.add_job("solve", demo(store), {"time_limit": 300, **ONE_WORKER})
        job_runner.wake()
        wait(store, long, lambda j: j.result_id is not None, seconds=120)
        assert job_runner.stop(long)
        job = wait(store, long, ended, seconds=120)
        assert job.state == "stopped"
        inst, rows = roster_of(store, job)
        assert rows and not evaluate(inst, rows).violations
    finally:
        job_runner.close()
