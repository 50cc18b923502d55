# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wiring plan: what the configure playbook sets up in each app, derived from the plan.

Pure functions on plain data. For every planned app that the collection wires, it says where the
configuring side reaches the app, where the app's peers reach it, the media kind it handles, the
download category it files under, its root folder and its library. The configure playbook loops
over these lists; nothing in it is written once per app.

Bad input raises WiringError naming the inventory variable.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import replica_name
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import _backend, _reach
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import HOMEPAGE_KEYS_DIR

#: The *arr apps: the media kind each manages and how its API names the pieces we wire.
SERVARR_APPS = {
    "sonarr": {"media": "tv", "implementation": "Sonarr", "category_field": "tvCategory"},
    "radarr": {"media": "movies", "implementation": "Radarr", "category_field": "movieCategory"},
    # Lidarr's and Readarr's root folders also carry defaults for what is added under them: the
    # profiles each app creates on its first start.
    "lidarr": {
        "media": "music",
        "implementation": "Lidarr",
        "category_field": "musicCategory",
        "quality_profile": "Any",
        "metadata_profile": "Standard",
    },
    # Readarr's download client settings kept Lidarr's field names.
    "readarr": {
        "media": "books",
        "implementation": "Readarr",
        "category_field": "musicCategory",
        "quality_profile": "eBook",
        "metadata_profile": "Standard",
        # Its API knows no External sign-in (none, basic, forms): the portal in front signs in.
        "authentication": "none",
    },
}
#: The events after which an app asks Jellyfin to refresh its library.
IMPORT_TRIGGERS = {
    "sonarr": ["onDownload", "onUpgrade", "onRename"],
    "radarr": ["onDownload", "onUpgrade", "onRename"],
    "lidarr": ["onReleaseImport", "onUpgrade", "onRename"],
    "readarr": ["onReleaseImport", "onUpgrade", "onRename"],
}
#: Apps outside the *arr family that file downloads under a category of their own.
OTHER_DOWNLOADERS = {"mylar3": "comics"}
#: Media kind -> the Jellyfin library serving it.
LIBRARIES = {
    "tv": {"name": "Shows", "collection_type": "tvshows"},
    "movies": {"name": "Movies", "collection_type": "movies"},
    "music": {"name": "Music", "collection_type": "music"},
    "books": {"name": "Books", "collection_type": "books"},
}
#: Segments the configuring side prefers, in order (the data segment answers no one outside).
CONFIGURE_SEGMENTS = ("admin", "proxy", "media", "dmz")
DOWNLOAD_CLIENTS = {"qbittorrent": "QBittorrent", "sabnzbd": "Sabnzbd"}


class WiringError(ValueError):
    """The inventory asks for wiring that cannot work; the message names the variable."""


def _port(catalog: Mapping, name: str) -> int:
    return int(catalog[name]["port"])


def endpoint(plan: Mapping, catalog: Mapping, name: str) -> str:
    """The app's base URL from the configuring side: its address on the first segment it can be reached on."""
    backend = _backend(plan, catalog, name)
    addresses = plan["services"][backend]["addresses"]
    for segment in CONFIGURE_SEGMENTS:
        if segment in addresses:
            return f"http://{addresses[segment]}:{_port(catalog, name)}"
    raise WiringError(
        f"Cannot wire {name}: it joins none of the segments {', '.join(CONFIGURE_SEGMENTS)}, so nothing "
        "outside the data segment reaches it. Report this: the catalog entry is wrong"
    )


def seen_from(plan: Mapping, catalog: Mapping, source: str, target: str) -> str:
    """The target's base URL as ``source`` reaches it (through the VPN gateway if need be)."""
    backend = _backend(plan, catalog, target)
    viewer = _backend(plan, catalog, source)
    return f"http://{_reach(plan, viewer, backend)}:{_port(catalog, target)}"


def categories(planned: list[str], overrides: Mapping) -> dict[str, str]:
    """Download category per downloading app: its media kind unless the inventory names another."""
    if not isinstance(overrides, Mapping):
        raise WiringError(
            "Cannot wire mediastack_download_categories: it is not a mapping. Map app names to categories"
        )
    chosen: dict[str, str] = {}
    for app in planned:
        default = SERVARR_APPS[app]["media"] if app in SERVARR_APPS else OTHER_DOWNLOADERS[app]
        category = str(overrides.get(app, default))
        owner = next((other for other, taken in chosen.items() if taken == category), None)
        if owner is not None:
            raise WiringError(
                f"Cannot wire mediastack_download_categories.{app}: category {category} is already {owner}'s, "
                "and two apps sharing a category would import each other's downloads. Give each its own category"
            )
        chosen[app] = category
    unknown = sorted(set(overrides) - set(planned))
    if unknown:
        raise WiringError(
            f"Cannot wire mediastack_download_categories.{unknown[0]}: no such downloading app is planned. "
            f"Use one of {', '.join(planned)}"
        )
    return chosen


def wiring(plan: Mapping, catalog: Mapping, settings: Mapping) -> dict:
    """What the configure playbook applies, for the planned apps only."""
    services = plan["services"]
    data_root = str(settings.get("data_root") or "/data").rstrip("/")
    servarr = [name for name in SERVARR_APPS if name in services]
    downloaders = servarr + [name for name in OTHER_DOWNLOADERS if name in services]
    chosen = categories(downloaders, settings.get("download_categories") or {})
    clients = [name for name in DOWNLOAD_CLIENTS if name in services]
    jellyfin = "jellyfin" in services
    result: dict = {
        "data_root": data_root,
        "categories": [
            {
                "app": app,
                "name": chosen[app],
                "torrent_path": f"{data_root}/torrents/{chosen[app]}",
                "usenet_dir": chosen[app],
            }
            for app in downloaders
        ],
        "download_clients": [
            {"service": name, "url": endpoint(plan, catalog, name), "implementation": DOWNLOAD_CLIENTS[name]}
            for name in clients
        ],
        "servarr": [],
        "prowlarr": None,
        "jellyfin": None,
        "seerr": None,
        "mylar3": None,
        "homepage": None,
    }
    if "homepage" in services:
        placed = services["homepage"]
        config_root = str(settings.get("config_root") or "/opt/mediastack").rstrip("/")
        result["homepage"] = {
            "host": placed["host"],
            "layer": placed["layer"],
            "containers": [replica_name("homepage", index) for index in range(int(placed.get("replicas", 1)))],
            "keys_dir": f"{config_root}/homepage/{HOMEPAGE_KEYS_DIR}",
        }
    for app in servarr:
        media = SERVARR_APPS[app]["media"]
        result["servarr"].append(
            {
                "service": app,
                "url": endpoint(plan, catalog, app),
                "implementation": SERVARR_APPS[app]["implementation"],
                "media": media,
                "root_folder": f"{data_root}/media/{media}",
                # Named root folders with default profiles, where the app asks for them.
                "root_folder_name": LIBRARIES[media]["name"] if "quality_profile" in SERVARR_APPS[app] else "",
                "quality_profile": SERVARR_APPS[app].get("quality_profile", ""),
                "metadata_profile": SERVARR_APPS[app].get("metadata_profile", ""),
                "category": chosen[app],
                "category_field": SERVARR_APPS[app]["category_field"],
                "download_clients": [
                    {
                        "service": client,
                        "implementation": DOWNLOAD_CLIENTS[client],
                        "url": seen_from(plan, catalog, app, client),
                    }
                    for client in clients
                ],
                "jellyfin_url": seen_from(plan, catalog, app, "jellyfin") if jellyfin else "",
                "import_triggers": IMPORT_TRIGGERS[app],
                "authentication": SERVARR_APPS[app].get("authentication", "external"),
                "from_prowlarr": seen_from(plan, catalog, "prowlarr", app) if "prowlarr" in services else "",
            }
        )
    if "prowlarr" in services:
        result["prowlarr"] = {
            "url": endpoint(plan, catalog, "prowlarr"),
            # Prowlarr as each app reaches it; the apps share its segment, so one address serves all.
            "from_apps": seen_from(plan, catalog, servarr[0], "prowlarr") if servarr else "",
        }
    if jellyfin:
        kinds = [SERVARR_APPS[app]["media"] for app in servarr]
        issued = (catalog["jellyfin"].get("dashboard") or {}).get("widget_issued") or {}
        result["jellyfin"] = {
            "host": services["jellyfin"]["host"],
            # The key file Homepage's Jellyfin widget reads, when both are planned.
            "homepage_key": next(iter(issued.values()), "") if result["homepage"] else "",
            "url": endpoint(plan, catalog, "jellyfin"),
            "libraries": [{**LIBRARIES[kind], "paths": [f"{data_root}/media/{kind}"]} for kind in dict.fromkeys(kinds)],
        }
    if "seerr" in services and jellyfin:
        result["seerr"] = {
            "url": endpoint(plan, catalog, "seerr"),
            "jellyfin_url": seen_from(plan, catalog, "seerr", "jellyfin"),
            "libraries": [
                LIBRARIES[SERVARR_APPS[app]["media"]]["name"] for app in ("sonarr", "radarr") if app in servarr
            ],
            "servers": [
                {
                    "kind": app,
                    "name": SERVARR_APPS[app]["implementation"],
                    "url": seen_from(plan, catalog, "seerr", app),
                    "root_folder": f"{data_root}/media/{SERVARR_APPS[app]['media']}",
                }
                for app in ("sonarr", "radarr")
                if app in servarr
            ],
            "application_url": f"https://{services['seerr']['route']['fqdn']}" if services["seerr"]["route"] else "",
        }
    if "mylar3" in services:
        result["mylar3"] = {
            "host": services["mylar3"]["host"],
            "comics_root": f"{data_root}/media/comics",
            "category": chosen["mylar3"],
            "clients": {client: seen_from(plan, catalog, "mylar3", client) for client in clients},
        }
    return result
