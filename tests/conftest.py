"""Every test that solves runs strict: a figure of the solver's that differs from the
checker's on the roster it wrote raises (`scheduler.cpsat.solve.certified`). Set in the
environment, so that the command-line tests' own processes run strict too."""

from __future__ import annotations

import os

from scheduler.cpsat.solve import STRICT

os.environ[STRICT] = "1"
