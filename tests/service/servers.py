"""`roster serve` as a process of its own, for the tests that start, stop and kill it.

A server runs `scheduler.cli.main` in a process group of its own on a free local port;
its processes (the server, the fork server, the resource tracker, job workers) are read
from /proc, so that a test can tell which are left after the server is gone.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[2]
SERVE = "import sys; from scheduler.cli import main; sys.exit(main())"
"""The command as `roster` runs it: the program is the command (`main()` without argv)."""
DEMO = {
    n: (ROOT / "instances" / n).read_bytes() for n in ("demo-week.yaml", "demo-week-people.csv")
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass(frozen=True)
class Proc:
    """A process as /proc shows it: its id and start time tell it from a later one
    given the same id."""

    pid: int
    started: int
    command: str
    parent: int = 0

    def alive(self) -> bool:
        """Still running (a zombie, dead but not yet waited for, is not)."""
        found = _stat(self.pid)
        return found is not None and found[2] == self.started and found[1] != "Z"


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent, state, start time) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(pid: int) -> list[Proc]:
    """Every living process under `pid`: its children, theirs, and so on."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            found = _stat(int(entry))
            if found is not None and found[1] != "Z":
                parents.setdefault(found[0], []).append(int(entry))
    out: list[Proc] = []
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found = _stat(child)
            if found is None:
                continue
            try:
                command = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            out.append(Proc(child, found[2], command.decode(errors="replace").strip(), found[0]))
            todo.append(child)
    return out


def left_alive(procs: list[Proc], seconds: float) -> list[Proc]:
    """The processes of `procs` still alive after up to `seconds` (sooner once none is)."""
    deadline = time.monotonic() + seconds
    while True:
        alive = [p for p in procs if p.alive()]
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.05)


@dataclass
class Served:
    """One `roster serve` process."""

    data: Path
    args: list[str] = field(default_factory=list)
    port: int = field(default_factory=free_port)
    process: Any = None
    log: Path | None = None

    def start(self, wait: bool = True) -> Served:
        store = ["--data", str(self.data)] if "--db" not in self.args else []
        argv = ["serve", *store, "--port", str(self.port), *self.args]
        self.log = self.data.with_name(f"{self.data.name}-serve-{self.port}.log")
        self.process = subprocess.Popen(
            [sys.executable, "-c", SERVE, *argv],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=self.log.open("w"),
            start_new_session=True,
        )
        if wait:
            self.wait_up()
        return self

    def wait_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"roster serve ended with {self.process.returncode}: {self.said()}"
                )
            try:
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"roster serve did not answer within {seconds} s")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=60)

    def said(self) -> str:
        return self.log.read_text() if self.log is not None and self.log.exists() else ""

    def processes(self) -> list[Proc]:
        return descendants(self.process.pid)

    def kill_all(self) -> None:
        """Whatever of this server is left, killed: its process group's too."""
        for proc in self.processes():
            _kill(proc.pid)
        if self.process is not None and self.process.poll() is None:
            _kill(self.process.pid)
            self.process.wait(timeout=30)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


def long_job(server: Served) -> dict[str, Any]:
    """The demo week solving on the server (one worker, 300 s), once its best roster so
    far is kept: a job that runs long after its first roster."""
    with server.client() as api:
        files = [("files", item) for item in DEMO.items()]
        made = api.post("/api/instances", files=files)
        assert made.status_code == 201, made.text
        body = {"time_limit": 300, "workers": 1, "seed": 0, "history": "none"}
        job = api.post(f"/api/versions/{made.json()['version_id']}/solve", json=body).json()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            now: dict[str, Any] = api.get(f"/api/jobs/{job['id']}").json()
            if now["state"] == "running" and now["result_id"]:
                return now
            assert now["state"] in ("queued", "running"), now
            time.sleep(0.1)
    raise AssertionError("no best roster kept within 120 s")


def servers(data: Path) -> Iterator[Any]:
    """For a fixture: make servers on `data` (or beside it), and kill what is left."""
    made: list[Served] = []

    def make(*args: str, folder: Path | None = None, wait: bool = True) -> Served:
        server = Served(folder or data, list(args)).start(wait=wait)
        made.append(server)
        return server

    yield make
    for server in made:
        server.kill_all()
