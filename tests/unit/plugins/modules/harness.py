"""Running a module's ``main()`` in-process, and a free loopback port, for the module tests."""

from __future__ import annotations

import socket
import sys
from unittest import mock

import pytest
import yaml
from ansible.module_utils import basic
from ansible.module_utils.testing import patch_module_args


class ModuleExit(Exception):
    """Raised in place of exit_json / fail_json; ``result`` holds what the module returned."""

    def __init__(self, result: dict, failed: bool):
        super().__init__(result.get("msg", ""))
        self.result = result
        self.failed = failed


def run_module(main, args: dict, check_mode: bool = False, diff: bool = False) -> tuple[bool, dict]:
    """``(failed, result)`` of one in-process run of a module's ``main()`` with ``args``."""

    def exit_json(self, **kwargs):
        raise ModuleExit(kwargs, failed=False)

    def fail_json(self, msg, **kwargs):
        raise ModuleExit(dict(kwargs, msg=msg), failed=True)

    full = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with (
        patch_module_args(full),
        mock.patch.object(basic.AnsibleModule, "exit_json", exit_json),
        mock.patch.object(basic.AnsibleModule, "fail_json", fail_json),
        pytest.raises(ModuleExit) as outcome,
    ):
        main()
    if not outcome.value.failed:
        check_returned(main, outcome.value.result, diff)
    return outcome.value.failed, outcome.value.result


#: What every module may return without documenting it (Ansible's common return values).
COMMON = {"changed", "msg", "warnings", "deprecations", "invocation", "diff"}
TYPES = {"str": str, "int": int, "bool": bool, "dict": dict, "list": list, "float": float}


def _of_type(value: object, kind: str) -> bool:
    wanted = TYPES[kind]
    return isinstance(value, wanted) and not (wanted is int and isinstance(value, bool))


def check_returned(main, result: dict, diff: bool) -> None:
    """The result holds what the module's RETURN documents, with the documented types: every value
    returned on success is there, nothing undocumented is added, and each documented sample has its
    value's type, so the docs cannot drift from what the module returns."""
    documented = yaml.safe_load(sys.modules[main.__module__].RETURN) or {}
    undocumented = sorted(set(result) - set(documented) - COMMON)
    assert undocumented == [], f"{main.__module__} returns undocumented keys {undocumented}"
    for key, spec in documented.items():
        if spec["returned"] == "success" or (key == "diff" and diff):
            assert key in result, f"{main.__module__} documents {key} as returned on success, but did not return it"
        if result.get(key) is not None:
            assert _of_type(result[key], spec["type"]), f"{main.__module__}: {key} is not of type {spec['type']}"
        assert "sample" in spec, f"{main.__module__}: {key} has no sample"
        assert _of_type(spec["sample"], spec["type"]), f"{main.__module__}: the sample of {key} is no {spec['type']}"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (at the time of asking)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
