"""The wiring plan: which app the configure playbook wires to which, at which address."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import homepage_issued_keys
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.homepage import homepage_services
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._wiring import WiringError, categories, wiring

CATALOG = load_catalog(Path(__file__).resolve().parents[4] / "catalog" / "services")
LAYERS = ["mediastack_edge", "mediastack_data", "mediastack_media", "mediastack_content", "mediastack_observability"]


def plan(hosts=None, settings=None, **services):
    inventory = {
        "hosts": hosts or {"one": LAYERS},
        "domain": "example.com",
        "features": {"vpn": True},
        "services": services,
        # Several hosts share the segments only as the site's VLANs.
        "segment_driver": "macvlan" if hosts and len(hosts) > 1 else "bridge",
        "settings": settings or {},
    }
    return build_plan(CATALOG, inventory)


@pytest.fixture(name="wired")
def fixture_wired():
    return wiring(plan(settings={"data_root": "/srv/data/"}))


def test_every_planned_arr_app_gets_its_media_kind_root_folder_and_category(wired):
    by_app = {entry["service"]: entry for entry in wired["servarr"]}
    assert sorted(by_app) == ["lidarr", "radarr", "readarr", "sonarr"]
    assert by_app["sonarr"]["root_folder"] == "/srv/data/media/tv"
    assert by_app["radarr"]["category"] == "movies"
    assert by_app["readarr"]["category_field"] == "musicCategory"
    assert (by_app["lidarr"]["root_folder_name"], by_app["lidarr"]["metadata_profile"]) == ("Music", "Standard")
    assert (by_app["sonarr"]["root_folder_name"], by_app["sonarr"]["quality_profile"]) == ("", "")
    assert by_app["lidarr"]["import_triggers"][0] == "onReleaseImport"
    assert by_app["radarr"]["import_triggers"][0] == "onDownload"
    assert (by_app["sonarr"]["authentication"], by_app["readarr"]["authentication"]) == ("external", "none")
    assert [client["service"] for client in by_app["sonarr"]["download_clients"]] == ["qbittorrent", "sabnzbd"]
    # What each app signs in to its clients with: plain values, and secrets by their store name only.
    signs_in = {
        client["service"]: (client["fields"], client["secret_fields"])
        for client in by_app["radarr"]["download_clients"]
    }
    assert signs_in == {
        "qbittorrent": ({"username": "admin"}, {"password": "qbittorrent.webui_password"}),
        "sabnzbd": ({}, {"apiKey": "sabnzbd.api_key"}),
    }


def test_download_clients_behind_the_vpn_are_reached_on_the_gateway(wired):
    gateway = plan()["services"]["gluetun"]["addresses"]["media"]
    urls = {client["service"]: client["url"] for client in wired["download_clients"]}
    assert urls == {"qbittorrent": f"http://{gateway}:8080", "sabnzbd": f"http://{gateway}:8085"}


def test_categories_cover_every_downloading_app_with_folders_on_the_data_tree(wired):
    assert [(entry["app"], entry["torrent_path"]) for entry in wired["categories"]] == [
        ("sonarr", "/srv/data/torrents/tv"),
        ("radarr", "/srv/data/torrents/movies"),
        ("lidarr", "/srv/data/torrents/music"),
        ("readarr", "/srv/data/torrents/books"),
        ("mylar3", "/srv/data/torrents/comics"),
    ]


def test_jellyfin_gets_one_library_per_media_kind_and_seerr_the_tv_and_film_apps(wired):
    assert [library["collection_type"] for library in wired["jellyfin"]["libraries"]] == [
        "tvshows", "movies", "music", "books",
    ]  # fmt: skip
    assert [server["kind"] for server in wired["seerr"]["servers"]] == ["sonarr", "radarr"]
    assert wired["seerr"]["libraries"] == ["Shows", "Movies"]
    assert wired["seerr"]["application_url"] == "https://seerr.example.com"


def test_apps_switched_off_are_not_wired():
    wired = wiring(plan(readarr={"enabled": False}, seerr={"enabled": False}))
    assert [entry["service"] for entry in wired["servarr"]] == ["sonarr", "radarr", "lidarr"]
    assert wired["seerr"] is None
    assert wired["data_root"] == "/data"


def test_peers_reach_each_other_across_hosts_by_their_plan_addresses():
    hosts = {"edge": ["mediastack_edge"], "media": LAYERS[2:4], "data": ["mediastack_data", LAYERS[4]]}
    planned = plan(hosts)
    wired = wiring(planned)
    sonarr = next(entry for entry in wired["servarr"] if entry["service"] == "sonarr")
    jellyfin = planned["services"]["jellyfin"]["addresses"]["media"]
    assert sonarr["jellyfin"] == {"address": jellyfin, "port": 8096, "url": f"http://{jellyfin}:8096"}
    assert wired["mylar3"]["host"] == "media"
    assert wired["jellyfin"]["host"] == "media"
    assert wired["jellyfin"]["homepage_key"] == "api_key"
    assert wired["homepage"]["host"] == "data"
    assert wired["homepage"]["keys_dir"] == "/opt/mediastack/homepage/keys"


THREE_HOSTS = {"edge": ["mediastack_edge"], "media": LAYERS[2:4], "data": ["mediastack_data", LAYERS[4]]}


def calls_run_on(wired: dict) -> dict[str, str]:
    """Per wired app, the inventory host its configure calls run on."""
    apps = [*wired["download_clients"], *wired["servarr"]]
    apps += [{"service": name, **wired[name]} for name in ("prowlarr", "jellyfin", "seerr")]
    return {app["service"]: app["host"] for app in apps}


@pytest.mark.parametrize(
    ("hosts", "pins", "expected"),
    [
        ({"one": LAYERS}, {}, dict.fromkeys(
            ["qbittorrent", "sabnzbd", "sonarr", "radarr", "lidarr", "readarr", "prowlarr", "jellyfin", "seerr"],
            "one",
        )),
        (THREE_HOSTS, {"jellyfin": {"host": "data"}, "seerr": {"host": "edge"}, "prowlarr": {"host": "edge"}}, {
            # Behind the VPN the clients are reached at the gateway, on the gateway's host.
            "qbittorrent": "media", "sabnzbd": "media",
            "sonarr": "media", "radarr": "media", "lidarr": "media", "readarr": "media",
            "prowlarr": "edge", "jellyfin": "data", "seerr": "edge",
        }),
    ],
    ids=["one-host", "three-hosts"],
)  # fmt: skip
def test_each_app_is_configured_from_the_docker_host_that_runs_it(hosts, pins, expected):
    planned = plan(hosts, **pins)
    wired = wiring(planned)
    assert calls_run_on(wired) == expected
    for name, host in expected.items():
        backend = "gluetun" if name in ("qbittorrent", "sabnzbd") else name
        assert planned["services"][backend]["host"] == host, name


def test_the_configuring_side_gets_address_and_port_with_the_url_built_from_them():
    planned = plan(THREE_HOSTS, jellyfin={"host": "data"})
    wired = wiring(planned)
    jellyfin = planned["services"]["jellyfin"]["addresses"]["media"]
    assert {key: wired["jellyfin"][key] for key in ("host", "address", "port", "url")} == {
        "host": "data",
        "address": jellyfin,
        "port": 8096,
        "url": f"http://{jellyfin}:8096",
    }
    # Each app's download clients as the app reaches them: host and port for its fields, no URL to split.
    sonarr = next(entry for entry in wired["servarr"] if entry["service"] == "sonarr")
    gateway = planned["services"]["gluetun"]["addresses"]["media"]
    assert [(client["address"], client["port"]) for client in sonarr["download_clients"]] == [
        (gateway, 8080),
        (gateway, 8085),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"sonarr": "shared", "radarr": "shared"}, "mediastack_download_categories.radarr: category shared is"),
        ({"sonarr": "movies"}, "mediastack_download_categories.radarr: category movies is already sonarr's"),
        ({"plex": "tv"}, "mediastack_download_categories.plex: no such downloading app"),
        (["tv"], "mediastack_download_categories: it is not a mapping"),
    ],
    ids=["two-apps-one-category", "default-taken", "unknown-app", "not-a-mapping"],
)
def test_a_category_used_by_two_apps_is_rejected_naming_the_variable(overrides, message):
    with pytest.raises(WiringError, match=message):
        categories({"sonarr": "tv", "radarr": "movies"}, overrides)


@pytest.mark.parametrize("name", ["[series]", "series]", "tv[4k]"], ids=["bracketed", "trailing", "inside"])
def test_a_category_with_brackets_is_rejected_naming_the_variable(name):
    with pytest.raises(WiringError, match=r"mediastack_download_categories\.sonarr: category .* has \[ or \]"):
        categories({"sonarr": "tv", "radarr": "movies"}, {"sonarr": name})


def test_a_category_can_be_renamed():
    assert categories({"sonarr": "tv", "radarr": "movies"}, {"sonarr": "series"}) == {
        "sonarr": "series",
        "radarr": "movies",
    }


def test_homepage_reads_the_jellyfin_key_from_the_file_configure_writes(wired):
    planned = plan()
    assert homepage_issued_keys(planned) == {"HOMEPAGE_FILE_JELLYFIN_API_KEY": "/app/config/keys/jellyfin.api_key"}
    tiles = {
        name: tile
        for group in homepage_services(planned)
        for tiles in group.values()
        for entry in tiles
        for name, tile in entry.items()
    }
    assert tiles["jellyfin"]["widget"]["key"] == "{{HOMEPAGE_FILE_JELLYFIN_API_KEY}}"
    # configure writes it where that path lands on the host: <config_root>/homepage/keys/.
    assert f"{wired['homepage']['keys_dir']}/jellyfin.{wired['jellyfin']['homepage_key']}" == (
        "/opt/mediastack/homepage/keys/jellyfin.api_key"
    )


#: Per Homepage widget type, the fields it cannot work without (Homepage's widget documentation).
WIDGET_CREDENTIALS = {
    "sonarr": {"key"},
    "radarr": {"key"},
    "lidarr": {"key"},
    "readarr": {"key"},
    "prowlarr": {"key"},
    "sabnzbd": {"key"},
    "mylar": {"key"},
    "seerr": {"key"},
    "jellyfin": {"key"},
    "qbittorrent": {"username", "password"},
    "grafana": {"username", "password"},
    "prometheus": set(),
}


def test_every_widget_on_the_dashboard_carries_the_credentials_it_needs():
    tiles = {
        name: tile
        for group in homepage_services(plan())
        for items in group.values()
        for item in items
        for name, tile in item.items()
    }
    widgets = {name: tile["widget"] for name, tile in tiles.items() if "widget" in tile}
    for name, widget in widgets.items():
        assert widget["type"] in WIDGET_CREDENTIALS, f"{name}: which credentials does its widget need?"
        assert WIDGET_CREDENTIALS[widget["type"]] <= set(widget), name
    # Apps that issue their credentials only in their own first-run pages keep a tile without a
    # widget, which would otherwise show an error.
    held_back = {name for name, service in CATALOG.items() if (service["dashboard"] or {}).get("widget_needs")}
    assert {"kavita", "navidrome", "audiobookshelf", "immich-server", "jellystat"} <= held_back
    routed = {route["service"] for route in plan()["routes"]}
    assert held_back & set(tiles) == held_back & routed
    assert not held_back & set(widgets)
