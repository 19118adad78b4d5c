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
