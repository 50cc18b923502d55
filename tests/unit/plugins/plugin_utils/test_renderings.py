"""The registry of renderings: every module is registered, declares what it serves and the paths
it emits, and ``host_files`` asks exactly the renderings of the services a host runs."""

from __future__ import annotations

import re
import types
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils import _render
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import PLATFORM_ROLES, player
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import (
    RENDERINGS,
    host_files,
    host_folders,
)

from ...shipped import CATALOG, INVENTORIES, shipped

ROOT = Path(__file__).resolve().parents[4]
FOLDER = ROOT / "plugins" / "plugin_utils" / "_renderings"


def short(rendering: types.ModuleType) -> str:
    return rendering.__name__.rsplit(".", 1)[-1]


def emitted_by(rendering: types.ModuleType, path: str) -> bool:
    """Whether ``path`` matches one of the rendering's EMITS globs (``*`` one segment, ``**`` any)."""
    for pattern in rendering.EMITS:
        regex = re.escape(pattern).replace(r"\*\*", ".+").replace(r"\*", "[^/]+")
        if re.fullmatch(regex, path):
            return True
    return False


def test_every_module_of_the_folder_is_registered_once():
    modules = sorted(path.stem for path in FOLDER.glob("*.py") if path.stem != "__init__")
    registered = [short(rendering) for rendering in RENDERINGS]
    assert sorted(registered) == modules
    assert len(set(registered)) == len(registered)


@pytest.mark.parametrize("rendering", RENDERINGS, ids=short)
def test_each_rendering_declares_what_it_serves_and_emits(rendering):
    assert rendering.SERVES is None or rendering.SERVES in PLATFORM_ROLES, f"{short(rendering)} serves no platform role"
    assert rendering.SERVES is None or player(CATALOG, rendering.SERVES), f"no catalog entry plays {rendering.SERVES}"
    assert rendering.EMITS and all(isinstance(pattern, str) for pattern in rendering.EMITS)
    assert callable(rendering.files)


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_each_file_a_shipped_inventory_renders_is_one_its_rendering_declares(inventory):
    box = shipped(inventory)
    seen = set()
    for host in box.plan["hosts"]:
        files = host_files(box.plan, host)
        for rendering in _render.renderings_for(box.plan, host):
            emitted = rendering.files(box.plan, host)
            undeclared = [path for path in emitted if not emitted_by(rendering, path)]
            assert not undeclared, f"{short(rendering)} emits {undeclared}, which its EMITS does not declare"
            assert {path: files[path] for path in emitted} == emitted
            seen.add(short(rendering))
        placed = {name for name, service in box.plan["services"].items() if service["host"] == host}
        # Each file comes from a rendering serving a service placed on the host, or every host.
        for path in files:
            owners = [r for r in RENDERINGS if emitted_by(r, path)]
            assert owners and all(r.SERVES is None or player(CATALOG, r.SERVES) in placed for r in owners), path
    assert "compose" in seen


#: What each host of inventories/multi-host runs, as its hosts.yml places the services: the edge
#: (Traefik, Authelia, CrowdSec, HAProxy), the monitoring host (Prometheus, Alertmanager, Alloy,
#: Grafana and the Homepage dashboard), and two hosts that only run containers.
MULTI_HOST_RENDERINGS = {
    "edge1": ["authelia", "compose", "crowdsec", "haproxy", "traefik"],
    "media1": ["compose"],
    "monitor1": ["alertmanager", "alloy", "compose", "grafana", "homepage", "prometheus"],
    "storage1": ["compose"],
}


def test_a_host_runs_only_the_renderings_of_its_services():
    box = shipped("multi-host")
    asked = {host: sorted(map(short, _render.renderings_for(box.plan, host))) for host in box.plan["hosts"]}
    assert asked == MULTI_HOST_RENDERINGS
    assert _render.renderings_for(box.plan, "no-such-host") == []
    assert host_files(box.plan, "no-such-host") == {}


def fake(name: str, serves: str | None, files: dict) -> types.ModuleType:
    module = types.ModuleType(f"fake.{name}")
    module.SERVES, module.EMITS = serves, tuple(files)
    module.files = lambda plan, host: dict(files)
    return module


def test_a_new_rendering_is_one_module_in_the_registry(monkeypatch):
    box = shipped("single-host")
    host = box.edge
    added = fake("firewall", None, {"firewall/ruleset.nft": "table inet mediastack {}\n"})
    monkeypatch.setattr(_render, "RENDERINGS", (*RENDERINGS, added))
    files = host_files(box.plan, host)
    assert files["firewall/ruleset.nft"] == "table inet mediastack {}\n"
    assert list(files) == sorted(files)


def test_two_renderings_emitting_one_path_is_refused(monkeypatch):
    box = shipped("single-host")
    host = box.edge
    clash = fake("clash", None, {"config/traefik/traefik.yaml": {}})
    monkeypatch.setattr(_render, "RENDERINGS", (*RENDERINGS, clash))
    with pytest.raises(ValueError, match=r"the traefik and clash renderings both emit config/traefik/traefik\.yaml"):
        host_files(box.plan, host)


def test_a_rendering_is_not_asked_on_a_host_without_its_service(monkeypatch):
    box = shipped("multi-host")
    other = next(host for host in box.plan["hosts"] if box.plan["services"]["authelia"]["host"] != host)

    def refuse(plan, host):
        raise AssertionError(f"asked to render Authelia's files on {host}")

    stand = fake("portal", "portal", {})
    stand.files = refuse
    monkeypatch.setattr(_render, "RENDERINGS", (stand,))
    assert host_files(box.plan, other) == {}


def test_host_folders_come_from_the_renderings_that_declare_them():
    box = shipped("single-host")
    host = next(iter(box.plan["hosts"]))
    folders = host_folders(box.plan, host)
    grafana_placed = box.plan["services"].get("grafana", {}).get("host") == host
    expected = [f"config/grafana-provisioning/{name}" for name in ("alerting", "dashboards", "plugins")]
    assert folders == (expected if grafana_placed else [])


def test_the_catalog_says_which_service_gets_a_role_s_files(monkeypatch):
    """Whoever the catalog names as the portal gets the portal's files, not a service named in code."""
    box = shipped("single-host")
    host = box.edge
    catalog = {name: dict(entry) for name, entry in CATALOG.items()}
    catalog["authelia"]["platform"] = ""
    assert "config/authelia/configuration.yml" in host_files(box.plan, host)
    assert "config/authelia/configuration.yml" not in host_files(box.replanned(catalog), host)
    assert player(catalog, "portal") is None
    with pytest.raises(ValueError, match="router is not a platform role"):
        player(CATALOG, "router")


def test_traefik_asks_the_catalog_for_the_portal_and_the_bouncer():
    """Without a portal or an intrusion detection in the catalog, no route signs in or is bounced,
    though Authelia and CrowdSec are still planned: the entry asks the roles, not the names."""
    box = shipped("single-host")
    host = box.edge
    before = host_files(box.plan, host)
    chains = before["config/traefik/dynamic/routes.yaml"]["http"]["routers"]["sonarr"]["middlewares"]
    assert "authelia" in chains and "crowdsec" in chains
    catalog = {name: dict(entry) for name, entry in CATALOG.items()}
    catalog["authelia"]["platform"] = catalog["crowdsec"]["platform"] = ""
    after = host_files(box.replanned(catalog), host)
    middlewares = after["config/traefik/dynamic/middlewares.yaml"]["http"]["middlewares"]
    assert "authelia" not in middlewares and "crowdsec" not in middlewares
    assert "config/crowdsec/acquis.d/traefik.yaml" not in after
