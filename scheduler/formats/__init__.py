"""Instance files of every format the commands read, into the one instance model.

`read_instance(path)`: our format (`models.loader`: YAML or JSON, long lists as CSV
files), or a `.txt` file of the Curtois-Qu benchmark (`scheduler.formats.curtois`,
benchmark policy: every shift at 00:00, 168 h caps, the goal weights it does not use
zeroed). Imports models only.
"""

from __future__ import annotations

from pathlib import Path

from models import InputError, Instance, load_instance
from models.loader import validate_instance
from scheduler.formats.curtois import curtois_data, is_curtois


def read_instance(path: str | Path) -> Instance:
    """Read and validate an instance file of any known format; `InputError` on a problem."""
    path = Path(path)
    if is_curtois(path):
        try:
            benchmark = curtois_data(path)
        except (ValueError, KeyError, IndexError) as exc:
            raise InputError([f"{path}: not a valid benchmark file: {exc}"]) from None
        return validate_instance(benchmark, path)
    return load_instance(path)


__all__ = ["read_instance"]
