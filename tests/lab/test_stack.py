"""The whole platform deployed by site.yml through the real deploy path, and proven from where a
user stands: on one lab host with bridge segments (the single-host default), and split over three
(edge, media, data) with macvlan segments behind the lab's router container.

The controller (this machine) reaches the hosts only over SSH on the lab's LAN and has no route into
any segment. Every browser request comes from the LAN client (`lab.py client`), which resolves each
route's name to the entry's LAN address and has no route but the LAN. Images come from the lab
registry via the registry override, certificates from the lab's ACME CA (pebble), and Authelia's
forward-auth is answered by its stand-in, which evaluates the generated access_control. Then the
configure playbook wires the apps: the real qBittorrent, and contract stand-ins of the *arr apps,
Jellyfin, Seerr and SABnzbd that refuse any request their upstream OpenAPI document (or API
reference) does not allow."""

from __future__ import annotations

import ipaddress
import json
import re
import shlex
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from .conftest import ROOT, fresh_lab_host, lab, recap, run_playbook, ssh

DOMAIN = "lab.mediastack.test"
PORTAL = f"auth.{DOMAIN}"
LAN = "192.168.60"
CONTROLLER = f"{LAN}.1"  # the LAN's gateway: this machine, where the registry listens
CLIENT = "mediastack-lab-client"
RESULTS = ROOT / ".lab" / "results"


@dataclass(frozen=True)
class Topology:
    name: str
    inventory: Path
    hosts: tuple[str, ...]
    edge: str  # carries traefik
    media: str  # carries sonarr
    data: str  # carries postgres
    segments: bool  # segments span the hosts (macvlan behind the lab's router)

    def address(self, host: str) -> str:
        """A host's LAN address, where SSH reaches it."""
        return f"{LAN}.{10 + int(host.removeprefix('lab'))}"

    @property
    def entry(self) -> str:
        """Where the LAN reaches the entry: the edge host's published ports, or the router's."""
        return f"{LAN}.2" if self.segments else self.address(self.edge)


TOPOLOGIES = {
    "one-host": Topology("one-host", ROOT / "inventories/lab", ("lab1",), "lab1", "lab1", "lab1", False),
    "three-hosts": Topology(
        "three-hosts", ROOT / "inventories/lab-three", ("lab1", "lab2", "lab3"), "lab1", "lab2", "lab3", True
    ),
}


def site(topology: Topology, *extra: str, playbook: str = "site.yml"):
    return run_playbook("-i", str(topology.inventory), "--limit", ":".join(topology.hosts), playbook, *extra)


def configure(topology: Topology, *extra: str):
    return site(topology, *extra, playbook="playbooks/configure.yml")


def acme(*args: str) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "tests/lab/acme.py"), *args], check=False, timeout=120)
    assert result.returncode == 0, f"acme.py {' '.join(args)} failed"


@pytest.fixture(scope="module", params=list(TOPOLOGIES), name="stack")
def fixture_stack(request, stack_images):
    topology = TOPOLOGIES[request.param]
    with fresh_lab_host(*topology.hosts, segments=topology.segments):
        # pebble listens on the controller's LAN address and validates HTTP-01 at the entry.
        acme("stop")
        acme("start", "--proxy", topology.entry)
        try:
            # Deploy first, then wire: configure.yml runs twice after the deploy.
            first = site(topology, "--skip-tags", "configure")
            assert first.returncode == 0, "site.yml failed on fresh lab hosts"
            wired = [configure(topology), configure(topology)]
            acme("root")
            lab("client", "--entry", topology.entry, *(route["host"] for route in routes(topology)))
            subprocess.run(
                ["docker", "cp", str(ROOT / ".lab/acme/pebble-root.pem"), f"{CLIENT}:/pebble-root.pem"], check=True
            )
            subprocess.run(["docker", "cp", str(ROOT / "tests/lab/client_probe.py"), f"{CLIENT}:/probe.py"], check=True)
            yield topology, first, wired
        finally:
            lab("client", "--stop")
            acme("stop")


RENDERED: set[str] = set()


def rendered(topology: Topology) -> Path:
    """The files the deploy writes, rendered once per test run from this checkout."""
    out = ROOT / ".lab" / "render" / topology.name
    if topology.name not in RENDERED:
        result = run_playbook(
            "-i", str(topology.inventory), "playbooks/render.yml", "-e", f"mediastack_render_dir={out}",
            "--limit", topology.edge,
        )  # fmt: skip
        assert result.returncode == 0
        RENDERED.add(topology.name)
    return out


def routes(topology: Topology) -> list[dict]:
    """Every route of the rendered dynamic configuration: name, host, and its allow-list (if any)."""
    folder = rendered(topology) / topology.edge / "config/traefik/dynamic"
    dynamic = yaml.safe_load((folder / "routes.yaml").read_text(encoding="utf-8"))["http"]
    # Traefik merges the folder's files: a router may use a middleware another file defines.
    middlewares = {}
    for path in sorted(folder.glob("*.yaml")):
        middlewares |= (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("http", {}).get("middlewares") or {}
    found = []
    for name, router in dynamic["routers"].items():
        ranges = []
        for middleware in router.get("middlewares") or []:
            spec = middlewares.get(middleware.split("@")[0]) or {}
            ranges += (spec.get("ipAllowList") or {}).get("sourceRange") or []
        found.append({"name": name, "host": router["rule"].split("`")[1], "allow": ranges})
    return found


def from_the_client(requests: list[dict]) -> list[dict]:
    """Send requests from the LAN client; its results, one per request."""
    order = json.dumps({"root": "/pebble-root.pem", "requests": requests})
    result = subprocess.run(
        ["docker", "exec", "-i", CLIENT, "python3", "/probe.py"],
        input=order, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# A concrete path for each kind of bypass pattern in the catalog: the first one a pattern matches. Each
# is a request its app's spec allows (Jellyfin's /Search/Hints requires searchTerm).
BYPASS_SAMPLES = (
    "/api", "/ping", "/api/v1/status", "/api/server/ping", "/rest/ping", "/opds", "/kobo/x", "/status",
    "/.well-known/immich", "/System/Info/Public", "/Shows/NextUp", "/Search/Hints?searchTerm=lab", "/socket",
    "/stats/x", "/socket.io/x",
    "/login",
)  # fmt: skip


def bypass_sample(pattern: str) -> str:
    for path in BYPASS_SAMPLES:
        if re.search(pattern, path):
            return path
    raise AssertionError(f"no sample path matches the bypass pattern {pattern!r}: add one to BYPASS_SAMPLES")


def portal_redirect(location: str, url: str) -> bool:
    """Exactly the portal's sign-in with the request's URL (and method, as Authelia 4.39 adds)."""
    parts = urllib.parse.urlsplit(location)
    query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
    return (parts.scheme, parts.netloc, parts.path) == ("https", PORTAL, "/") and query == {
        "rd": [url],
        "rm": ["GET"],
    }


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


def in_ranges(address: str, ranges: list[str]) -> bool:
    return any(ipaddress.ip_address(address) in ipaddress.ip_network(item, strict=False) for item in ranges)


def test_every_route_from_the_lan_client(stack):
    """Each route: the certificate verifies against pebble's root with hostname checking; its bypass
    paths reach the backend; every other path is exactly the portal's 302; an allow-listed route
    refuses the LAN client with 403. The table is written to .lab/results/ as the client saw it."""
    topology, _first, _wired = stack
    plan = yaml.safe_load((rendered(topology) / "plan.yaml").read_text(encoding="utf-8"))
    by_host = {
        service["route"]["fqdn"]: service["route"] for service in plan["services"].values() if service.get("route")
    }
    requests, expected = [], []
    for route in routes(topology):
        planned = by_host[route["host"]]
        denied = bool(route["allow"]) and not in_ranges(f"{LAN}.100", route["allow"])
        if denied:
            kind = "403"
        elif planned["policy"] == "bypass":
            kind = "backend"
        else:
            kind = "portal"
        requests.append({"scheme": "https", "host": route["host"], "path": "/"})
        expected.append((route["name"], kind))
        for pattern in planned["bypass_paths"]:
            requests.append({"scheme": "https", "host": route["host"], "path": bypass_sample(pattern)})
            expected.append((route["name"], "403" if denied else "backend"))
    results = from_the_client(requests)
    table = [f"{'route':<16} {'path':<30} {'status':>6}  {'certificate':<12} {'expected':<8} location"]
    failures = []
    for (name, kind), result in zip(expected, results, strict=True):
        url = f"https://{result['host']}{result['path']}"
        certificate = "verified" if result["verified"] and "Pebble" in result["issuer"] else "NOT VERIFIED"
        table.append(
            f"{name:<16} {result['path']:<30} {result['status']!s:>6}  {certificate:<12} {kind:<8} {result['location']}"
        )
        if result["error"] or certificate != "verified":
            failures.append((name, result["path"], result["error"] or result["issuer"]))
        elif kind == "portal" and not (result["status"] == 302 and portal_redirect(result["location"], url)):
            failures.append((name, result["path"], result["status"], result["location"]))
        elif kind == "403" and result["status"] != 403:
            failures.append((name, result["path"], result["status"]))
        elif kind == "backend" and (
            result["status"] >= 500 or urllib.parse.urlsplit(result["location"]).netloc == PORTAL
        ):
            failures.append((name, result["path"], result["status"], result["location"]))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"routes-{topology.name}.txt").write_text("\n".join(table) + "\n", encoding="utf-8")
    print("\n".join(table))
    assert not failures, failures
    assert {"portal", "backend", "403"} <= {kind for _name, kind in expected}


def client_address_at_the_entry(topology: Topology, fqdn: str) -> str:
    """The client address Traefik logged for the newest request to ``fqdn`` (its JSON access log)."""
    lines = in_app(topology, "traefik", "tail -n 200 /var/log/traefik/access.log").splitlines()
    seen = [json.loads(line) for line in lines if line.startswith("{")]
    hosts = [entry["ClientHost"] for entry in seen if entry.get("RequestHost") == fqdn]
    assert hosts, f"Traefik logged no request to {fqdn}"
    return hosts[-1]


def test_a_client_crowdsec_bans_is_refused_at_the_entry(stack):
    """The real CrowdSec's decision, enforced by the bouncer plugin Traefik loads (the lab's stand-in
    of the plugin, which asks CrowdSec's local API with the key CrowdSec registered): the LAN
    client is refused with 403 while banned, and answered again once the ban is lifted."""
    topology, _first, _wired = stack
    probe = [{"scheme": "https", "host": PORTAL, "path": "/api/health"}]
    [before] = from_the_client(probe)
    assert before["status"] == 200, before
    address = client_address_at_the_entry(topology, PORTAL)
    in_app(topology, "crowdsec", f"cscli decisions add --ip {shlex.quote(address)} --duration 10m --reason lab-test")
    try:
        [banned] = from_the_client(probe)
    finally:
        in_app(topology, "crowdsec", f"cscli decisions delete --ip {shlex.quote(address)}")
    [after] = from_the_client(probe)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bouncer-{topology.name}.txt").write_text(
        f"client at the entry: {address}\nbefore the ban: {before['status']}\nbanned: {banned['status']}\n"
        f"after the ban was lifted: {after['status']}\n",
        encoding="utf-8",
    )
    assert (banned["status"], after["status"]) == (403, 200), (banned, after)


def test_plain_http_from_the_lan_client_is_redirected_to_https(stack):
    [result] = from_the_client([{"scheme": "http", "host": f"sonarr.{DOMAIN}", "path": "/series"}])
    assert result["status"] in (301, 308), result
    assert result["location"] == f"https://sonarr.{DOMAIN}/series"


def test_the_lan_client_has_no_route_into_the_segments(stack):
    """The proofs above count only if the client could not have gone round the entry."""
    topology, _first, _wired = stack
    routes_seen = subprocess.run(
        ["docker", "exec", CLIENT, "ip", "-4", "route"], capture_output=True, text=True, check=True
    ).stdout
    assert routes_seen.split() == ["192.168.60.0/24", *routes_seen.split()[1:]], routes_seen
    assert "default" not in routes_seen and "10.10." not in routes_seen
    controller = subprocess.run(["ip", "-4", "route"], capture_output=True, text=True, check=True).stdout
    assert "10.10." not in controller, "the controller must not route into any segment"
    assert topology.entry.startswith(LAN)


def tcp_probe(topology: Topology, host: str, container: str, address: str, port: int) -> subprocess.CompletedProcess:
    """Open a TCP connection from inside a container (bash's /dev/tcp), bounded by a timeout."""
    command = f"exec 3<>/dev/tcp/{address}/{port} && echo connected"
    return ssh(topology.address(host), f"docker exec {container} timeout 10 bash -c {shlex.quote(command)}")


def said(probe: subprocess.CompletedProcess) -> str:
    return " ".join((probe.stdout + probe.stderr).split())


def test_a_service_on_the_data_segment_cannot_open_a_connection_out(stack):
    """From the data segment nothing leads out: the same probe from a media container reaches the
    registry on the controller's LAN address (the control), from a data container it is refused as
    unreachable (no route in bridge mode's internal network; the router's reject in macvlan mode).
    A bare timeout would not count."""
    topology, _first, _wired = stack
    inside = tcp_probe(topology, topology.data, "mediastack-postgres", CONTROLLER, 5000)
    control = tcp_probe(topology, topology.media, "mediastack-sonarr", CONTROLLER, 5000)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"data-probe-{topology.name}.txt").write_text(
        f"postgres (data) -> {CONTROLLER}:5000: exit {inside.returncode}: {said(inside)}\n"
        f"sonarr (media) -> {CONTROLLER}:5000: exit {control.returncode}: {said(control)}\n",
        encoding="utf-8",
    )
    assert control.returncode == 0 and "connected" in control.stdout, ("the control must connect", control.stderr)
    assert inside.returncode not in (0, 124), inside
    assert "unreachable" in inside.stderr.lower(), inside.stderr
    if not topology.segments:
        network = ssh(
            topology.address(topology.data), "docker network inspect mediastack_data --format '{{.Internal}}'"
        )
        assert network.stdout.strip() == "true", network


def test_the_download_clients_go_out_only_through_the_vpn_gateway(stack):
    """With `vpn` on, qBittorrent and SABnzbd live in Gluetun's network namespace. Gluetun here is a
    lab stand-in (tests/lab/standins/gluetun.py) that loads the firewall Gluetun documents, its kill
    switch, and brings up no tunnel: so nothing may leave but to the segments the clients answer.
    From each client the registry on the controller's LAN address is refused while Sonarr, on the
    same host, reaches it (the control), and each client still reaches Sonarr's media address."""
    topology, _first, _wired = stack
    plan = yaml.safe_load((rendered(topology) / "plan.yaml").read_text(encoding="utf-8"))
    sonarr = plan["services"]["sonarr"]["addresses"]["media"]
    control = tcp_probe(topology, topology.media, "mediastack-sonarr", CONTROLLER, 5000)
    lines = [f"sonarr (media) -> {CONTROLLER}:5000: exit {control.returncode}: {said(control)}"]
    outcomes = {}
    for client in ("qbittorrent", "sabnzbd"):
        mode = ssh(
            topology.address(topology.media),
            f"docker inspect --format '{{{{.HostConfig.NetworkMode}}}}' mediastack-{client}",
        )
        out = tcp_probe(topology, topology.media, f"mediastack-{client}", CONTROLLER, 5000)
        inside = tcp_probe(topology, topology.media, f"mediastack-{client}", sonarr, 8989)
        outcomes[client] = (mode.stdout.strip(), out, inside)
        lines += [
            f"{client} network mode: {mode.stdout.strip()}",
            f"{client} -> {CONTROLLER}:5000: exit {out.returncode}: {said(out)}",
            f"{client} -> sonarr {sonarr}:8989: exit {inside.returncode}: {said(inside)}",
        ]
    counters = ssh(
        topology.address(topology.media), "docker exec mediastack-gluetun nft list counters table inet gluetun_standin"
    )
    lines.append("gluetun stand-in counters: " + " ".join(counters.stdout.split()))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"egress-{topology.name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert control.returncode == 0 and "connected" in control.stdout, ("the control must connect", control.stderr)
    for client, (mode, out, inside) in outcomes.items():
        assert mode.startswith("container:"), (client, mode)
        assert out.returncode not in (0, 124) and "no route to host" in out.stderr.lower(), (client, out)
        assert inside.returncode == 0 and "connected" in inside.stdout, (client, inside.stderr)


def test_a_service_on_the_data_segment_answers_its_consumers(stack):
    topology, _first, _wired = stack
    # Authelia (edge) keeps its sessions in Redis (data), maybe on another host: the data segment
    # spans the hosts even though it has no way out.
    probe = ssh(
        topology.address(topology.edge),
        "docker exec mediastack-authelia timeout 5 bash -c 'exec 3<>/dev/tcp/10.10.3.31/6379'",
    )  # Redis' planned data address
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


def in_app(topology: Topology, service: str, command: str) -> str:
    """Run a command inside a service's container on its host (over SSH): the app answers on its
    own loopback, so what it holds is read the same way in every topology."""
    host = plan_of(topology)["services"][service]["host"]
    probe = ssh(topology.address(host), f"docker exec mediastack-{service} sh -c {shlex.quote(command)}")
    assert probe.returncode == 0, (service, probe.stderr)
    return probe.stdout


def api_get(topology: Topology, service: str, where: str, key: str) -> object:
    """GET an app's API (`where` is port and path) from inside its container, with its API key."""
    url = f"http://127.0.0.1:{where}"
    command = f"curl -fsS --max-time 10 -H {shlex.quote('X-Api-Key: ' + key)} -H 'Accept: application/json' {url}"
    return json.loads(in_app(topology, service, command))


def plan_of(topology: Topology) -> dict:
    return yaml.safe_load((rendered(topology) / "plan.yaml").read_text(encoding="utf-8"))


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
    key = secret("sonarr.api_key")

    def sonarr(path: str) -> object:
        return api_get(topology, "sonarr", f"8989/api/v3{path}", key)

    assert [folder["path"] for folder in sonarr("/rootfolder")] == ["/data/media/tv"]
    clients = {client["name"]: client for client in sonarr("/downloadclient")}
    assert sorted(clients) == ["QBittorrent", "Sabnzbd"]
    fields = {field["name"]: field.get("value") for field in clients["QBittorrent"]["fields"]}
    assert fields["tvCategory"] == "tv"
    assert fields["host"] == services["gluetun"]["addresses"]["media"]
    assert sonarr("/config/mediamanagement")["copyUsingHardlinks"] is True
    prowlarr_key = secret("prowlarr.api_key")
    applications = api_get(topology, "prowlarr", "9696/api/v1/applications", prowlarr_key)
    assert sorted(app["name"] for app in applications) == ["Lidarr", "Radarr", "Readarr", "Sonarr"]
    assert {app["syncLevel"] for app in applications} == {"fullSync"}
    # The inventory's indexer, in Prowlarr (which syncs it on), and its Usenet provider, in SABnzbd.
    indexers = api_get(topology, "prowlarr", "9696/api/v1/indexer", prowlarr_key)
    assert [(indexer["name"], indexer["implementation"]) for indexer in indexers] == [("Lab indexer", "Newznab")]
    query = urllib.parse.urlencode(
        {"mode": "get_config", "section": "servers", "output": "json", "apikey": secret("sabnzbd.api_key")}
    )
    answer = in_app(topology, "sabnzbd", f"curl -fsS --max-time 10 'http://127.0.0.1:8085/api?{query}'")
    servers = json.loads(answer)["config"]["servers"]
    assert [(server["name"], server["host"], server["username"]) for server in servers] == [
        ("lab-news", "news.lab.mediastack.test", "lab")
    ]


def test_the_real_qbittorrent_files_each_app_under_its_category(stack):
    topology, _first, _wired = stack
    base = "http://127.0.0.1:8080"
    login = urllib.parse.urlencode({"username": "admin", "password": secret("qbittorrent.webui_password")})
    # Sign in and read both answers in one shell, the session cookie kept in a variable.
    command = (
        f"sid=$(curl -fsS --max-time 10 -i -H 'Referer: {base}' --data {shlex.quote(login)} {base}/api/v2/auth/login"
        " | tr -d '\\r' | sed -n 's/^[Ss]et-[Cc]ookie: \\(SID=[^;]*\\).*/\\1/p');"
        f' curl -fsS --max-time 10 -b "$sid" {base}/api/v2/torrents/categories; echo;'
        f' curl -fsS --max-time 10 -b "$sid" {base}/api/v2/app/preferences'
    )
    categories_text, preferences_text = in_app(topology, "qbittorrent", command).split("\n", 1)
    categories = json.loads(categories_text)
    assert {name: entry["savePath"] for name, entry in categories.items()} == {
        "tv": "/data/torrents/tv",
        "movies": "/data/torrents/movies",
        "music": "/data/torrents/music",
        "books": "/data/torrents/books",
        "comics": "/data/torrents/comics",
    }
    preferences = json.loads(preferences_text)
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
