"""Every module points to the modules that configure the rest of its app, or the other side of
its connection, and each module it names exists."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

MODULES = Path(__file__).resolve().parents[4] / "plugins" / "modules"
NAMES = sorted(path.stem for path in MODULES.glob("*.py") if path.stem != "__init__")


def documentation(name: str) -> dict:
    tree = ast.parse((MODULES / f"{name}.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "DOCUMENTATION":
            return yaml.safe_load(node.value.value)
    raise AssertionError(f"{name} has no DOCUMENTATION")


@pytest.mark.parametrize("name", NAMES)
def test_seealso_names_other_modules_of_the_collection(name):
    seealso = documentation(name).get("seealso")
    assert seealso, f"{name} has no seealso"
    named = [entry["module"] for entry in seealso if "module" in entry]
    assert named, f"{name} names no related module"
    for module in named:
        collection, _dot, short = module.rpartition(".")
        assert collection == "newmedia.mediastack" and short in NAMES and short != name, module
    assert all(entry.get("description") for entry in seealso)
    assert len(named) == len(set(named))
