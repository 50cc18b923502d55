"""`playbooks/render.yml` on the shipped inventories and catalog: every file the deploy would
write, per host, without touching any host; bad inventories stop before anything is written.

The generated Traefik, Authelia and Homepage files are checked against the upstream schemas in
tests/specs, and the compose projects with Compose's own `config` check when the lab has
fetched the Compose plugin (.lab/cache/docker-compose)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout, rendered_path
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import SOURCES
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import required_secrets

from ..unit.plugins.plugin_utils.test_render import SPECS, schema_era, validate

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
COMPOSE = ROOT / ".lab/cache/docker-compose"
CATALOG = load_catalog(ROOT / "catalog" / "services")
DEPLOY_SETTINGS = {"config_root": "/opt/mediastack"}


def render(inventory: str, out: Path, *extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, ANSIBLE_NOCOLOR="1", ANSIBLE_FORCE_COLOR="0")
    return subprocess.run(
        [
            str(BIN / "ansible-playbook"),
            "-i",
            inventory,
            "playbooks/render.yml",
            "-e",
            f"mediastack_render_dir={out}",
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def files_under(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def rendered(tmp_path_factory, inventory: str) -> Path:
    """The folder a successful render of ``inventories/<inventory>`` wrote."""
    out = tmp_path_factory.mktemp(inventory)
    result = render(f"inventories/{inventory}", out)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


@pytest.fixture(scope="module", name="single")
def fixture_single(tmp_path_factory):
    return rendered(tmp_path_factory, "single-host")


@pytest.fixture(scope="module", name="multi")
def fixture_multi(tmp_path_factory):
    return rendered(tmp_path_factory, "multi-host")


def test_single_host_carries_every_layer(single):
    host = single / "media1"
    layers = sorted(path.name for path in (host / "compose").iterdir())
    assert layers == ["content", "data", "edge", "media", "observability"]
    for name in ("traefik/traefik.yaml", "authelia/configuration.yml", "homepage/services.yaml"):
        assert (host / "config" / name).is_file(), name


def test_multi_host_splits_the_layers(multi):
    hosts = [path for path in multi.iterdir() if path.is_dir()]
    carried = {host.name: sorted(p.name for p in (host / "compose").iterdir()) for host in hosts}
    assert carried == {
        "edge1": ["edge"],
        "media1": ["content", "media"],
        "monitor1": ["observability"],
        "storage1": ["data"],
    }
    assert (multi / "edge1/config/traefik/traefik.yaml").is_file()
    assert not (multi / "media1/config/traefik").exists()


def test_multi_host_runs_both_download_clients_on_the_content_host(multi):
    # Without the VPN (the example's default) on the media segment, each at its own address.
    plan = yaml.safe_load((multi / "plan.yaml").read_text(encoding="utf-8"))
    compose = yaml.safe_load((multi / "media1/compose/content/compose.yaml").read_text(encoding="utf-8"))
    for name in ("qbittorrent", "sabnzbd"):
        assert plan["services"][name]["host"] == "media1", name
        address = plan["services"][name]["addresses"]["media"]
        assert compose["services"][name]["networks"] == {"mediastack_media": {"ipv4_address": address}}, name
        assert "network_mode" not in compose["services"][name], name
    assert "gluetun" not in plan["services"]


def test_the_plan_is_written_beside_the_hosts(multi):
    plan = yaml.safe_load((multi / "plan.yaml").read_text(encoding="utf-8"))
    assert sorted(plan["hosts"]) == ["edge1", "media1", "monitor1", "storage1"]
    assert plan["services"]["traefik"]["host"] == "edge1"
    assert plan["services"]["postgres"]["host"] == "storage1"


def test_rendering_twice_is_byte_identical(single, tmp_path):
    result = render("inventories/single-host", tmp_path)
    assert result.returncode == 0, result.stdout
    assert files_under(tmp_path) == files_under(single)


def deployed_layout(out: Path, host: str, store: dict | None) -> dict:
    """What the deploy writes on ``host`` of the rendered plan (default settings, as the shipped
    inventories keep them), with ``store`` as its secrets store."""
    plan = yaml.safe_load((out / "plan.yaml").read_text(encoding="utf-8"))
    # plan.yaml leaves out the files read on the controller; these inventories read none.
    assert "sources" not in plan
    return host_layout({**plan, "sources": SOURCES}, host, store, DEPLOY_SETTINGS)


def known_store(plan: dict) -> dict:
    """A secrets store of the plan whose every value is distinct and easy to find."""
    names = required_secrets(plan)
    return {name: f"known-{index:03d}-{name}-value" for index, name in enumerate(names)}


@pytest.mark.parametrize("inventory", ["single", "multi"])
def test_every_file_the_deploy_writes_has_a_rendered_counterpart(inventory, request):
    out = request.getfixturevalue(inventory)
    plan = yaml.safe_load((out / "plan.yaml").read_text(encoding="utf-8"))
    rendered = set(files_under(out))
    for host in plan["hosts"]:
        deployed = deployed_layout(out, host, known_store(plan))["files"]
        expected = {f"{host}/{rendered_path(item['path'], DEPLOY_SETTINGS['config_root'])}" for item in deployed}
        missing = sorted(expected - rendered)
        assert not missing, f"the deploy writes these, the rendering does not: {missing}"
        assert any(item["secret"] for item in deployed), host
    # Environment, secret, seed and users files are among them.
    portal = plan["services"]["authelia"]["host"]
    for name in ("env/sonarr.env", "config/readarr/config.xml"):
        assert f"media1/{name}" in rendered, name
    for name in ("config/authelia/users_database.yml", "config/authelia/secrets/jwt_secret"):
        assert f"{portal}/{name}" in rendered, name


@pytest.mark.parametrize("inventory", ["single", "multi"])
def test_no_secret_of_the_store_is_written(inventory, request):
    """The rendering masks every value of the secrets store: a store of known values is laid
    out as the deploy would, and none of them appears in any rendered file."""
    out = request.getfixturevalue(inventory)
    plan = yaml.safe_load((out / "plan.yaml").read_text(encoding="utf-8"))
    store = known_store(plan)
    deployed = "".join(item["content"] for host in plan["hosts"] for item in deployed_layout(out, host, store)["files"])
    found = [value for value in store.values() if value in deployed]
    assert found, "the deploy itself writes none of the known values: the check below would prove nothing"
    for relative, content in files_under(out).items():
        text = content.decode("utf-8")
        leaked = [value for value in store.values() if value in text]
        assert not leaked, f"{relative} holds {leaked}"
    assert b"SONARR__AUTH__APIKEY=********" in files_under(out)["media1/env/sonarr.env"]


@pytest.mark.parametrize("inventory", ["single", "multi"])
def test_generated_files_match_the_upstream_schemas(inventory, request):
    out = request.getfixturevalue(inventory)
    checked = 0
    for path in out.rglob("*.y*ml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        relative = path.relative_to(out).as_posix()
        if "/config/traefik/dynamic/" in relative:
            validate(document, "traefik-v3-dynamic.schema.json")
        elif relative.endswith("config/traefik/traefik.yaml"):
            validate(schema_era(document), "traefik-v3-static.schema.json")
        elif relative.endswith("config/authelia/configuration.yml"):
            validate(document, "authelia-configuration.schema.json")
        elif relative.endswith("config/homepage/services.yaml"):
            validate(document, "homepage-services.schema.json")
        else:
            continue
        checked += 1
    assert checked == 6  # traefik static, three dynamic files, authelia, homepage
    assert SPECS.is_dir()


@pytest.mark.skipif(not COMPOSE.is_file(), reason="Compose plugin not fetched yet (tests/lab/lab.py artifacts)")
def test_compose_projects_pass_composes_own_check(single, tmp_path):
    for path in sorted((single / "media1/compose").glob("*/compose.yaml")):
        project = yaml.safe_load(path.read_text(encoding="utf-8"))
        # env files hold secrets on a real host; empty ones stand in for the check.
        for service in project["services"].values():
            for env_file in service.get("env_file", []):
                stand_in = tmp_path / Path(env_file).name
                stand_in.touch()
                service["env_file"] = [str(stand_in)]
        checked = tmp_path / f"{path.parent.name}.yaml"
        checked.write_text(yaml.safe_dump(project), encoding="utf-8")
        result = subprocess.run(
            [str(COMPOSE), "-f", str(checked), "config", "--quiet"], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{path}: {result.stderr}"


@pytest.mark.parametrize(
    ("extra_vars", "message"),
    [
        ({"mediastack_services": {"sonar": {"enabled": True}}}, "mediastack_services.sonar: no such service"),
        (
            {"mediastack_services": {"jellyfin": {"subdomain": "sonarr"}}},
            "sonarr.media.example.com is already the route of jellyfin",
        ),
        ({"mediastack_services": {"jellyfin": {"groups": ["family"]}}}, "group family is not defined"),
        ({"mediastack_auth_cookie_domain": "example.org"}, "Cannot plan mediastack_auth_cookie_domain"),
        ({"mediastack_segments": {"data": "10.10.0.0/16"}}, "overlaps"),
        (
            {"mediastack_download_categories": {"radarr": "tv"}},
            "mediastack_download_categories.radarr: category tv is already sonarr's",
        ),
    ],
    ids=[
        "unknown-service",
        "subdomain-twice",
        "undefined-group",
        "cookie-domain",
        "segments-overlap",
        "category-twice",
    ],
)
def test_bad_input_stops_before_anything_is_written(extra_vars, message, tmp_path):
    out = tmp_path / "out"
    result = render("inventories/single-host", out, "-e", json.dumps(extra_vars))
    assert result.returncode != 0
    assert message in result.stdout
    assert not out.exists()


def test_a_layer_without_host_stops_the_render(tmp_path):
    inventory = tmp_path / "hosts.yml"
    shutil.copytree(ROOT / "inventories/single-host/group_vars", tmp_path / "group_vars")
    data = yaml.safe_load((ROOT / "inventories/single-host/hosts.yml").read_text(encoding="utf-8"))
    del data["mediastack"]["children"]["mediastack_observability"]
    inventory.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = render(str(inventory), tmp_path / "out")
    assert result.returncode != 0
    assert "no host carries the observability layer" in result.stdout
