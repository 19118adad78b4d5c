"""Building, solving and exporting rosters; the `roster` command line.

The Python API in a few names::

    from models import load_instance
    from scheduler import SolveOptions, evaluate, solve

    instance = load_instance("instances/demo-week.yaml")
    result = solve(instance, SolveOptions(time_limit=30))
    evaluation = evaluate(instance, result.roster)
"""

from scheduler.checker import evaluate, format_report
from scheduler.output import (
    batch_table,
    coverage_table,
    people_table,
    roster_table,
    write_outputs,
)
from scheduler.solve import SolveOptions, solve

__all__ = [
    "SolveOptions",
    "batch_table",
    "coverage_table",
    "evaluate",
    "format_report",
    "people_table",
    "roster_table",
    "solve",
    "write_outputs",
]
