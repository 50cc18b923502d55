"""Run the lab's shared stand-in program (tests/lab/standins/standin.py) on loopback for a test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

STANDIN = Path(__file__).resolve().parents[2] / "tests" / "lab" / "standins" / "standin.py"
START_WAIT_S = 20
STOP_WAIT_S = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def standin_process(port: int, environ: dict[str, str]) -> Iterator[subprocess.Popen]:
    """standin.py as an image starts it, with ``environ`` (and PATH) and listening on ``port``;
    it is stopped when the block ends. Fails the test if it does not listen in time."""
    process = subprocess.Popen(
        [sys.executable, str(STANDIN)],
        env={"PATH": os.environ.get("PATH", ""), **environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + START_WAIT_S
        while time.monotonic() < deadline:
            with socket.socket() as attempt:
                if attempt.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert process.poll() is None, process.communicate()[0]
            time.sleep(0.1)
        else:
            pytest.fail(f"standin.py did not listen on {port} within {START_WAIT_S} s")
        yield process
    finally:
        process.terminate()
        process.wait(timeout=STOP_WAIT_S)
