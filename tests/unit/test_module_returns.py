"""Every module documents a sample of each value it returns, of the documented type. The module tests
(tests/unit/plugins/modules/harness.py) also hold each run's result to RETURN: every value
returned on success present, nothing undocumented, each of its documented type."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from .plugins.modules.harness import _of_type

MODULES = sorted((Path(__file__).resolve().parents[2] / "plugins" / "modules").glob("*.py"))


def returns(path: Path) -> dict:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [getattr(target, "id", "") for target in node.targets] == ["RETURN"]:
            return yaml.safe_load(node.value.value) or {}
    raise AssertionError(f"{path.name} has no RETURN")


@pytest.mark.parametrize("path", MODULES, ids=[path.stem for path in MODULES])
def test_every_return_value_has_a_sample_of_its_type(path):
    for key, spec in returns(path).items():
        assert "sample" in spec, f"{key} has no sample"
        assert _of_type(spec["sample"], spec["type"]), f"the sample of {key} is no {spec['type']}"
