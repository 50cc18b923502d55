"""Unit tests for the inventory checks that run before any host changes."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils import _inventory
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import (
    DEFAULT_ENTRY_BIND_ADDRESS,
    preflight_errors,
)

from ...shipped import INVENTORIES, PLAN_VARIABLES, shipped

ROOT = Path(__file__).resolve().parents[4]
#: Variables in a host's scope that the playbooks set, not the inventory.
NOT_INVENTORY = {*PLAN_VARIABLES, "mediastack_catalog", "mediastack_plan"}


def test_defaults_are_sound():
    assert preflight_errors({}, host="h1") == []


def test_a_full_sound_inventory_passes():
    hostvars = {
        "mediastack_puid": "1001",  # INI inventories give strings
        "mediastack_pgid": 1001,
        "mediastack_data_root": "/srv/data/",
        "mediastack_media_kinds": ["tv", "movies", "anime"],
        "mediastack_segments": {"media": {"cidr": "192.168.50.0/24"}, "data": "192.168.51.0/25"},
        "docker_default_address_pools": [{"base": "172.30.0.0/16", "size": 24}],
    }
    assert preflight_errors(hostvars, host="h1") == []


# Every rejection, with the variable it names, is listed in test_inputs.py (REJECTIONS).


def test_dns_challenge_with_credentials_passes_and_never_shows_a_value():
    acme = {
        "email": "admin@example.com",
        "ca_server": "https://acme-staging-v02.api.letsencrypt.org/directory",
        "challenge": "dns",
        "dns_provider": "cloudflare",
        "dns_resolvers": ["1.1.1.1:53", "[2606:4700:4700::1111]:53"],
        "dns_credentials": {"CF_DNS_API_TOKEN": "s3cret-value"},
    }
    assert preflight_errors({"mediastack_acme": acme}, host="h1") == []
    broken = dict(acme, challenge="http", dns_credentials={"CF_DNS_API_TOKEN": "s3cret-value", "CF_ZONE": ""})
    errors = preflight_errors({"mediastack_acme": broken}, host="h1")
    assert len(errors) == 2
    assert not any("s3cret-value" in error for error in errors)


def test_users_are_checked_against_the_inventorys_groups_without_showing_a_password():
    users = {"bob": {"password": "pa55word", "groups": ["family"], "displayname": "Bob"}}
    assert preflight_errors({"mediastack_users": users, "mediastack_auth_groups": ["admins", "family"]}) == []
    errors = preflight_errors({"mediastack_users": users}, host="h1")
    assert len(errors) == 1
    assert "pa55word" not in errors[0]


def test_pools_are_checked_against_the_user_segments():
    hostvars = {
        "mediastack_segments": {"media": "172.30.5.0/24"},
    }
    errors = preflight_errors(hostvars, host="h1")
    assert errors == [
        "Invalid inventory variable docker_default_address_pools[0] for host h1: pool 172.30.0.0/16 overlaps "
        "segment media (172.30.5.0/24). Set docker_default_address_pools to ranges outside every segment, "
        "e.g. [{base: 172.30.0.0/16, size: 24}]"
    ]


def test_the_docker_role_default_pools_match_the_checked_default():
    defaults = yaml.safe_load((ROOT / "roles/docker/defaults/main.yml").read_text(encoding="utf-8"))
    assert defaults["docker_default_address_pools"] == _inventory.DEFAULT_DOCKER_ADDRESS_POOLS


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_the_inventories_pass_the_preflight(inventory):
    """Each host of each shipped inventory, its variables as Ansible loads and templates them."""
    inventory_vars = shipped(inventory)
    for host, scope in inventory_vars.scopes.items():
        names = [name for name in scope if name.startswith("mediastack_") and name not in NOT_INVENTORY]
        hostvars = {name: inventory_vars.template(host, scope[name]) for name in names}
        assert "mediastack_puid" in hostvars, (inventory, host)
        assert preflight_errors(hostvars, host=host) == [], (inventory, host)


@pytest.mark.parametrize(
    ("value", "variable", "cause"),
    [
        ("10.0.0.2", "mediastack_front_proxies", "'10.0.0.2' is not a list"),
        (["proxy.lan"], "mediastack_front_proxies[0]", "'proxy.lan' is not an IP address or network"),
        ([5], "mediastack_front_proxies[0]", "5 is not an IP address or network"),
        (["10.0.0.2", "0.0.0.0/0"], "mediastack_front_proxies[1]", "0.0.0.0/0 trusts every client"),
        (["::/0"], "mediastack_front_proxies[0]", "::/0 trusts every client"),
    ],
    ids=["not-a-list", "host-name", "number", "everyone-v4", "everyone-v6"],
)
def test_front_proxies_must_be_addresses_or_networks(value, variable, cause):
    errors = preflight_errors({"mediastack_front_proxies": value}, host="h1")
    assert len(errors) == 1
    assert errors[0].startswith(f"Invalid inventory variable {variable} for host h1: {cause}")
    assert "Set mediastack_front_proxies to a list" in errors[0]


def test_front_proxies_accept_addresses_and_networks():
    value = ["192.168.1.2", "10.0.8.0/29", "fd00::1", "10.0.9.7/24"]
    assert preflight_errors({"mediastack_front_proxies": value}, host="h1") == []


@pytest.mark.parametrize(
    ("entry", "variable", "cause"),
    [
        ({"name": "[news]", "host": "h"}, "mediastack_usenet_servers[0].name", "[news] has [ or ]"),
        ({"name": "news[1]", "host": "h"}, "mediastack_usenet_servers[0].name", "has [ or ]"),
        ({"name": "n", "host": "h", "priority": 100}, "mediastack_usenet_servers[0].priority", "100 is not"),
        ({"name": "n", "host": "h", "priority": -1}, "mediastack_usenet_servers[0].priority", "-1 is not"),
        ({"name": "n", "host": "h", "priority": "1"}, "mediastack_usenet_servers[0].priority", "'1' is not"),
        ({"name": "n", "host": "h", "priority": True}, "mediastack_usenet_servers[0].priority", "True is not"),
    ],
    ids=[
        "name-bracketed",
        "name-inner-bracket",
        "priority-over-99",
        "priority-negative",
        "priority-text",
        "priority-bool",
    ],
)
def test_usenet_servers_sabnzbd_would_store_otherwise_are_named(entry, variable, cause):
    secret = "provider-Passw0rd"  # noqa: S105 - a test account's password
    errors = preflight_errors({"mediastack_usenet_servers": [dict(entry, password=secret)]}, host="h1")
    assert len(errors) == 1, errors
    assert f"variable {variable} for host h1: " in errors[0]
    assert cause in errors[0]
    assert ". Set " in errors[0] or ". Give " in errors[0]
    assert secret not in errors[0]


@pytest.mark.parametrize("priority", [0, 99], ids=["first", "last"])
def test_a_usenet_server_priority_from_0_to_99_passes(priority):
    entry = {"name": "news", "host": "news.example.com", "priority": priority}
    assert preflight_errors({"mediastack_usenet_servers": [entry]}, host="h1") == []


@pytest.mark.parametrize(
    ("hostvars", "variable", "cause"),
    [
        ({"mediastack_entry_bind_address": "edge.lan"}, "mediastack_entry_bind_address", "'edge.lan' is not an IP"),
        ({"mediastack_entry_bind_address": "10.0.0.0/24"}, "mediastack_entry_bind_address", "'10.0.0.0/24' is not"),
        ({"mediastack_entry_bind_address": None}, "mediastack_entry_bind_address", "None is not an IP address"),
        ({"mediastack_entry_ports": [80, 443]}, "mediastack_entry_ports", "[80, 443] is not a mapping"),
        ({"mediastack_entry_ports": {"http": "80"}}, "mediastack_entry_ports.http", "'80' is not a port number"),
        ({"mediastack_entry_ports": {"https": 0}}, "mediastack_entry_ports.https", "0 is not a port number"),
        ({"mediastack_entry_ports": {"https": 65536}}, "mediastack_entry_ports.https", "65536 is not a port"),
        ({"mediastack_entry_ports": {"http": True}}, "mediastack_entry_ports.http", "True is not a port number"),
        ({"mediastack_entry_ports": {"http": 443}}, "mediastack_entry_ports.https", "it is 443, the same port as"),
        ({"mediastack_entry_ports": {"ssh": 22}}, "mediastack_entry_ports.ssh", "unknown setting"),
    ],
    ids=[
        "bind-name",
        "bind-network",
        "bind-none",
        "ports-list",
        "port-string",
        "port-zero",
        "port-too-high",
        "port-boolean",
        "http-equals-https",
        "unknown-port",
    ],
)
def test_the_entrys_bind_address_and_ports_are_checked(hostvars, variable, cause):
    errors = preflight_errors(hostvars, host="edge1")
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"Invalid inventory variable {variable} for host edge1: {cause}")


def test_the_entry_accepts_an_address_of_either_family_and_its_own_ports():
    for address in (DEFAULT_ENTRY_BIND_ADDRESS, "::", "192.168.1.10", "fd00::10"):
        hostvars = {"mediastack_entry_bind_address": address, "mediastack_entry_ports": {"http": 8080, "https": 8443}}
        assert preflight_errors(hostvars, host="edge1") == [], address


def entry_plan(**published):
    """A plan's shape as the entry checks read it: Traefik publishing on edge1, and others."""
    services = {"traefik": {"host": "edge1", "published": [{"published": 80}, {"published": 443}]}}
    for name, ports in published.items():
        services[name] = {"host": "edge1", "published": [{"published": port} for port in ports]}
    services["far"] = {"host": "other", "published": [{"published": 8443}]}
    return {"services": services, "platform": {"entry_proxy": "traefik"}}


FACTS = {"ansible_all_ipv4_addresses": ["192.168.1.10", "10.10.4.1"], "ansible_all_ipv6_addresses": ["fd00::10"]}


@pytest.mark.parametrize(
    ("hostvars", "expected"),
    [
        (
            {"mediastack_entry_bind_address": "192.168.1.99", **FACTS},
            "Invalid inventory variable mediastack_entry_bind_address for host edge1: 192.168.1.99 is not an "
            "address of edge1 (it has 10.10.4.1, 192.168.1.10). Set mediastack_entry_bind_address to one of those",
        ),
        (
            {"mediastack_entry_bind_address": "fd00::99", **FACTS},
            "Invalid inventory variable mediastack_entry_bind_address for host edge1: fd00::99 is not an address of "
            "edge1 (it has fd00::10)",
        ),
        (
            {"mediastack_entry_bind_address": "192.168.1.10"},
            "Invalid inventory variable mediastack_entry_bind_address for host edge1: edge1's addresses were not "
            "gathered",
        ),
    ],
    ids=["not-the-hosts-v4", "not-the-hosts-v6", "no-facts"],
)
def test_the_bind_address_must_be_one_of_the_edge_hosts(hostvars, expected):
    errors = preflight_errors(hostvars, host="edge1", plan=entry_plan())
    assert len(errors) == 1, errors
    assert errors[0].startswith(expected)


def test_the_bind_address_is_judged_only_on_the_edge_host_and_online():
    hostvars = {"mediastack_entry_bind_address": "192.168.1.99", **FACTS}
    assert preflight_errors(hostvars, host="media1", plan=entry_plan()) == []
    assert preflight_errors(dict(hostvars, mediastack_preflight_offline=True), host="edge1", plan=entry_plan()) == []
    # A macvlan plan publishes nothing: the dmz address is the entry.
    macvlan = {"services": {"traefik": {"host": "edge1", "published": []}}}
    assert preflight_errors(hostvars, host="edge1", plan=macvlan) == []
    for address in ("192.168.1.10", "fd00::10", DEFAULT_ENTRY_BIND_ADDRESS, "::"):
        own = dict(FACTS, mediastack_entry_bind_address=address)
        assert preflight_errors(own, host="edge1", plan=entry_plan()) == [], address


def test_an_entry_port_another_service_publishes_on_the_host_is_rejected():
    hostvars = {"mediastack_entry_ports": {"http": 80, "https": 8443}, "mediastack_preflight_offline": True}
    assert preflight_errors(hostvars, host="edge1", plan=entry_plan()) == []  # 8443 is published on another host
    errors = preflight_errors(hostvars, host="edge1", plan=entry_plan(gateway=[8443]))
    assert errors == [
        "Invalid inventory variable mediastack_entry_ports.https for host edge1: edge1 publishes port 8443 for "
        "gateway already. Choose a port no other service publishes on this host"
    ]
