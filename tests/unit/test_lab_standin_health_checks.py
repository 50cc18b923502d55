"""The lab's shared stand-in passes the catalog health check of the service it stands in for.

lab.py bakes into each stand-in image the ports and health paths it reads from the catalog's
health check. A check that asks no URL argument, such as Alloy's bash script over /dev/tcp,
must still give the stand-in its port and path, or the stand-in answers 404 and stays unhealthy.
These tests build the stand-in's build arguments as `lab.py stack-images` does, start
standin.py with them on a free loopback port, and run the catalog's own check against it.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog

from ..lab import lab
from .standin_process import free_port, standin_process

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(ROOT / "catalog" / "services")


@pytest.mark.parametrize(
    ("name", "urls"),
    [
        ("alloy", ["http://127.0.0.1:12345/-/ready"]),
        ("loki", ["http://127.0.0.1:3100/ready"]),
        ("socket-proxy", ["http://localhost:2375/_ping"]),
        ("traefik", []),
    ],
    ids=["bash-dev-tcp", "program-with-url-flag", "wget-url", "no-url"],
)
def test_the_lab_reads_the_url_each_health_check_asks(name, urls):
    assert [url.geturl() for url in lab.health_urls(CATALOG[name])] == urls


def test_alloys_standin_gets_its_port_and_ready_path_and_runs_its_check_with_the_base_bash(tmp_path):
    entry = CATALOG["alloy"]
    context = lab.standin_context("alloy", entry, tmp_path)
    assert context is not None
    _path, build_args = context
    assert build_args["STANDIN_PORTS"] == "12345"
    assert build_args["STANDIN_PATHS"] == "/-/ready"
    assert build_args["STANDIN_METRICS"] == "/metrics"
    assert build_args["STANDIN_USER"] == "0:0"
    # bash is one of the stack base's programs: the check runs as written, with no shim.
    assert lab.standin_shims(entry) == {}
    assert "bash" in lab.BASE_PROGRAMS


@contextmanager
def running_standin(paths: str) -> Iterator[int]:
    """standin.py as Alloy's stand-in image starts it, on a free port; yields the port."""
    port = free_port()
    environ = {"STANDIN_SERVICE": "alloy", "STANDIN_PORTS": str(port), "STANDIN_PATHS": paths}
    with standin_process(port, {**environ, "STANDIN_METRICS": "/metrics"}):
        yield port


def alloy_check(port: int) -> int:
    """Alloy's catalog health check, run by bash with its port replaced by ``port``."""
    test = CATALOG["alloy"]["healthcheck"]
    assert test[:3] == ["CMD", "bash", "-c"], test
    script = test[3].replace(f"/{CATALOG['alloy']['port']}", f"/{port}")
    return subprocess.run(["bash", "-c", script], capture_output=True, timeout=30, check=False).returncode


@pytest.mark.parametrize(
    ("paths", "healthy"),
    [
        (",".join(url.path for url in lab.health_urls(CATALOG["alloy"])), True),
        # What the stand-in got before the lab read /dev/tcp checks: /-/ready was a 404.
        ("", False),
    ],
    ids=["paths-from-the-check", "no-paths"],
)
def test_alloys_standin_passes_alloys_health_check(paths, healthy):
    with running_standin(paths) as port:
        assert (alloy_check(port) == 0) is healthy
