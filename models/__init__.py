"""The domain: instance format, roster and results. Never imports the solver."""

from models.errors import InputError
from models.instance import (
    RATING,
    Batch,
    Contract,
    Demand,
    Difficulty,
    FixedAssignment,
    History,
    Horizon,
    Instance,
    Person,
    Preference,
    Queue,
    Rates,
    Role,
    Rules,
    ShiftTemplate,
    Unavailability,
    Weights,
)
from models.loader import load_instance
from models.result import Evaluation, GoalFigure, SolveResult, SolveStatus, Violation
from models.roster import ROSTER_COLUMNS, Assignment, read_roster_csv, write_roster_csv

__all__ = [
    "RATING",
    "ROSTER_COLUMNS",
    "Assignment",
    "Batch",
    "Contract",
    "Demand",
    "Difficulty",
    "Evaluation",
    "FixedAssignment",
    "GoalFigure",
    "History",
    "Horizon",
    "InputError",
    "Instance",
    "Person",
    "Preference",
    "Queue",
    "Rates",
    "Role",
    "Rules",
    "ShiftTemplate",
    "SolveResult",
    "SolveStatus",
    "Unavailability",
    "Violation",
    "Weights",
    "load_instance",
    "read_roster_csv",
    "write_roster_csv",
]
