"""Unit tests for the planner on a small catalog written here, independent of the shipped one."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import normalise_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import DEFAULT_ENTRY_BIND_ADDRESS
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan

HC = ["CMD", "true"]
CATALOG = normalise_catalog(
    {
        "traefik": {
            "platform": "entry_proxy",
            "layer": "edge",
            "image": "docker.io/library/traefik",
            "version": "v3.7.11",
            "slot": 20,
            "segments": ["dmz", "proxy", "media", "admin"],
            "port": 8080,
            "ports": {"web": 80, "websecure": 443},
            "healthcheck": HC,
            "route": {"policy": "two_factor", "groups": ["admins"]},
        },
        "authelia": {
            "platform": "portal",
            "layer": "edge",
            "image": "docker.io/authelia/authelia",
            "version": "4.39.20",
            "slot": 21,
            "segments": ["proxy", "data"],
            "port": 9091,
            "healthcheck": HC,
            "route": {"subdomain": "auth", "policy": "bypass"},
            "depends_on": ["postgres"],
        },
        "postgres": {
            "layer": "data",
            "platform": "database",
            "image": "docker.io/library/postgres",
            "version": "18.6",
            "slot": 30,
            "segments": ["data"],
            "port": 5432,
            "healthcheck": HC,
        },
        "sonarr": {
            "layer": "content",
            "image": "lscr.io/linuxserver/sonarr",
            "version": "4.0.19.2979-ls316",
            "slot": 63,
            "segments": ["media"],
            "port": 8989,
            "healthcheck": HC,
            "route": {"policy": "two_factor", "groups": ["admins"], "bypass_paths": ["^/api([/?].*)?$"]},
        },
        "plex": {
            "layer": "media",
            "image": "lscr.io/linuxserver/plex",
            "version": "1.43.3.10828-00f62d37d-ls315",
            "slot": 41,
            "segments": ["media"],
            "port": 32400,
            "feature": "plex",
            "healthcheck": HC,
            "route": {"groups": ["users"]},
        },
        "jellyfin": {
            "layer": "media",
            "image": "docker.io/jellyfin/jellyfin",
            "version": "10.11.11",
            "slot": 40,
            "segments": ["media"],
            "port": 8096,
            "healthcheck": HC,
            "route": {"groups": ["users"]},
        },
    }
)
ALL_LAYERS = ["mediastack", "mediastack_edge", "mediastack_data", "mediastack_media", "mediastack_content"]


def inventory(**changes):
    base = {"hosts": {"one": list(ALL_LAYERS)}, "domain": "example.com"}
    base.update(changes)
    return base


def test_one_host_carries_every_layer_with_slot_addresses():
    plan = build_plan(CATALOG, inventory())
    assert plan["hosts"] == {
        "one": {
            "layers": {
                "edge": ["authelia", "traefik"],
                "data": ["postgres"],
                "media": ["jellyfin"],
                "content": ["sonarr"],
            }
        }
    }
    assert plan["services"]["traefik"]["addresses"] == {
        "dmz": "10.10.4.20",
        "proxy": "10.10.0.20",
        "media": "10.10.1.20",
        "admin": "10.10.2.20",
    }
    assert plan["services"]["sonarr"]["addresses"] == {"media": "10.10.1.63"}
    assert plan["segments"]["data"] == {"cidr": "10.10.3.0/24", "gateway": "10.10.3.1", "internal": True}
    assert "plex" not in plan["services"]


def test_the_same_input_gives_the_same_plan():
    assert build_plan(CATALOG, inventory()) == build_plan(copy.deepcopy(CATALOG), inventory())


def test_adding_a_service_renumbers_nothing():
    without = build_plan(CATALOG, inventory(features={"plex": False}))
    with_plex = build_plan(CATALOG, inventory(features={"plex": True}))
    assert with_plex["services"]["plex"]["addresses"] == {"media": "10.10.1.41"}
    for name, service in without["services"].items():
        assert with_plex["services"][name]["addresses"] == service["addresses"], name


def test_layers_spread_over_several_hosts():
    hosts = {
        "edge1": ["mediastack", "mediastack_edge"],
        "media1": ["mediastack", "mediastack_media", "mediastack_content"],
        "storage1": ["mediastack", "mediastack_data"],
    }
    plan = build_plan(CATALOG, inventory(hosts=hosts, segment_driver="macvlan"))
    placed = {name: service["host"] for name, service in plan["services"].items()}
    assert placed == {
        "authelia": "edge1",
        "jellyfin": "media1",
        "postgres": "storage1",
        "sonarr": "media1",
        "traefik": "edge1",
    }


def test_routes_and_flows():
    plan = build_plan(CATALOG, inventory())
    assert [route["fqdn"] for route in plan["routes"]] == [
        "auth.example.com",
        "jellyfin.example.com",
        "sonarr.example.com",
        "traefik.example.com",
    ]
    assert {"from": "traefik", "to": "sonarr", "segment": "media", "port": 8989, "reason": "route"} in plan["flows"]
    assert {"from": "authelia", "to": "postgres", "segment": "data", "port": 5432, "reason": "dependency"} in plan[
        "flows"
    ]


def test_overrides_change_subdomain_policy_and_version():
    services = {"sonarr": {"subdomain": "tv", "version": "4.0.20.3014-ls327"}, "jellyfin": {"policy": "two_factor"}}
    plan = build_plan(CATALOG, inventory(services=services))
    sonarr = plan["services"]["sonarr"]
    assert sonarr["route"]["fqdn"] == "tv.example.com"
    assert sonarr["version"] == "4.0.20.3014-ls327"
    assert plan["services"]["jellyfin"]["route"]["policy"] == "two_factor"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"services": {"sonar": {"enabled": True}}},
            "Cannot plan mediastack_services.sonar: no such service in the catalog",
        ),
        (
            {"services": {"overseerr": {"enabled": True}}},
            "Cannot plan mediastack_services.overseerr: Overseerr is archived upstream and is no longer deployed; "
            "Seerr serves Plex too. Move its settings to mediastack_services.seerr",
        ),
        (
            {"services": {"promtail": {"enabled": True}}},
            "Cannot plan mediastack_services.promtail: Promtail reached end of life on 2026-03-02 and is no longer "
            "deployed; Grafana Alloy ships the logs. Move its settings to mediastack_services.alloy",
        ),
        (
            {"services": {"jellyfin": {"subdomain": "sonarr"}}},
            "Cannot plan mediastack_services.sonarr.subdomain: sonarr.example.com is already the route of jellyfin",
        ),
        (
            {"hosts": {"one": ["mediastack", "mediastack_edge", "mediastack_data", "mediastack_content"]}},
            "Cannot plan mediastack_media: no host carries the media layer, so jellyfin is placed nowhere",
        ),
        (
            {"services": {"jellyfin": {"groups": ["family"]}}},
            "Cannot plan mediastack_services.jellyfin.groups: group family is not defined",
        ),
        (
            {"segments": {"proxy": "10.10.0.0/16"}},
            "Invalid inventory variable mediastack_segments.proxy for host the platform: "
            "media (10.10.1.0/24) overlaps proxy (10.10.0.0/16)",
        ),
        (
            {"segments": {"media": "10.10.1.0/27"}},
            "Cannot plan mediastack_segments.media: 10.10.1.0/27 has no address for jellyfin (slot 40)",
        ),
        (
            {"services": {"postgres": {"enabled": False}}},
            "Cannot plan mediastack_services.postgres.enabled: authelia needs postgres, which is off",
        ),
        (
            {"services": {"sonarr": {"host": "nowhere"}}},
            "Cannot plan mediastack_services.sonarr.host: nowhere is not a host of the mediastack group",
        ),
        ({"services": {"sonarr": {"replica": 2}}}, "Cannot plan mediastack_services.sonarr.replica: unknown setting"),
        ({"domain": ""}, "Cannot plan mediastack_domain: it is not set"),
        (
            {"cookie_domain": "example.org"},
            "Cannot plan mediastack_auth_cookie_domain: the services' domain example.com is outside the session "
            "cookie domain example.org",
        ),
        (
            {"hosts": {"edge1": ["mediastack", "mediastack_edge"], "rest": ALL_LAYERS[:1] + ALL_LAYERS[2:]}},
            "Cannot plan mediastack_segment_driver: the services are placed on 2 hosts (edge1, rest), but bridge "
            "segments live inside one host and do not span hosts. Set mediastack_segment_driver: macvlan, with the "
            "parent interface of each segment on every host (mediastack_segment_parents), for an inventory of "
            "several hosts",
        ),
        ({"segment_driver": "overlay"}, "Cannot plan mediastack_segment_driver: 'overlay' is not a segment driver"),
        (
            {"entry_ports": {"http": 443, "https": 443}},
            "Invalid inventory variable mediastack_entry_ports.https for host the platform: it is 443, the same",
        ),
        (
            {"entry_bind_address": "edge.lan"},
            "Invalid inventory variable mediastack_entry_bind_address for host the platform: 'edge.lan' is not an IP",
        ),
    ],
    ids=[
        "unknown-service",
        "retired-overseerr",
        "retired-promtail",
        "subdomain-twice",
        "layer-on-no-host",
        "undefined-group",
        "overlapping-segments",
        "segment-too-small",
        "dependency-disabled",
        "pinned-to-unknown-host",
        "unknown-setting",
        "no-domain",
        "domain-outside-cookie",
        "bridge-across-hosts",
        "unknown-driver",
        "entry-ports-equal",
        "entry-bind-name",
    ],
)
def test_bad_input_names_the_variable(changes, expected):
    with pytest.raises(PlanError) as raised:
        build_plan(CATALOG, inventory(**changes))
    assert any(problem.startswith(expected) for problem in raised.value.problems), raised.value.problems


def test_every_problem_is_reported_at_once():
    with pytest.raises(PlanError) as raised:
        build_plan(CATALOG, inventory(domain="", services={"sonar": {}, "jellyfin": {"groups": ["family"]}}))
    assert len(raised.value.problems) == 3


def test_bridge_segments_publish_only_traefiks_http_and_https_entry_points():
    plan = build_plan(CATALOG, inventory())
    assert plan["segment_driver"] == "bridge"
    assert plan["services"]["traefik"]["published"] == [
        {"entry_point": "web", "host_ip": DEFAULT_ENTRY_BIND_ADDRESS, "published": 80, "target": 80},
        {"entry_point": "websecure", "host_ip": DEFAULT_ENTRY_BIND_ADDRESS, "published": 443, "target": 443},
    ]
    assert all(not service["published"] for name, service in plan["services"].items() if name != "traefik")


def test_the_entry_publishes_at_the_inventorys_address_and_ports_onto_the_entry_points_own():
    plan = build_plan(CATALOG, inventory(entry_bind_address="192.168.1.10", entry_ports={"http": 8080}))
    assert plan["services"]["traefik"]["published"] == [
        {"entry_point": "web", "host_ip": "192.168.1.10", "published": 8080, "target": 80},
        {"entry_point": "websecure", "host_ip": "192.168.1.10", "published": 443, "target": 443},
    ]


def test_macvlan_segments_publish_nothing_and_may_span_hosts():
    hosts = {"edge1": ["mediastack", "mediastack_edge"], "rest": ALL_LAYERS[:1] + ALL_LAYERS[2:]}
    plan = build_plan(CATALOG, inventory(hosts=hosts, segment_driver="macvlan"))
    assert plan["segment_driver"] == "macvlan"
    assert all(not service["published"] for service in plan["services"].values())
    assert plan["services"]["traefik"]["addresses"]["dmz"] == "10.10.4.20"


def test_each_planned_service_carries_its_facts_and_where_its_files_live():
    plan = build_plan(CATALOG, inventory(settings={"config_root": "/srv/ms/", "puid": 1500, "pgid": 1501}))
    sonarr = plan["services"]["sonarr"]
    # The catalog's facts as they stand, and the resolved ones.
    assert (sonarr["port"], sonarr["config"], sonarr["secrets"]) == (
        CATALOG["sonarr"]["port"],
        CATALOG["sonarr"]["config"],
        CATALOG["sonarr"]["secrets"],
    )
    assert sonarr["paths"] == {
        "config": "/srv/ms/sonarr",
        "env_file": "/srv/ms/env/sonarr.env",
        "compose_file": "/srv/ms/compose/content/compose.yaml",
        "folders": {"/srv/ms/sonarr": CATALOG["sonarr"]["config"]},
    }
    assert sonarr["owner"] == {"user": "1500", "group": "1501"}
    # The planner's own facts replace the catalog's fields they resolve.
    assert isinstance(sonarr["route"]["fqdn"], str) and "replica_slots" not in sonarr
    assert plan["settings"]["config_root"] == "/srv/ms/"
    assert plan["settings"]["timezone"] == "Etc/UTC"
    assert plan["sources"] == {"acme_ca_bundle": "", "crowdsec_bouncer_plugin": {}}


def test_a_service_whose_image_names_its_user_owns_its_files_as_that_user():
    catalog = {**CATALOG, "sonarr": {**CATALOG["sonarr"], "image_user": "65534:65533"}}
    assert build_plan(catalog, inventory())["services"]["sonarr"]["owner"] == {"user": "65534", "group": "65533"}
