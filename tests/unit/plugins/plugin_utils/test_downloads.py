"""Downloads with and without the VPN: the download clients are planned with the content layer,
in the VPN gateway's namespace when it is planned and on the media segment otherwise, and every
address that names them (the *arr apps', Traefik's, Homepage's) follows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import (
    compose_project,
    homepage_services,
    traefik_dynamic,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._wiring import wiring

ROOT = Path(__file__).resolve().parents[4]
CATALOG = load_catalog(ROOT / "catalog/services")
LAYERS = ["mediastack_edge", "mediastack_data", "mediastack_media", "mediastack_content", "mediastack_observability"]
CLIENTS = ("qbittorrent", "sabnzbd")
#: A WireGuard key's shape (32 bytes of base64); never a real one.
KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def plan(vpn: bool, hosts=None, **services) -> dict:
    inventory = {
        "hosts": hosts or {"one": LAYERS},
        "domain": "example.com",
        "features": {"vpn": vpn},
        "services": services,
    }
    return build_plan(CATALOG, inventory)


def content(planned: dict, settings: dict | None = None, host: str = "one") -> dict:
    return compose_project(planned, CATALOG, settings or {}, host, "content")["services"]


def address(planned: dict, name: str, segment: str = "media") -> str:
    return planned["services"][name]["addresses"][segment]


@pytest.mark.parametrize(
    ("inventory", "gateway"),
    [
        pytest.param({"vpn": True}, True, id="vpn-on"),
        pytest.param({"vpn": False}, False, id="vpn-off"),
        pytest.param({"vpn": True, "gluetun": {"enabled": False}}, False, id="vpn-on-gateway-off"),
    ],
)
def test_the_download_clients_are_planned_with_the_content_layer(inventory, gateway):
    planned = plan(**inventory)
    assert set(CLIENTS) <= set(planned["services"])
    assert ("gluetun" in planned["services"]) is gateway
    for name in CLIENTS:
        assert planned["services"][name]["network_mode"] == ("vpn" if gateway else ""), name
    assert planned["services"]["sonarr"]["network_mode"] == ""


def test_behind_the_vpn_the_clients_share_the_gateways_namespace():
    services = content(plan(vpn=True))
    for name in CLIENTS:
        assert services[name]["network_mode"] == "service:gluetun", name
        assert "networks" not in services[name] and "hostname" not in services[name], name
        assert services[name]["depends_on"] == {"gluetun": {"condition": "service_healthy"}}, name
    # The kill switch lets through only the segments the clients answer.
    assert services["gluetun"]["environment"]["FIREWALL_OUTBOUND_SUBNETS"]


def test_without_the_vpn_the_clients_join_the_media_segment_with_their_own_addresses():
    planned = plan(vpn=False)
    services = content(planned)
    assert "gluetun" not in services
    for name in CLIENTS:
        assert "network_mode" not in services[name], name
        assert services[name]["networks"] == {"mediastack_media": {"ipv4_address": address(planned, name)}}, name
        assert services[name]["hostname"] == name
        assert "depends_on" not in services[name], name


@pytest.mark.parametrize("vpn", [True, False], ids=["vpn-on", "vpn-off"])
def test_every_arr_app_gets_the_address_the_client_answers_on(vpn):
    planned = plan(vpn=vpn)
    wired = wiring(planned, CATALOG, {})
    ports = {"qbittorrent": 8080, "sabnzbd": 8085}
    expected = {name: f"http://{address(planned, 'gluetun' if vpn else name)}:{port}" for name, port in ports.items()}
    for app in wired["servarr"]:
        assert {client["service"]: client["url"] for client in app["download_clients"]} == expected, app["service"]
    assert wired["mylar3"]["clients"] == expected
    assert {client["service"]: client["url"] for client in wired["download_clients"]} == expected
    assert {client["service"]: client["behind_vpn"] for client in wired["download_clients"]} == dict.fromkeys(
        CLIENTS, vpn
    )


@pytest.mark.parametrize("vpn", [True, False], ids=["vpn-on", "vpn-off"])
def test_traefik_reaches_the_client_where_it_answers(vpn):
    planned = plan(vpn=vpn)
    backends = traefik_dynamic(planned, CATALOG)["routes"]["http"]["services"]
    # Traefik's first segment the target joins: the gateway's dmz address, or the client's media one.
    where = address(planned, "gluetun", "dmz") if vpn else address(planned, "qbittorrent")
    assert backends["qbittorrent"]["loadBalancer"]["servers"] == [{"url": f"http://{where}:8080"}]


@pytest.mark.parametrize("vpn", [True, False], ids=["vpn-on", "vpn-off"])
def test_homepage_shows_sabnzbd_through_its_api_route_and_qbittorrent_without_a_widget(vpn):
    # Homepage joins neither the gateway's segments nor the media segment: SABnzbd's widget goes
    # through the route, whose /api path carries its own key; qBittorrent's would need a sign-in.
    tiles = {
        name: tile
        for group in homepage_services(plan(vpn=vpn), CATALOG)
        for item in group.values()
        for entry in item
        for name, tile in entry.items()
    }
    assert tiles["sabnzbd"]["widget"]["url"] == "https://sabnzbd.example.com"
    assert "widget" not in tiles["qbittorrent"]


def test_a_client_pinned_away_from_the_gateway_is_refused():
    hosts = {"one": LAYERS, "two": ["mediastack_content"]}
    with pytest.raises(PlanError) as error:
        plan(vpn=True, hosts=hosts, qbittorrent={"host": "two"})
    assert any("mediastack_services.qbittorrent.host" in problem for problem in error.value.problems)
    # Without the VPN the client runs on its own, anywhere.
    assert plan(vpn=False, hosts=hosts, qbittorrent={"host": "two"})["services"]["qbittorrent"]["host"] == "two"


# -- the inventories ---------------------------------------------------------------------------
def inventory_plan(directory: str) -> dict:
    """What playbooks/vars/plan.yml gives the planner for one of the shipped inventories."""
    hosts_file = yaml.safe_load((ROOT / directory / "hosts.yml").read_text(encoding="utf-8"))["mediastack"]
    group_vars = yaml.safe_load((ROOT / directory / "group_vars/mediastack/main.yml").read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = {host: ["mediastack"] for host in hosts_file["hosts"]}
    for group, members in hosts_file["children"].items():
        for host in members["hosts"]:
            groups[host].append(group)
    inventory = {
        "hosts": groups,
        "domain": group_vars["mediastack_domain"],
        "segments": group_vars.get("mediastack_segments", {}),
        "features": group_vars.get("mediastack_features", {}),
        "services": group_vars.get("mediastack_services", {}),
    }
    return build_plan(CATALOG, inventory)


@pytest.mark.parametrize("directory", ["inventories/multi-host", "inventories/single-host"])
def test_the_shipped_inventories_plan_both_download_clients(directory):
    planned = inventory_plan(directory)
    content_host = next(host for host, entry in planned["hosts"].items() if "content" in entry["layers"])
    for name in CLIENTS:
        assert planned["services"][name]["host"] == content_host, name
        assert planned["services"][name]["network_mode"] == "", name
    assert set(CLIENTS) <= set(planned["hosts"][content_host]["layers"]["content"])
