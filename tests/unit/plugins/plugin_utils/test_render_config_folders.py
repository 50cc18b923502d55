"""Folders where an image keeps its own configuration: the shipped catalog's mounts over them
(``image_config``) get a rendered file, or the image seeds them itself."""

from __future__ import annotations

import copy
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog, own_folders
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import (
    alertmanager_config,
    grafana_datasources,
    host_files,
    prometheus_config,
    promtail_config,
)

SERVICES = Path(__file__).resolve().parents[4] / "catalog" / "services"
CATALOG = load_catalog(SERVICES)
LAYERS = ["mediastack_edge", "mediastack_data", "mediastack_media", "mediastack_content", "mediastack_observability"]
SETTINGS = {"puid": 1001, "pgid": 1002, "timezone": "Etc/UTC", "data_root": "/data", "config_root": "/srv/ms"}
#: Between them, these plans carry every service of the catalog (Plex and Jellyfin companions
#: exclude each other).
FEATURES = {"jellyfin": {"vpn": True}, "plex": {"vpn": True, "plex": True}}


def catalog_plan(features: dict) -> dict:
    return build_plan(CATALOG, {"hosts": {"one": LAYERS}, "domain": "example.com", "features": features})


PLANS = {name: catalog_plan(features) for name, features in FEATURES.items()}


def plan_with(service: str) -> dict:
    return next(plan for plan in PLANS.values() if service in plan["services"])


def rendered_folders(plan: dict) -> set[str]:
    """The folders of the configuration root that host_files writes at least one file into."""
    return {path.split("/")[1] for path in host_files(plan, CATALOG, SETTINGS, "one") if path.startswith("config/")}


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
    files = {item["path"]: item for item in host_layout(plan, CATALOG, SETTINGS, "one", None)["files"]}
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
    jobs = prometheus_config(plan_with("alertmanager"), CATALOG)["scrape_configs"]
    assert all(job["job_name"] in CATALOG and "host" in job["static_configs"][0]["labels"] for job in jobs)


def test_alertmanager_yml_lands_in_the_folder_mounted_at_etc_alertmanager_owned_by_its_user():
    plan = plan_with("alertmanager")
    observability = host_files(plan, CATALOG, SETTINGS, "one")["compose/observability/compose.yaml"]
    assert "/srv/ms/alertmanager-etc:/etc/alertmanager" in observability["services"]["alertmanager"]["volumes"]
    layout = host_layout(plan, CATALOG, SETTINGS, "one", None)
    item = {file["path"]: file for file in layout["files"]}["/srv/ms/alertmanager-etc/alertmanager.yml"]
    assert (item["owner"], item["group"], item["mode"], item["service"]) == ("65534", "65534", "0640", "alertmanager")
    folders = {folder["path"]: folder for folder in layout["directories"]}
    assert (folders["/srv/ms/alertmanager-etc"]["owner"], folders["/srv/ms/alertmanager-etc"]["group"]) == (
        "65534",
        "65534",
    )


# -- Promtail: each key as Promtail's configuration page documents it --------------------------
# https://grafana.com/docs/loki/latest/send-data/promtail/configuration/ (and, for the docker
# stage, https://grafana.com/docs/loki/latest/send-data/promtail/stages/docker/).
def test_promtail_config_follows_promtails_configuration_reference():
    plan = plan_with("promtail")
    config = promtail_config(plan, CATALOG)
    # server.http_listen_port defaults to 80: the catalog port (and metrics port) must be set.
    assert config["server"] == {"http_listen_port": 9080}
    assert CATALOG["promtail"]["port"] == CATALOG["promtail"]["metrics"]["port"] == 9080
    # positions.filename is where Promtail records how far it read each file; it must be writable,
    # and the root is read-only, so it lives in the mounted config folder.
    assert config["positions"] == {"filename": "/etc/promtail/positions.yaml"}
    assert CATALOG["promtail"]["read_only"] and CATALOG["promtail"]["config"] == "/etc/promtail"
    # clients[].url is Loki's push endpoint, /loki/api/v1/push, at Loki's address on a segment
    # both join (admin).
    assert config["clients"] == [{"url": "http://10.10.2.83:3100/loki/api/v1/push"}]
    # scrape_configs: static_configs targets localhost; the __path__ label is the glob of files
    # to tail; every other label is attached to each line (job, and the host it comes from).
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    assert jobs["containers"]["static_configs"] == [
        {
            "targets": ["localhost"],
            "labels": {"job": "containers", "host": "one", "__path__": "/var/lib/docker/containers/*/*-json.log"},
        }
    ]
    # The docker stage parses Docker's json-file lines (log, stream, time) into line, label, time.
    assert jobs["containers"]["pipeline_stages"] == [{"docker": {}}]
    assert jobs["system"] == {
        "job_name": "system",
        "static_configs": [
            {"targets": ["localhost"], "labels": {"job": "system", "host": "one", "__path__": "/var/log/*.log"}}
        ],
    }


def test_promtail_tails_only_what_its_read_only_mounts_bring_in():
    mounts = {target.split(":")[0] for target in CATALOG["promtail"]["volumes"].values()}
    for job in promtail_config(plan_with("promtail"), CATALOG)["scrape_configs"]:
        path = job["static_configs"][0]["labels"]["__path__"]
        assert any(path.startswith(f"{mount}/") for mount in mounts), path
    assert all(target.endswith(":ro") for target in CATALOG["promtail"]["volumes"].values())


def test_promtail_without_loki_is_refused_by_the_planner():
    """No client is possible without Loki: the catalog's depends_on makes the plan say so."""
    inventory = {
        "hosts": {"one": LAYERS},
        "domain": "example.com",
        "features": {"vpn": True},
        "services": {"loki": {"enabled": False}, "grafana": {"enabled": False}},
    }
    with pytest.raises(PlanError, match=r"mediastack_services\.loki\.enabled: promtail needs loki, which is off"):
        build_plan(CATALOG, inventory)


def test_promtails_config_yml_is_where_the_image_reads_it():
    plan = plan_with("promtail")
    layout = host_layout(plan, CATALOG, SETTINGS, "one", None)
    item = {file["path"]: file for file in layout["files"]}["/srv/ms/promtail/config.yml"]
    assert (item["owner"], item["group"], item["service"]) == ("0", "0", "promtail")
    observability = host_files(plan, CATALOG, SETTINGS, "one")["compose/observability/compose.yaml"]
    assert "/srv/ms/promtail:/etc/promtail" in observability["services"]["promtail"]["volumes"]


# -- Grafana: the provisioning folder, as "Provision Grafana" documents it --------------------
# https://grafana.com/docs/grafana/latest/administration/provisioning/: Grafana reads every YAML
# file in provisioning/datasources (and dashboards/, plugins/, alerting/) on start.
def test_grafana_datasources_follow_grafanas_provisioning_docs():
    config = grafana_datasources(plan_with("grafana"), CATALOG)
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
    assert [source["name"] for source in grafana_datasources(plan, CATALOG)["datasources"]] == ["Prometheus"]
    del plan["services"]["prometheus"]
    assert grafana_datasources(plan, CATALOG) == {"apiVersion": 1, "datasources": []}


def test_grafanas_provisioning_folder_keeps_the_subfolders_of_the_image():
    """The image creates datasources/, dashboards/, plugins/ and alerting/ (among others) in
    GF_PATHS_PROVISIONING; Grafana logs an error on start for each one it reads that is missing."""
    plan = plan_with("grafana")
    layout = host_layout(plan, CATALOG, SETTINGS, "one", None)
    item = {file["path"]: file for file in layout["files"]}["/srv/ms/grafana-provisioning/datasources/datasources.yaml"]
    assert (item["owner"], item["group"], item["service"]) == ("472", "0", "grafana")
    folders = {folder["path"]: (folder["owner"], folder["group"]) for folder in layout["directories"]}
    for name in ("alerting", "dashboards", "datasources", "plugins"):
        assert folders[f"/srv/ms/grafana-provisioning/{name}"] == ("472", "0")
    observability = host_files(plan, CATALOG, SETTINGS, "one")["compose/observability/compose.yaml"]
    assert "/srv/ms/grafana-provisioning:/etc/grafana/provisioning" in observability["services"]["grafana"]["volumes"]
