"""The README's examples run as written, and CI runs the README's test command."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_api_example_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    assert blocks, "the README shows the Python API"
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


def test_ci_runs_the_readme_commands() -> None:
    commands = re.findall(r"```sh\n(python -m pip install .*?)\n```", README)
    assert len(commands) == 2, commands
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = next(c for c in commands if "pytest" in c)
    assert test_command in ci
    main_command = next(c for c in commands if "roster solve" in c)
    assert main_command.split("&& ")[1] in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
