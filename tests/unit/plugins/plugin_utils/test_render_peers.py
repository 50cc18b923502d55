"""Addresses one service gives another in its environment (``peers``), rendered from the plan."""

from __future__ import annotations

import copy
import re

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import normalise_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import PlanError, build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import compose_project

SETTINGS = {"puid": 1001, "pgid": 1002, "timezone": "Etc/UTC", "data_root": "/data", "config_root": "/srv/ms"}


# -- on a small catalog: the VPN gateway, and a peer on no segment of the service ------------
def small_catalog(**changes: dict) -> dict:
    entries = {
        "gluetun": {"layer": "content", "image": "x/gluetun", "version": "1", "slot": 60, "segments": ["dmz", "media"]},
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
    return build_plan(catalog, {"hosts": hosts, "domain": "example.com"})


def test_a_peer_behind_the_vpn_gateway_is_reached_at_the_gateways_address():
    catalog = small_catalog()
    plan = small_plan(catalog)
    environment = compose_project(plan, catalog, SETTINGS, "two", "media")["services"]["client"]["environment"]
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
        compose_project(plan, catalog, SETTINGS, "two", "media")
