# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The wiring plan: what the configure playbook sets up in each app, derived from the plan.

Pure functions of the plan alone. Which apps are wired, and how their APIs name things, comes from
each planned service's ``configure`` fact (its catalog entry's ``configure`` field). For every
planned app that the collection wires, it says where the configuring side reaches the app (the
Docker host that runs it, and the app's address and port there), where the app's peers reach it,
the media kind it handles, the download category it files under, its root folder and its library.
The configure playbook loops over these lists; nothing in it is written once per app.

Bad input raises WiringError naming the inventory variable.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import LIBRARIES
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import behind_gateway, played_by, replica_name
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import backend_service, reach
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import HOMEPAGE_KEYS_DIR

#: Segments the configuring side prefers, in order (the data segment answers no one outside).
CONFIGURE_SEGMENTS = ("admin", "proxy", "media", "dmz")


class WiringError(ValueError):
    """The inventory asks for wiring that cannot work; the message names the variable."""


def _implementation(plan: Mapping, name: str) -> str:
    return plan["services"][name]["configure"]["implementation"]


def _port(plan: Mapping, name: str) -> int:
    return int(plan["services"][name]["port"])


def _reached(address: str, port: int) -> dict:
    """An app's address and port, with the base URL built from them once."""
    return {"address": address, "port": port, "url": f"http://{address}:{port}"}


def endpoint(plan: Mapping, name: str) -> dict:
    """Where the configuring side reaches the app: from the Docker host that runs it.

    ``host`` is that inventory host (the VPN gateway's, for an app in the gateway's namespace);
    ``address`` is the app's address on the first segment that host reaches it on (bridge: the
    bridge's gateway address is the host's; macvlan: through the host's shim link), with ``port``
    and the ``url`` built from them.
    """
    backend = backend_service(plan, name)
    placed = plan["services"][backend]
    for segment in CONFIGURE_SEGMENTS:
        if segment in placed["addresses"]:
            return {"host": placed["host"], **_reached(placed["addresses"][segment], _port(plan, name))}
    raise WiringError(
        f"Cannot wire {name}: it joins none of the segments {', '.join(CONFIGURE_SEGMENTS)}, so nothing "
        "outside the data segment reaches it. Report this: the catalog entry is wrong"
    )


def seen_from(plan: Mapping, source: str, target: str) -> dict:
    """The target's address, port and URL as ``source`` reaches it (through the VPN gateway if need be)."""
    backend = backend_service(plan, target)
    viewer = backend_service(plan, source)
    return _reached(reach(plan, viewer, backend), _port(plan, target))


def by_role(plan: Mapping, role: str) -> list[str]:
    """The planned services whose catalog entry gives them ``role`` in the wiring, in slot order."""
    services = plan["services"]
    named = [name for name, placed in services.items() if (placed["configure"] or {}).get("role") == role]
    return sorted(named, key=lambda name: services[name]["slot"])


def categories(media: Mapping[str, str], overrides: Mapping) -> dict[str, str]:
    """Download category per downloading app (``media``: app -> its media kind, the default)."""
    if not isinstance(overrides, Mapping):
        raise WiringError(
            "Cannot wire mediastack_download_categories: it is not a mapping. Map app names to categories"
        )
    chosen: dict[str, str] = {}
    for app, default in media.items():
        category = str(overrides.get(app, default))
        if "[" in category or "]" in category:
            raise WiringError(
                f"Cannot wire mediastack_download_categories.{app}: category {category} has [ or ], which SABnzbd "
                "strips from names, so the app would file its downloads under a category that does not exist. "
                "Give a name without [ or ]"
            )
        owner = next((other for other, taken in chosen.items() if taken == category), None)
        if owner is not None:
            raise WiringError(
                f"Cannot wire mediastack_download_categories.{app}: category {category} is already {owner}'s, "
                "and two apps sharing a category would import each other's downloads. Give each its own category"
            )
        chosen[app] = category
    unknown = sorted(set(overrides) - set(media))
    if unknown:
        raise WiringError(
            f"Cannot wire mediastack_download_categories.{unknown[0]}: no such downloading app is planned. "
            f"Use one of {', '.join(media)}"
        )
    return chosen


def wiring(plan: Mapping) -> dict:
    """What the configure playbook applies, for the planned apps only."""
    services, settings = plan["services"], plan["settings"]
    data_root = str(settings["data_root"]).rstrip("/")
    servarr = by_role(plan, "servarr")
    downloaders = servarr + by_role(plan, "downloader")
    media = {app: services[app]["configure"]["media"] for app in downloaders}
    chosen = categories(media, settings["download_categories"] or {})
    clients = by_role(plan, "download_client")
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
            {
                "service": name,
                **endpoint(plan, name),
                "implementation": _implementation(plan, name),
                # In the VPN gateway's namespace: qBittorrent is then bound to the tunnel's interface.
                "behind_vpn": behind_gateway(plan, name),
            }
            for name in clients
        ],
        "servarr": [],
        "prowlarr": None,
        "jellyfin": None,
        "seerr": None,
        "mylar3": None,
        "homepage": None,
    }
    dashboard = played_by(plan, "dashboard")
    if dashboard:
        placed = services[dashboard]
        result["homepage"] = {
            "host": placed["host"],
            "layer": placed["layer"],
            "containers": [replica_name(dashboard, index) for index in range(int(placed.get("replicas", 1)))],
            "keys_dir": f"{placed['paths']['config']}/{HOMEPAGE_KEYS_DIR}",
        }
    for app in servarr:
        wired = services[app]["configure"]
        notifies = bool(wired["import_triggers"])
        result["servarr"].append(
            {
                "service": app,
                **endpoint(plan, app),
                "implementation": wired["implementation"],
                "media": wired["media"],
                "root_folder": f"{data_root}/media/{wired['media']}",
                # Named root folders with default profiles, where the app asks for them.
                "root_folder_name": LIBRARIES[wired["media"]]["name"] if wired["quality_profile"] else "",
                "quality_profile": wired["quality_profile"],
                "metadata_profile": wired["metadata_profile"],
                "category": chosen[app],
                "category_field": wired["category_field"],
                "download_clients": [
                    {
                        "service": client,
                        "implementation": _implementation(plan, client),
                        # host and port as the app reaches the client, which its fields take.
                        **seen_from(plan, app, client),
                        # What the app signs in with: plain fields, and secrets by store name.
                        "fields": services[client]["configure"]["fields"],
                        "secret_fields": {
                            field: f"{client}.{secret}"
                            for field, secret in services[client]["configure"]["secret_fields"].items()
                        },
                    }
                    for client in clients
                ],
                # Where the app tells Jellyfin to refresh: only an app with a Jellyfin notification.
                "jellyfin": seen_from(plan, app, "jellyfin") if jellyfin and notifies else None,
                "import_triggers": wired["import_triggers"],
                "authentication": wired["authentication"],
                "from_prowlarr": seen_from(plan, "prowlarr", app)["url"] if "prowlarr" in services else "",
            }
        )
    if "prowlarr" in services:
        result["prowlarr"] = {
            **endpoint(plan, "prowlarr"),
            # Prowlarr as each app reaches it; the apps share its segment, so one address serves all.
            "from_apps": seen_from(plan, servarr[0], "prowlarr")["url"] if servarr else "",
        }
    if jellyfin:
        kinds = [media[app] for app in servarr]
        issued = (services["jellyfin"].get("dashboard") or {}).get("widget_issued") or {}
        result["jellyfin"] = {
            **endpoint(plan, "jellyfin"),
            # The key file Homepage's Jellyfin widget reads, when both are planned.
            "homepage_key": next(iter(issued.values()), "") if result["homepage"] else "",
            "libraries": [{**LIBRARIES[kind], "paths": [f"{data_root}/media/{kind}"]} for kind in dict.fromkeys(kinds)],
        }
    if "seerr" in services and jellyfin:
        # The apps whose catalog entry takes Seerr's requests; Seerr knows each kind by its API's name.
        requested = [app for app in servarr if services[app]["configure"]["requests"]]
        result["seerr"] = {
            **endpoint(plan, "seerr"),
            "jellyfin_url": seen_from(plan, "seerr", "jellyfin")["url"],
            "libraries": [LIBRARIES[media[app]]["name"] for app in requested],
            "servers": [
                {
                    "kind": services[app]["configure"]["implementation"].lower(),
                    "name": services[app]["configure"]["implementation"],
                    "url": seen_from(plan, "seerr", app)["url"],
                    "root_folder": f"{data_root}/media/{media[app]}",
                }
                for app in requested
            ],
            "application_url": f"https://{services['seerr']['route']['fqdn']}" if services["seerr"]["route"] else "",
        }
    if "mylar3" in services:
        result["mylar3"] = {
            "host": services["mylar3"]["host"],
            "comics_root": f"{data_root}/media/comics",
            "category": chosen["mylar3"],
            "clients": {client: seen_from(plan, "mylar3", client)["url"] for client in clients},
        }
    return result
