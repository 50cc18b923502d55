"""Shared fixtures of the lab tests: lab hosts, playbook runs, and what their recaps say.

The lab tests run only when ``MEDIASTACK_LAB=1`` (``make lab`` sets it): they need a Docker engine,
the lab images, and a few minutes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from .lab import ssh_command

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LAB = [sys.executable, str(ROOT / "tests/lab/lab.py")]
LAB_INVENTORY = ROOT / "inventories/lab"
RECAP_RE = re.compile(r"^(?P<host>\S+)\s+:\s+(?P<counts>(?:\w+=\d+\s*)+)$", re.MULTILINE)


def pytest_collection_modifyitems(items):
    if os.environ.get("MEDIASTACK_LAB") == "1":
        return
    skip = pytest.mark.skip(reason="lab tests need MEDIASTACK_LAB=1 and a Docker engine (run `make lab`)")
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


def lab_run(*args: str, timeout: float = 900) -> subprocess.CompletedProcess:
    """Run a lab.py command and return its result, whatever it is."""
    return subprocess.run([*LAB, *args], capture_output=True, text=True, check=False, timeout=timeout)


def lab(*args: str, timeout: float = 900) -> str:
    """Run a lab.py command; fail the test with its output when it fails."""
    result = lab_run(*args, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"lab.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


@contextmanager
def fresh_lab_host(*names: str, segments: bool = False) -> Iterator[str]:
    """Lab hosts that start clean and are removed afterwards (with every other lab host: the lab
    runs one topology at a time); yields the first name. With `segments` the hosts share segment
    networks behind the lab's router."""
    lab("down")
    lab("up", *names, *(["--segments"] if segments else []))
    try:
        yield names[0]
    finally:
        lab("down")


@pytest.fixture(scope="session", name="stack_images")
def fixture_stack_images() -> str:
    """The lab registry, holding every catalog image (built where its inputs changed): made once
    per test run for every test that deploys or inspects them; `stack-images`' output."""
    lab("registry")
    return lab("stack-images", timeout=3600)


def ansible_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        ANSIBLE_FORCE_COLOR="false",
        ANSIBLE_NOCOLOR="true",
        ANSIBLE_RETRY_FILES_ENABLED="false",
    )
    env.update(extra)
    return env


def run_playbook(*args: str, cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run ansible-playbook; the output (stdout and stderr together) is kept for assertions."""
    result = subprocess.run(
        [str(BIN / "ansible-playbook"), *args],
        cwd=cwd,
        env=env or ansible_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
        timeout=1800,
    )
    print(result.stdout)  # shown by pytest when the test fails
    return result


def recap(output: str) -> dict[str, dict[str, int]]:
    """The PLAY RECAP counts per host, e.g. ``{"lab1": {"ok": 30, "changed": 0, ...}}``."""
    counts = {}
    for match in RECAP_RE.finditer(output.split("PLAY RECAP", 1)[-1]):
        pairs = (pair.split("=") for pair in match.group("counts").split())
        counts[match.group("host")] = {key: int(value) for key, value in pairs}
    return counts


def ssh(host_address: str, command: str) -> subprocess.CompletedProcess:
    """Run a read-only command on a lab host over SSH, as Ansible reaches it."""
    return subprocess.run(ssh_command(host_address, command), capture_output=True, text=True, check=False, timeout=60)
