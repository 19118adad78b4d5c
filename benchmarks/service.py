"""The service under measurement: the roster page, progress events, and a load test.

    python benchmarks/service.py                  # all three, as recorded
    python benchmarks/service.py --people 300 --clients 20 --repeat 5

Everything runs against `roster serve`'s app (FastAPI, uvicorn on a local port, jobs in
worker processes, the embedded SQLite store in a temporary folder), on this machine.

- **Roster page** (target: under 1 s on 300 people, server side): a week of `--people`
  is generated (`roster generate`), solved for `--solve-seconds` with two workers and
  stored as a result; then the median of `--repeat` renders of `/results/{id}`, timed
  around the request in the server's own process (in-process ASGI, no network), and
  the same for report.html from the same folder.
- **Progress events** (target: under 1 s from the solver finding a roster to the
  page receiving its event): the demo week is solved as a job while a client reads
  its Server-Sent Events; each event carries the wall-clock time its worker found the
  roster (`found_at`), and the client subtracts it from the time it read the event.
  Same machine, same clock. The median and the largest over the events are printed.
- **Load** (20 clients): each uploads its own small week (the small example, renamed
  and with one person away, so that every result can be told apart), submits a solve
  (`--load-seconds`, one worker), polls its job every 0.25 s until it ends and reads
  its roster back; meanwhile another client fetches `/` and a roster page in a loop.
  Printed: jobs done, results lost or mixed up (each must name its own week and leave
  its own away person out), the wall time, and the page's response times (median, 95th
  percentile, largest) under that load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import uvicorn
import yaml

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """The app on a local port, in a thread of this process; jobs in worker processes."""

    def __init__(self, folder: Path, jobs: int) -> None:
        from scheduler.service.api import create_app
        from scheduler.service.jobs import JobRunner
        from scheduler.service.store import Store

        self.store = Store.in_folder(folder)
        self.store.migrate()
        self.app = create_app(self.store, JobRunner(self.store, slots=jobs, poll_seconds=0.05))
        self.port = _free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        while not self.server.started:
            time.sleep(0.05)
        return self

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=60)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def roster_page(people: int, solve_seconds: float, repeat: int) -> dict[str, float]:
    from fastapi.testclient import TestClient

    from scheduler.cli import main
    from scheduler.outputs.exports import OutputData
    from scheduler.outputs.report import render

    with tempfile.TemporaryDirectory() as tmp:
        here = Path(tmp)
        week = here / "week.yaml"
        assert main(["generate", "--people", str(people), "--seed", "0", "--out", str(week)]) == 0
        out = here / "out"
        flags = ["--time-limit", str(solve_seconds), "--workers", "2", "--quiet", "--no-exports"]
        assert main(["solve", str(week), "--out", str(out), *flags]) in (0, 1)
        with Server(here / "data", jobs=1) as server:
            document = json.loads((out / "instance.json").read_text())
            _, version = server.store.add_instance(
                "week", document, {"week.yaml": week.read_bytes()}
            )
            result = server.store.save_result(version, out)
            client = TestClient(server.app)
            page_times = []
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(f"/results/{result}", headers={"accept": "text/html"})
                page_times.append(time.perf_counter() - started)
                assert response.status_code == 200
            size = len(response.content)
        data = OutputData.load(out)
        report_times = []
        for _ in range(repeat):
            started = time.perf_counter()
            render(data)
            report_times.append(time.perf_counter() - started)
    return {
        "people": people,
        "page_seconds": statistics.median(page_times),
        "page_kb": size / 1024,
        "report_seconds": statistics.median(report_times),
    }


def progress_events(seconds: float) -> dict[str, float]:
    files = {
        n: (ROOT / "instances" / n).read_bytes() for n in ("demo-week.yaml", "demo-week-people.csv")
    }
    with tempfile.TemporaryDirectory() as tmp, Server(Path(tmp), jobs=1) as server:
        client = httpx.Client(base_url=server.url, timeout=60)
        made = client.post("/api/instances", files=[("files", i) for i in files.items()]).json()
        body = {"time_limit": seconds, "workers": 2}
        job = client.post(f"/api/versions/{made['version_id']}/solve", json=body).json()
        delays = []
        with client.stream("GET", f"/api/jobs/{job['id']}/events") as stream:
            kind = ""
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                elif line.startswith("data: ") and kind == "progress":
                    figures = json.loads(line[6:])
                    if figures["source"] != "bound" and figures["found_at"] is not None:
                        delays.append(time.time() - figures["found_at"])
                elif kind == "end":
                    break
    return {
        "events": len(delays),
        "median_seconds": statistics.median(delays),
        "max_seconds": max(delays),
    }


def load(clients: int, seconds: float, jobs: int) -> dict[str, float]:
    small = yaml.safe_load((ROOT / "instances" / "small-week.yaml").read_text())
    people = [p["id"] for p in small["people"]]
    with tempfile.TemporaryDirectory() as tmp, Server(Path(tmp), jobs=jobs) as server:
        problems: list[str] = []
        done: list[str] = []
        page_times: list[float] = []
        stop = threading.Event()
        first_result: list[str] = []

        def one(index: int) -> None:
            client = httpx.Client(base_url=server.url, timeout=120)
            week = dict(small)
            week["name"] = f"client-{index:02d}"
            away = people[index % len(people)]
            start = week["horizon"]["start"]
            last = start + dt.timedelta(days=week["horizon"]["days"] - 1)
            week["people"] = [
                {**p, "unavailable": [{"from": start, "to": last}]} if p["id"] == away else p
                for p in small["people"]
            ]
            text = yaml.safe_dump(week).encode()
            made = client.post("/api/instances", files=[("files", ("week.yaml", text))])
            if made.status_code != 201:
                problems.append(f"client {index}: upload {made.status_code} {made.text[:200]}")
                return
            body = {"time_limit": seconds, "workers": 1, "seed": index}
            job = client.post(f"/api/versions/{made.json()['version_id']}/solve", json=body).json()
            while True:
                state = client.get(f"/api/jobs/{job['id']}").json()
                if state["state"] not in ("queued", "running"):
                    break
                time.sleep(0.25)
            if state["state"] != "done" or not state["result_id"]:
                problems.append(f"client {index}: job {state['state']} {state['reason']}")
                return
            result = state["result_id"]
            summary = client.get(f"/api/results/{result}").json()["summary"]
            rows = client.get(f"/api/results/{result}/roster").json()["rows"]
            if summary.get("instance") != week["name"]:
                problems.append(f"client {index}: result of {summary.get('instance')}")
            elif any(r["person"] == away for r in rows):
                problems.append(f"client {index}: {away} works in a week where they are away")
            else:
                done.append(result)
                first_result.append(result)

        def browse() -> None:
            client = httpx.Client(base_url=server.url, timeout=120)
            while not stop.is_set():
                for path in ["/", *(f"/results/{r}" for r in first_result[:1])]:
                    started = time.perf_counter()
                    response = client.get(path, headers={"accept": "text/html"})
                    page_times.append(time.perf_counter() - started)
                    if response.status_code != 200:
                        problems.append(f"page {path}: {response.status_code}")
                time.sleep(0.1)

        browser = threading.Thread(target=browse)
        browser.start()
        started = time.perf_counter()
        threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        stop.set()
        browser.join()
        page_times.sort()
    for problem in problems:
        print("  problem:", problem)
    return {
        "clients": clients,
        "done": len(done),
        "lost_or_mixed": clients - len(done),
        "wall_seconds": wall,
        "page_median": statistics.median(page_times),
        "page_p95": page_times[int(0.95 * (len(page_times) - 1))],
        "page_max": page_times[-1],
        "page_requests": len(page_times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--solve-seconds", type=float, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--progress-seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--load-seconds", type=float, default=5)
    parser.add_argument("--jobs", type=int, default=2, help="the server's --jobs")
    parser.add_argument("--only", choices=["page", "progress", "load"])
    args = parser.parse_args(argv)
    if args.only in (None, "page"):
        page = roster_page(args.people, args.solve_seconds, args.repeat)
        print(
            f"roster page, {page['people']} people: {page['page_seconds']:.3f} s to render "
            f"({page['page_kb']:,.0f} KB); report.html {page['report_seconds']:.3f} s"
        )
    if args.only in (None, "progress"):
        progress = progress_events(args.progress_seconds)
        print(
            f"progress events: {progress['events']:.0f} rosters, found to read: median "
            f"{progress['median_seconds']:.3f} s, largest {progress['max_seconds']:.3f} s"
        )
    if args.only in (None, "load"):
        loaded = load(args.clients, args.load_seconds, args.jobs)
        print(
            f"load: {loaded['clients']:.0f} clients, {loaded['done']:.0f} done, "
            f"{loaded['lost_or_mixed']:.0f} lost or mixed up, {loaded['wall_seconds']:.1f} s; "
            f"the page under load: median {loaded['page_median']:.3f} s, 95th percentile "
            f"{loaded['page_p95']:.3f} s, largest {loaded['page_max']:.3f} s "
            f"({loaded['page_requests']:.0f} requests)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
