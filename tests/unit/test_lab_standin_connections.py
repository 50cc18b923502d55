"""The lab stand-ins open the connections their environment names (tests/lab/standins/standin.py).

A stand-in that answered healthy whatever address it was given would hide a wrong database host or
upstream URL from the lab, so it tries each one the environment names, at start and on every
health request, and answers 503 while one fails. These tests use loopback listeners only: a
listening socket is reachable, a socket bound but not listening refuses the connection.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog

from ..lab.standins import standin
from . import test_authelia_standin as authelia_tests
from . import test_lab_api_standins as api_standins
from .standin_process import STANDIN, START_WAIT_S, STOP_WAIT_S, free_port, standin_process

ROOT = Path(__file__).resolve().parents[2]
CATALOG = load_catalog(ROOT / "catalog" / "services")


@contextmanager
def listener() -> Iterator[int]:
    """A loopback port that accepts connections."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield server.getsockname()[1]


@contextmanager
def closed_port() -> Iterator[int]:
    """A loopback port that refuses connections: bound (so nothing else takes it), not listening."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        yield server.getsockname()[1]


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"CROWDSEC_AGENT_HOST": "10.10.2.22:8080"}, [("CROWDSEC_AGENT_HOST", "10.10.2.22", 8080)]),
        (
            {
                "DB_HOSTNAME": "10.10.3.34",
                "REDIS_HOSTNAME": "10.10.3.31",
                "IMMICH_MACHINE_LEARNING_URL": "http://10.10.1.45:3003",
                "DB_PASSWORD_FILE": "/run/secrets/immich-postgres.password",
            },
            [
                ("DB_HOSTNAME", "10.10.3.34", 5432),
                ("IMMICH_MACHINE_LEARNING_URL", "10.10.1.45", 3003),
                ("REDIS_HOSTNAME", "10.10.3.31", 6379),
            ],
        ),
        ({"POSTGRES_IP": "10.10.3.30", "POSTGRES_PORT": "5433"}, [("POSTGRES_IP", "10.10.3.30", 5433)]),
        ({"LOKI_URL": "https://loki.example.com/loki/api/v1/push"}, [("LOKI_URL", "loki.example.com", 443)]),
        ({"UPSTREAM_ADDRESS": "[fd00::5]:9000"}, [("UPSTREAM_ADDRESS", "fd00::5", 9000)]),
        (
            {
                "HOMEPAGE_ALLOWED_HOSTS": "homepage.example.com,10.10.2.89:3000",
                "VPN_ENDPOINT_IP": "203.0.113.7",
                "FIREWALL_OUTBOUND_SUBNETS": "10.10.1.0/24",
                "STANDIN_SERVICE": "homepage",
                "TZ": "Europe/Berlin",
                "PUID": "1000",
                "SOME_HOST": "",
                "CACHE_HOST": "10.10.3.40",
                "BAD_URL": "http://10.10.1.5:99999/",
            },
            [],
        ),
    ],
    ids=["host-port", "bare-hosts-and-url", "host-and-port-variables", "url-default-port", "ipv6", "no-connections"],
)
def test_the_connections_an_environment_names(environ, expected):
    assert standin.named_connections(environ) == expected


def peer_environment(entry: dict) -> dict[str, str]:
    """The entry's peers variables as the renderer fills them: every peer at 10.10.9.9, its port."""
    environ = {}
    for variable, template in entry["peers"].items():
        value = template
        for peer in CATALOG:
            value = value.replace(f"{{{peer}.address}}", "10.10.9.9").replace(
                f"{{{peer}.port}}", str(CATALOG[peer]["port"])
            )
        environ[variable] = value
    return environ


@pytest.mark.parametrize("name", sorted(name for name, entry in CATALOG.items() if entry["peers"]))
def test_every_peer_address_in_the_catalog_is_a_connection_the_standin_opens(name):
    environ = peer_environment(CATALOG[name])
    checked = {variable for variable, _host, _port in standin.named_connections(environ)}
    addresses = {variable for variable, value in environ.items() if "10.10.9.9" in value}
    assert addresses <= checked, f"{name}: {sorted(addresses - checked)} would go unchecked"


def test_a_reachable_address_is_no_problem_and_a_closed_port_is_one():
    with listener() as open_port, closed_port() as shut:
        connections = [("DB_HOSTNAME", "127.0.0.1", open_port), ("REDIS_HOSTNAME", "127.0.0.1", shut)]
        started = time.monotonic()
        problems = standin.unreachable(connections, timeout=0.5)
        assert time.monotonic() - started < 5
    assert len(problems) == 1
    assert problems[0].startswith(f"REDIS_HOSTNAME names 127.0.0.1:{shut}, which cannot be reached")


def health(port: int, path: str) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        connection.close()


@contextmanager
def running_standin(peer_port: int) -> Iterator[tuple[int, subprocess.Popen]]:
    """standin.py as the image starts it, its environment naming a peer at 127.0.0.1:peer_port."""
    port = free_port()
    environ = {
        "STANDIN_SERVICE": "jellystat",
        "STANDIN_PORTS": str(port),
        "STANDIN_PATHS": "/auth/isconfigured",
        "POSTGRES_IP": "127.0.0.1",
        "POSTGRES_PORT": str(peer_port),
    }
    with standin_process(port, environ) as process:
        yield port, process


def probe(port: int, peer_port: int) -> int:
    environ = {"PATH": os.environ.get("PATH", ""), "STANDIN_PORTS": str(port), "STANDIN_PATHS": "/auth/isconfigured"}
    environ.update(POSTGRES_IP="127.0.0.1", POSTGRES_PORT=str(peer_port))
    return subprocess.run(
        [sys.executable, str(STANDIN), "--probe"], env=environ, capture_output=True, timeout=30, check=False
    ).returncode


def test_the_health_check_is_healthy_while_the_named_database_answers():
    with listener() as database, running_standin(database) as (port, _process):
        assert health(port, "/auth/isconfigured")[0] == 200
        assert probe(port, database) == 0


def test_the_health_check_fails_when_the_named_database_cannot_be_reached():
    with closed_port() as database, running_standin(database) as (port, process):
        status, document = health(port, "/auth/isconfigured")
        assert status == 503
        assert document["unreachable"][0].startswith(f"POSTGRES_IP names 127.0.0.1:{database}, which cannot")
        # Only the health paths depend on the peers: `/` still answers, so the stand-in is up.
        assert health(port, "/")[0] == 200
        assert probe(port, database) == 1
        process.terminate()
        output = process.communicate(timeout=STOP_WAIT_S)[0]
    assert f"POSTGRES_IP names 127.0.0.1:{database}: unhealthy until it can be reached" in output


def test_a_contract_standin_is_unhealthy_while_a_named_connection_fails():
    with listener() as upstream, closed_port() as shut:
        extra = {"SONARR__AUTH__APIKEY": api_standins.KEY, "UPSTREAM_URL": f"http://127.0.0.1:{upstream}/"}
        with api_standins.running("sonarr", **extra) as (port, process):
            assert api_standins.request(port, "/ping")[0] == 200
            api_standins.stop(process)
        extra["DB_HOSTNAME"], extra["DB_PORT"] = "127.0.0.1", str(shut)
        with api_standins.running("sonarr", **extra) as (port, process):
            status, body = api_standins.request(port, "/ping")
            assert status == 503
            assert f"DB_HOSTNAME names 127.0.0.1:{shut}" in body.decode()
            # The API itself still answers: only the health check depends on the connections.
            headers = {"X-Api-Key": api_standins.KEY}
            assert api_standins.request(port, "/api/v3/system/status", headers=headers)[0] == 200
            output = api_standins.stop(process)
    assert f"DB_HOSTNAME names 127.0.0.1:{shut}: unhealthy until it can be reached" in output
    assert f"UPSTREAM_URL names 127.0.0.1:{upstream}: reached" in output


def authelia_app(stores: dict) -> authelia_tests.standin.App:
    document = {**authelia_tests.EXAMPLE, **stores}
    document["session"] = {**authelia_tests.EXAMPLE["session"], **stores.get("session", {})}
    settings = authelia_tests.standin.parse_configuration(document)
    users = authelia_tests.standin.parse_users(authelia_tests.USERS)
    app = authelia_tests.standin.App(settings, users, log=lambda _line: None)
    app.check_stores = True
    return app


def test_the_portal_standin_opens_the_stores_its_configuration_names():
    with listener() as postgres, listener() as redis, closed_port() as shut:
        healthy = {
            "storage": {"postgres": {"address": f"tcp://127.0.0.1:{postgres}"}},
            "session": {"redis": {"host": "127.0.0.1", "port": redis}},
        }
        app = authelia_app(healthy)
        assert app.settings.stores == (
            ("storage.postgres.address", "127.0.0.1", postgres),
            ("session.redis.host", "127.0.0.1", redis),
        )
        with authelia_tests.serving(app) as address:
            assert authelia_tests.call(address, "GET", "/api/health").status == 200
        wrong = {**healthy, "session": {"redis": {"host": "127.0.0.1", "port": shut}}}
        with authelia_tests.serving(authelia_app(wrong)) as address:
            answer = authelia_tests.call(address, "GET", "/api/health")
    assert answer.status == 503
    assert answer.json()["unreachable"][0].startswith(f"session.redis.host names 127.0.0.1:{shut}")


def test_the_portal_program_checks_its_stores(tmp_path):
    port = free_port()
    with listener() as postgres, closed_port() as shut:
        document = {
            **authelia_tests.EXAMPLE,
            "server": {"address": f"tcp://127.0.0.1:{port}/"},
            "storage": {"postgres": {"address": f"tcp://127.0.0.1:{postgres}"}},
            "session": {**authelia_tests.EXAMPLE["session"], "redis": {"host": "127.0.0.1", "port": shut}},
        }
        path = authelia_tests.write_config(tmp_path, document)
        command = [sys.executable, str(authelia_tests.STANDIN), "--config", str(path), "--state", str(tmp_path / "x")]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + START_WAIT_S
            while True:
                try:
                    answer = authelia_tests.call(("127.0.0.1", port), "GET", "/api/health")
                    break
                except OSError:
                    assert process.poll() is None and time.monotonic() < deadline, "the stand-in did not start"
                    time.sleep(0.05)
        finally:
            process.terminate()
            output = process.communicate(timeout=STOP_WAIT_S)[0]
    assert answer.status == 503
    assert f"storage.postgres.address names 127.0.0.1:{postgres}: reached" in output
    assert f"session.redis.host names 127.0.0.1:{shut}: unhealthy until it can be reached" in output
