"""Addresses one service gives another in its environment (``peers``): the shipped catalog planned
on one host and on several renders each as the plan's address, and no rendered variable of any
service names another by its service or container name, which only that host's Docker resolves."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog, normalise_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan, replica_name
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import host_files
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import compose_project

SERVICES = Path(__file__).resolve().parents[4] / "catalog" / "services"
CATALOG = load_catalog(SERVICES)
SETTINGS = {"puid": 1001, "pgid": 1002, "timezone": "Etc/UTC", "data_root": "/data", "config_root": "/srv/ms"}
LAYERS = ("edge", "data", "media", "content", "observability")
#: Where the layers run: all on one host; split as inventories/lab-three splits them (edge; media
#: and content; data and observability); one host per layer. The segments are shared by the hosts
#: (macvlan), which the planner's input does not say: only the placement differs.
TOPOLOGIES = {
    "one-host": {"one": [f"mediastack_{layer}" for layer in LAYERS]},
    "lab-three": {
        "lab1": ["mediastack_edge"],
        "lab2": ["mediastack_media", "mediastack_content"],
        "lab3": ["mediastack_data", "mediastack_observability"],
    },
    "host-per-layer": {layer: [f"mediastack_{layer}"] for layer in LAYERS},
}
#: Between them, these plans carry every service of the catalog (Plex and Jellyfin companions
#: exclude each other).
FEATURES = {"jellyfin": {"vpn": True}, "plex": {"vpn": True, "plex": True}}
DRIVERS = {False: "bridge", True: "macvlan"}
PLANS = {
    f"{topology}-{feature}": build_plan(
        CATALOG,
        # Segments shared by several hosts are the site's VLANs (macvlan); bridges serve one host.
        {"hosts": hosts, "domain": "example.com", "features": features, "segment_driver": DRIVERS[len(hosts) > 1]},
    )
    for topology, hosts in TOPOLOGIES.items()
    for feature, features in FEATURES.items()
}

#: Each variable that names another service, and the value the plan gives it: the peer's address
#: on the segment the two share (as reach() finds it), with the peer's catalog port where it goes.
PEER_VARIABLES = {
    ("immich-server", "DB_HOSTNAME"): lambda placed: placed["immich-postgres"]["addresses"]["data"],
    ("immich-server", "REDIS_HOSTNAME"): lambda placed: placed["redis"]["addresses"]["data"],
    ("immich-server", "IMMICH_MACHINE_LEARNING_URL"): (
        lambda placed: f"http://{placed['immich-machine-learning']['addresses']['media']}:3003"
    ),
    ("jellystat", "POSTGRES_IP"): lambda placed: placed["postgres"]["addresses"]["data"],
    ("jellystat", "POSTGRES_PORT"): lambda placed: "5432",
}
#: Values that are another service's name without being its address, and what they are.
NOT_ADDRESSES = {
    ("immich-server", "DB_USERNAME"): "postgres, the superuser role of Immich's own PostgreSQL",
    ("immich-postgres", "POSTGRES_USER"): "postgres, the superuser role it creates",
}


def compose_service(plan: dict, name: str) -> dict:
    """The compose service ``name`` as its own host's files carry it."""
    placed = plan["services"][name]
    files = host_files(plan, placed["host"])
    return files[f"compose/{placed['layer']}/compose.yaml"]["services"][name]


def test_the_plans_of_this_test_carry_every_service_and_split_the_peers_over_hosts():
    assert set(CATALOG) == {name for plan in PLANS.values() for name in plan["services"]}
    placed = PLANS["lab-three-jellyfin"]["services"]
    assert placed["immich-server"]["host"] != placed["immich-postgres"]["host"]
    assert placed["jellystat"]["host"] != placed["crowdsec"]["host"]


@pytest.mark.parametrize(
    ("plan_name", "service", "variable"),
    [
        (plan_name, service, variable)
        for plan_name, plan in sorted(PLANS.items())
        for service, variable in sorted(PEER_VARIABLES)
        if service in plan["services"]
    ],
)
def test_a_peer_variable_is_the_address_the_plan_gives_the_peer(plan_name, service, variable):
    plan = PLANS[plan_name]
    expected = PEER_VARIABLES[(service, variable)](plan["services"])
    assert compose_service(plan, service)["environment"][variable] == expected


def names_of(plan: dict) -> dict[str, str]:
    """Every name a container of the plan answers to (service, copy and container name) -> service."""
    names = {}
    for name, placed in plan["services"].items():
        for index in range(placed.get("replicas", 1)):
            names[replica_name(name, index)] = name
            names[f"mediastack-{replica_name(name, index)}"] = name
    return names


def named_hosts(value: str, names: dict[str, str]) -> list[str]:
    """The services ``value`` names as a host: the whole value, ``name:port``, ``//name``, ``@name``,
    or an item of a list (comma, space or ``=`` before it)."""
    return sorted(
        {
            service
            for name, service in names.items()
            if re.search(rf"(?:^|//|@|[\s,=]){re.escape(name)}(?:[:/,\s]|$)", value)
        }
    )


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ("redis", ["redis"]),
        ("crowdsec:8080", ["crowdsec"]),
        ("http://immich-machine-learning:3003", ["immich-machine-learning"]),
        ("postgres://u@mediastack-postgres/db", ["postgres"]),
        ("--db=postgres:5432", ["postgres"]),
        ("10.10.3.30", []),
        ("crowdsecurity/traefik crowdsecurity/http-cve", []),
        ("immich", []),
    ],
    ids=["name", "name-port", "url", "container-name", "argument", "address", "path", "prefix-of-a-name"],
)
def test_the_guard_tells_a_host_name_from_other_values(value, named):
    assert named_hosts(value, names_of(PLANS["one-host-jellyfin"])) == named


@pytest.mark.parametrize("plan_name", sorted(PLANS))
def test_no_rendered_variable_or_argument_names_another_service_as_a_host(plan_name):
    """A name resolves only on the host whose Docker runs that container; the plan's address
    resolves everywhere the segment reaches."""
    plan = PLANS[plan_name]
    names = names_of(plan)
    found = []
    for host, entry in plan["hosts"].items():
        for layer in entry["layers"]:
            for compose_name, service in compose_project(plan, host, layer)["services"].items():
                own = service["labels"]["org.newmedia.mediastack.service"]
                values = [*service["environment"].items(), *(("command", item) for item in service.get("command", []))]
                for variable, value in values:
                    others = [name for name in named_hosts(str(value), names) if name != own]
                    if others and (own, variable) not in NOT_ADDRESSES:
                        found.append(f"{compose_name} {variable}={value} names {', '.join(others)}")
    assert not found, "\n".join(found)


def test_the_values_that_are_no_addresses_are_still_there():
    """The guard's exceptions name real values: an exception left behind would hide a new one."""
    plan = PLANS["one-host-jellyfin"]
    for (service, variable), reason in NOT_ADDRESSES.items():
        assert compose_service(plan, service)["environment"][variable] == reason.split(",", maxsplit=1)[0]


# -- on a small catalog: the VPN gateway, and a peer on no segment of the service ------------
def small_catalog(**changes: dict) -> dict:
    entries = {
        "gluetun": {
            "layer": "content",
            "platform": "vpn_gateway",
            "image": "x/gluetun",
            "version": "1",
            "slot": 60,
            "segments": ["dmz", "media"],
        },
        "qbittorrent": {
            "layer": "content",
            "image": "x/qbittorrent",
            "version": "1",
            "slot": 61,
            "segments": ["media"],
            "network_mode": "vpn",
            "port": 8080,
            "depends_on": ["gluetun"],
        },
        "client": {
            "layer": "media",
            "image": "x/client",
            "version": "1",
            "slot": 40,
            "segments": ["media"],
            "depends_on": ["qbittorrent"],
            "peers": {"TORRENT_URL": "http://{qbittorrent.address}:{qbittorrent.port}/"},
        },
    }
    for name, entry in changes.items():
        entries[name].update(entry)
    return normalise_catalog(entries)


def small_plan(catalog: dict) -> dict:
    hosts = {"one": ["mediastack_content"], "two": ["mediastack_media"]}
    return build_plan(catalog, {"hosts": hosts, "domain": "example.com", "segment_driver": "macvlan"})


def test_a_peer_behind_the_vpn_gateway_is_reached_at_the_gateways_address():
    catalog = small_catalog()
    plan = small_plan(catalog)
    environment = compose_project(plan, "two", "media")["services"]["client"]["environment"]
    assert environment["TORRENT_URL"] == f"http://{plan['services']['gluetun']['addresses']['media']}:8080/"


def test_the_planner_refuses_a_dependency_on_no_segment_of_the_service_naming_both_and_their_segments():
    """The catalog refuses a peer the service cannot reach; an entry changed after that check
    still meets the planner, which refuses every dependency on no segment of the service."""
    catalog = copy.deepcopy(small_catalog())
    catalog["client"]["segments"] = ["admin"]
    message = (
        "Cannot plan mediastack_services.qbittorrent: client must reach qbittorrent but they share no segment "
        "(client joins admin; qbittorrent joins media). Report this: the catalog entries disagree"
    )
    with pytest.raises(PlanError, match=re.escape(message)):
        small_plan(catalog)


def test_a_peer_on_no_segment_of_the_service_fails_the_rendering_naming_both_and_their_segments():
    """And a plan changed after planning fails the rendering, never renders a name or a guess."""
    catalog = copy.deepcopy(small_catalog())
    plan = small_plan(catalog)
    catalog["client"]["segments"] = ["admin"]
    plan["services"]["client"].update(segments=["admin"], addresses={"admin": "10.10.2.40"})
    message = (
        "Cannot render TORRENT_URL for client: client joins admin, and qbittorrent runs in gluetun's "
        "namespace, which joins dmz, media, so they share no segment. Report this: the catalog entries disagree"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        compose_project(plan, "two", "media")
