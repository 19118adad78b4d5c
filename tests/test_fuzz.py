"""Random bytes, random YAML and random mutations of the shipped instances, fed to
`validate`, `solve` and `check`: every run ends in time with an exit status of 0-4,
never a traceback (an exception out of `main`), never a file outside its output folder."""

from __future__ import annotations

import copy
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduler.cli import main

INSTANCES = Path(__file__).resolve().parents[1] / "instances"
BASES = [
    yaml.safe_load((INSTANCES / name).read_text())
    for name in ("small-week.yaml", "tiny-annotated.yaml")
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.sampled_from(["mon", "2026-12-01", "09:00", "rating", "general", "ana", "", "1e308"]),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=30,
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here] if here else []
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*here, i))
    return out


@st.composite
def mutants(draw: st.DrawFn) -> dict[str, Any]:
    """A shipped instance with one to three values replaced, keys dropped or lists emptied."""
    data: dict[str, Any] = copy.deepcopy(draw(st.sampled_from(BASES)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(data)
        if not paths:
            break
        *parent_path, last = draw(st.sampled_from(paths))
        parent: Any = data
        for key in parent_path:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "drop", "empty"]))
        if action == "drop" and isinstance(parent, dict):
            del parent[last]
        elif action == "empty" and isinstance(parent[last], list | dict):
            parent[last] = type(parent[last])()
        else:
            parent[last] = draw(documents)
    return data


def _files(folder: Path, out: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and out not in p.parents
    }


def _run(command: str, content: bytes, extra: list[str], seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "week.yaml"
        path.write_bytes(content)
        out = folder / "out"
        before = _files(folder, out)
        argv = [command, str(path)]
        if command != "validate":
            argv += ["--out", str(out), "--workers", "1", "--quiet", *extra]
        started = time.monotonic()
        code = main(argv)  # an exception out of here would be a traceback for a user
        assert time.monotonic() - started < seconds
        assert code in (0, 1, 2, 3, 4)
        assert _files(folder, out) == before  # nothing written but the output folder


FUZZ = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@settings(FUZZ, max_examples=40)
@given(st.binary(max_size=2_000))
def test_random_bytes_are_validated_or_refused(
    capsys: pytest.CaptureFixture[str], content: bytes
) -> None:
    _run("validate", content, [], 30)
    capsys.readouterr()


@settings(FUZZ, max_examples=40)
@given(documents)
def test_random_yaml_is_validated_or_refused(
    capsys: pytest.CaptureFixture[str], document: Any
) -> None:
    _run("validate", yaml.safe_dump(document).encode(), [], 30)
    capsys.readouterr()


@settings(FUZZ, max_examples=40)
@given(data=mutants())
def test_mutated_instances_are_validated_or_refused(
    data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _run("validate", yaml.safe_dump(data).encode(), [], 30)
    capsys.readouterr()


@settings(FUZZ, max_examples=15)
@given(data=mutants())
def test_mutated_instances_are_solved_or_refused(
    data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _run("solve", yaml.safe_dump(data).encode(), ["--time-limit", "2", "--no-exports"], 60)
    capsys.readouterr()


@settings(FUZZ, max_examples=6)
@given(data=mutants())
def test_mutated_instances_are_checked_or_refused(
    data: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    _run("check", yaml.safe_dump(data).encode(), ["--time-limit", "2", "--no-exports"], 240)
    capsys.readouterr()
