"""The instance model's derived views follow its fields."""

from __future__ import annotations

from scheduler.formats import read_instance
from tests.helpers import ROOT


def test_a_changed_copy_derives_its_views_anew() -> None:
    # small-week has 8 people; a copy keeping 2 must look up 2, though the original had
    # already cached its lookup of 8
    inst = read_instance(ROOT / "instances" / "small-week.yaml")
    assert len(inst.person_by_id) == 8 and len(inst.requirements) > 0
    copy = inst.model_copy(update={"people": inst.people[:2], "demand": []})
    assert sorted(copy.person_by_id) == sorted(p.id for p in inst.people[:2])
    assert copy.requirements == []
    assert len(inst.person_by_id) == 8


def test_weights_are_named_as_their_goals_and_old_names_still_read() -> None:
    from models import Weights
    from models.goals import GOALS

    # every goal has its weight, by the goal's name, with the goal's default
    assert list(Weights.model_fields) == [g.name for g in GOALS]
    assert Weights().model_dump() == {g.name: g.weight for g in GOALS}
    old = Weights.model_validate({"late_item": 3, "preference": 7, "uncovered_interval": 9})
    new = Weights.model_validate({"late_items": 3, "preferences": 7, "uncovered_intervals": 9})
    assert old == new and new.late_items == 3 and new.preferences == 7
