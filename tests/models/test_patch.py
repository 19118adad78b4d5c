"""`models.patch`: the one way to change an instance, by id (docs/whatif.md)."""

from __future__ import annotations

import pytest

from models.patch import PatchError, patched
from tests.helpers import agent, micro


def test_append_adds_items_at_the_end_of_a_list_making_it_when_missing() -> None:
    inst = micro(people=[agent("ana", unavailable=[{"day": "mon"}]), agent("bo")])
    changed = patched(
        inst,
        {
            "append": {
                "people.ana.unavailable": [{"day": "tue"}],
                "people.bo.fixed": [{"day": "wed", "shift": "day", "activity": "general"}],
            }
        },
    )
    assert [u.day for u in changed.person_by_id["ana"].unavailable] == ["mon", "tue"]
    (fixed,) = changed.person_by_id["bo"].fixed
    assert (fixed.day, fixed.shift, fixed.activity) == ("wed", "day", "general")
    assert inst.person_by_id["bo"].fixed == []  # the instance itself is not changed


def test_append_to_what_is_not_a_list_is_an_error() -> None:
    inst = micro(people=[agent("ana")])
    with pytest.raises(PatchError, match=r"append: people\.ana\.speed is 1\.0, not a list"):
        patched(inst, {"append": {"people.ana.speed": [2]}})
    with pytest.raises(PatchError, match="append: expected a non-empty mapping"):
        patched(inst, {"append": {"people.ana.fixed": []}})


def test_an_id_holding_dots_is_reached_whole() -> None:
    # `a.b` is one person's id: people.a.b.speed is that person's speed, the longest id
    # that matches winning over the person `a`
    inst = micro(people=[agent("a"), agent("a.b"), agent("a.b.c")])
    changed = patched(inst, {"set": {"people.a.b.speed": 1.5, "people.a.speed": 0.5}})
    assert [p.speed for p in changed.people] == [0.5, 1.5, 1.0]
    changed = patched(inst, {"append": {"people.a.b.c.unavailable": [{"day": "mon"}]}})
    assert [len(p.unavailable) for p in changed.people] == [0, 0, 1]
