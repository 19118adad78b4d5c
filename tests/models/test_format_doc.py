"""docs/format.md documents every field of the instance format."""

from __future__ import annotations

from typing import Any

from models.loader import instance_json_schema
from tests.helpers import ROOT

DOC = ROOT / "docs" / "format.md"


def _fields(node: Any, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        out.update(node.get("properties", {}))
        for value in node.values():
            _fields(value, out)
    elif isinstance(node, list):
        for value in node:
            _fields(value, out)
    return out


def test_every_schema_field_is_on_the_format_page() -> None:
    names = _fields(instance_json_schema(), set())
    assert len(names) > 50  # the schema was walked, not an empty document
    text = DOC.read_text()
    assert sorted(n for n in names if f"`{n}`" not in text) == []
