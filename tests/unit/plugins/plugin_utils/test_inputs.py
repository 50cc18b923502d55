"""Every rejection of the preflight, run through the one table of inputs and its rules.

Each case is one inventory fault: the preflight must name the variable (or the key of it) and say
what is wrong and what to do, before any host changes; values of secret inputs are never shown.
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils import _inputs
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import input_errors, preflight_errors

from ...tools import load_tool

ROLES = Path(__file__).resolve().parents[4] / "roles"
#: A WireGuard key's form (32 bytes of base64); no provider knows it.
KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="
VPN_ON = {"mediastack_features": {"vpn": True}}

#: (id, the host's variables, the variable the message names, the cause it gives).
REJECTIONS = [
    ("puid-word", {"mediastack_puid": "abc"}, "mediastack_puid", "'abc' is not an integer"),
    ("puid-float", {"mediastack_puid": 10.5}, "mediastack_puid", "is not an integer"),
    ("puid-bool", {"mediastack_puid": True}, "mediastack_puid", "True is not an integer"),
    ("pgid-zero", {"mediastack_pgid": 0}, "mediastack_pgid", "0 is out of range"),
    ("pgid-negative", {"mediastack_pgid": -5}, "mediastack_pgid", "-5 is out of range"),
    ("data-root-relative", {"mediastack_data_root": "data"}, "mediastack_data_root", "'data' is a relative path"),
    ("data-root-dot", {"mediastack_data_root": "./data"}, "mediastack_data_root", "is a relative path"),
    ("data-root-is-root", {"mediastack_data_root": "//"}, "mediastack_data_root", "cannot be the filesystem root"),
    ("data-root-none", {"mediastack_data_root": None}, "mediastack_data_root", "None is not a path"),
    ("kinds-empty", {"mediastack_media_kinds": []}, "mediastack_media_kinds", "is not a non-empty list"),
    (
        "kinds-not-a-name",
        {"mediastack_media_kinds": ["tv", "TV Shows"]},
        "mediastack_media_kinds",
        "'TV Shows' is not a lower-case",
    ),
    ("kinds-duplicate", {"mediastack_media_kinds": ["tv", "tv"]}, "mediastack_media_kinds", "tv listed twice"),
    ("segments-list", {"mediastack_segments": ["10.10.1.0/24"]}, "mediastack_segments", "is not a mapping"),
    ("segments-unknown", {"mediastack_segments": {"lan": "10.0.0.0/24"}}, "mediastack_segments.lan", "unknown segment"),
    (
        "segments-host-bits",
        {"mediastack_segments": {"media": "10.10.1.5/24"}},
        "mediastack_segments.media",
        "not a network address",
    ),
    (
        "segments-too-small",
        {"mediastack_segments": {"media": "10.10.1.0/29"}},
        "mediastack_segments.media",
        "is too small",
    ),
    (
        "segments-overlap",
        {"mediastack_segments": {"data": "10.10.0.0/16"}},
        "mediastack_segments.proxy",
        "data (10.10.0.0/16) overlaps proxy (10.10.0.0/24)",
    ),
    (
        "pool-overlaps-segment",
        {"docker_default_address_pools": [{"base": "10.10.0.0/16", "size": 24}]},
        "docker_default_address_pools[0]",
        "pool 10.10.0.0/16 overlaps segment admin (10.10.2.0/24)",
    ),
    (
        "pool-size-too-wide",
        {"docker_default_address_pools": [{"base": "172.30.0.0/16", "size": 12}]},
        "docker_default_address_pools[0]",
        "size 12 must be a prefix length from 16 to 30",
    ),
    (
        "pool-without-base",
        {"docker_default_address_pools": [{"size": 24}]},
        "docker_default_address_pools[0]",
        "has no valid 'base' network",
    ),
    (
        "pool-not-a-list",
        {"docker_default_address_pools": "172.30.0.0/16"},
        "docker_default_address_pools",
        "not a non-empty list",
    ),
    ("acme-not-a-mapping", {"mediastack_acme": "letsencrypt"}, "mediastack_acme", "it is not a mapping"),
    ("acme-unknown-key", {"mediastack_acme": {"challange": "dns"}}, "mediastack_acme.challange", "unknown setting"),
    (
        "acme-unknown-challenge",
        {"mediastack_acme": {"challenge": "tls"}},
        "mediastack_acme.challenge",
        "'tls' is not one of http, dns",
    ),
    (
        "acme-dns-without-provider",
        {"mediastack_acme": {"challenge": "dns"}},
        "mediastack_acme.dns_provider",
        "needs a provider",
    ),
    ("acme-bad-email", {"mediastack_acme": {"email": "admin"}}, "mediastack_acme.email", "not an e-mail address"),
    (
        "acme-plain-http-ca",
        {"mediastack_acme": {"ca_server": "http://ca/dir"}},
        "mediastack_acme.ca_server",
        "https:// URL",
    ),
    (
        "acme-resolvers-not-a-list",
        {"mediastack_acme": {"challenge": "dns", "dns_provider": "cloudflare", "dns_resolvers": "1.1.1.1"}},
        "mediastack_acme.dns_resolvers",
        "'1.1.1.1' is not a list",
    ),
    (
        "acme-credentials-without-dns",
        {"mediastack_acme": {"dns_credentials": {"CF_DNS_API_TOKEN": "s3cret-value"}}},
        "mediastack_acme.dns_credentials",
        "only the dns challenge",
    ),
    (
        "acme-credential-bad-name",
        {"mediastack_acme": {"challenge": "dns", "dns_provider": "x", "dns_credentials": {"CF TOKEN": "v"}}},
        "mediastack_acme.dns_credentials",
        "'CF TOKEN' is not an environment variable name",
    ),
    (
        "acme-credential-multiline",
        {"mediastack_acme": {"challenge": "dns", "dns_provider": "x", "dns_credentials": {"CF_TOKEN": "a\nb"}}},
        "mediastack_acme.dns_credentials.CF_TOKEN",
        "not a one-line string",
    ),
    ("users-not-a-mapping", {"mediastack_users": ["admin"]}, "mediastack_users", "it is not a mapping"),
    (
        "users-without-password",
        {"mediastack_users": {"bob": {"groups": ["users"]}}},
        "mediastack_users.bob",
        "it needs a password",
    ),
    (
        "users-bad-name",
        {"mediastack_users": {"bob smith": {"password": "pw"}}},
        "mediastack_users.bob smith",
        "characters",
    ),
    (
        "users-unknown-key",
        {"mediastack_users": {"bob": {"password": "pw", "role": "x"}}},
        "mediastack_users.bob.role",
        "unknown",
    ),
    (
        "users-undefined-group",
        {"mediastack_users": {"bob": {"password": "pw", "groups": ["family"]}}},
        "mediastack_users.bob.groups",
        "family not defined",
    ),
    (
        "users-groups-not-a-list",
        {"mediastack_users": {"bob": {"password": "pw", "groups": "users"}}},
        "mediastack_users.bob.groups",
        "list",
    ),
    (
        "users-disabled-not-bool",
        {"mediastack_users": {"bob": {"password": "pw", "disabled": "no"}}},
        "mediastack_users.bob.disabled",
        "true",
    ),
    (
        "usenet-not-a-list",
        {"mediastack_usenet_servers": {"name": "news"}},
        "mediastack_usenet_servers",
        "it is not a list",
    ),
    (
        "usenet-without-host",
        {"mediastack_usenet_servers": [{"name": "news"}]},
        "mediastack_usenet_servers[0].host",
        "missing",
    ),
    (
        "usenet-unknown-key",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "pasword": "pw"}]},
        "mediastack_usenet_servers[0].pasword",
        "unknown setting",
    ),
    (
        "usenet-bad-port",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "port": "563"}]},
        "mediastack_usenet_servers[0].port",
        "'563' is not an integer",
    ),
    (
        "indexers-entry-not-a-mapping",
        {"mediastack_indexers": ["Newznab"]},
        "mediastack_indexers[0]",
        "it is not a mapping",
    ),
    (
        "indexers-without-implementation",
        {"mediastack_indexers": [{"name": "x"}]},
        "mediastack_indexers[0].implementation",
        "missing",
    ),
    (
        "indexers-fields-not-a-mapping",
        {"mediastack_indexers": [{"name": "x", "implementation": "Newznab", "fields": ["baseUrl"]}]},
        "mediastack_indexers[0].fields",
        "not a mapping",
    ),
    (
        "indexers-twice",
        {"mediastack_indexers": [{"name": "x", "implementation": "A"}, {"name": "x", "implementation": "B"}]},
        "mediastack_indexers[1].name",
        "x is listed twice",
    ),
    # Moved here from the focused tests of test_inventory.py, so this list holds every rejection.
    (
        "front-proxies-not-a-list",
        {"mediastack_front_proxies": "10.0.0.2"},
        "mediastack_front_proxies",
        "'10.0.0.2' is not a list",
    ),
    (
        "front-proxy-host-name",
        {"mediastack_front_proxies": ["proxy.lan"]},
        "mediastack_front_proxies[0]",
        "'proxy.lan' is not an IP",
    ),
    (
        "front-proxy-number",
        {"mediastack_front_proxies": [5]},
        "mediastack_front_proxies[0]",
        "5 is not an IP address or network",
    ),
    (
        "front-proxy-everyone-v4",
        {"mediastack_front_proxies": ["0.0.0.0/0"]},
        "mediastack_front_proxies[0]",
        "trusts every client",
    ),
    (
        "front-proxy-everyone-v6",
        {"mediastack_front_proxies": ["::/0"]},
        "mediastack_front_proxies[0]",
        "::/0 trusts every client",
    ),
    (
        "usenet-name-bracketed",
        {"mediastack_usenet_servers": [{"name": "[news]", "host": "h"}]},
        "mediastack_usenet_servers[0].name",
        "[news] has [ or ]",
    ),
    (
        "usenet-priority-over-99",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "priority": 100}]},
        "mediastack_usenet_servers[0].priority",
        "100 is not a whole number from 0 to 99",
    ),
    (
        "usenet-priority-negative",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "priority": -1}]},
        "mediastack_usenet_servers[0].priority",
        "-1 is not",
    ),
    (
        "usenet-priority-text",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "priority": "1"}]},
        "mediastack_usenet_servers[0].priority",
        "'1' is not an integer",
    ),
    (
        "usenet-priority-bool",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "priority": True}]},
        "mediastack_usenet_servers[0].priority",
        "True is not an integer",
    ),
    (
        "usenet-connections-zero",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "connections": 0}]},
        "mediastack_usenet_servers[0].connections",
        "0 is out of range",
    ),
    (
        "usenet-ssl-text",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "ssl": "yes"}]},
        "mediastack_usenet_servers[0].ssl",
        "'yes' is not true or false",
    ),
    (
        "usenet-password-not-text",
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "password": 1234}]},
        "mediastack_usenet_servers[0].password",
        "it is not text",
    ),
    (
        "usenet-entry-not-a-mapping",
        {"mediastack_usenet_servers": ["news.example.com"]},
        "mediastack_usenet_servers[0]",
        "it is not a mapping",
    ),
    (
        "usenet-twice",
        {"mediastack_usenet_servers": [{"name": "n", "host": "a"}, {"name": "n", "host": "b"}]},
        "mediastack_usenet_servers[1].name",
        "n is listed twice",
    ),
    ("indexers-not-a-list", {"mediastack_indexers": {"name": "x"}}, "mediastack_indexers", "it is not a list"),
    (
        "indexers-unknown-key",
        {"mediastack_indexers": [{"name": "x", "implementation": "A", "feilds": {}}]},
        "mediastack_indexers[0].feilds",
        "unknown setting",
    ),
    (
        "indexers-secret-fields-not-a-mapping",
        {"mediastack_indexers": [{"name": "x", "implementation": "A", "secret_fields": "k"}]},
        "mediastack_indexers[0].secret_fields",
        "it is not a mapping",
    ),
    (
        "entry-bind-name",
        {"mediastack_entry_bind_address": "edge.lan"},
        "mediastack_entry_bind_address",
        "'edge.lan' is not an IP address",
    ),
    (
        "entry-bind-network",
        {"mediastack_entry_bind_address": "10.0.0.0/24"},
        "mediastack_entry_bind_address",
        "'10.0.0.0/24' is not an IP address",
    ),
    (
        "entry-bind-none",
        {"mediastack_entry_bind_address": None},
        "mediastack_entry_bind_address",
        "None is not an IP address",
    ),
    ("entry-ports-list", {"mediastack_entry_ports": [80, 443]}, "mediastack_entry_ports", "[80, 443] is not a mapping"),
    (
        "entry-port-string",
        {"mediastack_entry_ports": {"http": "80"}},
        "mediastack_entry_ports.http",
        "'80' is not a port number",
    ),
    (
        "entry-port-zero",
        {"mediastack_entry_ports": {"https": 0}},
        "mediastack_entry_ports.https",
        "0 is not a port number",
    ),
    (
        "entry-port-too-high",
        {"mediastack_entry_ports": {"https": 65536}},
        "mediastack_entry_ports.https",
        "65536 is not a port number",
    ),
    (
        "entry-port-boolean",
        {"mediastack_entry_ports": {"http": True}},
        "mediastack_entry_ports.http",
        "True is not a port number",
    ),
    (
        "entry-http-equals-https",
        {"mediastack_entry_ports": {"http": 443}},
        "mediastack_entry_ports.https",
        "it is 443, the same port as http",
    ),
    ("entry-unknown-port", {"mediastack_entry_ports": {"ssh": 22}}, "mediastack_entry_ports.ssh", "unknown setting"),
    (
        "vpn-on-without-settings",
        {"mediastack_features": {"vpn": True}},
        "mediastack_vpn",
        "the VPN is on (mediastack_features.vpn) but no provider",
    ),
    ("vpn-not-a-mapping", {"mediastack_vpn": "mullvad"}, "mediastack_vpn", "it is not a mapping"),
    (
        "vpn-unknown-key",
        {"mediastack_vpn": {"provider": "x", "region": "eu"}},
        "mediastack_vpn.region",
        "unknown setting",
    ),
    (
        "vpn-without-provider",
        {**VPN_ON, "mediastack_vpn": {"private_key": KEY, "addresses": ["10.64.0.2/32"]}},
        "mediastack_vpn.provider",
        "it is missing or not text",
    ),
    (
        "vpn-without-key",
        {**VPN_ON, "mediastack_vpn": {"provider": "mullvad", "addresses": ["10.64.0.2/32"]}},
        "mediastack_vpn.private_key",
        "it is missing",
    ),
    (
        "vpn-key-not-wireguard",
        {**VPN_ON, "mediastack_vpn": {"provider": "mullvad", "private_key": "short", "addresses": ["10.64.0.2/32"]}},
        "mediastack_vpn.private_key",
        "it is not a WireGuard key",
    ),
    (
        "vpn-addresses-without-prefix",
        {**VPN_ON, "mediastack_vpn": {"provider": "mullvad", "private_key": KEY, "addresses": ["10.64.0.2"]}},
        "mediastack_vpn.addresses",
        "it is not a list of address/prefix",
    ),
    (
        "vpn-port-forwarding-text",
        {"mediastack_vpn": {"provider": "protonvpn", "port_forwarding": "yes"}},
        "mediastack_vpn.port_forwarding",
        "'yes' is not true or false",
    ),
    (
        "vpn-port-forwarding-unsupported",
        {
            **VPN_ON,
            "mediastack_vpn": {
                "provider": "mullvad",
                "private_key": KEY,
                "addresses": ["10.64.0.2/32"],
                "port_forwarding": True,
            },
        },
        "mediastack_vpn.provider",
        "Gluetun forwards ports only for",
    ),
    (
        "vpn-custom-without-endpoint",
        {
            **VPN_ON,
            "mediastack_vpn": {
                "provider": "custom",
                "private_key": KEY,
                "public_key": KEY,
                "addresses": ["10.64.0.2/32"],
            },
        },
        "mediastack_vpn.endpoint_ip",
        "it is not an IP address",
    ),
    (
        "vpn-countries-not-a-list",
        {"mediastack_vpn": {"provider": "mullvad", "server_countries": "Sweden"}},
        "mediastack_vpn.server_countries",
        "'Sweden' is not a list",
    ),
    # What the table alone rejects: types, choices and names it knows.
    ("unknown-variable", {"mediastack_pudi": 1000}, "mediastack_pudi", "no such variable of the collection"),
    (
        "unknown-variable-far-from-any",
        {"mediastack_colour": "blue"},
        "mediastack_colour",
        "no such variable of the collection",
    ),
    ("domain-not-text", {"mediastack_domain": 5}, "mediastack_domain", "5 is not text"),
    (
        "cookie-domain-not-text",
        {"mediastack_auth_cookie_domain": ["a"]},
        "mediastack_auth_cookie_domain",
        "['a'] is not text",
    ),
    ("features-not-a-mapping", {"mediastack_features": ["vpn"]}, "mediastack_features", "['vpn'] is not a mapping"),
    ("features-unknown-key", {"mediastack_features": {"vnp": True}}, "mediastack_features.vnp", "unknown setting"),
    (
        "features-vpn-text",
        {"mediastack_features": {"vpn": "on"}},
        "mediastack_features.vpn",
        "'on' is not true or false",
    ),
    (
        "features-plex-number",
        {"mediastack_features": {"plex": 1}},
        "mediastack_features.plex",
        "1 is not true or false",
    ),
    ("services-list", {"mediastack_services": ["jellyfin"]}, "mediastack_services", "['jellyfin'] is not a mapping"),
    ("auth-groups-text", {"mediastack_auth_groups": "admins"}, "mediastack_auth_groups", "'admins' is not a list"),
    (
        "auth-groups-entry-number",
        {"mediastack_auth_groups": ["admins", 7]},
        "mediastack_auth_groups[1]",
        "7 is not text",
    ),
    ("registry-not-text", {"mediastack_image_registry": 5000}, "mediastack_image_registry", "5000 is not text"),
    (
        "config-root-relative",
        {"mediastack_config_root": "opt/mediastack"},
        "mediastack_config_root",
        "is a relative path",
    ),
    ("config-root-empty", {"mediastack_config_root": ""}, "mediastack_config_root", "'' is not a path"),
    (
        "plugin-source-relative",
        {"mediastack_crowdsec_bouncer_plugin_source": "plugin"},
        "mediastack_crowdsec_bouncer_plugin_source",
        "'plugin' is a relative path",
    ),
    (
        "plugin-source-number",
        {"mediastack_crowdsec_bouncer_plugin_source": 5},
        "mediastack_crowdsec_bouncer_plugin_source",
        "5 is not a path",
    ),
    ("secrets-file-not-text", {"mediastack_secrets_file": ["a"]}, "mediastack_secrets_file", "is not text"),
    (
        "segment-driver-unknown",
        {"mediastack_segment_driver": "ipvlan"},
        "mediastack_segment_driver",
        "'ipvlan' is not one of bridge, macvlan",
    ),
    (
        "segment-parents-list",
        {"mediastack_segment_parents": ["eth0"]},
        "mediastack_segment_parents",
        "is not a mapping",
    ),
    (
        "download-categories-list",
        {"mediastack_download_categories": ["tv"]},
        "mediastack_download_categories",
        "is not a mapping",
    ),
    (
        "jellyfin-gpu-unknown-key",
        {"mediastack_jellyfin_gpu": {"vendr": "intel"}},
        "mediastack_jellyfin_gpu.vendr",
        "unknown setting",
    ),
    (
        "jellyfin-gpu-nodes-text",
        {"mediastack_jellyfin_gpu": {"render_nodes": "/dev/dri/renderD128"}},
        "mediastack_jellyfin_gpu.render_nodes",
        "is not a list",
    ),
    ("timezone-not-text", {"mediastack_timezone": 1}, "mediastack_timezone", "1 is not text"),
    ("kinds-entry-number", {"mediastack_media_kinds": ["tv", 5]}, "mediastack_media_kinds[1]", "5 is not text"),
    ("kinds-text", {"mediastack_media_kinds": "tv"}, "mediastack_media_kinds", "'tv' is not a non-empty list"),
    ("puid-too-large", {"mediastack_puid": 2**31}, "mediastack_puid", "2147483648 is out of range"),
    ("pgid-word", {"mediastack_pgid": "media"}, "mediastack_pgid", "'media' is not an integer"),
    (
        "pool-entry-not-a-mapping",
        {"docker_default_address_pools": ["172.30.0.0/16"]},
        "docker_default_address_pools[0]",
        "'172.30.0.0/16' is not a mapping",
    ),
    ("acme-email-number", {"mediastack_acme": {"email": 5}}, "mediastack_acme.email", "5 is not text"),
    (
        "acme-credentials-not-a-mapping",
        {"mediastack_acme": {"challenge": "dns", "dns_provider": "x", "dns_credentials": "t"}},
        "mediastack_acme.dns_credentials",
        "it is not a mapping",
    ),
    ("acme-empty-email", {"mediastack_acme": {"email": ""}}, "mediastack_acme.email", "it is not a non-empty string"),
    (
        "offline-word",
        {"mediastack_preflight_offline": "maybe"},
        "mediastack_preflight_offline",
        "'maybe' is not true or false",
    ),
    (
        "render-dir-relative",
        {"mediastack_render_dir": "render"},
        "mediastack_render_dir",
        "'render' is a relative path",
    ),
]


def test_the_list_holds_every_kind_of_rejection():
    assert len(REJECTIONS) >= 80
    assert len({case[0] for case in REJECTIONS}) == len(REJECTIONS)
    # Every input of the table that can be wrong at all is rejected by some case.
    named = {case[2].split(".")[0].split("[")[0] for case in REJECTIONS}
    assert {item.name for item in _inputs.INPUTS} - named == set()


@pytest.mark.parametrize(
    ("hostvars", "variable", "cause"), [case[1:] for case in REJECTIONS], ids=[case[0] for case in REJECTIONS]
)
def test_each_rejection_names_the_variable_and_says_what_to_do(hostvars, variable, cause):
    errors = preflight_errors(hostvars, host="h1")
    matching = [error for error in errors if f"Invalid inventory variable {variable} for host h1: " in error]
    assert matching, errors
    assert any(cause in error for error in matching), matching
    # Every message says what to do, not only what is wrong.
    assert all(
        any(verb in error for verb in (". Set ", ". Use ", ". Give ", ". Rename ", ". Remove ")) for error in errors
    )
    # The checks the roles run are the same.
    assert input_errors(hostvars, host="h1") == errors


SECRETS = ("s3cret-value", "provider-Passw0rd", "pa55word", KEY)


@pytest.mark.parametrize(
    "hostvars",
    [
        {"mediastack_users": "s3cret-value"},
        {"mediastack_users": {"bob": "pa55word"}},
        {"mediastack_vpn": ["provider-Passw0rd"]},
        {"mediastack_vpn": {"provider": "x", "private_key": ["s3cret-value"]}},
        {"mediastack_usenet_servers": [{"name": "n", "host": "h", "password": ["provider-Passw0rd"]}]},
        {"mediastack_usenet_servers": {"password": "provider-Passw0rd"}},
        {"mediastack_indexers": [{"name": "x", "implementation": "A", "secret_fields": "s3cret-value"}]},
        {"mediastack_acme": {"dns_credentials": "s3cret-value"}},
        {"mediastack_acme": "s3cret-value"},
        {**VPN_ON, "mediastack_vpn": {"provider": "custom", "private_key": KEY, "public_key": "pa55word"}},
    ],
    ids=["users", "user", "vpn", "vpn-key", "usenet-password", "usenet", "indexer", "acme-credentials", "acme", "key"],
)
def test_a_wrong_type_never_shows_a_secret(hostvars):
    errors = preflight_errors(hostvars, host="h1")
    assert errors
    assert not [error for error in errors if any(secret in error for secret in SECRETS)]


def test_an_empty_yaml_key_leaves_a_list_or_mapping_at_its_default():
    empty = dict.fromkeys(("mediastack_segments", "mediastack_acme", "mediastack_users", "mediastack_indexers"))
    assert preflight_errors(empty, host="h1") == []
    assert _inputs.resolve(empty)["mediastack_segments"] == {}


def test_text_from_ini_inventories_and_the_command_line_is_read_as_its_type():
    values = _inputs.resolve({"mediastack_puid": "1001", "mediastack_preflight_offline": "true"})
    assert values["mediastack_puid"] == 1001
    assert values["mediastack_preflight_offline"] is True
    assert preflight_errors({"mediastack_puid": "1001", "mediastack_preflight_offline": "no"}, host="h1") == []


def test_a_misspelt_variable_is_given_the_name_it_resembles():
    (error,) = preflight_errors({"mediastack_pudi": 1000}, host="h1")
    assert error.endswith("Rename it to mediastack_puid, or remove it; docs/inventory.md lists every variable")
    (error,) = preflight_errors({"mediastack_features": {"vnp": True}}, host="h1")
    assert error.endswith("Use only plex, vpn (did you mean vpn?)")


def test_the_variables_the_playbooks_set_are_not_inventory_faults():
    hostvars = {key: {} for key in _inputs.PLAYBOOK_VARIABLES}
    assert preflight_errors(hostvars, host="h1") == []


def test_the_defaults_are_sound_and_resolved_from_the_table():
    values = _inputs.resolve({})
    assert input_errors(values, host="h1") == []
    assert values["mediastack_config_root"] == "/opt/mediastack"
    assert _inputs.setting_default("puid") == 1000
    # A resolved default is a copy: changing it changes nothing for the next host.
    values["mediastack_media_kinds"].append("anime")
    assert "anime" not in _inputs.resolve({})["mediastack_media_kinds"]


def test_every_input_documents_itself():
    for item in _inputs.INPUTS:
        assert item.group in _inputs.GROUPS, item.name
        assert item.description and not item.description.endswith("."), item.name
        assert not item.choices or item.default in item.choices, item.name
        assert input_errors({item.name: item.default} if item.default is not None else {}, host="h1") == [], item.name


ROLE_DEFAULT = re.compile(r"\{\{\s*(mediastack_[a-z0-9_]+)\s*\|\s*default\((.*?)\)\s*\}\}", re.DOTALL)


@pytest.mark.parametrize("role", sorted(path.parent.parent.name for path in ROLES.glob("*/defaults/main.yml")))
def test_role_defaults_read_the_inventory_variables_at_the_tables_defaults(role):
    """A role run on its own falls back to what the table gives, so both agree on every default."""
    defaults = yaml.safe_load((ROLES / role / "defaults" / "main.yml").read_text(encoding="utf-8"))
    for name, value in defaults.items():
        if name in _inputs.BY_NAME:
            assert value == _inputs.default(name), name
        for variable, literal in ROLE_DEFAULT.findall(value) if isinstance(value, str) else []:
            assert variable in _inputs.BY_NAME, (role, name, variable)
            assert ast.literal_eval(literal.strip()) == _inputs.default(variable), (role, name, variable)


gen_inputs = load_tool("gen_inputs")


def test_the_generated_specs_and_docs_are_current():
    stale = [str(path) for path, content in gen_inputs.outputs().items() if path.read_text(encoding="utf-8") != content]
    assert stale == [], "run python tools/gen_inputs.py"


def test_the_generated_docs_follow_the_table(monkeypatch):
    """A changed row changes the argument specs and the docs' table, so neither can drift."""
    row = _inputs.BY_NAME["mediastack_config_root"]
    changed = dataclasses.replace(row, default="/srv/mediastack")
    monkeypatch.setattr(_inputs, "INPUTS", tuple(changed if item is row else item for item in _inputs.INPUTS))
    specs = yaml.safe_load(gen_inputs.argument_specs())["argument_specs"]
    assert specs["inventory"]["options"]["mediastack_config_root"]["default"] == "/srv/mediastack"
    assert specs["main"]["options"] == {}
    assert "| `mediastack_config_root` | path | `/srv/mediastack` |" in gen_inputs.table("platform")
    assert gen_inputs.main(["--check"]) == 1


# -- what the plan may carry of the settings --------------------------------------------------
KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
GIVEN = {
    "config_root": "/srv/ms",
    "users": {"alice": {"password": "correct horse", "groups": ["admins"]}},
    "vpn": {"provider": "custom", "private_key": KEY, "addresses": ["10.64.0.2/32"]},
    "acme": {"challenge": "dns", "dns_provider": "cloudflare", "dns_credentials": {"CF_DNS_API_TOKEN": "t0ken"}},
}


def test_the_public_settings_hold_every_setting_and_no_secret_value():
    public = _inputs.public_settings(GIVEN)
    settings = {item.setting for item in _inputs.INPUTS if item.setting and not item.secret}
    assert set(public) == settings
    assert "users" not in public
    assert public["vpn"] == {"provider": "custom", "private_key": _inputs.GIVEN_SECRET, "addresses": ["10.64.0.2/32"]}
    assert public["acme"]["dns_credentials"] == {"CF_DNS_API_TOKEN": _inputs.GIVEN_SECRET}
    assert (public["config_root"], public["puid"], public["data_root"]) == ("/srv/ms", 1000, "/data")
    assert not [value for value in (KEY, "t0ken", "correct horse") if value in repr(public)]
    # Showing them again changes nothing (the planner applies it to what the plays hand over).
    assert _inputs.public_settings(public) == public


def test_the_secret_settings_are_the_inputs_that_hold_a_secret_as_given():
    secret = _inputs.secret_settings(GIVEN)
    assert secret == {"users": GIVEN["users"], "vpn": GIVEN["vpn"], "acme": GIVEN["acme"]}
    assert "config_root" not in secret
    assert _inputs.secret_settings({}) == {}
