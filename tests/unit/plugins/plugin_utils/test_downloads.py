"""Downloads with and without the VPN: the download clients are planned with the content layer,
in the VPN gateway's namespace when it is planned and on the media segment otherwise, and every
address that names them (the *arr apps', Traefik's, Homepage's) follows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import views
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import preflight_errors
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import compose_project
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.homepage import homepage_services
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import traefik_dynamic
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import required_secrets
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._wiring import wiring

ROOT = Path(__file__).resolve().parents[4]
CATALOG = load_catalog(ROOT / "catalog/services")
LAYERS = ["mediastack_edge", "mediastack_data", "mediastack_media", "mediastack_content", "mediastack_observability"]
CLIENTS = ("qbittorrent", "sabnzbd")
#: A WireGuard key's shape (32 bytes of base64); never a real one.
KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def plan(vpn: bool, hosts=None, port_forwarding: bool = False, settings=None, **services) -> dict:
    inventory = {
        "hosts": hosts or {"one": LAYERS},
        "domain": "example.com",
        "features": {"vpn": vpn},
        "services": services,
        "vpn_port_forwarding": port_forwarding,
        # Several hosts share segments only through macvlan.
        "segment_driver": "macvlan" if hosts and len(hosts) > 1 else "bridge",
        "settings": settings or {"vpn": {"provider": "protonvpn"}},
    }
    return build_plan(CATALOG, inventory)


def content(planned: dict, host: str = "one") -> dict:
    return compose_project(planned, host, "content")["services"]


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
    wired = wiring(planned)
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
    backends = traefik_dynamic(planned)["routes"]["http"]["services"]
    # Traefik's first segment the target joins: the gateway's dmz address, or the client's media one.
    where = address(planned, "gluetun", "dmz") if vpn else address(planned, "qbittorrent")
    assert backends["qbittorrent"]["loadBalancer"]["servers"] == [{"url": f"http://{where}:8080"}]


@pytest.mark.parametrize("vpn", [True, False], ids=["vpn-on", "vpn-off"])
def test_homepage_shows_sabnzbd_through_its_api_route_and_qbittorrent_without_a_widget(vpn):
    # Homepage joins neither the gateway's segments nor the media segment: SABnzbd's widget goes
    # through the route, whose /api path carries its own key; qBittorrent's would need a sign-in.
    tiles = {
        name: tile
        for group in homepage_services(plan(vpn=vpn))
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


# -- port forwarding ---------------------------------------------------------------------------
def gluetun(planned: dict) -> dict:
    return content(planned)["gluetun"]["environment"]


def test_port_forwarding_is_off_unless_asked():
    environment = gluetun(plan(vpn=True))
    assert not [variable for variable in environment if variable.startswith("VPN_PORT_FORWARDING")]


def test_port_forwarding_gives_qbittorrent_the_forwarded_port():
    planned = plan(vpn=True, port_forwarding=True)
    environment = gluetun(planned)
    assert environment["VPN_PORT_FORWARDING"] == "on"
    assert "VPN_PORT_FORWARDING_PROVIDER" not in environment
    command = environment["VPN_PORT_FORWARDING_UP_COMMAND"]
    assert command.startswith("/bin/sh -c '")
    # Compose would interpolate a lone $; the password is the shell's to expand, from the env file.
    assert "$$QBITTORRENT_WEBUI_PASSWORD" in command and "$$?" in command
    assert "$" not in command.replace("$$", "")
    assert "http://127.0.0.1:8080/api/v2/app/setPreferences" in command and "{{PORT}}" in command
    assert "qbittorrent.webui_password" in required_secrets(planned)


def test_the_gateway_holds_qbittorrents_password_in_its_env_file_only():
    settings = {"config_root": "/srv/ms", "vpn": {"provider": "protonvpn", "private_key": KEY}}
    planned = plan(vpn=True, port_forwarding=True, settings=settings)
    store = dict.fromkeys(required_secrets(planned), "generated")
    store["qbittorrent.webui_password"] = "the-webui-password"  # noqa: S105 - a test value
    files = {item["path"]: item for item in host_layout(planned, "one", store, settings)["files"]}
    env = dict(line.split("=", 1) for line in files["/srv/ms/env/gluetun.env"]["content"].splitlines())
    assert env == {"QBITTORRENT_WEBUI_PASSWORD": "the-webui-password", "WIREGUARD_PRIVATE_KEY": KEY}
    assert files["/srv/ms/env/gluetun.env"]["mode"] == "0600"
    assert "the-webui-password" not in files["/srv/ms/compose/content/compose.yaml"]["content"]
    compose = yaml.safe_load(files["/srv/ms/compose/content/compose.yaml"]["content"])
    assert compose["services"]["gluetun"]["env_file"] == ["/srv/ms/env/gluetun.env"]


def test_without_port_forwarding_the_gateway_never_holds_qbittorrents_password():
    settings = {"config_root": "/srv/ms", "vpn": {"provider": "protonvpn", "private_key": KEY}}
    planned = plan(vpn=True, settings=settings)
    files = {item["path"]: item for item in host_layout(planned, "one", None, settings)["files"]}
    assert "QBITTORRENT" not in files["/srv/ms/env/gluetun.env"]["content"]


def test_the_custom_provider_names_its_port_forwarding_code():
    settings = {"vpn": {"provider": "custom", "port_forwarding_provider": "protonvpn"}}
    assert (
        gluetun(plan(vpn=True, port_forwarding=True, settings=settings))["VPN_PORT_FORWARDING_PROVIDER"] == "protonvpn"
    )


def test_without_qbittorrent_the_gateway_forwards_but_runs_no_command():
    environment = gluetun(plan(vpn=True, port_forwarding=True, qbittorrent={"enabled": False}))
    assert environment["VPN_PORT_FORWARDING"] == "on"
    assert "VPN_PORT_FORWARDING_UP_COMMAND" not in environment


#: What the custom provider needs besides the key and addresses.
CUSTOM = {"public_key": KEY, "endpoint_ip": "203.0.113.5", "endpoint_port": 51820}


def hostvars(**vpn) -> dict:
    settings = {"provider": "protonvpn", "private_key": KEY, "addresses": ["10.2.0.2/32"], **vpn}
    return {"mediastack_features": {"vpn": True}, "mediastack_vpn": settings}


@pytest.mark.parametrize(
    ("settings", "variable"),
    [
        pytest.param({"port_forwarding": "yes"}, "mediastack_vpn.port_forwarding", id="not-a-boolean"),
        pytest.param({"provider": "mullvad", "port_forwarding": True}, "mediastack_vpn.provider", id="no-pf-provider"),
        pytest.param(
            {"provider": "private internet access", "port_forwarding": True},
            "mediastack_vpn.provider",
            id="pia-needs-an-account",
        ),
        pytest.param(
            {"provider": "custom", **CUSTOM, "port_forwarding": True, "port_forwarding_provider": "mullvad"},
            "mediastack_vpn.port_forwarding_provider",
            id="custom-with-an-unknown-pf-code",
        ),
        pytest.param(
            {"port_forwarding_provider": "protonvpn"},
            "mediastack_vpn.port_forwarding_provider",
            id="provider-without-pf",
        ),
    ],
)
def test_the_preflight_refuses_port_forwarding_gluetun_cannot_do(settings, variable):
    errors = preflight_errors(hostvars(**settings), host="h1")
    assert len(errors) == 1, errors
    assert f"Invalid inventory variable {variable} for host h1" in errors[0]


@pytest.mark.parametrize(
    "settings",
    [
        pytest.param({"port_forwarding": True}, id="protonvpn"),
        pytest.param({"provider": "privatevpn", "port_forwarding": True}, id="privatevpn"),
        pytest.param(
            {"provider": "custom", **CUSTOM, "port_forwarding": True, "port_forwarding_provider": "protonvpn"},
            id="custom-with-protonvpn-code",
        ),
        pytest.param({"port_forwarding": False}, id="off"),
    ],
)
def test_the_preflight_accepts_port_forwarding_gluetun_does(settings):
    assert preflight_errors(hostvars(**settings), host="h1") == []


# -- the inventories ---------------------------------------------------------------------------
def inventory_plan(directory: str) -> dict:
    """What playbooks/vars/plan.yml gives the planner for one of the shipped inventories."""
    hosts_file = yaml.safe_load((ROOT / directory / "hosts.yml").read_text(encoding="utf-8"))["mediastack"]
    group_vars = yaml.safe_load((ROOT / directory / "group_vars/mediastack/main.yml").read_text(encoding="utf-8"))
    groups: dict[str, list[str]] = {host: ["mediastack"] for host in hosts_file["hosts"]}
    for group, members in hosts_file["children"].items():
        for host in members["hosts"]:
            groups[host].append(group)
    return build_plan(CATALOG, {**views(group_vars)["planner"], "hosts": groups})


@pytest.mark.parametrize("directory", ["inventories/multi-host", "inventories/single-host"])
def test_the_shipped_inventories_plan_both_download_clients(directory):
    planned = inventory_plan(directory)
    content_host = next(host for host, entry in planned["hosts"].items() if "content" in entry["layers"])
    for name in CLIENTS:
        assert planned["services"][name]["host"] == content_host, name
        assert planned["services"][name]["network_mode"] == "", name
    assert set(CLIENTS) <= set(planned["hosts"][content_host]["layers"]["content"])
