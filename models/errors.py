"""Bad input, said as a user can act on it: `InputError` and the pieces of its messages.

Every message names the file, the field path (`format_path`: `people[3].skills`) and
the value (`show`: short, whatever its size), and where a name is close to a known
one, says which (`suggest`: "did you mean 'safety'?"). Used by the loader, the patch
operations and the commands alike.
"""

from __future__ import annotations

import difflib
import reprlib
from typing import Any

SHOWN_CHARS = 80
"""The most characters of a value a message shows."""

_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxdict = 3, 8, 8
_REPR.maxstring, _REPR.maxother = SHOWN_CHARS, 40


class InputError(Exception):
    """Input that cannot be planned from: each message names file, field and value."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def format_path(loc: tuple[int | str, ...]) -> str:
    """A field's place in the instance: `people[3].skills.safety`."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def show(value: Any) -> str:
    """A value as a message shows it: short, whatever its size (never the whole repr)."""
    text = _REPR.repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def suggest(name: str, known: list[str] | None) -> str:
    """ "; did you mean 'x'?" for a close known name, else the known names in order."""
    if not known:
        return ""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f"; did you mean {close[0]!r}?"
    return f" (known: {', '.join(known)})"
