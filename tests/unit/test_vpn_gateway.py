"""The VPN gateway gets its provider's settings and keys from the inventory, judged as ``wg`` judges them.

``wg`` is the real WireGuard tool (Debian's wireguard-tools, installed by tools/host-deps.sh): the
preflight must accept exactly the keys ``wg pubkey`` accepts, and the key that reaches Gluetun's
env file must be the inventory's, never one of the platform's generated secrets.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import preflight_errors, wireguard_key
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import MASK, host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import generate, required_secrets

from .edge import plan_and_catalog

WG = shutil.which("wg")
needs_wg = pytest.mark.skipif(
    WG is None and os.environ.get("CI") != "true",
    reason="wg is missing: apt-get install wireguard-tools (tools/host-deps.sh installs it)",
)


def wg(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    assert WG is not None, "wg is missing: apt-get install wireguard-tools (tools/host-deps.sh installs it)"
    return subprocess.run([WG, *args], input=stdin, capture_output=True, text=True, timeout=10, check=False)


@pytest.fixture(scope="module", name="private_key")
def fixture_private_key():
    if WG is None and os.environ.get("CI") != "true":
        pytest.skip("wg is missing: apt-get install wireguard-tools")
    return wg("genkey").stdout.strip()


def vpn(private_key: str, **changes) -> dict:
    settings = {"provider": "mullvad", "private_key": private_key, "addresses": ["10.64.0.2/32"]}
    settings.update(changes)
    return settings


def hostvars(settings: object) -> dict:
    return {"mediastack_features": {"vpn": True}, "mediastack_vpn": settings}


@needs_wg
def test_the_preflight_accepts_exactly_the_keys_wg_accepts(private_key):
    candidates = {
        "wg-genkey": private_key,
        "generated-secret": generate(),  # what the platform used to give Gluetun: 48 letters and digits
        "unpadded": private_key.rstrip("="),
        "hex": os.urandom(32).hex(),
        "31-bytes": "A" * 40 + "AA==",
        "not-base64": "!" * 43 + "=",
        "empty": "",
    }
    verdicts = {
        name: (wireguard_key(key), wg("pubkey", stdin=key + "\n").returncode == 0) for name, key in candidates.items()
    }
    assert verdicts == {name: (name == "wg-genkey",) * 2 for name in candidates}


@needs_wg
def test_a_malformed_key_is_named_and_never_shown(private_key):
    bad = generate()
    errors = preflight_errors(hostvars(vpn(bad)), host="h1")
    assert errors == [
        "Invalid inventory variable mediastack_vpn.private_key for host h1: it is not a WireGuard key "
        "(32 bytes of base64). Give the key your provider issued for this client, vaulted"
    ]
    assert bad not in errors[0]


@pytest.mark.parametrize(
    ("settings", "variable", "cause"),
    [
        (None, "mediastack_vpn", "the VPN is on (mediastack_features.vpn) but no provider settings are given"),
        ({}, "mediastack_vpn", "the VPN is on (mediastack_features.vpn) but no provider settings"),
        ({"private_key": "k"}, "mediastack_vpn.provider", "it is missing or not text"),
        ({"provider": "mullvad"}, "mediastack_vpn.private_key", "it is missing"),
        ({"provider": "x", "region": "eu"}, "mediastack_vpn.region", "unknown setting"),
    ],
    ids=["absent", "empty", "no-provider", "no-key", "unknown-key"],
)
def test_vpn_on_without_provider_settings_stops_the_run(settings, variable, cause):
    errors = preflight_errors(hostvars(settings), host="h1")
    assert any(error.startswith(f"Invalid inventory variable {variable} for host h1: {cause}") for error in errors), (
        errors
    )


@needs_wg
@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"addresses": "10.64.0.2/32"}, "mediastack_vpn.addresses"),
        ({"addresses": ["10.64.0.2"]}, "mediastack_vpn.addresses"),
        ({"preshared_key": "short"}, "mediastack_vpn.preshared_key"),
        ({"server_countries": "Sweden"}, "mediastack_vpn.server_countries"),
        ({"provider": "custom"}, "mediastack_vpn.public_key"),
        ({"provider": "custom"}, "mediastack_vpn.endpoint_ip"),
        ({"provider": "custom"}, "mediastack_vpn.endpoint_port"),
    ],
    ids=[
        "addresses-text",
        "address-without-prefix",
        "preshared",
        "countries",
        "custom-key",
        "custom-ip",
        "custom-port",
    ],
)
def test_each_bad_vpn_setting_is_named(private_key, changes, variable):
    errors = preflight_errors(hostvars(vpn(private_key, **changes)), host="h1")
    assert any(error.startswith(f"Invalid inventory variable {variable} for host h1") for error in errors), errors
    assert all(private_key not in error for error in errors)


@needs_wg
def test_sound_vpn_settings_pass_and_vpn_off_needs_none(private_key):
    assert preflight_errors(hostvars(vpn(private_key, server_countries=["Sweden"])), host="h1") == []
    public = wg("pubkey", stdin=private_key + "\n").stdout.strip()
    custom = vpn(private_key, provider="custom", public_key=public, endpoint_ip="203.0.113.5", endpoint_port=51820)
    assert preflight_errors(hostvars(custom), host="h1") == []
    assert preflight_errors({"mediastack_features": {"vpn": False}}, host="h1") == []
    off = {"mediastack_features": {"vpn": True}, "mediastack_services": {"gluetun": {"enabled": False}}}
    assert preflight_errors(off, host="h1") == []


@needs_wg
def test_gluetun_gets_the_inventorys_provider_and_key_never_a_generated_one(private_key):
    settings = {"config_root": "/srv/ms", "vpn": vpn(private_key, server_countries=["Sweden", "Norway"])}
    plan, _catalog = plan_and_catalog(settings)
    # The plan knows a key is given, never the key.
    assert private_key not in str(plan)
    names = required_secrets(plan)
    assert not [name for name in names if name.startswith("gluetun.")]
    store = dict.fromkeys(names, "generated")
    files = {item["path"]: item for item in host_layout(plan, "media1", store, settings)["files"]}
    env = dict(line.split("=", 1) for line in files["/srv/ms/env/gluetun.env"]["content"].splitlines())
    assert env == {"WIREGUARD_PRIVATE_KEY": private_key}
    assert files["/srv/ms/env/gluetun.env"]["mode"] == "0600"
    assert wg("pubkey", stdin=env["WIREGUARD_PRIVATE_KEY"] + "\n").returncode == 0
    compose = yaml.safe_load(files["/srv/ms/compose/content/compose.yaml"]["content"])
    environment = compose["services"]["gluetun"]["environment"]
    assert {key: environment[key] for key in ("VPN_SERVICE_PROVIDER", "VPN_TYPE", "WIREGUARD_ADDRESSES")} == {
        "VPN_SERVICE_PROVIDER": "mullvad",
        "VPN_TYPE": "wireguard",
        "WIREGUARD_ADDRESSES": "10.64.0.2/32",
    }
    assert environment["SERVER_COUNTRIES"] == "Sweden,Norway"
    assert private_key not in files["/srv/ms/compose/content/compose.yaml"]["content"]
    masked = {item["path"]: item for item in host_layout(plan, "media1", None, settings)["files"]}
    assert masked["/srv/ms/env/gluetun.env"]["content"] == f"WIREGUARD_PRIVATE_KEY={MASK}\n"


@needs_wg
def test_the_custom_provider_gets_its_server(private_key):
    public = wg("pubkey", stdin=private_key + "\n").stdout.strip()
    custom = vpn(private_key, provider="custom", public_key=public, endpoint_ip="203.0.113.5", endpoint_port=51820)
    custom["preshared_key"] = wg("genpsk").stdout.strip()
    settings = {"config_root": "/srv/ms", "vpn": custom}
    plan, _catalog = plan_and_catalog(settings)
    files = {item["path"]: item for item in host_layout(plan, "media1", None, settings)["files"]}
    environment = yaml.safe_load(files["/srv/ms/compose/content/compose.yaml"]["content"])["services"]["gluetun"]
    assert {
        key: environment["environment"][key] for key in ("WIREGUARD_PUBLIC_KEY", "VPN_ENDPOINT_IP", "VPN_ENDPOINT_PORT")
    } == {
        "WIREGUARD_PUBLIC_KEY": public,
        "VPN_ENDPOINT_IP": "203.0.113.5",
        "VPN_ENDPOINT_PORT": "51820",
    }
    assert (
        files["/srv/ms/env/gluetun.env"]["content"] == f"WIREGUARD_PRESHARED_KEY={MASK}\nWIREGUARD_PRIVATE_KEY={MASK}\n"
    )
