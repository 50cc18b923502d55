"""Renderings of a plan: compose projects, and Traefik, Authelia and Homepage files checked against
the upstream schemas in tests/specs."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import DEFAULT_ENTRY_BIND_ADDRESS
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import host_files
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.authelia import (
    authelia_configuration,
    authelia_rules,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import (
    compose_project,
    image_reference,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.homepage import homepage_services
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import (
    traefik_dynamic,
    traefik_static,
)

from .test_plan import CATALOG, inventory

SPECS = Path(__file__).resolve().parents[3] / "specs"
SETTINGS = {"puid": 1001, "pgid": 1002, "timezone": "Europe/Berlin", "data_root": "/data", "config_root": "/srv/ms"}


def planned(catalog=CATALOG, settings=None, sources=None, **changes) -> dict:
    """The plan of ``inventory(**changes)`` with the rendering ``settings`` (SETTINGS unless given)
    and ``sources`` the plays hand the planner (plan.yml's mediastack_plan_inventory)."""
    inventory_changes = {"settings": SETTINGS if settings is None else settings, "sources": sources or {}}
    return build_plan(catalog, {**inventory(**changes), **inventory_changes})


def schema(name: str) -> dict:
    return json.loads((SPECS / name).read_text(encoding="utf-8"))


def validate(document: object, schema_name: str) -> None:
    spec = schema(schema_name)
    validator_class = jsonschema.validators.validator_for(spec)
    errors = sorted(validator_class(spec).iter_errors(document), key=lambda error: list(error.path))
    assert not errors, "\n".join(f"{list(error.path)}: {error.message}" for error in errors[:10])


def walk_items(document: object):
    """Every (key, value) pair of a nested document."""
    if isinstance(document, dict):
        for key, value in document.items():
            yield key, value
            yield from walk_items(value)
    elif isinstance(document, list):
        for item in document:
            yield from walk_items(item)


@pytest.mark.parametrize(
    ("document", "schema_name"),
    [
        ({"entryPoints": {"web": {"address": 80}}}, "traefik-v3-static.schema.json"),
        ({"http": {"routers": {"r": {"rule": 5}}}}, "traefik-v3-dynamic.schema.json"),
        ({"access_control": {"default_policy": "allow"}}, "authelia-configuration.schema.json"),
        ([{"Group": "not a list"}], "homepage-services.schema.json"),
    ],
    ids=["traefik-static", "traefik-dynamic", "authelia", "homepage"],
)
def test_the_schema_check_rejects_a_wrong_document(document, schema_name):
    with pytest.raises(AssertionError):
        validate(document, schema_name)


@pytest.fixture(name="plan")
def fixture_plan():
    return planned()


@pytest.mark.parametrize(
    ("image", "registry", "expected"),
    [
        ("lscr.io/linuxserver/sonarr", "", "lscr.io/linuxserver/sonarr:4"),
        ("lscr.io/linuxserver/sonarr", "mirror.lan:5000", "mirror.lan:5000/linuxserver/sonarr:4"),
        ("docker.io/library/postgres", "127.0.0.1:5000/", "127.0.0.1:5000/library/postgres:4"),
        ("authelia/authelia", "mirror.lan", "mirror.lan/authelia/authelia:4"),
    ],
    ids=["no-override", "lscr", "docker-hub-trailing-slash", "no-registry-host"],
)
def test_image_reference_applies_the_registry_override(image, registry, expected):
    assert image_reference(image, "4", registry) == expected


def test_only_the_entry_proxy_trusts_a_private_acme_ca(plan):
    """With mediastack_acme.ca_bundle, Traefik's ACME client (lego) reads the bundle the layout
    writes into its config folder; no other service gets the variable, and without it none does."""
    edge = compose_project(planned(sources={"acme_ca_bundle": "PEM"}), "one", "edge")["services"]
    config = CATALOG["traefik"]["config"]
    assert edge["traefik"]["environment"]["LEGO_CA_CERTIFICATES"] == f"{config}/acme-ca.pem"
    assert [name for name, service in edge.items() if "LEGO_CA_CERTIFICATES" in service["environment"]] == ["traefik"]
    plain = compose_project(plan, "one", "edge")["services"]
    assert all("LEGO_CA_CERTIFICATES" not in service["environment"] for service in plain.values())


def test_compose_project_hardens_every_service(plan):
    project = compose_project(plan, "one", "content")
    assert project["name"] == "mediastack-content"
    sonarr = project["services"]["sonarr"]
    assert sonarr["image"] == "lscr.io/linuxserver/sonarr:4.0.19.2979-ls316"
    assert sonarr["cap_drop"] == ["ALL"]
    assert sonarr["security_opt"] == ["no-new-privileges:true"]
    assert sonarr["environment"] == {"PGID": "1002", "PUID": "1001", "TZ": "Europe/Berlin"}
    assert sonarr["networks"] == {"mediastack_media": {"ipv4_address": "10.10.1.63"}}
    assert sonarr["volumes"] == ["/srv/ms/sonarr:/config"]
    assert sonarr["healthcheck"]["test"] == ["CMD", "true"]
    assert (sonarr["mem_limit"], sonarr["pids_limit"]) == ("512M", 256)
    assert project["networks"] == {"mediastack_media": {"external": True, "name": "mediastack_media"}}


def test_cpu_limits_never_exceed_the_host(plan):
    big = dict(CATALOG, sonarr=dict(CATALOG["sonarr"], resources={"memory": "1G", "cpus": 4.0, "pids": 64}))
    plan = planned(catalog=big)
    # The deploy adds the host's CPU count to the plan it renders (the stack role's __stack_host_plan).
    small_host = {**plan, "hosts": {"one": {**plan["hosts"]["one"], "cpus": 2}}}
    assert compose_project(small_host, "one", "content")["services"]["sonarr"]["cpus"] == 2.0
    assert compose_project(plan, "one", "content")["services"]["sonarr"]["cpus"] == 4.0


def test_dependencies_in_the_same_project_wait_for_health(plan):
    hosts = {"one": ["mediastack", "mediastack_edge", "mediastack_media", "mediastack_content"]}
    services = {"postgres": {"host": "one"}}
    plan = planned(hosts=hosts, services=services)
    # postgres is pinned to the host but keeps its own layer, so it is in another project.
    edge = compose_project(plan, "one", "edge")
    assert "depends_on" not in edge["services"]["authelia"]


def schema_era(static: dict) -> dict:
    """The static configuration less the options newer than the stored schema (SchemaStore's,
    2026-07): ``entryPoints.*.http.aliasHeadersStrategy`` (Traefik 3.7 patches, "Headers with
    Aliasing Names" in Traefik's security docs). The real binary, which refuses unknown fields,
    loads the whole file in tests/unit/test_traefik_edge.py."""
    document = copy.deepcopy(static)
    for entry_point in document["entryPoints"].values():
        entry_point.get("http", {}).pop("aliasHeadersStrategy", None)
        if entry_point.get("http") == {}:
            del entry_point["http"]
    return document


def test_traefik_static_is_valid_and_secure():
    acme = {"ca_server": "https://pebble:14000/dir", "email": "ops@example.com"}
    static = traefik_static(planned(settings={**SETTINGS, "acme": acme}))
    validate(schema_era(static), "traefik-v3-static.schema.json")
    assert {name: point["http"]["aliasHeadersStrategy"] for name, point in static["entryPoints"].items()} == {
        "web": "delete",
        "websecure": "delete",
        "traefik": "delete",
    }
    assert all("forwardedHeaders" not in point for point in static["entryPoints"].values())
    web = static["entryPoints"]["web"]["http"]["redirections"]["entryPoint"]
    assert (web["to"], web["scheme"]) == ("websecure", "https")
    resolver = static["certificatesResolvers"]["acme"]["acme"]
    assert resolver["caServer"] == "https://pebble:14000/dir"
    assert resolver["httpChallenge"] == {"entryPoint": "web"}


def test_traefik_static_with_dns_challenge_is_valid():
    static = traefik_static(planned(settings={**SETTINGS, "acme": {"challenge": "dns", "dns_provider": "cloudflare"}}))
    validate(schema_era(static), "traefik-v3-static.schema.json")
    assert static["certificatesResolvers"]["acme"]["acme"]["dnsChallenge"] == {"provider": "cloudflare"}


def test_traefik_dynamic_is_valid_and_routes_through_authelia(plan):
    dynamic = traefik_dynamic(plan)
    for document in dynamic.values():
        validate(document, "traefik-v3-dynamic.schema.json")
    routers = dynamic["routes"]["http"]["routers"]
    # Headers first, so that the portal's 302 and a 403 carry them too.
    assert routers["sonarr"]["middlewares"] == ["secure-headers", "strip-identity", "authelia"]
    assert routers["authelia"]["middlewares"] == ["secure-headers", "strip-identity", "portal-ratelimit"]
    assert routers["traefik"]["service"] == "api@internal"
    assert routers["traefik"]["middlewares"] == ["secure-headers", "strip-identity", "admin-segment", "authelia"]
    servers = dynamic["routes"]["http"]["services"]["sonarr"]["loadBalancer"]["servers"]
    assert servers == [{"url": "http://10.10.1.63:8989"}]
    forward = dynamic["middlewares"]["http"]["middlewares"]["authelia"]["forwardAuth"]
    assert forward["address"] == "http://10.10.0.21:9091/api/authz/forward-auth"
    tls = dynamic["tls"]["tls"]["options"]["default"]
    assert tls["minVersion"] == "VersionTLS12"
    headers = dynamic["middlewares"]["http"]["middlewares"]["secure-headers"]["headers"]
    assert headers["stsSeconds"] >= 31536000


def test_authelia_rules_bypass_only_api_paths_and_default_deny(plan):
    rules = authelia_rules(plan)
    assert rules[0] == {"domain": ["auth.example.com"], "policy": "bypass"}
    assert {"domain": ["sonarr.example.com"], "resources": ["^/api([/?].*)?$"], "policy": "bypass"} in rules
    assert {"domain": ["sonarr.example.com"], "policy": "two_factor", "subject": ["group:admins"]} in rules
    # A bypass never precedes... nothing: bypass rules are first, then each route's own rule.
    policies = [rule["policy"] for rule in rules]
    assert policies.index("two_factor") > max(i for i, policy in enumerate(policies) if policy == "bypass")
    configuration = authelia_configuration(plan)
    assert configuration["access_control"]["default_policy"] == "deny"


def test_authelia_configuration_is_valid(plan):
    configuration = authelia_configuration(plan)
    validate(configuration, "authelia-configuration.schema.json")
    assert configuration["storage"]["postgres"]["address"] == "tcp://10.10.3.30:5432"
    assert configuration["session"]["cookies"][0]["domain"] == "example.com"
    argon2 = configuration["authentication_backend"]["file"]["password"]["argon2"]
    assert argon2["variant"] == "argon2id"
    # Secrets come from *_FILE variables only: no key of the file holds one.
    secret_like = ("secret", "key", "password", "token")
    assert not [key for key, value in walk_items(configuration) if key.endswith(secret_like) and isinstance(value, str)]


def test_homepage_services_are_valid(plan):
    services = homepage_services(plan)
    validate(services, "homepage-services.schema.json")


def test_host_files_lists_what_the_host_carries(plan):
    files = host_files(plan, "one")
    assert sorted(files) == [
        "compose/content/compose.yaml",
        "compose/data/compose.yaml",
        "compose/edge/compose.yaml",
        "compose/media/compose.yaml",
        "config/authelia/configuration.yml",
        "config/traefik/dynamic/middlewares.yaml",
        "config/traefik/dynamic/routes.yaml",
        "config/traefik/dynamic/tls.yaml",
        "config/traefik/traefik.yaml",
    ]
    assert host_files(plan, "elsewhere") == {}


def test_rendering_is_byte_identical(plan):
    first = yaml.safe_dump(host_files(plan, "one"), sort_keys=False)
    again = yaml.safe_dump(host_files(planned(), "one"), sort_keys=False)
    assert first == again


def test_bridge_segments_publish_traefiks_entry_points_and_nothing_else(plan):
    project = compose_project(plan, "one", "edge")
    assert project["services"]["traefik"]["ports"] == [
        {"target": 80, "published": 80, "host_ip": DEFAULT_ENTRY_BIND_ADDRESS, "protocol": "tcp"},
        {"target": 443, "published": 443, "host_ip": DEFAULT_ENTRY_BIND_ADDRESS, "protocol": "tcp"},
    ]
    published = [
        name
        for layer in plan["hosts"]["one"]["layers"]
        for name, service in compose_project(plan, "one", layer)["services"].items()
        if "ports" in service
    ]
    assert published == ["traefik"]


def test_the_published_http_port_reaches_the_entry_point_of_the_acme_challenge(plan):
    plan = planned(entry_bind_address="::", entry_ports={"http": 8000, "https": 8443})
    ports = compose_project(plan, "one", "edge")["services"]["traefik"]["ports"]
    static = traefik_static(plan)
    challenge = static["certificatesResolvers"]["acme"]["acme"]["httpChallenge"]["entryPoint"]
    web = next(port for port in ports if port["published"] == 8000)
    assert web == {"target": 80, "published": 8000, "host_ip": "::", "protocol": "tcp"}
    assert static["entryPoints"][challenge]["address"] == f":{web['target']}"
    websecure = next(port for port in ports if port["published"] == 8443)
    assert static["entryPoints"]["websecure"]["address"] == f":{websecure['target']}"


def test_macvlan_segments_publish_no_port():
    plan = planned(segment_driver="macvlan")
    for layer in plan["hosts"]["one"]["layers"]:
        services = compose_project(plan, "one", layer)["services"]
        assert all("ports" not in service for service in services.values()), layer
