"""The service's jobs: queued in the store, run in worker processes (or Ray tasks).

`JobRunner` keeps `slots` jobs running at once, the rest waiting in the order they were
queued. Each slot is a thread of the server that claims the oldest queued job, starts
its worker, and writes what the worker hands back into the store: each better roster's
event, the best roster so far (so that a worker that dies leaves its job interrupted
with that roster), and at the end the result. The solve itself never runs in the
server's process: a job that fails or crashes its worker leaves the server as it was.

Stopping a running job sends its worker SIGINT (a Ray task: a cancel, KeyboardInterrupt
in the task), which stops the search and keeps the best roster, as Ctrl-C does on the
command line. The signal waits for the worker to say it has started (its handlers set),
so a job stopped as its worker starts ends `stopped` with no roster, not killed.

Workers die with their server: each watches a pipe whose writing end only the server
holds (`lifeline`), and exits when it reads its end, as it does when the server is
killed. (Their parent is the fork server, not the server, so a parent-death signal
would not do; the fork server and multiprocessing's resource tracker end by
themselves once no worker holds their pipes.)
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import queue
import signal
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from scheduler.service.store import JobRow, Store
from scheduler.service.worker import Outcome, Work, run_in_process

log = logging.getLogger("roster.jobs")

BACKENDS = ("process", "ray")

KEPT = "the best roster found by then is kept"
NONE_KEPT = "it had found no roster, so none is kept"
STOPPED = f"stopped on request; {KEPT}"
STOPPED_EMPTY = f"stopped on request; {NONE_KEPT}"
SERVER_STOPPED = f"the server stopped while the job ran; {KEPT}"
SERVER_STOPPED_EMPTY = f"the server stopped while the job ran; {NONE_KEPT}"
SERVER_GONE = f"the server ended while the job ran (a restart or a crash); {KEPT}"
SERVER_GONE_EMPTY = f"the server ended while the job ran (a restart or a crash); {NONE_KEPT}"


def worker_prefix() -> str:
    """The start of this server's worker names: its host and process."""
    return f"{socket.gethostname()}:{os.getpid()}:"


def _exit_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        how = f"was killed by {name}"
    else:
        how = f"ended with exit code {code}"
    return f"the worker {how} before the job finished; {KEPT}"


def _as_kept(reason: str, kept: bool) -> str:
    """The reason, saying truly whether a roster is kept."""
    return reason if kept else reason.replace(KEPT, NONE_KEPT)


@dataclass
class _Running:
    job_id: str
    handle: Any
    stop_reason: str | None = None
    stop_sent: bool = False
    events: int = 0
    bests: int = 0


@dataclass
class _Handle:
    """A job's worker process and the queue it talks through."""

    process: Any
    messages: Any
    done: Outcome | None = None
    failure: str | None = field(default=None)
    started = False
    """The worker said it runs, its stop signals set (`("started",)`)."""

    def poll(self, timeout: float) -> Iterator[tuple[Any, ...]]:
        try:
            yield self.messages.get(timeout=timeout)
        except queue.Empty:
            return
        while True:
            try:
                yield self.messages.get_nowait()
            except queue.Empty:
                return

    def alive(self) -> bool:
        return bool(self.process.is_alive())

    def stop(self) -> None:
        if self.process.pid is not None and self.process.is_alive():
            os.kill(self.process.pid, signal.SIGINT)

    def exit_reason(self) -> str:
        self.process.join(timeout=5)
        return _exit_reason(self.process.exitcode)

    def close(self) -> None:
        self.process.join(timeout=5)
        self.messages.close()


class _RayHandle:
    """A job as a Ray task; its messages through a Ray queue."""

    def __init__(self, ray: Any, remote: Any, work: Work) -> None:
        from ray.util.queue import Queue

        self._ray = ray
        self.messages = Queue()
        self.ref = remote.remote(work, self.messages)
        self._finished = False
        self.started = True  # a cancel reaches the task whenever it is sent

    def poll(self, timeout: float) -> Iterator[tuple[Any, ...]]:
        from ray.util.queue import Empty

        got: list[tuple[Any, ...]] = []
        with contextlib.suppress(Empty):
            got.append(self.messages.get(timeout=timeout))
        yield from got
        while not self.messages.empty():
            try:
                yield self.messages.get_nowait()
            except Empty:
                return
        ready, _ = self._ray.wait([self.ref], timeout=0)
        if ready and not self._finished:
            self._finished = True
            try:
                yield ("done", self._ray.get(self.ref))
            except self._ray.exceptions.RayError:
                return

    def alive(self) -> bool:
        return not self._finished

    def stop(self) -> None:
        self._ray.cancel(self.ref, force=False)

    def exit_reason(self) -> str:
        try:
            self._ray.get(self.ref, timeout=5)
        except Exception as exc:  # the task's own failure, as Ray reports it
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return (
                f"the Ray task ended before the job finished ({first}); the best roster "
                "found by then is kept"
            )
        return _exit_reason(None)

    def close(self) -> None:
        self.messages.shutdown()


def _run_in_ray(work: Work, messages: Any) -> Outcome:
    from scheduler.service.worker import execute

    try:
        return execute(work, messages.put)
    except KeyboardInterrupt:
        return Outcome(130, {}, "stopped before the search found a roster", True)


class JobRunner:
    """Runs the store's queued jobs, `slots` at a time, in worker processes or on Ray."""

    def __init__(
        self,
        store: Store,
        slots: int = 1,
        backend: str = "process",
        address: str | None = None,
        poll_seconds: float = 0.1,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"backend {backend!r} is not one of {', '.join(BACKENDS)}")
        self.store = store
        self.slots = max(1, slots)
        self.backend = backend
        self.address = address
        self.poll_seconds = poll_seconds
        self.prefix = worker_prefix()
        self._wake = threading.Event()
        self._closing = threading.Event()
        self._threads: list[threading.Thread] = []
        self._running: dict[str, _Running] = {}
        self._stops: dict[str, str] = {}
        """Stops asked for jobs this runner has claimed but not yet started."""
        self._lock = threading.Lock()
        self._context: Any = None
        self._lifeline: tuple[Any, Any] | None = None
        """The pipe every worker watches: (its reading end, the writing end we hold)."""
        self._ray: Any = None
        self._remote: Any = None
        self._ray_started = False

    # ---- lifecycle -----------------------------------------------------------------

    def start(self) -> list[str]:
        """Mark the jobs a previous server of this host left running as interrupted (their
        best roster kept), then start the slots; the ids interrupted."""
        host = self.prefix.split(":", 1)[0] + ":"
        left = self.store.interrupt_running(SERVER_GONE, SERVER_GONE_EMPTY, worker_prefix=host)
        if self.backend == "process":
            self._context = multiprocessing.get_context("forkserver")
            self._context.set_forkserver_preload(["scheduler.service.worker", "scheduler.cli"])
            self._lifeline = self._context.Pipe(duplex=False)
        else:
            from scheduler.whatif import ray_module

            self._ray = ray_module()
            if not self._ray.is_initialized():
                self._ray_started = True
                if self.address:
                    self._ray.init(address=self.address, logging_level=logging.WARNING)
                else:
                    self._ray.init(num_cpus=self.slots, logging_level=logging.WARNING)
            self._remote = self._ray.remote(num_cpus=1, max_retries=0)(_run_in_ray)
        for slot in range(self.slots):
            thread = threading.Thread(
                target=self._slot, args=(slot,), name=f"roster-job-{slot}", daemon=True
            )
            thread.start()
            self._threads.append(thread)
        return left

    def begin_close(self) -> None:
        """Start stopping at once, without waiting: the slots take no new job and stop
        their running ones (each keeps its best roster, marked interrupted). Takes no
        lock, so that a signal handler may call it (`roster serve` does, before the web
        server waits for its open responses)."""
        self._closing.set()
        self._wake.set()

    @property
    def closing(self) -> bool:
        """Stopping: no job starts here any more, and the running ones are stopping."""
        return self._closing.is_set()

    def close(self, timeout: float = 30.0) -> None:
        """Stop the running jobs (each keeps its best roster, marked interrupted) and the
        slots; queued jobs stay queued for the next start. A worker still running after
        `timeout` ends with its lifeline."""
        self.begin_close()
        for thread in self._threads:
            thread.join(timeout=timeout)
        self._threads.clear()
        if self._lifeline is not None:
            for end in self._lifeline:
                end.close()
            self._lifeline = None
        if self._ray_started:
            self._ray.shutdown()
            self._ray_started = False

    def wake(self) -> None:
        """A job was queued: a free slot takes it at once."""
        self._wake.set()

    def running(self) -> list[str]:
        with self._lock:
            return list(self._running)

    # ---- stopping ------------------------------------------------------------------

    def stop(self, job_id: str) -> bool:
        """Stop a queued or running job (a running one keeps its best roster); False when
        it had already ended or runs on another server."""
        if self.store.stop_queued(job_id, "stopped on request before it ran"):
            return True
        with self._lock:
            running = self._running.get(job_id)
            if running is None:
                # claimed by a slot of ours and not started yet: it stops as it starts
                job = self.store.job(job_id)
                if job is None or job.state != "running" or not job.worker.startswith(self.prefix):
                    return False
                self._stops[job_id] = STOPPED
                return True
            running.stop_reason = running.stop_reason or STOPPED
        self._wake.set()
        return True

    # ---- a slot --------------------------------------------------------------------

    def _slot(self, slot: int) -> None:
        name = f"{self.prefix}{slot}"
        while not self._closing.is_set():
            try:
                job = self.store.claim_next(name)
            except Exception:  # the database away for a moment: try again
                log.exception("claiming a job")
                job = None
            if job is None:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            try:
                self._run(job)
            except Exception as exc:  # never lose the slot to one job
                log.exception("job %s", job.id)
                try:
                    self.store.finish(job.id, "failed", f"internal error: {exc}")
                except Exception:
                    log.exception("marking job %s failed", job.id)

    def _run(self, job: JobRow) -> None:
        try:
            work = self.work_for(job)
        except (KeyError, ValueError) as exc:
            self.store.finish(job.id, "failed", str(exc).strip("'\""))
            return
        with self._lock:
            if self._stops.pop(job.id, None) is not None:
                self.store.finish(job.id, "stopped", "stopped on request before it ran")
                return
            if self._closing.is_set():  # claimed as the server stops: it runs after
                self.store.requeue(job.id, job.worker)
                return
        handle = self._start(work)
        running = _Running(job.id, handle)
        with self._lock:
            self._running[job.id] = running
            running.stop_reason = self._stops.pop(job.id, None)
        try:
            try:
                outcome = self._pump(running)
            finally:
                handle.close()
            self._end(running, outcome)
        finally:
            # only once the job's end is stored: until then its event streams wait for it
            with self._lock:
                self._running.pop(job.id, None)

    def _end(self, running: _Running, outcome: Outcome | None) -> None:
        """Store how a job that ran ended: its state, reason and result."""
        job_id, handle = running.job_id, running.handle
        stored = self.store.job(job_id)
        kept_before = stored is not None and stored.result_id is not None
        if outcome is None:
            if running.stop_sent and running.stop_reason is not None:
                # the worker died of the stop itself (before its handlers were set)
                state = "stopped" if running.stop_reason == STOPPED else "interrupted"
                self.store.finish(job_id, state, _as_kept(running.stop_reason, kept_before))
                return
            self.store.finish(job_id, "interrupted", _as_kept(handle.exit_reason(), kept_before))
            return
        if running.stop_reason is not None and (running.stop_sent or outcome.stopped):
            state = "stopped" if running.stop_reason == STOPPED else "interrupted"
            kept = kept_before or "roster.csv" in outcome.files
            self.store.finish(
                job_id,
                state,
                _as_kept(running.stop_reason, kept),
                files=outcome.files,
                output=outcome.text,
            )
            return
        if outcome.code == 2 or outcome.code >= 99:
            errors = [ln for ln in outcome.text.splitlines() if ln.startswith("error: ")]
            reason = "\n".join(e.removeprefix("error: ") for e in errors) or outcome.text.strip()
            self.store.finish(job_id, "failed", reason, files=outcome.files, output=outcome.text)
            return
        self.store.finish(job_id, "done", "", files=outcome.files, output=outcome.text)

    def _start(self, work: Work) -> Any:
        if self.backend == "ray":
            return _RayHandle(self._ray, self._remote, work)
        messages = self._context.Queue()
        assert self._lifeline is not None
        process = self._context.Process(
            target=run_in_process,
            args=(work, messages, self._lifeline[0]),
            name="roster-job",
            daemon=True,
        )
        process.start()
        return _Handle(process, messages)

    def _pump(self, running: _Running) -> Outcome | None:
        """Store the worker's messages until it ends; its outcome, None if it died."""
        handle = running.handle
        while True:
            if running.stop_reason is None and self._closing.is_set():
                running.stop_reason = SERVER_STOPPED
            if running.stop_reason is not None and not running.stop_sent and handle.started:
                running.stop_sent = True
                handle.stop()
            got_any = False
            for message in handle.poll(self.poll_seconds):
                got_any = True
                outcome = self._keep(running, message)
                if outcome is not None:
                    return outcome
            if not got_any and not handle.alive():
                # one last look: the end may have come just as the worker exited
                for message in handle.poll(0.5):
                    outcome = self._keep(running, message)
                    if outcome is not None:
                        return outcome
                return None

    def _keep(self, running: _Running, message: tuple[Any, ...]) -> Outcome | None:
        """One message of a worker into the store; the outcome when it is the end."""
        kind = message[0]
        if kind == "started":
            running.handle.started = True
        elif kind == "event":
            running.events += 1
            self.store.add_event(running.job_id, **message[1])
        elif kind == "best":
            running.bests += 1
            self.store.keep_best(running.job_id, message[1])
        elif kind == "stage":
            self.store.set_stage(running.job_id, str(message[1]))
        elif kind == "done":
            outcome: Outcome = message[1]
            return outcome
        return None

    # ---- what a job needs ----------------------------------------------------------

    def work_for(self, job: JobRow) -> Work:
        """The job's files and options from the store."""
        version = self.store.version(job.version_id)
        if version is None:
            raise KeyError(f"version {job.version_id} is gone")
        files = self.store.files(version.id)
        options = dict(job.options)
        entry = str(options.pop("instance_file", "")) or _entry_file(files)
        base = None
        if options.get("base"):
            base = self.store.files(str(options["base"]))
            if not base:
                raise KeyError(f"result {options['base']} is gone")
        history = []
        for result_id in options.get("history", []):
            past = self.store.files(str(result_id))
            if past:
                history.append(past)
        return Work(job.kind, entry, files, options, base, history)


def _entry_file(files: dict[str, bytes]) -> str:
    for name in sorted(files):
        if name.endswith((".yaml", ".yml", ".json")):
            return name
    raise ValueError("the version has no instance file (.yaml, .yml or .json)")
