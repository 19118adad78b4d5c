"""One job of the service, run where no web request waits: in a worker process or a Ray task.

A job is the CLI's own command (`roster solve`, `check`, `replan`, `whatif`, `cover`)
run on the job's files in a folder of its own, so that the service answers exactly as
the command line does. What it finds is handed back through `emit`, never written to
the store from here: a Ray task on another machine may not reach the database.

Messages (tuples, first the kind):

- ``("event", figures)``: a better roster (or, at most once a second, a better bound):
  seconds, objective, bound, gap and source;
- ``("stage", text)``: what the command is doing now (a check's search for fixes, a
  what-if's scenarios), kept as the job's stage;
- ``("best", files)``: the output folder of the best roster so far (the CSV and JSON
  files), at most once a second, so that a job whose worker dies keeps it;
- ``("done", Outcome)``: the command's exit code, its output folder's files and what it
  printed.

A worker process first sends ``("started",)``, once SIGINT and SIGTERM stop its search
rather than kill it: the server sends a stop only after it. It exits at once when its
server is gone (`run_in_process`'s lifeline).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Emit = Callable[[tuple[Any, ...]], None]

KEPT_SUFFIXES = (".csv", ".json", ".yaml")
"""The output folder's files a result keeps; the exports are rebuilt from them."""

INTERNAL_ERROR = 99
"""The exit status of a job whose command raised (a bug, reported with its traceback)."""

ORPHANED = 70
"""The exit status of a worker whose server is gone (nobody left to hand its roster to)."""

BEST_EVERY = 1.0
"""Seconds between two saves of the best roster so far."""


@dataclass
class Work:
    """What a job needs, all of it in the message (picklable, no store)."""

    kind: str
    instance_name: str
    """The instance file among `files` (its name as uploaded)."""
    files: dict[str, bytes]
    options: dict[str, Any] = field(default_factory=dict)
    base: dict[str, bytes] | None = None
    """The output folder a replan or a cover starts from (a result's files)."""
    history: list[dict[str, bytes]] = field(default_factory=list)
    """Past weeks' output folders, newest last (`roster solve --history`)."""


@dataclass
class Outcome:
    code: int
    """The command's exit status (`scheduler.cli`: 0, 1, 2 bad input, 3 no roster)."""
    files: dict[str, bytes]
    """The output folder's kept files; empty when the command wrote none."""
    text: str
    """What the command printed (stdout, then the error lines)."""
    stopped: bool = False
    """Stopped on request (`stop`) before it ended of itself."""


def output_files(folder: Path) -> dict[str, bytes]:
    if not folder.is_dir():
        return {}
    return {
        p.name: p.read_bytes()
        for p in sorted(folder.iterdir())
        if p.is_file() and not p.name.startswith(".") and p.suffix in KEPT_SUFFIXES
    }


def _write_folder(folder: Path, files: dict[str, bytes]) -> None:
    from scheduler.outputs.folder import MARKER

    folder.mkdir(parents=True)
    for name, content in files.items():
        if Path(name).name != name or name.startswith("."):
            raise ValueError(f"a stored file name is not a plain name: {name!r}")
        (folder / name).write_bytes(content)
    (folder / MARKER).write_text("written by `roster`; this folder is replaced whole\n")


class Hooks:
    """What a job's solve tells the service (`scheduler.cli._solve_options` sets them).

    `watch` and `roster` are called from the solver's threads: they keep the latest
    figures and roster and return at once; a thread of their own sends the best roster's
    folder at most once a second (`BEST_EVERY`)."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._lock = threading.Lock()
        self._objective: float | None = None
        self._bound: float | None = None
        self._last_bound_event = -1.0
        self._pending: tuple[Any, float, list[Any]] | None = None
        self._wake = threading.Event()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._save_best, daemon=True)
        self._thread.start()

    def watch(self, seconds: float, objective: float | None, bound: float | None) -> None:
        with self._lock:
            better_roster = objective is not None and objective != self._objective
            self._objective, self._bound = objective, bound
            if better_roster or seconds - self._last_bound_event < 1.0 or bound is None:
                return  # a roster's event comes from `roster`, with its source
            self._last_bound_event = seconds
        self._event(seconds, objective, bound, "bound")

    def stage(self, text: str) -> None:
        """What the command is doing now (`scheduler.cli._stage_teller`): the search for
        fixes of a check, the scenarios of a what-if."""
        self._emit(("stage", text))

    def roster(self, instance: Any, seconds: float, rows: list[Any], source: str) -> None:
        with self._lock:
            objective, bound = self._objective, self._bound
            self._pending = (instance, seconds, rows)
        self._event(seconds, objective, bound, source)
        self._wake.set()

    def _event(
        self, seconds: float, objective: float | None, bound: float | None, source: str
    ) -> None:
        gap = None
        if objective is not None and bound is not None:
            gap = 0.0 if abs(objective) < 1e-9 else max(0.0, (objective - bound) / abs(objective))
        figures = {
            "seconds": round(seconds, 3),
            "objective": objective,
            "bound": bound,
            "gap": gap,
            "source": source,
            "found_at": time.time(),
        }
        self._emit(("event", figures))

    def _save_best(self) -> None:
        while not self._done.is_set():
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                pending, self._pending = self._pending, None
                bound = self._bound
            if pending is not None:
                started = time.monotonic()
                self._emit(("best", best_folder(*pending, bound)))
                self._done.wait(max(BEST_EVERY, 2 * (time.monotonic() - started)))

    def close(self) -> None:
        self._done.set()
        self._wake.set()
        self._thread.join(timeout=5)


def best_folder(
    instance: Any, seconds: float, rows: list[Any], bound: float | None
) -> dict[str, bytes]:
    """The output folder of a roster found so far: the checker's figures, marked as
    stopped early (a better roster may follow)."""
    from models import SolveResult, SolveStatus
    from scheduler.checker import evaluate
    from scheduler.outputs.folder import write_outputs

    evaluation = evaluate(instance, rows)
    objective = evaluation.objective
    gap = None
    if bound is not None:
        gap = 0.0 if abs(objective) < 1e-9 else max(0.0, (objective - bound) / abs(objective))
    result = SolveResult(
        instance=instance.name,
        status=SolveStatus.feasible,
        objective=objective,
        bound=bound,
        gap=gap,
        solve_seconds=seconds,
        stopped_early=True,
        best_roster_seconds=seconds,
        workers=0,
        seed=0,
        time_limit=None,
        goals=evaluation.goals,
        roster=rows,
    )
    with tempfile.TemporaryDirectory(prefix="roster-best-") as tmp:
        out = Path(tmp) / "out"
        write_outputs(
            out,
            instance,
            result,
            evaluation,
            exports=False,
            summary_extra={"so_far": {"seconds": round(seconds, 3)}},
        )
        return output_files(out)


def argv_for(work: Work, here: Path) -> list[str]:
    """The command line of the job, its files laid out under `here`."""
    options = work.options
    instance = here / "in" / work.instance_name
    out = here / "out"
    base = here / "base"
    solver = [
        "--time-limit",
        str(options.get("time_limit", 30.0)),
        "--workers",
        str(options.get("workers", 0)),
        "--seed",
        str(options.get("seed", 0)),
    ]
    if options.get("deterministic_time") is not None:
        solver += ["--deterministic-time", str(options["deterministic_time"])]
    if work.kind == "solve":
        argv = ["solve", str(instance), "--out", str(out), *solver, "--no-exports"]
        if work.history:
            argv += ["--history", *(str(here / f"past{i}") for i in range(len(work.history)))]
        if work.base is not None:
            argv += ["--pin", str(base)]
        return argv
    if work.kind == "check":
        argv = ["check", str(instance), "--out", str(out), *solver, "--no-exports"]
        if options.get("fix_time_limit") is not None:
            argv += ["--fix-time-limit", str(options["fix_time_limit"])]
        return argv
    if work.kind == "replan":
        argv = ["replan", str(instance), str(base), "--from", str(options["from"])]
        for away in options.get("unavailable", []):
            argv += ["--unavailable", str(away)]
        if options.get("changes"):
            argv += ["--changes", str(here / "in" / ".changes.yaml")]
        return [*argv, "--out", str(out), *solver, "--no-exports"]
    if work.kind == "whatif":
        argv = ["whatif", str(instance), str(here / "in" / ".scenarios.yaml"), "--out", str(out)]
        argv += ["--time-limit", str(options.get("time_limit", 30.0))]
        argv += ["--jobs", str(options.get("jobs", 1)), "--seed", str(options.get("seed", 0))]
        if options.get("deterministic_time") is not None:
            argv += ["--deterministic-time", str(options["deterministic_time"])]
        return argv
    if work.kind == "cover":
        argv = ["cover", str(base), "--json", "--top", str(options.get("top", 5))]
        if options.get("shift"):
            argv += ["--shift", *(str(v) for v in options["shift"])]
        if options.get("person"):
            argv += ["--person", str(options["person"]), "--from", str(options["from"])]
            if options.get("to"):
                argv += ["--to", str(options["to"])]
        if options.get("batch"):
            argv += ["--batch", str(options["batch"]), "--items", str(options["items"])]
        return argv
    raise ValueError(f"no job of kind {work.kind!r}")


def execute(work: Work, emit: Emit) -> Outcome:
    """Run the job's command in a folder of its own; what it printed comes back with it."""
    from models import InputError
    from scheduler.cli import EXIT_BAD_INPUT, build_parser

    with tempfile.TemporaryDirectory(prefix="roster-job-") as tmp:
        here = Path(tmp)
        _write_folder(here / "in", work.files)
        for name, key in ((".changes.yaml", "changes"), (".scenarios.yaml", "scenarios")):
            if work.options.get(key):
                (here / "in" / name).write_text(str(work.options[key]))
        if work.base is not None:
            _write_folder(here / "base", work.base)
        for i, past in enumerate(work.history):
            _write_folder(here / f"past{i}", past)
        args = build_parser().parse_args(argv_for(work, here))
        args.quiet = True
        hooks = Hooks(emit)
        args.hooks = hooks
        printed = io.StringIO()
        stopped = False
        try:
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                try:
                    code = int(args.run(args))
                except InputError as exc:
                    text = "\n".join(f"error: {m}" for m in exc.messages)
                    print(text)
                    code = EXIT_BAD_INPUT
                except KeyboardInterrupt:
                    print("stopped before the search found a roster")
                    code, stopped = 130, True
        finally:
            hooks.close()
        return Outcome(code, output_files(here / "out"), _plain(printed.getvalue(), here), stopped)


def _plain(text: str, here: Path) -> str:
    """What a job printed, its own folder's paths shown as the names the user gave."""
    for folder in ("in", "base", "out"):
        shown = "" if folder == "in" else f"{folder}{os.sep}"
        text = text.replace(f"{here / folder}{os.sep}", shown).replace(str(here / folder), folder)
    return text.replace(f"{here}{os.sep}", "")


def watch_lifeline(lifeline: Any) -> None:
    """Exit this process as soon as `lifeline` (a pipe's reading end, whose writing end
    only the server holds) reads its end: the server is gone, killed or not, and nobody
    will read what this worker finds. A thread of its own waits on it."""

    def wait() -> None:
        try:
            while True:
                lifeline.recv_bytes()
        except (EOFError, OSError):
            os._exit(ORPHANED)

    threading.Thread(target=wait, name="roster-lifeline", daemon=True).start()


def run_in_process(work: Work, messages: Any, lifeline: Any = None) -> None:
    """A worker process's body (`scheduler.service.jobs`): SIGINT or SIGTERM stop the
    search and keep its best roster, as Ctrl-C does on the command line; it ends with
    its server (`watch_lifeline`)."""
    from scheduler.cpsat.signals import stop_signals_keep_the_roster

    if lifeline is not None:
        watch_lifeline(lifeline)

    def emit(message: tuple[Any, ...]) -> None:
        messages.put(message)

    with stop_signals_keep_the_roster():
        emit(("started",))
        try:
            outcome = execute(work, emit)
        except KeyboardInterrupt:
            outcome = Outcome(130, {}, "stopped before the search found a roster", True)
        except Exception:  # a bug: the job fails with it, the server goes on
            outcome = Outcome(INTERNAL_ERROR, {}, traceback.format_exc(limit=8))
    messages.put(("done", outcome))
    messages.close()
    messages.join_thread()
    sys.stdout.flush()


def summary_of(files: dict[str, bytes]) -> dict[str, Any]:
    try:
        found = json.loads(files.get("summary.json", b"{}"))
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}
