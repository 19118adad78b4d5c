"""Faults under load, measured: the run of `tests/service/test_faults.py`, its figures.

    python benchmarks/faults.py            # one run
    python benchmarks/faults.py --repeat 3

`roster serve --jobs 2` (its own process, the embedded store in a temporary folder) with
20 clients at once, each with a one-day week of its own: upload, a patch of a week all of
them patch, a renewal of one person's feed, then two rounds of a patch, a solve (one
worker, its own seed; every fourth stopped at once) and a publish (half of them clash).
Beside them two solves of the demo week: the first's worker is killed with SIGKILL once
it has a best roster, then the server is stopped with SIGTERM while a client streams the
second's events, and started again on the same folder and port. The scenario and its
checks are `tests/service/faults.py`.

Printed: the requests by kind and answer, the jobs by state, the rosters the checker
read, the time from the kill to the job marked interrupted, how long the server was away
for the restart and how many requests were refused meanwhile (sent again), the time of
each step, the processes left, and each problem found (none, when the service holds).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.service.faults import run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="runs, one after the other")
    args = parser.parse_args(argv)
    failed = 0
    for number in range(1, args.repeat + 1):
        figures = run()
        print(f"run {number}:")
        for line in figures.lines():
            print(f"  {line}")
        failed += bool(figures.problems or figures.processes_left)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
