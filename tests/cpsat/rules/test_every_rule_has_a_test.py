"""Every rule module in scheduler/rules has its own test module here."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import ROOT

RULES = ROOT / "scheduler" / "cpsat" / "rules"


def test_every_rule_module_has_tests() -> None:
    modules = sorted(p.stem for p in RULES.glob("*.py") if p.stem != "__init__")
    assert modules, "no rule modules found"
    missing = []
    for name in modules:
        test_file = Path(__file__).parent / f"test_{name}.py"
        if not test_file.exists() or "def test_" not in test_file.read_text():
            missing.append(name)
    assert missing == [], f"rule modules without tests: {missing}"
