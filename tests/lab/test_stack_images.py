"""The stack images in the lab registry: every catalog image under the path and tag a deploy with
the registry override pulls, built here (real servers where Debian or PyPI has them, stand-ins for
the rest); a few run exactly as their compose service runs them and pass their catalog health
check; building again changes nothing."""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import LAYERS, load_catalog, own_folders
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import host_files
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import (
    compose_project,
    image_reference,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._sources import source_files

from .conftest import ROOT, lab

REGISTRY = "127.0.0.1:5000"
HOST = "lab1"
CATALOG = load_catalog(ROOT / "catalog" / "services")
# Stand-ins that another program provides; lab.py skips them (and says so) until it exists.
OWN_STANDINS = {name: ROOT / f"tests/lab/standins/{name}.py" for name in ("authelia", "gluetun")}
HEALTHY_WAIT_S = 120
BOUNCER_PLUGIN_SOURCE = ROOT / "tests/lab/standins/crowdsec-bouncer-plugin"
# Compose keys that `docker run` below reproduces; networks are replaced by --network none, so
# nothing a container sends can leave it (and published ports, having no network, are left out).
TRANSLATED = {
    "image", "container_name", "restart", "environment", "env_file", "security_opt", "cap_drop", "cap_add",
    "user", "read_only", "tmpfs", "volumes", "command", "mem_limit", "cpus", "pids_limit", "labels",
    "hostname", "networks", "network_mode", "depends_on", "healthcheck", "devices", "ports",
}  # fmt: skip


def registry_get(path: str) -> dict:
    """GET a registry API path on loopback, as JSON."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"http://{REGISTRY}{path}", timeout=10) as response:
        return json.loads(response.read())


def expected_images() -> dict[str, tuple[str, str]]:
    """Service -> (path, tag) of every image the registry must hold."""
    images = {}
    for name, entry in CATALOG.items():
        if name in OWN_STANDINS and not OWN_STANDINS[name].is_file():
            continue
        reference = image_reference(entry["image"], entry["version"], REGISTRY)
        images[name] = (reference.removeprefix(f"{REGISTRY}/").removesuffix(f":{entry['version']}"), entry["version"])
    return images


def table_rows(output: str) -> dict[str, list[str]]:
    """The rows of `stack-images`' table, by service."""
    rows = {}
    for line in output.splitlines():
        cells = line.split()
        if len(cells) >= 5 and cells[0] in CATALOG and cells[1] in ("real", "stand-in"):
            rows[cells[0]] = cells
    return rows


@pytest.fixture(name="first_run")
def fixture_first_run(stack_images) -> str:
    """The first `stack-images` of this test run (shared with the deploy tests)."""
    return stack_images


def test_the_registry_holds_every_catalog_image_under_its_path_and_tag(first_run):
    repositories = set(registry_get("/v2/_catalog?n=1000")["repositories"])
    missing = []
    for name, (path, tag) in expected_images().items():
        if path not in repositories or tag not in (registry_get(f"/v2/{path}/tags/list").get("tags") or []):
            missing.append(f"{name}: {path}:{tag}")
    assert not missing, f"not in the registry: {missing}"
    rows = table_rows(first_run)
    assert set(rows) == set(CATALOG)
    for name, program in OWN_STANDINS.items():
        assert (rows[name][3] == "skipped:") != program.is_file(), rows[name]


def test_a_second_run_rebuilds_and_pushes_nothing(first_run):
    rows = table_rows(lab("stack-images", timeout=1800))
    changed = {name: cells[3:5] for name, cells in rows.items() if cells[3] == "built" or cells[4] == "pushed"}
    assert not changed
    assert set(rows) == set(CATALOG)


def test_lab_hosts_reach_the_registry_on_the_controllers_lan_address(first_run):
    network = subprocess.run(
        ["docker", "network", "inspect", "--format", '{{ index .Labels "org.newmedia.mediastack.lab" }}',
         "mediastack-lab-lan"],
        capture_output=True, text=True, check=False, timeout=30,
    )  # fmt: skip
    if network.returncode != 0 or network.stdout.strip() != "network":
        pytest.skip("the lab's LAN exists only while a lab host is up (lab.py up)")
    probe = subprocess.run(
        ["docker", "run", "--rm", "--network", "mediastack-lab-lan", "mediastack-lab/stack-base:bookworm",
         "curl", "-fsS", "--max-time", "10", "http://192.168.60.1:5000/v2/"],
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr


# --- running an image the way its compose service runs it ------------------------------------


def lab_plan(name: str, settings: dict) -> dict:
    """The plan of one host carrying every layer, with the features `name` is deployed with, and
    the rendering ``settings``."""
    feature = CATALOG[name]["feature"]
    features = {feature.lstrip("!"): not feature.startswith("!")} if feature else {}
    groups = ["mediastack", *(f"mediastack_{layer}" for layer in LAYERS)]
    inventory = {"hosts": {HOST: groups}, "domain": "lab.test", "features": features, "settings": settings}
    return build_plan(CATALOG, inventory)


def compose_service(name: str, settings: dict) -> dict:
    """The compose service the collection renders for `name`."""
    return compose_project(lab_plan(name, settings), HOST, CATALOG[name]["layer"])["services"][name]


def owner(name: str, settings: dict) -> tuple[int, int]:
    """Who the deploy makes a service's folders belong to: image_user, else PUID:PGID."""
    image_user = CATALOG[name]["image_user"]
    if image_user:
        uid, _colon, gid = image_user.partition(":")
        return int(uid), int(gid or uid)
    return settings["puid"], settings["pgid"]


def prepare_host_folders(name: str, service: dict, settings: dict) -> None:
    """Folders and files the deploy writes on the host: the service's own folders (0750, its
    owner), the data tree, the rendered configuration files, and an env file of test secrets."""
    uid, gid = owner(name, settings)
    config_root = Path(settings["config_root"])
    for volume in service.get("volumes", []):
        source = Path(volume.split(":", 1)[0])
        if source.is_relative_to(config_root):
            source.mkdir(parents=True, exist_ok=True)
            os.chown(source, uid, gid)
            source.chmod(0o750)
        elif source == Path(settings["data_root"]):
            source.mkdir(parents=True, exist_ok=True)
            os.chown(source, settings["puid"], settings["pgid"])
    folders = own_folders(CATALOG[name])
    for relative, document in host_files(lab_plan(name, settings), HOST).items():
        folder, _slash, rest = relative.removeprefix("config/").partition("/")
        if relative.startswith("config/") and folder in folders:
            path = config_root / folder / rest
            path.parent.mkdir(parents=True, exist_ok=True)
            os.chown(path.parent, uid, gid)
            path.write_text(document if isinstance(document, str) else yaml.safe_dump(document, sort_keys=False))
            os.chown(path, uid, gid)
    for env_file in service.get("env_file", []):
        Path(env_file).parent.mkdir(parents=True, exist_ok=True)
        lines = [f"{secret['env']}=lab-test-{secret['name'].replace('.', '-')}" for secret in CATALOG[name]["secrets"]]
        Path(env_file).write_text("".join(f"{line}\n" for line in lines))
        Path(env_file).chmod(0o600)


def docker_run_args(service: dict, container: str) -> list[str]:
    """`docker run` options equal to the compose service's, on no network."""
    unknown = set(service) - TRANSLATED
    assert not unknown, f"compose keys this test does not reproduce: {unknown}"
    args = ["docker", "run", "--detach", "--rm", "--name", container, "--network", "none"]
    args += ["--hostname", service.get("hostname", container)]
    for key, value in service.get("environment", {}).items():
        args += ["--env", f"{key}={value}"]
    for env_file in service.get("env_file", []):
        args += ["--env-file", env_file]
    for option in service.get("security_opt", []):
        args += ["--security-opt", option]
    for capability in service.get("cap_drop", []):
        args += ["--cap-drop", capability]
    for capability in service.get("cap_add", []):
        args += ["--cap-add", capability]
    if "user" in service:
        args += ["--user", service["user"]]
    if service.get("read_only"):
        args.append("--read-only")
    for path in service.get("tmpfs", []):
        args += ["--tmpfs", path]
    for volume in service.get("volumes", []):
        args += ["--volume", volume]
    for device in service.get("devices", []):
        args += ["--device", device]
    args += ["--memory", service["mem_limit"], "--cpus", str(min(service["cpus"], os.cpu_count() or 1))]
    args += ["--pids-limit", str(service["pids_limit"])]
    for key, value in service.get("labels", {}).items():
        args += ["--label", f"{key}={value}"]
    return [*args, service["image"], *service.get("command", [])]


def healthy(container: str, test: list[str]) -> subprocess.CompletedProcess:
    """Run the compose health check inside the container until it passes (bounded)."""
    assert test[0] == "CMD", f"not an exec-form check: {test}"
    deadline = time.monotonic() + HEALTHY_WAIT_S
    while True:
        result = subprocess.run(
            ["docker", "exec", container, *test[1:]], capture_output=True, text=True, check=False, timeout=60
        )
        if result.returncode == 0 or time.monotonic() > deadline:
            return result
        time.sleep(2)


def pid1_ids(container: str) -> tuple[int, int]:
    """Real uid and gid of the container's main process."""
    status = subprocess.run(
        ["docker", "exec", container, "cat", "/proc/1/status"], capture_output=True, text=True, check=True, timeout=30
    ).stdout
    fields = {line.split(":", 1)[0]: line.split(":", 1)[1].split() for line in status.splitlines() if ":" in line}
    return int(fields["Uid"][0]), int(fields["Gid"][0])


def lab_settings(tmp_path: Path) -> dict:
    return {
        "puid": 1000,
        "pgid": 1000,
        "timezone": "Etc/UTC",
        "config_root": str(tmp_path / "opt"),
        "data_root": str(tmp_path / "data"),
        "registry": REGISTRY,
        # Loopback only: no certificate is requested from anywhere.
        "acme": {"email": "admin@lab.test", "ca_server": "https://127.0.0.1:14000/dir"},
        # As the lab inventory hands it over: no plugin catalogue is reachable.
        "crowdsec_bouncer_plugin": source_files(BOUNCER_PLUGIN_SOURCE, "the stand-in", [".traefik.yml"], 1 << 20),
    }


@pytest.mark.parametrize(
    "name",
    ["traefik", "postgres", "sonarr", "loki", "alloy"],
    ids=[
        "real-traefik-root-one-capability",
        "real-postgres-drops-to-999",
        "standin-puid",
        "standin-own-healthcheck",
        "standin-bash-dev-tcp-healthcheck",
    ],
)
def test_an_image_runs_as_its_compose_service_and_passes_its_health_check(first_run, name, tmp_path):
    settings = lab_settings(tmp_path)
    service = compose_service(name, settings)
    assert service["cap_drop"] == ["ALL"]
    assert "no-new-privileges:true" in service["security_opt"]
    prepare_host_folders(name, service, settings)
    container = f"mediastack-labtest-{name}-{uuid.uuid4().hex[:8]}"
    started = subprocess.run(docker_run_args(service, container), capture_output=True, text=True, check=False)
    assert started.returncode == 0, started.stderr
    try:
        result = healthy(container, service["healthcheck"]["test"])
        logs = subprocess.run(["docker", "logs", container], capture_output=True, text=True, check=False).stdout
        assert result.returncode == 0, f"{result.stdout}{result.stderr}\n--- logs ---\n{logs}"
        assert pid1_ids(container) == owner(name, settings), "the process runs as someone the folders do not belong to"
    finally:
        subprocess.run(["docker", "rm", "--force", container], capture_output=True, check=False, timeout=60)


def test_a_standin_whose_peer_cannot_be_reached_is_unhealthy(first_run, tmp_path):
    """Jellystat names its database (PostgreSQL's planned address); on no network the stand-in
    cannot open that connection, so its own health check must fail with the stand-in's 503."""
    settings = lab_settings(tmp_path)
    service = compose_service("jellystat", settings)
    assert service["environment"]["POSTGRES_IP"].startswith("10.10."), service["environment"]
    prepare_host_folders("jellystat", service, settings)
    container = f"mediastack-labtest-jellystat-{uuid.uuid4().hex[:8]}"
    started = subprocess.run(docker_run_args(service, container), capture_output=True, text=True, check=False)
    assert started.returncode == 0, started.stderr
    check = service["healthcheck"]["test"][1:]
    assert check[0].endswith("wget") and "--spider" in check, check
    try:
        deadline = time.monotonic() + HEALTHY_WAIT_S
        while True:
            result = subprocess.run(
                ["docker", "exec", container, *check], capture_output=True, text=True, check=False, timeout=60
            )
            # GNU wget exits 8 when the server answered with an error, 4 while nothing listens yet.
            if result.returncode in (0, 8) or time.monotonic() > deadline:
                break
            time.sleep(2)
        assert result.returncode == 8, result
        # Which error: the same request, with the server's answer shown (--server-response).
        answer = subprocess.run(
            ["docker", "exec", container, check[0], "--server-response", *check[1:]],
            capture_output=True, text=True, check=False, timeout=60,
        )  # fmt: skip
        assert "HTTP/1.1 503" in answer.stderr, answer
    finally:
        subprocess.run(["docker", "rm", "--force", container], capture_output=True, check=False, timeout=60)
