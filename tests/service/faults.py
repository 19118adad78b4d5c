"""Faults under load: many clients at once while a worker is killed and the server restarts.

`run` starts `roster serve` (its own process, `--jobs 2`, the embedded store in a
folder), then 20 client threads, each with a one-day week of its own: it uploads it,
patches it twice, solves it (one worker, its own seed, a few seconds at most), stops
every fourth solve at once, solves again a job the restart interrupted, and publishes
its roster (half the clients share their people and week, so that their publishes
clash and are refused unless they ask to replace; the other half have people of their
own and publish side by side). Beside them the demo week solves for 30 s; once it has
a best roster its worker is killed with SIGKILL, and then the server is stopped with
SIGTERM and started again on the same folder and port.

Clients retry a request only when it never reached the server (the connection was
refused, no keep-alive connection is reused); a request cut off after it was sent is
counted as of unknown outcome. `verify` then reads the store: every accepted request
stored exactly once, no job lost or in a state it should not be in, every roster kept
accepted by the independent checker, the published weeks never two of one person on
one day, and no process of either server left. `tests/service/test_faults.py` runs it
and asserts; `benchmarks/faults.py` prints its figures.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from models import Instance
from scheduler.service.jobs import SERVER_STOPPED, SERVER_STOPPED_EMPTY
from scheduler.service.store import Store
from tests.helpers import agent, demand, micro
from tests.service.servers import DEMO, Proc, Served, left_alive

CLIENTS = 20
SHARED = CLIENTS // 2
"""Clients 0 to SHARED-1 plan the same people on the same day: their publishes clash."""
WEEK = dt.date(2026, 11, 30)
SOLVE: dict[str, Any] = {"time_limit": 5, "workers": 1, "history": "none"}
"""A client's solve: one worker and the client's own seed; optimal within a second."""
TERMINAL = ("done", "failed", "stopped", "interrupted")
ROUNDS = 2
"""At most so many rounds of a client (a patch, a solve, a publish)."""


def week_of(client: int) -> Instance:
    """The client's week: one day, one agent needed, the first person the cheaper."""
    people = ("ana", "ben") if client < SHARED else (f"a{client:02d}", f"b{client:02d}")
    staff = [agent(p, hourly_cost=1 + i) for i, p in enumerate(people)]
    inst = micro(days=1, demand=[demand("general", None)], people=staff)
    horizon = inst.horizon.model_copy(update={"start": WEEK})
    return inst.model_copy(update={"name": f"client-{client:02d}", "horizon": horizon})


SHARED_WEEK = week_of(0).model_copy(update={"name": "shared-week"})
"""The instance every client patches once."""


def _yaml(inst: Instance) -> bytes:
    document = inst.model_dump(mode="json", by_alias=True, exclude_defaults=True)
    return yaml.safe_dump(document).encode()


@dataclass
class Ledger:
    """What the clients were told, and what they cannot know."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    answers: Counter[tuple[str, int]] = field(default_factory=Counter)
    """(request kind, status) of every answer; status 0: cut off after it was sent."""
    uploads: dict[str, str] = field(default_factory=dict)
    """Instance name -> id, of every upload answered 201."""
    unknown_uploads: set[str] = field(default_factory=set)
    patches: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Note -> (instance id, version id), of every patch answered 201."""
    unknown_patches: set[str] = field(default_factory=set)
    solves: dict[str, int] = field(default_factory=dict)
    """Job id -> client, of every solve answered 202."""
    unknown_solves: int = 0
    stops: set[str] = field(default_factory=set)
    """Jobs whose stop was answered 202."""
    published: list[tuple[str, bool]] = field(default_factory=list)
    """(result, replace) of every publish answered 200."""
    renewals: int = 0
    """Renewals of ana's feed answered 201."""
    shared: str = ""
    """The instance every client patches too."""
    stream_end: tuple[str, dict[str, Any]] | None = None
    """The last event of the stream watched through the restart: end or closing."""
    refused: int = 0
    """Requests refused for want of a server (sent again)."""
    restarted: float = 0.0
    """When the second server was up (monotonic clock); 0 before."""
    rounds_after_restart: Counter[int] = field(default_factory=Counter)
    enough: threading.Event = field(default_factory=threading.Event)
    """Set by the run: no client starts another round."""
    after_restart: int = 0
    """Answers to requests sent after the second server was up."""
    problems: list[str] = field(default_factory=list)

    def answered(self, kind: str, status: int) -> None:
        with self.lock:
            self.answers[(kind, status)] += 1

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)


class Client:
    """One client's HTTP, no connection kept between requests: a request refused
    before it reached the server is sent again, one cut off after is not."""

    def __init__(self, url: str, ledger: Ledger, patience: float = 60) -> None:
        self.http = httpx.Client(
            base_url=url, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)
        )
        self.ledger = ledger
        self.patience = patience

    def send(self, kind: str, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        deadline = time.monotonic() + self.patience
        while True:
            sent = time.monotonic()
            try:
                answer = self.http.request(method, path, **kwargs)
            except httpx.ConnectError:
                with self.ledger.lock:
                    self.ledger.refused += 1
                if time.monotonic() > deadline:
                    self.ledger.problem(f"{kind} {path}: the server was away for too long")
                    return None
                time.sleep(0.1)
                continue
            except httpx.TransportError:
                self.ledger.answered(kind, 0)
                return None
            self.ledger.answered(kind, answer.status_code)
            if self.ledger.restarted and sent > self.ledger.restarted:
                with self.ledger.lock:
                    self.ledger.after_restart += 1
            if answer.status_code >= 500:
                self.ledger.problem(f"{kind} {path}: {answer.status_code} {answer.text[:200]}")
            return answer

    def job_state(self, job_id: str) -> dict[str, Any] | None:
        """The job as the server has it now; None while the server is away."""
        answer = self.send("job", "GET", f"/api/jobs/{job_id}")
        if answer is None or answer.status_code != 200:
            return None
        now: dict[str, Any] = answer.json()
        return now

    def job(self, job_id: str, seconds: float = 90) -> dict[str, Any] | None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            answer = self.send("job", "GET", f"/api/jobs/{job_id}")
            if answer is not None and answer.status_code == 200:
                now: dict[str, Any] = answer.json()
                if now["state"] in TERMINAL:
                    return now
            time.sleep(0.25)
        self.ledger.problem(f"job {job_id} did not end within {seconds} s")
        return None


def client_run(index: int, url: str, ledger: Ledger, start: threading.Barrier) -> None:
    """One client: its week uploaded, a patch of the shared week and a renewal of ana's
    feed, then rounds of a patch, a solve (stopped at once by every fourth client, and
    solved again when stopped or interrupted) and a publish, until the run says enough
    (at most `ROUNDS`)."""
    api = Client(url, ledger)
    inst = week_of(index)
    start.wait(timeout=60)
    made = api.send("upload", "POST", "/api/instances", files=[("files", ("w.yaml", _yaml(inst)))])
    if made is None:
        ledger.unknown_uploads.add(inst.name)
        return
    if made.status_code != 201:
        ledger.problem(f"client {index}: upload {made.status_code} {made.text[:200]}")
        return
    instance_id = made.json()["id"]
    with ledger.lock:
        ledger.uploads[inst.name] = instance_id
    _patch(api, ledger, ledger.shared, f"client {index} shared patch", "ben", 10 + index)
    renewed = api.send("feed", "POST", "/api/feeds", json={"person": "ana"})
    if renewed is not None and renewed.status_code == 201:
        with ledger.lock:
            ledger.renewals += 1
    for round_ in range(ROUNDS):
        if ledger.enough.is_set():
            return
        after_restart = ledger.restarted > 0
        note = f"client {index} round {round_}"
        version = _patch(api, ledger, instance_id, note, inst.people[1].id, 3 + round_)
        if version is None:
            return
        result = _solved(api, ledger, index, version, stop_first=index % 4 == 0)
        if result is None:
            return
        replace = index % 2 == 1
        path = f"/api/results/{result}/publish" + ("?replace=true" if replace else "")
        answer = api.send("publish", "POST", path)
        if answer is not None and answer.status_code == 200:
            with ledger.lock:
                ledger.published.append((result, replace))
        elif answer is not None and answer.status_code != 409:
            ledger.problem(f"client {index}: publish {answer.status_code} {answer.text[:200]}")
        if after_restart:
            with ledger.lock:
                ledger.rounds_after_restart[index] += 1


def _patch(
    api: Client, ledger: Ledger, instance_id: str, note: str, person: str, cost: int
) -> str | None:
    """A new version of the instance, `note` telling it apart; its id when accepted."""
    body = {"patch": {"set": {f"people.{person}.hourly_cost": cost}}, "note": note}
    answer = api.send("patch", "POST", f"/api/instances/{instance_id}/versions", json=body)
    if answer is None:
        ledger.unknown_patches.add(note)
        return None
    if answer.status_code != 201:
        ledger.problem(f"{note}: {answer.status_code} {answer.text[:200]}")
        return None
    version: str = answer.json()["id"]
    with ledger.lock:
        ledger.patches[note] = (instance_id, version)
    return version


def _solved(api: Client, ledger: Ledger, index: int, version: str, stop_first: bool) -> str | None:
    """The version solved (at most three tries); its result, None when none is done."""
    for attempt in range(3):
        solve = {**SOLVE, "seed": index}
        answer = api.send("solve", "POST", f"/api/versions/{version}/solve", json=solve)
        if answer is None:
            with ledger.lock:
                ledger.unknown_solves += 1
            return None
        if answer.status_code != 202:
            ledger.problem(f"client {index}: solve {answer.status_code} {answer.text[:200]}")
            return None
        job_id = answer.json()["id"]
        with ledger.lock:
            ledger.solves[job_id] = index
        if stop_first and attempt == 0:
            stopped = api.send("stop", "DELETE", f"/api/jobs/{job_id}")
            if stopped is not None and stopped.status_code == 202:
                with ledger.lock:
                    ledger.stops.add(job_id)
        ended = api.job(job_id)
        if ended is None:
            return None
        if ended["state"] == "done":
            result: str = ended["result_id"]
            return result
        if ended["state"] == "failed":
            ledger.problem(f"client {index}: job {job_id} failed: {ended['reason']}")
            return None
    return None


@dataclass
class Figures:
    """What a run measured."""

    seconds: float
    answers: dict[str, dict[int, int]]
    jobs: dict[str, int]
    rosters_checked: int
    published: int
    unknown: int
    kill_to_interrupted: float
    restart_away: float
    refused_while_away: int
    answered_after_restart: int
    phases: dict[str, float]
    """Seconds from the start to each step of the run."""
    processes_left: list[str]
    problems: list[str]
    ledger: Ledger

    def lines(self) -> list[str]:
        answers = "; ".join(
            f"{kind} " + ", ".join(f"{n} x {s or 'cut off'}" for s, n in sorted(by.items()))
            for kind, by in sorted(self.answers.items())
        )
        jobs = ", ".join(f"{n} {state}" for state, n in sorted(self.jobs.items()))
        return [
            f"{CLIENTS} clients, one worker killed, one restart: {self.seconds:.1f} s in all",
            f"answers: {answers}",
            f"jobs: {jobs}; {self.rosters_checked} rosters kept, each accepted by the checker",
            f"published weeks at the end: {self.published}; requests of unknown outcome: "
            f"{self.unknown}",
            f"killed worker to its job interrupted: {self.kill_to_interrupted:.2f} s; the "
            f"server away for the restart: {self.restart_away:.2f} s, {self.refused_while_away} "
            f"requests refused meanwhile (sent again), {self.answered_after_restart} answered "
            "after it",
            "steps: " + ", ".join(f"{what} at {at:.1f} s" for what, at in self.phases.items()),
            f"processes left: {len(self.processes_left)}; problems: {len(self.problems)}",
            *(f"  problem: {p}" for p in self.problems),
        ]


def _workers(server: Served) -> list[Proc]:
    """The job workers: the fork server's children."""
    procs = server.processes()
    forkservers = {p.pid for p in procs if p.parent == server.process.pid}
    return [p for p in procs if p.parent in forkservers]


def run(folder: Path | None = None, seconds: float = 90, db: str | None = None) -> Figures:
    """The run; `seconds` bounds the clients' part (they give up past it). With `db` (a
    database URL, an empty database) the servers keep their store there, not in the
    folder's embedded one."""
    with tempfile.TemporaryDirectory(prefix="roster-faults-") as tmp:
        data = (folder or Path(tmp)) / "data"
        return _run(data, seconds, db)


def _run(data: Path, seconds: float, db: str | None = None) -> Figures:
    started = time.monotonic()
    ledger = Ledger()
    flags = ["--jobs", "2", *(["--db", db] if db else [])]
    first = Served(data, flags).start()
    servers = [first]
    seen: list[Proc] = []
    try:
        api = Client(first.url, ledger)
        shared = api.send(
            "upload", "POST", "/api/instances", files=[("files", ("w.yaml", _yaml(SHARED_WEEK)))]
        )
        assert shared is not None and shared.status_code == 201, shared
        ledger.uploads[SHARED_WEEK.name] = ledger.shared = shared.json()["id"]
        files = [("files", item) for item in DEMO.items()]
        made = api.send("upload", "POST", "/api/instances", files=files)
        assert made is not None and made.status_code == 201, made
        demo_version = made.json()["version_id"]
        # two long jobs, one after the other (so the first has the oldest worker): the
        # first to have its worker killed, the second to be streamed through the restart
        killed_job = _long_job(api, ledger, demo_version, 60)
        _running(api, killed_job)
        streamed_job = _long_job(api, ledger, demo_version, 120)
        watcher = threading.Thread(
            target=_watch, args=(first.url, streamed_job, ledger), daemon=True
        )
        watcher.start()
        _running(api, streamed_job)
        gate = threading.Barrier(CLIENTS)
        threads = [
            threading.Thread(target=client_run, args=(i, first.url, ledger, gate), daemon=True)
            for i in range(CLIENTS)
        ]
        for thread in threads:
            thread.start()
        # the first long job's worker (the oldest), once its best roster is kept: SIGKILL
        _roster_kept(api, killed_job)
        seen += first.processes()
        oldest = min(_workers(first), key=lambda p: p.started)
        killed_at = time.monotonic()
        phases = {"worker killed": killed_at - started}
        signal_pid(oldest.pid, signal.SIGKILL)
        while (job := api.job_state(killed_job)) is None or job["state"] == "running":
            assert time.monotonic() - killed_at < 30, "the killed worker's job still runs"
            time.sleep(0.02)
        kill_to_interrupted = time.monotonic() - killed_at
        # then the restart, with the events of the second streamed: SIGTERM, and the
        # same folder and port again
        _roster_kept(api, streamed_job)
        seen += first.processes()
        away = time.monotonic()
        phases["server stopped"] = away - started
        first.process.send_signal(signal.SIGTERM)
        first.process.wait(timeout=60)
        second = Served(data, flags, port=first.port).start()
        servers.append(second)
        restart_away = time.monotonic() - away
        ledger.restarted = time.monotonic()
        limit = started + seconds
        # enough once every client still at work has done a round on the second server
        while any(t.is_alive() for t in threads) and time.monotonic() < limit:
            busy = [i for i, t in enumerate(threads) if t.is_alive()]
            if all(ledger.rounds_after_restart[i] for i in busy):
                break
            time.sleep(0.1)
        ledger.enough.set()
        for thread in [*threads, watcher]:
            thread.join(timeout=max(1.0, limit - time.monotonic()))
        phases["clients done"] = time.monotonic() - started
        if any(t.is_alive() for t in threads):
            ledger.problem("clients still busy past the run's time bound")
        if watcher.is_alive():
            ledger.problem("the streamed job's event stream was not closed by the restart")
        seen += second.processes()
        second.process.send_signal(signal.SIGTERM)
        second.process.wait(timeout=60)
        left = [p.command[:80] for p in left_alive(seen, 10)]
        if first.process.returncode != 0 or second.process.returncode != 0:
            ledger.problem(
                f"roster serve ended with {first.process.returncode} and "
                f"{second.process.returncode} on SIGTERM"
            )
        store = Store(db) if db else Store.in_folder(data)
        problems, checked = verify(store, ledger, killed_job, streamed_job)
        figures = _figures(store, ledger)
        store.engine.dispose()
        return Figures(
            seconds=time.monotonic() - started,
            answers=figures[0],
            jobs=figures[1],
            rosters_checked=checked,
            published=figures[2],
            unknown=len(ledger.unknown_uploads)
            + len(ledger.unknown_patches)
            + ledger.unknown_solves
            + sum(n for (_k, s), n in ledger.answers.items() if s == 0),
            kill_to_interrupted=kill_to_interrupted,
            restart_away=restart_away,
            refused_while_away=ledger.refused,
            answered_after_restart=ledger.after_restart,
            phases=phases,
            processes_left=left,
            problems=ledger.problems + problems,
            ledger=ledger,
        )
    finally:
        for server in servers:
            server.kill_all()
        for proc in left_alive(seen, 0):
            signal_pid(proc.pid, signal.SIGKILL)


def _long_job(api: Client, ledger: Ledger, version: str, limit: float) -> str:
    """The demo week solving (one worker): a job that runs long after its first roster."""
    body = {"time_limit": limit, "workers": 1, "seed": 0, "history": "none"}
    answer = api.send("solve", "POST", f"/api/versions/{version}/solve", json=body)
    assert answer is not None and answer.status_code == 202, answer
    job_id: str = answer.json()["id"]
    with ledger.lock:
        ledger.solves[job_id] = -1
    return job_id


def _running(api: Client, job_id: str) -> None:
    deadline = time.monotonic() + 30
    while (job := api.job_state(job_id)) is None or job["state"] != "running":
        assert time.monotonic() < deadline, f"job {job_id} did not start within 30 s"
        time.sleep(0.05)


def _roster_kept(api: Client, job_id: str) -> None:
    deadline = time.monotonic() + 90
    while (job := api.job_state(job_id)) is None or not job.get("result_id"):
        assert time.monotonic() < deadline, f"job {job_id} kept no roster within 90 s"
        time.sleep(0.05)


def _watch(url: str, job_id: str, ledger: Ledger) -> None:
    """A page watching the job's events, as the job page does, until the stream ends."""
    try:
        with (
            httpx.Client(base_url=url, timeout=120) as http,
            http.stream("GET", f"/api/jobs/{job_id}/events") as stream,
        ):
            kind = ""
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind in ("end", "closing"):
                    ledger.stream_end = (kind, json.loads(line[6:]))
    except httpx.HTTPError as exc:
        ledger.problem(f"the event stream of job {job_id} broke: {exc!r}")


def signal_pid(pid: int, sig: int) -> None:
    import contextlib
    import os

    with contextlib.suppress(OSError):
        os.kill(pid, sig)


def verify(store: Store, ledger: Ledger, demo_job: str, streamed_job: str) -> tuple[list[str], int]:
    """What must hold of the store after the run: each broken rule, said, and how many
    rosters the checker read."""
    from models import read_roster_csv
    from scheduler.checker import evaluate

    problems: list[str] = []
    instances = {row.id: row for row in store.instances()}
    by_name = Counter(row.name for row in instances.values())
    # uploads: each accepted one stored once; none stored that was not sent
    for name, instance_id in ledger.uploads.items():
        if by_name[name] != 1 or instance_id not in instances:
            problems.append(f"upload {name}: stored {by_name[name]} times")
    sent = set(ledger.uploads) | ledger.unknown_uploads | {"demo-week"}
    problems += [f"instance {n} stored, never accepted" for n in by_name if n not in sent]
    # patches: each accepted one a version of its own, numbered without a gap
    notes: Counter[str] = Counter()
    for instance_id in instances:
        versions = store.versions(instance_id)
        if [v.number for v in versions] != list(range(1, len(versions) + 1)):
            problems.append(f"instance {instance_id}: versions {[v.number for v in versions]}")
        for version in versions[1:]:
            notes[version.note] += 1
            owner = ledger.patches.get(version.note)
            if owner is None and version.note not in ledger.unknown_patches:
                problems.append(f"version {version.id} ({version.note}): never accepted")
            elif owner is not None and owner != (instance_id, version.id):
                problems.append(f"patch {version.note}: answered {owner}, stored {version.id}")
    problems += [f"patch {n}: stored {notes[n]} times" for n in ledger.patches if notes[n] != 1]
    problems += [f"patch {n}: stored {c} times" for n, c in notes.items() if c > 1]
    # jobs: every accepted one there and ended, in a state it may be in
    jobs = {job.id: job for job in store.jobs(limit=10_000)}
    stopping_reasons = {SERVER_STOPPED, SERVER_STOPPED_EMPTY}
    server_stopped = 0
    for job_id in ledger.solves:
        job = jobs.get(job_id)
        if job is None:
            problems.append(f"job {job_id}: accepted, lost")
            continue
        if job.state not in TERMINAL or job.state == "failed":
            problems.append(f"job {job_id}: {job.state} at the end ({job.reason})")
        if job.state == "stopped" and job_id not in ledger.stops:
            problems.append(f"job {job_id}: stopped, never asked to")
        if job_id in ledger.stops and job.state not in ("stopped", "interrupted"):
            problems.append(f"job {job_id}: a stop was accepted, yet it is {job.state}")
        if job.state == "interrupted":
            if job_id == demo_job:
                if "SIGKILL" not in job.reason:
                    problems.append(f"the demo job, its worker killed: {job.reason}")
            elif job_id == streamed_job:
                if job.reason != SERVER_STOPPED:
                    problems.append(f"the streamed job, the server stopped: {job.reason}")
            elif job.reason in stopping_reasons:
                server_stopped += 1
            else:
                problems.append(f"job {job_id}: interrupted ({job.reason})")
    for job_id, what in ((demo_job, "its worker killed"), (streamed_job, "the server stopped")):
        job = jobs.get(job_id)
        if job is None or job.state != "interrupted" or job.result_id is None:
            state = (job.state, job.reason) if job else None
            problems.append(f"the demo job, {what}, is {state}: not interrupted with a roster")
    if ledger.stream_end is None or ledger.stream_end[1].get("state") != "interrupted":
        problems.append(f"the streamed job's events ended with {ledger.stream_end}")
    # feeds: however many renewals of ana's, one live
    live = [t for t in store.live_tokens("feed") if t.person == "ana"]
    if ledger.renewals and len(live) != 1:
        problems.append(f"{len(live)} feeds of ana live after {ledger.renewals} renewals")
    if server_stopped > 1:  # two slots, one the streamed job's
        problems.append(f"{server_stopped} client jobs stopped by the restart, with 2 slots")
    extra = len(jobs) - len(ledger.solves)
    if not 0 <= extra <= ledger.unknown_solves:
        problems.append(f"{extra} jobs stored beyond those accepted")
    # every roster kept passes the independent checker
    published = store.published_weeks()
    results = {j.result_id for j in jobs.values() if j.result_id} | {p.result_id for p in published}
    plans: dict[str, tuple[Instance, list[str]]] = {}
    with tempfile.TemporaryDirectory(prefix="roster-verify-") as tmp:
        for result_id in sorted(results):
            files = store.files(result_id)
            if "roster.csv" not in files:
                continue
            inst = Instance.model_validate_json(files["instance.json"])
            path = Path(tmp) / f"{result_id}.csv"
            path.write_bytes(files["roster.csv"])
            broken = evaluate(inst, read_roster_csv(path)).violations
            if broken:
                problems.append(f"result {result_id}: {len(broken)} hard rules broken")
            plans[result_id] = (inst, [p.id for p in inst.people])
    # published: each an accepted publish's roster; no person in two on one day
    accepted = {r for r, _replace in ledger.published}
    days: dict[tuple[str, dt.date], str] = {}
    for row in published:
        if row.result_id not in accepted:
            problems.append(f"week {row.owner} {row.week}: result {row.result_id} not accepted")
        inst, people = plans[row.result_id]
        for person in people:
            for date in inst.dates:
                other = days.setdefault((person, date), row.owner)
                if other != row.owner:
                    problems.append(f"{person} on {date} in {other}'s and {row.owner}'s weeks")
    return problems, len(plans)


def _figures(store: Store, ledger: Ledger) -> tuple[dict[str, dict[int, int]], dict[str, int], int]:
    answers: dict[str, dict[int, int]] = {}
    for (kind, status), count in ledger.answers.items():
        answers.setdefault(kind, {})[status] = count
    jobs = Counter(job.state for job in store.jobs(limit=10_000))
    return answers, dict(jobs), len(store.published_weeks())
