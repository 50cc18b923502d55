"""Folders where an image keeps its own configuration: the shipped catalog's mounts over them
(``image_config``) get a rendered file, or the image seeds them itself."""

from __future__ import annotations

import copy
import json
import os
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog, own_folders
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import host_files
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.alertmanager import alertmanager_config
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.alloy import alloy_config
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.grafana import grafana_datasources
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.prometheus import prometheus_config

SERVICES = Path(__file__).resolve().parents[4] / "catalog" / "services"
CATALOG = load_catalog(SERVICES)
LAYERS = ["mediastack_edge", "mediastack_data", "mediastack_media", "mediastack_content", "mediastack_observability"]
SETTINGS = {"puid": 1001, "pgid": 1002, "timezone": "Etc/UTC", "data_root": "/data", "config_root": "/srv/ms"}
#: Between them, these plans carry every service of the catalog (Plex and Jellyfin companions
#: exclude each other).
FEATURES = {"jellyfin": {"vpn": True}, "plex": {"vpn": True, "plex": True}}


def catalog_plan(features: dict) -> dict:
    inventory = {"hosts": {"one": LAYERS}, "domain": "example.com", "features": features, "settings": SETTINGS}
    return build_plan(CATALOG, inventory)


PLANS = {name: catalog_plan(features) for name, features in FEATURES.items()}


def plan_with(service: str) -> dict:
    return next(plan for plan in PLANS.values() if service in plan["services"])


def rendered_folders(plan: dict) -> set[str]:
    """The folders of the configuration root that host_files writes at least one file into."""
    return {path.split("/")[1] for path in host_files(plan, "one") if path.startswith("config/")}


def test_the_plans_of_this_test_carry_every_service():
    assert set(CATALOG) == {name for plan in PLANS.values() for name in plan["services"]}


@pytest.mark.parametrize("name", sorted(name for name, entry in CATALOG.items() if entry["image_config"]))
def test_no_mount_hides_an_images_configuration_with_nothing_rendered_into_it(name):
    """A folder of ours over a place the image keeps its configuration starts empty: unless the
    image seeds it, the plan must render the configuration into it, or the app starts without one
    (Alertmanager exits: "Loading configuration file failed")."""
    folders = {target: folder for folder, target in own_folders(CATALOG[name]).items()}
    written = rendered_folders(plan_with(name))
    empty = [
        f"{target} (from {SETTINGS['config_root']}/{folders[target]})"
        for target, fill in sorted(CATALOG[name]["image_config"].items())
        if fill == "rendered" and folders[target] not in written
    ]
    assert not empty, f"{name}: nothing is rendered into {', '.join(empty)}"


# -- Alertmanager: checked and started by the real program ------------------------------------
INSTALL_HINT = "apt-get install prometheus-alertmanager, as tools/host-deps.sh does"
READY_WAIT_S = 30.0


def program(*names: str) -> str:
    """The first of ``names`` on PATH. Missing, it skips the test, or fails it in CI (CI=true),
    where tools/host-deps.sh has installed it and its absence is a broken machine."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    message = f"{' or '.join(names)} is not installed ({INSTALL_HINT})"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)
    return ""


def written(plan: dict, path: str) -> str:
    """The content host_layout writes at ``path``: the exact bytes the deploy puts on the host."""
    files = {item["path"]: item for item in host_layout(plan, "one", None, SETTINGS)["files"]}
    assert path in files, f"nothing is written at {path}"
    return files[path]["content"]


def alertmanager_folder(tmp_path: Path) -> Path:
    """The host folder mounted at /etc/alertmanager, as the deploy fills it."""
    folder = tmp_path / "alertmanager-etc"
    folder.mkdir()
    content = written(plan_with("alertmanager"), f"{SETTINGS['config_root']}/alertmanager-etc/alertmanager.yml")
    (folder / "alertmanager.yml").write_text(content, encoding="utf-8")
    return folder


def run_alertmanager(config: Path, storage: Path) -> tuple[int, str]:
    """Start the real Alertmanager on a free loopback port (no cluster listener), wait until it
    answers /-/ready, stop it. Returns the status it answered (0 if it exited first) and its log."""
    binary = program("prometheus-alertmanager", "alertmanager")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = storage / "alertmanager.log"
    arguments = [
        binary,
        f"--config.file={config}",
        f"--storage.path={storage}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--cluster.listen-address=",
    ]
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with log.open("w") as output:
        process = subprocess.Popen(arguments, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + READY_WAIT_S
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with opener.open(f"http://127.0.0.1:{port}/-/ready", timeout=2) as response:
                    return response.status, log.read_text(encoding="utf-8")
            except OSError:
                time.sleep(0.2)
        return 0, log.read_text(encoding="utf-8")
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def test_the_rendered_alertmanager_yml_passes_amtools_check(tmp_path):
    amtool = program("amtool")
    folder = alertmanager_folder(tmp_path)
    check = subprocess.run(
        [amtool, "check-config", str(folder / "alertmanager.yml")],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS" in check.stdout


def test_the_real_alertmanager_starts_on_the_rendered_config_folder(tmp_path):
    folder = alertmanager_folder(tmp_path)
    storage = tmp_path / "data"
    storage.mkdir()
    status, log = run_alertmanager(folder / "alertmanager.yml", storage)
    assert status == 200, f"Alertmanager did not become ready:\n{log}"


def test_the_real_alertmanager_refuses_an_empty_config_folder(tmp_path):
    """The control: what the image did with the empty mount, before anything was rendered."""
    (tmp_path / "empty").mkdir()
    storage = tmp_path / "data"
    storage.mkdir()
    status, log = run_alertmanager(tmp_path / "empty" / "alertmanager.yml", storage)
    assert status == 0
    assert "Loading configuration file failed" in log


def test_alertmanager_groups_by_alert_host_and_service_to_a_receiver_without_integrations():
    """Alertmanager's configuration page (prometheus.io/docs/alerting/latest/configuration/):
    the top-level route must name a receiver and match everything; a receiver with only a name
    sends nothing (a "null" receiver); group_by takes label names."""
    config = alertmanager_config()
    assert config["route"] == {
        "receiver": "default",
        "group_by": ["alertname", "host", "job"],
        "group_wait": "30s",
        "group_interval": "5m",
        "repeat_interval": "4h",
    }
    assert config["receivers"] == [{"name": "default"}]
    # The labels grouped by are those Prometheus gives every target (prometheus_config): the job
    # is named after the service, and host is the host it runs on.
    jobs = prometheus_config(plan_with("alertmanager"))["scrape_configs"]
    assert all(job["job_name"] in CATALOG and "host" in job["static_configs"][0]["labels"] for job in jobs)


def test_alertmanager_yml_lands_in_the_folder_mounted_at_etc_alertmanager_owned_by_its_user():
    plan = plan_with("alertmanager")
    observability = host_files(plan, "one")["compose/observability/compose.yaml"]
    assert "/srv/ms/alertmanager-etc:/etc/alertmanager" in observability["services"]["alertmanager"]["volumes"]
    layout = host_layout(plan, "one", None, SETTINGS)
    item = {file["path"]: file for file in layout["files"]}["/srv/ms/alertmanager-etc/alertmanager.yml"]
    assert (item["owner"], item["group"], item["mode"], item["service"]) == ("65534", "65534", "0640", "alertmanager")
    folders = {folder["path"]: folder for folder in layout["directories"]}
    assert (folders["/srv/ms/alertmanager-etc"]["owner"], folders["/srv/ms/alertmanager-etc"]["group"]) == (
        "65534",
        "65534",
    )


# -- Alloy: config.alloy, read as Alloy's configuration syntax reads it ---------------------
# https://grafana.com/docs/alloy/latest/get-started/configuration-syntax/ (blocks, attributes,
# references <component>.<label>.<export>) and the reference pages of discovery.docker,
# discovery.relabel, loki.source.docker, local.file_match, loki.source.file and loki.write.
BLOCK = re.compile(r"^([a-z_]+(?:\.[a-z_]+)+) \"([a-z_]+)\" \{$")
ATTRIBUTE = re.compile(r"^([a-z_]+) *= (.+)$")
REFERENCE = re.compile(r"\b((?:discovery|loki|local)\.[a-z_]+(?:\.[a-z_]+)?)\.([a-z_]+)\.([a-z_]+)\b")


def alloy_blocks(text: str) -> dict[tuple[str, str], dict]:
    """The components of ``config.alloy``: (name, label) -> attributes (values as Python data),
    with ``rule`` blocks as a list under ``rule`` and the ``endpoint`` block under ``endpoint``.
    Fails on anything outside this subset of the syntax, or on unbalanced braces."""
    components: dict[tuple[str, str], dict] = {}
    stack: list[dict] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("//"):
            continue
        if match := BLOCK.match(line):
            assert not stack, f"line {number}: a component inside another: {raw}"
            stack.append(components.setdefault(match.groups(), {}))
        elif line in ("rule {", "endpoint {"):
            assert stack, f"line {number}: {raw}"
            block: dict = {}
            if line == "rule {":
                stack[-1].setdefault("rule", []).append(block)
            else:
                stack[-1]["endpoint"] = block
            stack.append(block)
        elif line == "}":
            assert stack, f"line {number}: a brace closes nothing"
            stack.pop()
        elif match := ATTRIBUTE.match(line):
            key, value = match.groups()
            assert stack, f"line {number}: an attribute outside a block: {raw}"
            stack[-1][key] = alloy_value(value)
        else:
            pytest.fail(f"line {number}: not in the syntax these tests read: {raw}")
    assert not stack, "a block is never closed"
    return components


def alloy_value(text: str) -> object:
    """A value: a string, a list, an object with quoted keys (JSON once ``=`` is ``:``), or a
    reference to another component's export, kept as the text."""
    if REFERENCE.fullmatch(text):
        return text
    if text.startswith("[") and REFERENCE.search(text):
        return [item.strip() for item in text.strip("[]").split(",")]
    return json.loads(re.sub(r'" = ', '": ', text))


def relabel(rules: list[dict], labels: dict[str, str]) -> dict[str, str]:
    """Prometheus relabelling as discovery.relabel applies ``replace`` rules (the default action):
    the source labels joined by ``;``, the regex anchored, ``$1`` as the replacement, no change on
    no match; then the labels that do not start with ``__`` (what becomes a stream label)."""
    labels = dict(labels)
    for rule in rules:
        value = ";".join(labels.get(name, "") for name in rule["source_labels"])
        match = re.fullmatch(rule["regex"], value)
        if match:
            labels[rule["target_label"]] = match.expand(r"\1")
    return {name: value for name, value in labels.items() if not name.startswith("__") and value}


def docker_meta(container: str, labels: dict[str, str]) -> dict[str, str]:
    """The target discovery.docker gives for a container: its name with Docker's leading slash,
    and each Docker label as __meta_docker_container_label_<name>, the name's other characters
    than letters, digits and _ made _ (Prometheus's SanitizeLabelName)."""
    meta = {"__meta_docker_container_name": f"/{container}", "__meta_docker_container_id": "0123abcd"}
    for name, value in labels.items():
        meta["__meta_docker_container_label_" + re.sub(r"[^a-zA-Z0-9_]", "_", name)] = value
    return meta


def multi_host_plan() -> dict:
    groups = {"edge": ["mediastack_edge", "mediastack_data"], "media": ["mediastack_media", "mediastack_content"]}
    hosts = {**groups, "obs-1": ["mediastack_observability"]}
    inventory = {
        "hosts": hosts,
        "domain": "example.com",
        "segment_driver": "macvlan",
        "segments": {"admin": "192.168.50.0/24"},
    }
    return build_plan(CATALOG, inventory)


def test_alloy_is_planned_and_promtail_is_not():
    plan = plan_with("alloy")
    assert "alloy" in plan["services"] and "promtail" not in CATALOG
    assert plan["services"]["alloy"]["addresses"] == {"admin": "10.10.2.84"}


@pytest.mark.parametrize(
    ("plan", "host", "loki"),
    [
        (plan_with("alloy"), "one", "http://10.10.2.83:3100/loki/api/v1/push"),
        (multi_host_plan(), "obs-1", "http://192.168.50.83:3100/loki/api/v1/push"),
    ],
    ids=["one-host-default-segments", "observability-host-own-admin-segment"],
)
def test_alloy_pushes_to_loki_at_its_planned_address_and_labels_lines_with_its_host(plan, host, loki):
    assert plan["services"]["alloy"]["host"] == host
    blocks = alloy_blocks(alloy_config(plan, host))
    # loki.write: one endpoint block whose url is Loki's push API.
    assert blocks[("loki.write", "default")] == {"endpoint": {"url": loki}}
    # Every source forwards to that receiver, and names the host it runs on.
    assert blocks[("loki.source.docker", "containers")]["labels"] == {"host": host, "job": "containers"}
    assert blocks[("local.file_match", "system")]["path_targets"] == [
        {"__path__": "/var/log/*.log", "host": host, "job": "system"}
    ]
    for key in (("loki.source.docker", "containers"), ("loki.source.file", "system")):
        assert blocks[key]["forward_to"] == ["loki.write.default.receiver"], key


def test_alloys_components_read_the_docker_api_and_refer_only_to_components_it_declares():
    plan = plan_with("alloy")
    text = alloy_config(plan, "one")
    blocks = alloy_blocks(text)
    assert set(blocks) == {
        ("discovery.docker", "containers"),
        ("discovery.relabel", "containers"),
        ("loki.source.docker", "containers"),
        ("local.file_match", "system"),
        ("loki.source.file", "system"),
        ("loki.write", "default"),
    }
    # discovery.docker lists the containers, loki.source.docker reads their logs: both from the
    # engine's socket, which the compose service mounts read-only at that path.
    socket = "unix:///var/run/docker.sock"
    assert blocks[("discovery.docker", "containers")] == {"host": socket}
    assert blocks[("loki.source.docker", "containers")]["host"] == socket
    volumes = host_files(plan, "one")["compose/observability/compose.yaml"]["services"]["alloy"]
    assert "/var/run/docker.sock:/var/run/docker.sock:ro" in volumes["volumes"]
    # The pipeline: discovered containers -> relabelled -> read; files matched -> read.
    assert blocks[("discovery.relabel", "containers")]["targets"] == "discovery.docker.containers.targets"
    assert blocks[("loki.source.docker", "containers")]["targets"] == "discovery.relabel.containers.output"
    assert blocks[("loki.source.file", "system")]["targets"] == "local.file_match.system.targets"
    # Each reference names a declared component and one of its exports.
    exports = {"targets", "output", "receiver"}
    for component, label, export in REFERENCE.findall(text):
        assert (component, label) in blocks and export in exports, (component, label, export)


@pytest.mark.parametrize(
    ("container", "docker_labels", "expected"),
    [
        (
            "mediastack-sonarr",
            {
                "com.docker.compose.project": "mediastack-content",
                "com.docker.compose.service": "sonarr",
                "org.newmedia.mediastack.service": "sonarr",
                "org.newmedia.mediastack.layer": "content",
            },
            {"container": "mediastack-sonarr", "service": "sonarr", "layer": "content"},
        ),
        (
            # The second copy of a replicated service: the catalog name, not the copy's.
            "mediastack-homepage-2",
            {
                "com.docker.compose.project": "mediastack-observability",
                "com.docker.compose.service": "homepage-2",
                "org.newmedia.mediastack.service": "homepage",
                "org.newmedia.mediastack.layer": "observability",
            },
            {"container": "mediastack-homepage-2", "service": "homepage", "layer": "observability"},
        ),
        (
            "shop-web-1",
            {"com.docker.compose.project": "shop", "com.docker.compose.service": "web"},
            {"container": "shop-web-1", "service": "web"},
        ),
        ("quirky_turing", {}, {"container": "quirky_turing"}),
    ],
    ids=["platform-service", "replica-copy", "other-compose-project", "plain-docker-run"],
)
def test_alloy_labels_each_containers_lines_with_its_service_and_layer(container, docker_labels, expected):
    rules = alloy_blocks(alloy_config(plan_with("alloy"), "one"))[("discovery.relabel", "containers")]
    assert relabel(rules["rule"], docker_meta(container, docker_labels)) == expected


@pytest.mark.parametrize("name", ["sonarr", "jellyfin", "postgres", "traefik", "alloy"])
def test_the_labels_alloy_reads_are_the_ones_the_compose_projects_set(name):
    """The relabel rules read org.newmedia.mediastack.{service,layer}: the compose service of
    every planned service must carry both, with its catalog name and layer."""
    plan = plan_with(name)
    placed = plan["services"][name]
    project = host_files(plan, "one")[f"compose/{placed['layer']}/compose.yaml"]
    meta = docker_meta(f"mediastack-{name}", project["services"][name]["labels"])
    meta["__meta_docker_container_label_com_docker_compose_service"] = name
    rules = alloy_blocks(alloy_config(plan, "one"))[("discovery.relabel", "containers")]["rule"]
    assert relabel(rules, meta) == {"container": f"mediastack-{name}", "service": name, "layer": placed["layer"]}


def test_alloys_command_matches_its_catalog_ports_and_mounts():
    entry = CATALOG["alloy"]
    command = entry["command"]
    # `alloy run <config>`: the file host_files renders into the config folder.
    assert command[:2] == ["run", "/etc/alloy/config.alloy"]
    assert entry["config"] == "/etc/alloy" and entry["image_config"] == {"/etc/alloy": "rendered"}
    # Its HTTP server on every address (the default is 127.0.0.1), on the port Prometheus scrapes.
    assert f"--server.http.listen-addr=0.0.0.0:{entry['port']}" in command
    assert entry["metrics"] == {"port": entry["port"], "path": "/metrics"}
    # Its storage on a writable folder of ours: the root is read-only.
    assert entry["read_only"] and "--storage.path=/var/lib/alloy/data" in command
    assert entry["volumes"]["data"] == "/var/lib/alloy/data"
    assert "--disable-reporting" in command
    # The system logs it tails lie under its read-only /var/log mount.
    assert entry["volumes"]["/var/log"] == "/var/log:ro"


def test_prometheus_scrapes_alloy_from_its_catalog_metrics():
    jobs = {job["job_name"]: job for job in prometheus_config(plan_with("alloy"))["scrape_configs"]}
    assert jobs["alloy"] == {
        "job_name": "alloy",
        "metrics_path": "/metrics",
        "static_configs": [{"targets": ["10.10.2.84:12345"], "labels": {"host": "one"}}],
    }


def test_alloy_without_loki_is_refused_by_the_planner():
    """Nowhere to push without Loki: the catalog's depends_on makes the plan say so."""
    inventory = {
        "hosts": {"one": LAYERS},
        "domain": "example.com",
        "features": {"vpn": True},
        "services": {"loki": {"enabled": False}, "grafana": {"enabled": False}},
    }
    with pytest.raises(PlanError, match=r"mediastack_services\.loki\.enabled: alloy needs loki, which is off"):
        build_plan(CATALOG, inventory)


def test_alloys_config_is_written_as_rendered_where_the_image_reads_it():
    plan = plan_with("alloy")
    layout = host_layout(plan, "one", None, SETTINGS)
    item = {file["path"]: file for file in layout["files"]}["/srv/ms/alloy/config.alloy"]
    assert (item["owner"], item["group"], item["service"]) == ("0", "0", "alloy")
    # A text file, written as is (not as a YAML string).
    assert item["content"] == alloy_config(plan, "one")
    observability = host_files(plan, "one")["compose/observability/compose.yaml"]
    assert "/srv/ms/alloy:/etc/alloy" in observability["services"]["alloy"]["volumes"]
    assert "/srv/ms/alloy-data:/var/lib/alloy/data" in observability["services"]["alloy"]["volumes"]


# -- Alloy's health check: the compose test, run by bash against a loopback server ------------
class _Ready(BaseHTTPRequestHandler):
    """Answers GET with the status and body the test gives the server."""

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        status, body = self.server.answer
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


def run_health_check(test: list[str], port: int) -> int:
    """The compose health test (exec form) with Alloy's port replaced by ``port``; its exit code."""
    assert test[:3] == ["CMD", "bash", "-c"], test
    script = test[3].replace(f"/{CATALOG['alloy']['port']}", f"/{port}")
    return subprocess.run(["bash", "-c", script], capture_output=True, timeout=30, check=False).returncode


@pytest.mark.parametrize(
    ("answer", "healthy"),
    [
        ((200, b"Alloy is ready.\n"), True),
        ((503, b"Alloy is not ready.\n"), False),
        # A body that mentions 200 does not make a 404 healthy: only the status line counts.
        ((404, b"200 is not here\n"), False),
    ],
    ids=["ready", "not-ready", "not-found-mentioning-200"],
)
def test_alloys_compose_health_check_passes_only_on_a_200_from_ready(answer, healthy):
    test = host_files(plan_with("alloy"), "one")["compose/observability/compose.yaml"]
    test = test["services"]["alloy"]["healthcheck"]["test"]
    # Exec form (the image has bash but no curl or wget), and no `$`, which compose would interpolate.
    assert test[0] == "CMD" and "$" not in "".join(test)
    assert f"/dev/tcp/127.0.0.1/{CATALOG['alloy']['port']}" in test[3] and "GET /-/ready HTTP/1.0" in test[3]
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ready)
    server.answer, server.paths = answer, []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert (run_health_check(test, server.server_address[1]) == 0) is healthy
        assert server.paths == ["/-/ready"]
    finally:
        server.shutdown()
        server.server_close()


def test_alloys_health_check_fails_when_nothing_listens():
    with socket.socket() as bound:
        bound.bind(("127.0.0.1", 0))
        assert run_health_check(list(CATALOG["alloy"]["healthcheck"]), bound.getsockname()[1]) != 0


# -- Grafana: the provisioning folder, as "Provision Grafana" documents it --------------------
# https://grafana.com/docs/grafana/latest/administration/provisioning/: Grafana reads every YAML
# file in provisioning/datasources (and dashboards/, plugins/, alerting/) on start.
def test_grafana_datasources_follow_grafanas_provisioning_docs():
    config = grafana_datasources(plan_with("grafana"))
    # apiVersion 1; each data source has a name, a type (the plugin id), a uid that dashboards
    # refer to, access "proxy" (Grafana's server asks the URL, so the browser needs no route to
    # the admin segment), the URL, and at most one isDefault per organisation.
    assert config == {
        "apiVersion": 1,
        "datasources": [
            {
                "name": "Prometheus",
                "type": "prometheus",
                "uid": "prometheus",
                "access": "proxy",
                "url": "http://10.10.2.80:9090",
                "isDefault": True,
                "editable": False,
            },
            {
                "name": "Loki",
                "type": "loki",
                "uid": "loki",
                "access": "proxy",
                "url": "http://10.10.2.83:3100",
                "isDefault": False,
                "editable": False,
            },
        ],
    }


def test_grafana_provisions_only_the_planned_data_sources():
    plan = copy.deepcopy(plan_with("grafana"))
    del plan["services"]["loki"]
    assert [source["name"] for source in grafana_datasources(plan)["datasources"]] == ["Prometheus"]
    del plan["services"]["prometheus"]
    assert grafana_datasources(plan) == {"apiVersion": 1, "datasources": []}


def test_grafanas_provisioning_folder_keeps_the_subfolders_of_the_image():
    """The image creates datasources/, dashboards/, plugins/ and alerting/ (among others) in
    GF_PATHS_PROVISIONING; Grafana logs an error on start for each one it reads that is missing."""
    plan = plan_with("grafana")
    layout = host_layout(plan, "one", None, SETTINGS)
    item = {file["path"]: file for file in layout["files"]}["/srv/ms/grafana-provisioning/datasources/datasources.yaml"]
    assert (item["owner"], item["group"], item["service"]) == ("472", "0", "grafana")
    folders = {folder["path"]: (folder["owner"], folder["group"]) for folder in layout["directories"]}
    for name in ("alerting", "dashboards", "datasources", "plugins"):
        assert folders[f"/srv/ms/grafana-provisioning/{name}"] == ("472", "0")
    observability = host_files(plan, "one")["compose/observability/compose.yaml"]
    assert "/srv/ms/grafana-provisioning:/etc/grafana/provisioning" in observability["services"]["grafana"]["volumes"]
