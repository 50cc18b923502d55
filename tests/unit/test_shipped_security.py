"""The security settings rendered for the shipped inventories, asserted exactly.

Each value is read from the files the render playbook writes (and the expression the stack role
creates the segment networks with) for every shipped inventory (single-host, lab, lab-three,
multi-host), and compared with the one value it must have: the admin allow-list is the
admin segment and nothing wider, forwarded headers are trusted from no one but the front proxies
an inventory names, TLS is Mozilla's intermediate profile with strict SNI, the data segment is an
internal network, and every ``AUTHELIA_*_FILE`` variable names a key of Authelia's configuration.
`make mutants` breaks each of these once and checks that a test here fails.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import yaml

from .plugins.plugin_utils.test_render import SPECS
from .shipped import INVENTORIES, ROOT, Shipped, role_variables, shipped

#: Mozilla's intermediate profile as Traefik names it (TLS 1.3 suites are Go's own, not listed).
INTERMEDIATE_TLS = {
    "minVersion": "VersionTLS12",
    "cipherSuites": [
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
    ],
    "curvePreferences": ["X25519", "CurveP256", "CurveP384"],
    "sniStrict": True,
}
#: The admin segment where an inventory leaves mediastack_segments.admin out (docs/network.md).
DEFAULT_ADMIN_CIDR = "10.10.2.0/24"
FRONT_PROXIES = ["192.0.2.7", "198.51.100.0/24"]
BOUNCER = "crowdsec-bouncer"


@pytest.fixture(name="inventory", params=INVENTORIES)
def fixture_inventory(request) -> Shipped:
    return shipped(request.param)


def traefik(inventory: Shipped, name: str) -> dict:
    """A Traefik file of the edge host: ``traefik`` (static) or a dynamic file's name."""
    path = "traefik/traefik.yaml" if name == "traefik" else f"traefik/dynamic/{name}.yaml"
    return inventory.document(inventory.edge, path)


# -- Traefik ------------------------------------------------------------------------------
def test_the_admin_allow_list_is_exactly_the_admin_segment(inventory):
    admin = inventory.plan["segments"]["admin"]["cidr"]
    segments = inventory.scopes[inventory.edge].get("mediastack_segments") or {}
    assert admin == segments.get("admin", DEFAULT_ADMIN_CIDR)
    middlewares = traefik(inventory, "middlewares")["http"]["middlewares"]
    allow_lists = {name: entry for name, entry in middlewares.items() if "ipAllowList" in entry}
    assert allow_lists == {"admin-segment": {"ipAllowList": {"sourceRange": [admin]}}}


def test_the_dashboard_is_reached_only_through_the_admin_allow_list(inventory):
    routers = traefik(inventory, "routes")["http"]["routers"]
    dashboards = sorted(name for name, router in routers.items() if router["service"] == "api@internal")
    assert dashboards == ["traefik"]
    chain = ["secure-headers", "strip-identity", "admin-segment", "crowdsec", "authelia"]
    assert routers["traefik"]["middlewares"] == chain


def test_tls_is_the_intermediate_profile_with_strict_sni(inventory):
    assert traefik(inventory, "tls") == {"tls": {"options": {"default": INTERMEDIATE_TLS}}}
    routers = traefik(inventory, "routes")["http"]["routers"]
    # No router picks other options than the default ones.
    assert [name for name, router in routers.items() if router["tls"] != {"certResolver": "acme"}] == []


def test_forwarded_headers_are_trusted_from_no_one(inventory):
    # No shipped inventory names a front proxy, so every entry point drops the X-Forwarded-*
    # headers a client sends (Traefik trusts no address without forwardedHeaders).
    assert [settings["front_proxies"] for settings in inventory.settings.values()] == [[]] * len(inventory.settings)
    entry_points = traefik(inventory, "traefik")["entryPoints"]
    assert {name: point.get("forwardedHeaders") for name, point in entry_points.items()} == {
        "web": None,
        "websecure": None,
        "traefik": None,
    }
    middlewares = traefik(inventory, "middlewares")["http"]["middlewares"]
    assert middlewares["authelia"]["forwardAuth"]["trustForwardHeader"] is False
    # The bouncer plugin judges the connection's own address: it is told of no forwarder to believe.
    assert "forwardedHeadersTrustedIps" not in middlewares["crowdsec"]["plugin"][BOUNCER]


@pytest.mark.parametrize("name", INVENTORIES)
def test_forwarded_headers_are_trusted_only_from_the_front_proxies_the_inventory_names(name):
    inventory = shipped(name, mediastack_front_proxies=FRONT_PROXIES)
    entry_points = traefik(inventory, "traefik")["entryPoints"]
    assert {name: point.get("forwardedHeaders") for name, point in entry_points.items()} == {
        "web": {"trustedIPs": FRONT_PROXIES},
        "websecure": {"trustedIPs": FRONT_PROXIES},
        "traefik": None,
    }
    middlewares = traefik(inventory, "middlewares")["http"]["middlewares"]
    assert middlewares["authelia"]["forwardAuth"]["trustForwardHeader"] is True
    assert middlewares["crowdsec"]["plugin"][BOUNCER]["forwardedHeadersTrustedIps"] == FRONT_PROXIES


# -- segment networks -----------------------------------------------------------------------
NETWORK_TASK = yaml.safe_load((ROOT / "roles/stack/tasks/networks.yml").read_text(encoding="utf-8"))[0]


def test_the_data_segment_is_an_internal_network_on_bridge_segments(inventory):
    defaults = role_variables("stack", "defaults")
    network = NETWORK_TASK["community.docker.docker_network"]
    for host in inventory.plan["hosts"]:
        driver = inventory.template(host, "{{ stack_segment_driver }}", **defaults)
        assert driver == inventory.plan["segment_driver"]
        scope = {**defaults, "stack_plan": inventory.plan}
        internal = {
            segment: inventory.template(host, network["internal"], stack_item=segment, **scope)
            for segment in inventory.plan["segments"]
        }
        # On bridges the engine keeps the data segment in; on macvlan (the site's VLANs) the router does.
        assert internal == {segment: segment == "data" and driver == "bridge" for segment in inventory.plan["segments"]}


@pytest.mark.parametrize("name", ["single-host", "lab"])
def test_the_one_host_inventories_close_their_data_segment(name):
    inventory = shipped(name)
    (host,) = inventory.plan["hosts"]
    variables = {**role_variables("stack", "defaults"), **role_variables("stack", "vars"), "stack_plan": inventory.plan}
    network = NETWORK_TASK["community.docker.docker_network"]
    assert inventory.template(host, network["internal"], stack_item="data", **variables) is True
    assert inventory.template(host, "{{ __stack_closed_cidrs }}", **variables) == [
        inventory.plan["segments"]["data"]["cidr"]
    ]
    project = yaml.safe_load(inventory.files(host)["compose/data/compose.yaml"])
    # The services join the network the stack role created, never one Compose would make itself.
    assert project["networks"]["mediastack_data"] == {"external": True, "name": "mediastack_data"}


# -- Authelia -------------------------------------------------------------------------------
def schema_paths(schema: dict, node: dict, path: tuple[str, ...] = (), seen: tuple[str, ...] = ()) -> Iterator[tuple]:
    """Every key path of Authelia's configuration schema (``$ref``, ``allOf``/``anyOf``/``oneOf`` followed)."""
    reference = node.get("$ref", "")
    if reference:
        if reference in seen:
            return
        name = reference.removeprefix("#/$defs/")
        yield from schema_paths(schema, schema["$defs"][name], path, (*seen, reference))
    for key in ("allOf", "anyOf", "oneOf"):
        for choice in node.get(key) or []:
            yield from schema_paths(schema, choice, path, seen)
    for key, child in (node.get("properties") or {}).items():
        yield (*path, key)
        yield from schema_paths(schema, child, (*path, key), seen)


def authelia_variables(schema: dict) -> set[str]:
    """The ``AUTHELIA_<PATH>_FILE`` names Authelia reads: a key path upper-cased, joined with ``_``."""
    return {"AUTHELIA_" + "_".join(path).upper() + "_FILE" for path in schema_paths(schema, schema)}


def test_the_authelia_variable_names_follow_the_schema():
    known = authelia_variables(json.loads((SPECS / "authelia-configuration.schema.json").read_text(encoding="utf-8")))
    assert "AUTHELIA_SESSION_SECRET_FILE" in known
    assert "AUTHELIA_IDENTITY_VALIDATION_RESET_PASSWORD_JWT_SECRET_FILE" in known
    assert "AUTHELIA_SESSION_SECRETS_FILE" not in known
    assert "AUTHELIA_JWT_SECRET_FILE" not in known  # Authelia 4.38 moved it under identity_validation


def test_every_authelia_file_variable_names_a_key_of_its_configuration(inventory):
    known = authelia_variables(json.loads((SPECS / "authelia-configuration.schema.json").read_text(encoding="utf-8")))
    host = inventory.plan["services"]["authelia"]["host"]
    files = inventory.files(host)
    env = dict(line.split("=", 1) for line in files["env/authelia.env"].splitlines())
    variables = sorted(name for name in env if name.endswith("_FILE"))
    assert variables == sorted(name for name in env if name.startswith("AUTHELIA_"))
    assert len(variables) == 4
    assert [name for name in variables if name not in known] == []
    # Each names a secret file the deploy writes in Authelia's folder, mounted at /config.
    for name in variables:
        secret = env[name].removeprefix("/config/")
        assert f"authelia/{secret}" in files, name
