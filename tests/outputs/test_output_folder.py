"""The output folder's swap: a kill at any point leaves a folder that the next run
finishes or rolls back, and the leftovers roster made are cleaned."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from scheduler.outputs.folder import COMPLETE, MARKER, WRITER, recover, staged_folder


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _folder(path: Path, roster: str, *, complete: bool = False, pid: int | None = None) -> Path:
    path.mkdir()
    (path / MARKER).write_text("")
    (path / "roster.csv").write_text(roster)
    if complete:
        (path / COMPLETE).write_text("")
    if pid is not None:
        (path / WRITER).write_text(str(pid))
    return path


def test_a_kill_between_the_renames_is_finished(tmp_path: Path) -> None:
    # killed after `out` became `.out.old` and before the whole new folder became `out`
    _folder(tmp_path / ".out.old", "old")
    _folder(tmp_path / ".out.abc123", "new", complete=True, pid=_dead_pid())
    recover(tmp_path / "out")
    assert (tmp_path / "out" / "roster.csv").read_text() == "new"
    assert not (tmp_path / "out" / COMPLETE).exists()
    assert not (tmp_path / "out" / WRITER).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_kill_while_writing_rolls_back(tmp_path: Path) -> None:
    # killed while the new folder was written (not whole), after `out` was moved away
    _folder(tmp_path / ".out.old", "old")
    _folder(tmp_path / ".out.abc123", "half", pid=_dead_pid())
    recover(tmp_path / "out")
    assert (tmp_path / "out" / "roster.csv").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_leftovers_of_a_dead_writer_go_those_of_a_live_one_stay(tmp_path: Path) -> None:
    _folder(tmp_path / "out", "current")
    _folder(tmp_path / ".out.dead1", "half", pid=_dead_pid())
    _folder(tmp_path / ".out.live1", "half", pid=os.getppid())  # a live process
    (tmp_path / ".out.notours").mkdir()  # no marker: not roster's, not touched
    recover(tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.live1", ".out.notours", "out"]
    assert (tmp_path / "out" / "roster.csv").read_text() == "current"


def test_a_staged_write_recovers_first_and_leaves_nothing_behind(tmp_path: Path) -> None:
    _folder(tmp_path / ".out.old", "old")
    with staged_folder(tmp_path / "out") as staging:
        (staging / "roster.csv").write_text("newest")
    assert (tmp_path / "out" / "roster.csv").read_text() == "newest"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [MARKER, "roster.csv"]
