"""The whole platform deployed by site.yml through the real deploy path, on one lab host and split
over three (edge, media, data): images from the lab registry via the registry override,
certificates from the lab's ACME CA (pebble), Authelia's forward-auth answered by its stand-in,
which evaluates the generated access_control. Then the configure playbook wires the apps: the real
qBittorrent, and contract stand-ins of the *arr apps, Jellyfin, Seerr and SABnzbd that refuse any
request their upstream OpenAPI document (or API reference) does not allow."""

from __future__ import annotations

import http.cookiejar
import json
import socket
import ssl
import subprocess
import sys
import urllib.parse
import urllib.request
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


def site(topology: Topology, *extra: str, playbook: str = "site.yml"):
    return run_playbook("-i", str(topology.inventory), "--limit", ":".join(topology.hosts), playbook, *extra)


def configure(topology: Topology, *extra: str):
    return site(topology, *extra, playbook="playbooks/configure.yml")


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
            # Deploy first, then wire: configure.yml runs twice after the deploy.
            first = site(topology, "--skip-tags", "configure")
            assert first.returncode == 0, "site.yml failed on fresh lab hosts"
            wired = [configure(topology), configure(topology)]
            yield topology, first, wired
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
    topology, first, _wired = stack
    for host in topology.hosts:
        assert recap(first.stdout)[host]["failed"] == 0
        assert recap(first.stdout)[host]["changed"] > 0


def test_each_layer_runs_where_the_inventory_puts_it(stack):
    topology, _first, _wired = stack
    for host, service in ((topology.edge, "traefik"), (topology.media, "sonarr"), (topology.data, "postgres")):
        probe = ssh(topology.address(host), "docker ps --format '{{.Names}}'")
        assert probe.returncode == 0, probe.stderr
        assert f"mediastack-{service}" in probe.stdout.split(), (host, service)
    if len(topology.hosts) > 1:
        probe = ssh(topology.address(topology.edge), "docker ps --format '{{.Names}}'")
        assert "mediastack-postgres" not in probe.stdout.split()


def test_the_host_carries_what_was_applied(stack):
    topology, _first, _wired = stack
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
    topology, _first, _wired = stack
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
    topology, _first, _wired = stack
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
    topology, _first, _wired = stack
    # Authelia (edge) keeps its sessions in Redis (data), maybe on another host: the data segment
    # spans the hosts even though it has no way out.
    probe = ssh(
        topology.address(topology.edge),
        "docker exec mediastack-authelia timeout 5 bash -c 'exec 3<>/dev/tcp/10.10.3.31/6379'",
    )
    assert probe.returncode == 0, probe.stderr


def test_a_second_run_changes_nothing(stack):
    topology, _first, _wired = stack
    again = site(topology)
    assert again.returncode == 0
    for host in topology.hosts:
        assert recap(again.stdout)[host]["changed"] == 0, host


def test_check_mode_with_diff_on_the_converged_platform_changes_nothing(stack):
    topology, _first, _wired = stack
    check = site(topology, "--check", "--diff")
    assert check.returncode == 0
    for host in topology.hosts:
        assert recap(check.stdout)[host]["changed"] == 0, host


def test_verify_alone_by_tag(stack):
    topology, _first, _wired = stack
    result = site(topology, "--tags", "verify")
    assert result.returncode == 0
    assert "Assert that every service planned for this host runs, healthy" in result.stdout
    for host in topology.hosts:
        assert recap(result.stdout)[host]["failed"] == 0


def secret(name: str) -> str:
    store = yaml.safe_load((ROOT / ".lab" / "secrets.yml").read_text(encoding="utf-8"))
    return str(store[name])


def api_get(url: str, key: str) -> object:
    assert url.startswith("http://10.10."), "only lab addresses"
    request = urllib.request.Request(url, headers={"X-Api-Key": key, "Accept": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.load(answer)


def plan_of(topology: Topology) -> dict:
    rendered = ROOT / ".lab" / "render"
    routes(topology)  # renders the plan too
    return yaml.safe_load((rendered / "plan.yaml").read_text(encoding="utf-8"))


def test_configure_wires_the_apps_and_a_second_run_changes_nothing(stack):
    topology, _first, wired = stack
    assert wired[0].returncode == 0, "the first configure run failed"
    assert sum(recap(wired[0].stdout)[host]["changed"] for host in topology.hosts) > 0
    assert wired[1].returncode == 0, "the second configure run failed"
    for host in topology.hosts:
        assert recap(wired[1].stdout)[host]["changed"] == 0, host


def test_the_apps_hold_what_configure_sent(stack):
    topology, _first, _wired = stack
    services = plan_of(topology)["services"]
    sonarr = f"http://{services['sonarr']['addresses']['media']}:8989/api/v3"
    key = secret("sonarr.api_key")
    assert [folder["path"] for folder in api_get(f"{sonarr}/rootfolder", key)] == ["/data/media/tv"]
    clients = {client["name"]: client for client in api_get(f"{sonarr}/downloadclient", key)}
    assert sorted(clients) == ["QBittorrent", "Sabnzbd"]
    fields = {field["name"]: field.get("value") for field in clients["QBittorrent"]["fields"]}
    assert fields["tvCategory"] == "tv"
    assert fields["host"] == services["gluetun"]["addresses"]["media"]
    assert api_get(f"{sonarr}/config/mediamanagement", key)["copyUsingHardlinks"] is True
    prowlarr = f"http://{services['prowlarr']['addresses']['media']}:9696/api/v1"
    applications = api_get(f"{prowlarr}/applications", secret("prowlarr.api_key"))
    assert sorted(app["name"] for app in applications) == ["Lidarr", "Radarr", "Readarr", "Sonarr"]
    assert {app["syncLevel"] for app in applications} == {"fullSync"}
    # The inventory's indexer, in Prowlarr (which syncs it on), and its Usenet provider, in SABnzbd.
    indexers = api_get(f"{prowlarr}/indexer", secret("prowlarr.api_key"))
    assert [(indexer["name"], indexer["implementation"]) for indexer in indexers] == [("Lab indexer", "Newznab")]
    sabnzbd = f"http://{services['gluetun']['addresses']['media']}:8085/api"
    query = urllib.parse.urlencode(
        {"mode": "get_config", "section": "servers", "output": "json", "apikey": secret("sabnzbd.api_key")}
    )
    with urllib.request.urlopen(f"{sabnzbd}?{query}", timeout=10) as answer:  # noqa: S310 - a lab address
        servers = json.load(answer)["config"]["servers"]
    assert [(server["name"], server["host"], server["username"]) for server in servers] == [
        ("lab-news", "news.lab.mediastack.test", "lab")
    ]


def test_the_real_qbittorrent_files_each_app_under_its_category(stack):
    topology, _first, _wired = stack
    services = plan_of(topology)["services"]
    base = f"http://{services['gluetun']['addresses']['media']}:8080"
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = urllib.request.Request(  # noqa: S310 - a lab address
        f"{base}/api/v2/auth/login",
        data=urllib.parse.urlencode({"username": "admin", "password": secret("qbittorrent.webui_password")}).encode(),
        headers={"Referer": base},
    )
    with opener.open(login, timeout=10) as answer:
        assert answer.read() == b"Ok."
    with opener.open(f"{base}/api/v2/torrents/categories", timeout=10) as answer:
        categories = json.load(answer)
    assert {name: entry["savePath"] for name, entry in categories.items()} == {
        "tv": "/data/torrents/tv",
        "movies": "/data/torrents/movies",
        "music": "/data/torrents/music",
        "books": "/data/torrents/books",
        "comics": "/data/torrents/comics",
    }
    with opener.open(f"{base}/api/v2/app/preferences", timeout=10) as answer:
        preferences = json.load(answer)
    assert preferences["auto_tmm_enabled"] is True
    assert preferences["save_path"].rstrip("/") == "/data/torrents"


def test_no_stand_in_saw_a_request_its_upstream_spec_forbids(stack):
    topology, _first, _wired = stack
    services = plan_of(topology)["services"]
    for name in ("sonarr", "radarr", "lidarr", "readarr", "prowlarr", "jellyfin", "seerr", "sabnzbd"):
        host = services[name]["host"]
        logs = ssh(topology.address(host), f"docker logs mediastack-{name} 2>&1")
        assert logs.returncode == 0, logs.stderr
        assert "violation:" not in logs.stdout, (
            name,
            [line for line in logs.stdout.splitlines() if "violation" in line],
        )
        assert "request" in logs.stdout.lower() or "GET" in logs.stdout, name
