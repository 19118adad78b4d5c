"""The layers and their import direction (docs/developing.md).

    models  <-  checker  <-  cpsat  <-  diagnosis
    models  <-  outputs, formats
    the commands (cli, whatif, replan, demand, generate) on any of them

OR-Tools is imported by cpsat, diagnosis and the commands only (`replan` adds its
own objective to the model), and importing `models`, the
checker, the outputs, the formats, the shortfall reasons or `scheduler` itself does
not load it.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ALLOWED: dict[str, set[str]] = {
    "models": {"models"},
    "checker": {"models", "checker"},
    "cpsat": {"models", "checker", "cpsat", "ortools"},
    "diagnosis": {"models", "checker", "cpsat", "diagnosis", "ortools"},
    "outputs": {"models", "outputs"},
    "formats": {"models", "formats"},
    "commands": {
        "models",
        "checker",
        "cpsat",
        "diagnosis",
        "outputs",
        "formats",
        "commands",
        "ortools",
    },
}
LAYERS = ("checker", "cpsat", "diagnosis", "outputs", "formats")


def layer(module: str) -> str | None:
    """The layer of a module by its dotted name; None for third-party modules."""
    parts = module.split(".")
    if parts[0] == "models":
        return "models"
    if parts[0] == "ortools":
        return "ortools"
    if parts[0] != "scheduler":
        return None
    if len(parts) > 1 and parts[1] in LAYERS:
        return parts[1]
    return "commands"


def modules() -> list[tuple[str, Path]]:
    out = []
    for package in ("models", "scheduler"):
        for path in sorted((ROOT / package).rglob("*.py")):
            dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            out.append((dotted.removesuffix(".__init__"), path))
    return out


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from scheduler import x` reaches the module scheduler.x
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_every_module_imports_only_its_own_and_lower_layers() -> None:
    wrong = []
    for name, path in modules():
        mine = layer(name)
        assert mine is not None
        for target in imports(path):
            theirs = layer(target)
            if theirs is None or name == "scheduler":  # the lazy public API names any
                continue
            if theirs not in ALLOWED[mine]:
                wrong.append(f"{name} ({mine}) imports {target} ({theirs})")
    assert wrong == []


def test_the_layers_exist_as_packages() -> None:
    for package in ("models", *(f"scheduler/{name}" for name in LAYERS)):
        assert (ROOT / package / "__init__.py").exists(), package
    assert (ROOT / "scheduler" / "cpsat" / "rules" / "__init__.py").exists()
    assert (ROOT / "scheduler" / "cpsat" / "search" / "__init__.py").exists()


@pytest.mark.parametrize(
    "module",
    [
        "models",
        "scheduler",
        "scheduler.checker",
        "scheduler.outputs.folder",
        "scheduler.outputs.exports",
        "scheduler.formats",
        "scheduler.diagnosis.reasons",
        "scheduler.diagnosis.verdict",
        "scheduler.cli",
    ],
)
def test_importing_does_not_load_ortools(module: str) -> None:
    code = (
        f"import sys, {module}\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'ortools')\n"
        "assert not loaded, loaded\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_each_rule_id_is_declared_once_and_named_alike_everywhere() -> None:
    """Each checker family declares its rule ids once; the model's family of the same
    name (the variables for `activities`) holds exactly those, and guards no others;
    the families, the row rules and docs/rules.md name the same ids."""
    import re

    from scheduler.checker import FAMILIES, ROW_RULES, RULE_IDS
    from scheduler.cpsat import variables
    from scheduler.cpsat.model import HARD_RULES

    declared = [rule for family in FAMILIES for rule in family.RULES] + list(ROW_RULES)
    assert len(declared) == len(set(declared)), "a rule id declared twice"
    assert set(declared) == set(RULE_IDS)
    text = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = text.split("## Hard rules", 1)[1].split("###", 1)[0]
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE))
    assert documented == set(RULE_IDS)

    checked = {family.__name__.rsplit(".", 1)[1]: family for family in FAMILIES}
    model_families = {add.__module__: importlib.import_module(add.__module__) for add in HARD_RULES}
    assert variables.RULES is checked.pop("activities").RULES
    for name, module in model_families.items():
        family = checked.pop(name.rsplit(".", 1)[1])
        assert module.RULES is family.RULES, name
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        used = set(re.findall(r"m\.(?:holds|holding)\([^\"]*\"([a-z_]+)\"", source, flags=re.S))
        assert used <= set(module.RULES), (name, used - set(module.RULES))
    assert checked == {}, "a checker family without a model family"


def test_every_package_is_installed() -> None:
    """Each package folder is in pyproject's package list, so an install carries it."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in ("models", "scheduler")
        for init in (ROOT / top).rglob("__init__.py")
    }
    assert found == listed


def test_no_tracked_text_points_outside_the_repository() -> None:
    """Code, docs and benchmarks name paths inside the repository only."""
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    # written in two parts so that this file does not name them itself
    outside = [
        a + b for a, b in (("../", "shared"), ("/wo", "rk/"), ("/ro", "ot/"), ("/ho", "me/"))
    ]
    wrong = []
    for name in listed:
        path = ROOT / name
        if path.suffix not in {".py", ".md", ".toml", ".yaml", ".yml", ".txt", ""}:
            continue
        if not path.is_file() or path.stat().st_size > 1_000_000:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        wrong += [f"{name}: {word}" for word in outside if word in text]
    assert wrong == []
