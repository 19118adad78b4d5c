"""Building, solving and exporting rosters; the `roster` command line.

The Python API in a few names::

    from scheduler import SolveOptions, evaluate, read_instance, solve

    instance = read_instance("instances/demo-week.yaml")
    result = solve(instance, SolveOptions(time_limit=30))
    evaluation = evaluate(instance, result.roster)

The packages are the layers (docs/developing.md): `checker` (the independent
checker), `cpsat` (the model and its search), `diagnosis` (verdicts, conflicts,
reasons, fixes), `outputs` (the output folder and its exports) and `formats`
(reading instance files). OR-Tools is loaded only when something solves: the
names below are looked up when first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.checker import evaluate, format_report
    from scheduler.cpsat.solve import SolveOptions, solve
    from scheduler.formats import read_instance
    from scheduler.outputs.folder import (
        batch_table,
        coverage_table,
        people_table,
        roster_table,
        write_outputs,
    )

_WHERE = {
    "SolveOptions": "scheduler.cpsat.solve",
    "solve": "scheduler.cpsat.solve",
    "evaluate": "scheduler.checker",
    "format_report": "scheduler.checker",
    "read_instance": "scheduler.formats",
    "batch_table": "scheduler.outputs.folder",
    "coverage_table": "scheduler.outputs.folder",
    "people_table": "scheduler.outputs.folder",
    "roster_table": "scheduler.outputs.folder",
    "write_outputs": "scheduler.outputs.folder",
}

__all__ = [
    "SolveOptions",
    "batch_table",
    "coverage_table",
    "evaluate",
    "format_report",
    "people_table",
    "read_instance",
    "roster_table",
    "solve",
    "write_outputs",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'scheduler' has no attribute {name!r}")
