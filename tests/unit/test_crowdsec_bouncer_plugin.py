"""CrowdSec's bouncer plugin as the platform renders it, against the plugin's published options.

The options Traefik hands the plugin are checked against the option names of the pinned release
(tests/fixtures/crowdsec-bouncer-plugin-options.yml, read from its source); the key it reads is
the one CrowdSec registers; the lab's stand-in of the plugin knows only names of the real one.
The plugin's behaviour under the real Traefik is in test_traefik_edge.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import preflight_errors
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import compose_project
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import (
    BOUNCER_PLUGIN,
    BOUNCER_PLUGIN_MODULE,
    BOUNCER_PLUGIN_VERSION,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import required_secrets
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._sources import source_files

from .shipped import CATALOG, INVENTORIES, shipped

ROOT = Path(__file__).resolve().parents[2]
RELEASE = yaml.safe_load((ROOT / "tests/fixtures/crowdsec-bouncer-plugin-options.yml").read_text(encoding="utf-8"))
STANDIN = ROOT / "tests/lab/standins/crowdsec-bouncer-plugin"


def bouncer_options(inventory) -> dict:
    dynamic = inventory.document(inventory.edge, "traefik/dynamic/middlewares.yaml")
    return dynamic["http"]["middlewares"]["crowdsec"]["plugin"][BOUNCER_PLUGIN]


@pytest.mark.parametrize("name", INVENTORIES)
def test_every_option_rendered_is_one_the_pinned_release_knows(name):
    options = bouncer_options(shipped(name))
    assert set(options) <= set(RELEASE["options"]), set(options) - set(RELEASE["options"])
    assert options["enabled"] is True
    assert options["crowdsecMode"] in RELEASE["modes"]
    assert options["crowdsecLapiScheme"] in RELEASE["schemes"]


def test_a_front_proxy_is_the_one_forwarder_the_bouncer_believes():
    options = bouncer_options(shipped("single-host", mediastack_front_proxies=["192.168.1.5"]))
    assert options["forwardedHeadersTrustedIps"] == ["192.168.1.5"]
    assert "forwardedHeadersTrustedIps" not in bouncer_options(shipped("single-host"))


@pytest.mark.parametrize("name", INVENTORIES)
def test_the_bouncer_asks_crowdsec_where_the_plan_puts_its_local_api(name):
    inventory = shipped(name)
    crowdsec = inventory.plan["services"]["crowdsec"]
    assert bouncer_options(inventory)["crowdsecLapiHost"] == f"{crowdsec['addresses']['proxy']}:8080"
    assert {"from": "traefik", "to": "crowdsec", "segment": "proxy", "port": 8080, "reason": "bouncer"} in (
        inventory.plan["flows"]
    )


@pytest.mark.parametrize("name", ["single-host", "multi-host"])
def test_traefik_downloads_the_pinned_release_unless_a_source_is_handed_over(name):
    inventory = shipped(name)
    static = inventory.document(inventory.edge, "traefik/traefik.yaml")
    declared = {"moduleName": BOUNCER_PLUGIN_MODULE, "version": BOUNCER_PLUGIN_VERSION}
    assert static["experimental"] == {"plugins": {BOUNCER_PLUGIN: declared}}
    assert RELEASE["release"] == BOUNCER_PLUGIN_VERSION
    assert not [path for path in inventory.files(inventory.edge) if path.startswith("traefik-plugins-local/")]


def test_a_source_handed_over_is_loaded_as_a_local_plugin():
    inventory = shipped("lab")
    static = inventory.document(inventory.edge, "traefik/traefik.yaml")
    assert static["experimental"] == {"localPlugins": {BOUNCER_PLUGIN: {"moduleName": BOUNCER_PLUGIN_MODULE}}}
    files = inventory.files(inventory.edge)
    folder = f"traefik-plugins-local/src/{BOUNCER_PLUGIN_MODULE}/"
    handed = source_files(STANDIN, "the stand-in", [], 1 << 20)
    assert {path.removeprefix(folder): text for path, text in files.items() if path.startswith(folder)} == handed
    traefik = compose_project(inventory.plan, inventory.edge, "edge")
    volumes = traefik["services"]["traefik"]["volumes"]
    assert "/opt/mediastack/traefik-plugins-local:/plugins-local" in volumes


@pytest.mark.parametrize("name", ["single-host", "lab-three"])
def test_the_key_traefik_reads_is_the_key_crowdsec_registers(name):
    inventory = shipped(name)
    store = {secret: f"value-of-{secret}" for secret in _required(inventory)}
    edge_host, crowdsec_host = inventory.edge, inventory.plan["services"]["crowdsec"]["host"]
    key_file = bouncer_options(inventory)["crowdsecLapiKeyFile"]
    assert key_file.startswith("/etc/traefik/")  # Traefik's config folder, mounted from <root>/traefik
    traefik_files = _files(inventory, edge_host, store)
    assert traefik_files[f"/opt/mediastack/traefik/{key_file.removeprefix('/etc/traefik/')}"]["content"] == (
        "value-of-crowdsec.bouncer_key"
    )
    assert traefik_files["/opt/mediastack/traefik/secrets/bouncer_key"]["mode"] == "0400"
    crowdsec_env = _files(inventory, crowdsec_host, store)["/opt/mediastack/env/crowdsec.env"]["content"]
    assert "BOUNCER_KEY_traefik=value-of-crowdsec.bouncer_key\n" in crowdsec_env


def _required(inventory) -> list[str]:
    return required_secrets(inventory.plan)


def _files(inventory, host: str, store: dict) -> dict:
    layout = host_layout(inventory.plan, host, store, inventory.settings[host])
    return {entry["path"]: entry for entry in layout["files"]}


def test_the_retired_bouncer_container_is_refused_with_what_to_do():
    inventory = {
        "hosts": {"media1": ["mediastack", "mediastack_edge"]},
        "domain": "example.test",
        "services": {"crowdsec-bouncer": {"enabled": True}},
    }
    with pytest.raises(PlanError) as raised:
        build_plan(CATALOG, inventory)
    assert "mediastack_services.crowdsec-bouncer" in str(raised.value)
    assert "Remove mediastack_services.crowdsec-bouncer" in str(raised.value)


def test_the_stand_in_knows_only_options_of_the_real_plugin():
    go = (STANDIN / "bouncer.go").read_text(encoding="utf-8")
    names = set(re.findall(r'json:"([A-Za-z]+)', go)) - {"type", "value"}
    assert names, "no option found in the stand-in"
    assert names <= set(RELEASE["options"]), names - set(RELEASE["options"])
    manifest = yaml.safe_load((STANDIN / ".traefik.yml").read_text(encoding="utf-8"))
    assert manifest["import"] == BOUNCER_PLUGIN_MODULE


@pytest.mark.parametrize(
    ("value", "cause"),
    [("plugins/bouncer", "is a relative path"), (["/srv/plugin"], "is not a path")],
)
def test_the_preflight_rejects_a_source_that_is_not_a_folder_path(value, cause):
    errors = preflight_errors({"mediastack_crowdsec_bouncer_plugin_source": value}, "edge1")
    assert [error for error in errors if "mediastack_crowdsec_bouncer_plugin_source" in error and cause in error]


def test_reading_a_source_names_the_variable_and_what_is_wrong(tmp_path):
    variable = "mediastack_crowdsec_bouncer_plugin_source"
    with pytest.raises(ValueError, match=re.escape(f"{variable}: '{tmp_path}/absent' is not a folder")):
        source_files(tmp_path / "absent", variable, [".traefik.yml"], 1000)
    (tmp_path / "bouncer.go").write_text("package p\n")
    with pytest.raises(ValueError, match=rf"{variable}: .* lacks \.traefik\.yml"):
        source_files(tmp_path, variable, [".traefik.yml"], 1000)
    (tmp_path / ".traefik.yml").write_text("type: middleware\n")
    assert source_files(tmp_path, variable, [".traefik.yml"], 1000) == {
        ".traefik.yml": "type: middleware\n",
        "bouncer.go": "package p\n",
    }
    with pytest.raises(ValueError, match="more than 10 bytes"):
        source_files(tmp_path, variable, [], 10)
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\xff\xfe")
    with pytest.raises(ValueError, match=r"logo\.png is not UTF-8 text"):
        source_files(tmp_path, variable, [], 1000)
    (tmp_path / "logo.png").unlink()
    (tmp_path / "link").symlink_to(tmp_path / "bouncer.go")
    with pytest.raises(ValueError, match="link is a symbolic link"):
        source_files(tmp_path, variable, [], 1000)
