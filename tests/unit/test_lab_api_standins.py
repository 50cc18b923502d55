"""The lab's API stand-in (tests/lab/standins/api.py), started as the stack images start it.

Each test runs api.py as a process on a free loopback port with the environment lab.py bakes into
the image (the contract module, its arguments and spec from API_STANDINS; ports and health paths
from the catalog) and asks it over HTTP: the health check answers without a key, the API wants the
key the app would find (Sonarr from the environment, Readarr from its config.xml).
"""

from __future__ import annotations

import http.client
import os
import shlex
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog

from ..lab import lab

ROOT = Path(__file__).resolve().parents[2]
API = ROOT / "tests" / "lab" / "standins" / "api.py"
CATALOG = load_catalog(ROOT / "catalog" / "services")
START_WAIT_S = 30
STOP_WAIT_S = 10
KEY = "0123456789abcdef0123456789abcdef"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request(port: int, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def health_checks(name: str) -> list[tuple[str, str]]:
    """(method, path and query) of each URL the catalog's health check asks; wget --spider asks HEAD."""
    command = lab.health_command(CATALOG[name])
    method = "HEAD" if "--spider" in command else "GET"
    return [(method, url.path + (f"?{url.query}" if url.query else "")) for url in lab.health_urls(CATALOG[name])]


def standin_env(name: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of the service's image, listening on `port` on loopback."""
    module, args, spec = lab.API_STANDINS[name]
    entry = CATALOG[name]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONDONTWRITEBYTECODE": "1",
        "STANDIN_SERVICE": name,
        "STANDIN_PORTS": str(port),
        "STANDIN_PATHS": ",".join(url.path or "/" for url in lab.health_urls(entry)),
        "STANDIN_METRICS": entry["metrics"]["path"] if entry.get("metrics") else "",
        "STANDIN_CONTRACT": module,
        "STANDIN_CONTRACT_ARGS": shlex.join(args),
        "STANDIN_SPEC": str(lab.SPECS_DIR / spec) if spec else "",
        "STANDIN_BIND": "127.0.0.1",
        "STANDIN_CONFIG_DIR": "/nonexistent",
        **extra,
    }


@contextmanager
def running(name: str, **extra: str):
    """api.py for `name` on a free port until the block ends; yields (port, the process)."""
    assert not lab.api_standin_fallback(name), "every contract stand-in's spec is in tests/specs"
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(API)],
        env=standin_env(name, port, **extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + START_WAIT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"api.py for {name} exited with {process.returncode}:\n{process.stdout.read()}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"api.py for {name} did not listen on {port} within {START_WAIT_S} s")
                time.sleep(0.1)
        yield port, process
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_WAIT_S)


def stop(process: subprocess.Popen) -> str:
    """Stop api.py (SIGTERM) and return what it logged."""
    process.terminate()
    output, _errors = process.communicate(timeout=STOP_WAIT_S)
    assert process.returncode == 0, output
    return output


def test_sonarr_takes_its_key_from_the_environment():
    with running("sonarr", SONARR__AUTH__APIKEY=KEY) as (port, process):
        assert request(port, "/ping")[0] == 200
        status, body = request(port, "/api/v3/system/status", headers={"X-Api-Key": KEY})
        assert status == 200, body
        assert b'"appName": "Sonarr"' in body
        assert request(port, "/api/v3/system/status")[0] == 401
        assert request(port, "/api/v3/system/status", headers={"X-Api-Key": "wrong"})[0] == 401
        output = stop(process)
    assert "API key from env SONARR__AUTH__APIKEY" in output
    assert '"GET /api/v3/system/status HTTP/1.1" 401' in output
    assert "violation" not in output.replace("0 violation(s)", "")


def test_readarr_takes_its_key_from_config_xml(tmp_path):
    (tmp_path / "config.xml").write_text(f"<Config>\n  <Port>8787</Port>\n  <ApiKey>{KEY}</ApiKey>\n</Config>\n")
    with running("readarr", STANDIN_CONFIG_DIR=str(tmp_path)) as (port, process):
        assert request(port, "/ping")[0] == 200
        assert request(port, "/api/v1/system/status", headers={"X-Api-Key": KEY})[0] == 200
        assert request(port, "/api/v1/system/status")[0] == 401
        output = stop(process)
    assert f"API key from {tmp_path / 'config.xml'}" in output


def test_a_request_the_spec_refuses_is_a_logged_violation():
    with running("radarr", RADARR__AUTH__APIKEY=KEY) as (port, process):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(
            "POST", "/api/v3/tag", body=b'{"label": 5}', headers={"X-Api-Key": KEY, "Content-Type": "application/json"}
        )
        assert connection.getresponse().status == 400
        connection.close()
        output = stop(process)
    assert "violation: POST /api/v3/tag body label" in output


@pytest.mark.parametrize("name", sorted(lab.API_STANDINS))
def test_the_catalog_health_check_is_answered(name, tmp_path):
    (tmp_path / "sabnzbd.ini").write_text(f"[misc]\nport = 8085\napi_key = {KEY}\n")
    with running(name, STANDIN_CONFIG_DIR=str(tmp_path)) as (port, _process):
        checks = health_checks(name)
        assert checks, f"{name} has no http health check in the catalog"
        for method, path in checks:
            status, body = request(port, path, method)
            assert status == 200, f"{method} {path}: {status} {body!r}"
        metrics = CATALOG[name].get("metrics")
        if metrics and metrics["port"] == CATALOG[name]["port"]:
            status, body = request(port, metrics["path"])
            assert status == 200
            assert b"standin_up" in body
