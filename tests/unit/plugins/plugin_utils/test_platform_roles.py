"""The parts services play for the platform come from the catalog (``platform``), and the plan says
who plays each: no planner, secrets or compose code names the entry proxy, the VPN gateway or the
torrent client. The proof renames those services in a copy of the shipped catalog and plans it."""

from __future__ import annotations

import copy
import re

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import (
    LAYERS,
    PLATFORM_ROLES,
    as_definition,
    normalise_catalog,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan, played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import backend_service
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings import authelia, compose
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import (
    environment_secrets,
    required_secrets,
)

from ...shipped import CATALOG, shipped

#: Who plays each role in inventories/single-host (no VPN there, so no gateway).
SINGLE_HOST_PLAYERS = {
    "alerts": "alertmanager",
    "dashboard": "homepage",
    "database": "postgres",
    "entry_proxy": "traefik",
    "graphs": "grafana",
    "intrusion_detection": "crowdsec",
    "load_balancer": "haproxy",
    "log_shipper": "alloy",
    "logs": "loki",
    "metrics": "prometheus",
    "portal": "authelia",
    "session_store": "redis",
    "torrent_client": "qbittorrent",
}
RENAMES = {
    "traefik": "edge-proxy",
    "gluetun": "tunnel",
    "qbittorrent": "torrent",
    "crowdsec": "detector",
    "postgres": "pg",
    "redis": "kv",
}


def test_the_plan_says_who_plays_each_role():
    assert shipped("single-host").plan["platform"] == SINGLE_HOST_PLAYERS
    assert shipped("lab").plan["platform"] == {**SINGLE_HOST_PLAYERS, "vpn_gateway": "gluetun"}


def test_a_role_nobody_plays_is_asked_by_a_known_name_only():
    plan = shipped("single-host").plan
    assert played_by(plan, "vpn_gateway") is None
    with pytest.raises(ValueError, match="vpn-gateway is not a platform role; the roles are entry_proxy"):
        played_by(plan, "vpn-gateway")
    assert set(SINGLE_HOST_PLAYERS) | {"vpn_gateway"} == set(PLATFORM_ROLES)


def renamed(catalog: dict, renames: dict) -> dict:
    """The catalog with services renamed, and every reference to them (depends_on, peers, secrets, reads) too."""
    placeholder = re.compile(r"\{([a-z][a-z0-9-]*)\.")

    def name(old: str) -> str:
        return renames.get(old, old)

    def owner(reference: str) -> str:
        service, dot, rest = reference.partition(".")
        return f"{name(service)}{dot}{rest}" if dot else reference

    definitions = {}
    for service, entry in catalog.items():
        definition = copy.deepcopy(as_definition(entry))
        if "depends_on" in definition:
            definition["depends_on"] = [name(item) for item in definition["depends_on"]]
        if "peers" in definition:
            definition["peers"] = {
                key: placeholder.sub(lambda match: "{" + name(match.group(1)) + ".", value)
                for key, value in definition["peers"].items()
            }
        if "secrets" in definition:
            definition["secrets"] = [dict(secret, name=owner(secret["name"])) for secret in definition["secrets"]]
        if "reads" in definition:
            definition["reads"] = {owner(source): target for source, target in definition["reads"].items()}
        definitions[name(service)] = definition
    return normalise_catalog(definitions)


@pytest.fixture(scope="module")
def renamed_platform():
    catalog = renamed(CATALOG, RENAMES)
    inventory = {
        "hosts": {"one": ["mediastack", *(f"mediastack_{layer}" for layer in LAYERS)]},
        "domain": "example.com",
        "features": {"vpn": True},
        "vpn_port_forwarding": True,
    }
    return catalog, build_plan(catalog, inventory)


def test_renamed_players_still_play_their_parts_in_the_plan(renamed_platform):
    _catalog, plan = renamed_platform
    assert {role: plan["platform"][role] for role in ("entry_proxy", "vpn_gateway", "torrent_client")} == {
        "entry_proxy": "edge-proxy",
        "vpn_gateway": "tunnel",
        "torrent_client": "torrent",
    }
    assert [item["published"] for item in plan["services"]["edge-proxy"]["published"]] == [80, 443]
    assert plan["services"]["torrent"]["network_mode"] == "vpn"
    assert backend_service(plan, "torrent") == "tunnel"
    routes = {flow["to"] for flow in plan["flows"] if flow["reason"] == "route"}
    assert {flow["from"] for flow in plan["flows"] if flow["reason"] == "route"} == {"edge-proxy"}
    assert {"torrent", "edge-proxy"} <= routes
    bouncer = [flow for flow in plan["flows"] if flow["reason"] == "bouncer"]
    assert [(flow["from"], flow["to"]) for flow in bouncer] == [("edge-proxy", "detector")]


def test_renamed_players_get_the_gateway_namespace_and_port_forwarding(renamed_platform):
    catalog, plan = renamed_platform
    services = compose.files(plan, "one")["compose/content/compose.yaml"]["services"]
    assert services["torrent"]["network_mode"] == "service:tunnel"
    command = services["tunnel"]["environment"]["VPN_PORT_FORWARDING_UP_COMMAND"]
    assert f"http://127.0.0.1:{catalog['torrent']['port']}/api/v2/auth/login" in command
    assert {"name": "torrent.webui_password", "env": "QBITTORRENT_WEBUI_PASSWORD"} in environment_secrets(
        "tunnel", plan
    )
    assert "detector.bouncer_key" in required_secrets(plan)


def test_the_portal_keeps_its_sessions_and_storage_in_the_renamed_players(renamed_platform):
    _catalog, plan = renamed_platform
    document = authelia.files(plan, "one")["config/authelia/configuration.yml"]
    assert document["session"]["redis"] == {"host": plan["services"]["kv"]["addresses"]["data"], "port": 6379}
    address = plan["services"]["pg"]["addresses"]["data"]
    assert document["storage"]["postgres"]["address"] == f"tcp://{address}:5432"
