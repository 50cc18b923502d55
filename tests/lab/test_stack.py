"""The whole platform deployed by site.yml through the real deploy path, on one lab host and split
over three (edge, media, data): images from the lab registry via the registry override,
certificates from the lab's ACME CA (pebble), Authelia's forward-auth answered by its stand-in,
which evaluates the generated access_control."""

from __future__ import annotations

import socket
import ssl
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, fresh_lab_host, lab, recap, run_playbook, ssh

PROXY = "10.10.4.20"  # traefik's dmz address (slot 20)
DOMAIN = "lab.mediastack.test"


@dataclass(frozen=True)
class Topology:
    inventory: Path
    hosts: tuple[str, ...]
    edge: str  # carries traefik
    media: str  # carries sonarr
    data: str  # carries postgres

    def address(self, host: str) -> str:
        return f"10.10.2.{10 + int(host.removeprefix('lab'))}"


TOPOLOGIES = {
    "one-host": Topology(ROOT / "inventories/lab", ("lab1",), "lab1", "lab1", "lab1"),
    "three-hosts": Topology(ROOT / "inventories/lab-three", ("lab1", "lab2", "lab3"), "lab1", "lab2", "lab3"),
}


def site(topology: Topology, *extra: str):
    return run_playbook("-i", str(topology.inventory), "--limit", ":".join(topology.hosts), "site.yml", *extra)


def acme(command: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tests/lab/acme.py"), command], check=False, timeout=120)
    assert result.returncode == 0, f"acme.py {command} failed"


@pytest.fixture(scope="module", params=list(TOPOLOGIES), name="stack")
def fixture_stack(request):
    topology = TOPOLOGIES[request.param]
    lab("registry")
    lab("stack-images", timeout=3600)
    with fresh_lab_host(*topology.hosts):
        # pebble listens on the dmz gateway, which exists while a lab host is up.
        acme("stop")
        acme("start")
        try:
            first = site(topology)
            assert first.returncode == 0, "site.yml failed on fresh lab hosts"
            yield topology, first
        finally:
            acme("stop")


def routes(topology: Topology) -> list[dict]:
    rendered = ROOT / ".lab" / "render"
    result = run_playbook(
        "-i", str(topology.inventory), "playbooks/render.yml", "-e", f"mediastack_render_dir={rendered}",
        "--limit", topology.edge,
    )  # fmt: skip
    assert result.returncode == 0
    dynamic = (rendered / topology.edge / "config/traefik/dynamic/routes.yaml").read_text(encoding="utf-8")
    routers = yaml.safe_load(dynamic)["http"]["routers"]
    return [{"name": name, "host": router["rule"].split("`")[1]} for name, router in routers.items()]


def https_get(host: str, path: str = "/", accept: str = "text/html") -> tuple[int, dict, dict]:
    """GET https://host/path from Traefik's dmz address: status, headers, and the peer certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    with (
        socket.create_connection((PROXY, 443), timeout=10) as raw,
        context.wrap_socket(raw, server_hostname=host) as tls,
    ):
        der = tls.getpeercert(binary_form=True)
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: {accept}\r\nConnection: close\r\n\r\n"
        tls.sendall(request.encode())
        response = b""
        while chunk := tls.recv(65536):
            response += chunk
    head = response.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    status = int(head[0].split()[1])
    headers = {line.split(":", 1)[0].lower(): line.split(":", 1)[1].strip() for line in head[1:] if ":" in line}
    issuer = subprocess.run(
        ["openssl", "x509", "-inform", "DER", "-noout", "-issuer"], input=der, capture_output=True, check=True
    ).stdout.decode()
    return status, headers, {"issuer": issuer}


def test_site_converges_fresh_hosts(stack):
    topology, first = stack
    for host in topology.hosts:
        assert recap(first.stdout)[host]["failed"] == 0
        assert recap(first.stdout)[host]["changed"] > 0


def test_each_layer_runs_where_the_inventory_puts_it(stack):
    topology, _first = stack
    for host, service in ((topology.edge, "traefik"), (topology.media, "sonarr"), (topology.data, "postgres")):
        probe = ssh(topology.address(host), "docker ps --format '{{.Names}}'")
        assert probe.returncode == 0, probe.stderr
        assert f"mediastack-{service}" in probe.stdout.split(), (host, service)
    if len(topology.hosts) > 1:
        probe = ssh(topology.address(topology.edge), "docker ps --format '{{.Names}}'")
        assert "mediastack-postgres" not in probe.stdout.split()


def test_the_host_carries_what_was_applied(stack):
    topology, _first = stack
    probe = ssh(
        topology.address(topology.edge),
        "id -u media; id -g media; stat -c '%a %U:%G' /data/media/movies /data/usenet/complete/tv;"
        " docker info --format '{{.LiveRestoreEnabled}} {{.LoggingDriver}}'; docker compose version --short;"
        " docker network inspect bridge --format '{{range .IPAM.Config}}{{.Subnet}}{{end}}'",
    )
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.split("\n")
    assert lines[:4] == ["1000", "1000", "2775 media:media", "2775 media:media"]
    assert lines[4] == "true json-file"
    assert lines[5].lstrip("v").startswith("2.")
    # docker0 sits in the first address pool, clear of the segments.
    assert lines[6] == "172.30.0.0/24"


def test_every_route_answers_over_https_with_a_certificate_from_the_acme_ca(stack):
    topology, _first = stack
    checked = []
    for route in routes(topology):
        status, _headers, certificate = https_get(route["host"])
        assert "Pebble Intermediate CA" in certificate["issuer"], route
        if route["name"] == "traefik":
            # The dashboard answers only the admin segment; this request comes from the dmz.
            assert status == 403, (route, status)
        else:
            assert status in (200, 302), (route, status)
        checked.append(route["name"])
    assert "sonarr" in checked
    assert "authelia" in checked


def test_an_unauthenticated_request_to_a_protected_route_goes_to_the_portal(stack):
    status, headers, _certificate = https_get(f"sonarr.{DOMAIN}", "/series")
    assert status == 302
    location = urllib.parse.urlsplit(headers["location"])
    assert location.netloc == f"auth.{DOMAIN}"
    assert urllib.parse.parse_qs(location.query)["rd"] == [f"https://sonarr.{DOMAIN}/series"]


def test_an_api_path_with_its_own_key_bypasses_the_portal(stack):
    status, _headers, _certificate = https_get(f"sonarr.{DOMAIN}", "/ping")
    assert status == 200


def test_plain_http_is_redirected_to_https(stack):
    with socket.create_connection((PROXY, 80), timeout=10) as raw:
        raw.sendall(f"GET / HTTP/1.1\r\nHost: sonarr.{DOMAIN}\r\nConnection: close\r\n\r\n".encode())
        head = raw.recv(4096).decode("latin-1")
    assert head.split()[1] in ("301", "308")
    assert f"Location: https://sonarr.{DOMAIN}/" in head


def test_a_service_on_the_data_segment_cannot_open_a_connection_out(stack):
    topology, _first = stack
    address = topology.address(topology.data)
    # The registry on this machine answers from every other segment; from the data segment
    # nothing leads there (or anywhere out): the lab's router drops it.
    probe = "docker exec mediastack-postgres timeout 5 bash -c 'exec 3<>/dev/tcp/10.10.2.1/5000'"
    inside = ssh(address, probe)
    assert inside.returncode != 0
    assert "unreachable" in inside.stderr.lower() or inside.returncode == 124, inside.stderr
    control = ssh(address, "timeout 5 bash -c 'exec 3<>/dev/tcp/10.10.2.1/5000'")
    assert control.returncode == 0, "the registry must answer from the host itself, or the probe proves nothing"


def test_a_service_on_the_data_segment_answers_its_consumers(stack):
    topology, _first = stack
    # Authelia (edge) keeps its sessions in Redis (data), maybe on another host: the data segment
    # spans the hosts even though it has no way out.
    probe = ssh(
        topology.address(topology.edge),
        "docker exec mediastack-authelia timeout 5 bash -c 'exec 3<>/dev/tcp/10.10.3.31/6379'",
    )
    assert probe.returncode == 0, probe.stderr


def test_a_second_run_changes_nothing(stack):
    topology, _first = stack
    again = site(topology)
    assert again.returncode == 0
    for host in topology.hosts:
        assert recap(again.stdout)[host]["changed"] == 0, host


def test_check_mode_with_diff_on_the_converged_platform_changes_nothing(stack):
    topology, _first = stack
    check = site(topology, "--check", "--diff")
    assert check.returncode == 0
    for host in topology.hosts:
        assert recap(check.stdout)[host]["changed"] == 0, host


def test_verify_alone_by_tag(stack):
    topology, _first = stack
    result = site(topology, "--tags", "verify")
    assert result.returncode == 0
    assert "Assert that every service planned for this host runs, healthy" in result.stdout
    for host in topology.hosts:
        assert recap(result.stdout)[host]["failed"] == 0
