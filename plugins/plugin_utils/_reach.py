# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who reaches whom, and at which address: the plan's segments read as routes between services.

Pure functions over the plan (see _plan.py) and the catalog, shared by every rendering that names
another service's address (Traefik's back ends, Authelia's stores, Prometheus' targets, the
wiring, Homepage's widgets).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import replicated

VPN_GATEWAY = "gluetun"
HOMEPAGE = "homepage"


def reach(plan: Mapping, source: str, target: str) -> str:
    """The address at which ``source`` reaches ``target`` on a segment both join; ValueError if none."""
    services = plan["services"]
    for segment in services[source]["segments"]:
        if segment in services[target]["addresses"]:
            return services[target]["addresses"][segment]
    raise ValueError(f"{source} shares no segment with {target}")


def backend_service(catalog: Mapping, name: str) -> str:
    """The service whose addresses carry ``name``'s traffic: itself, or the VPN gateway."""
    return VPN_GATEWAY if catalog[name]["network_mode"] == "vpn" else name


def open_without_sign_in(route: Mapping, path: str) -> bool:
    """Whether the portal lets a request for ``path`` on ``route`` through with no session:
    a bypass route, or a path one of its ``bypass_paths`` (Authelia ``resources``) matches."""
    return route["policy"] == "bypass" or any(re.search(pattern, path) for pattern in route["bypass_paths"])


def widget_url(plan: Mapping, catalog: Mapping, route: Mapping) -> str | None:
    """Where Homepage's widget for ``route`` sends its requests; None for a tile without a widget.

    A tile has none when its catalog entry names no widget, when the platform lacks a credential
    the widget needs (``widget_needs``: it could only show an error), or when Homepage cannot
    reach the widget's API. On a segment Homepage shares with the app, that is the app's address
    (for one copy: a replicated app is reached through its route). Otherwise it is the route, but
    only when the portal lets the widget's API path (the catalog's ``dashboard.widget_api``)
    through: behind a sign-in the widget would only ever read the portal's redirect.
    """
    name = route["service"]
    dashboard = catalog[name]["dashboard"] or {}
    if not dashboard.get("widget") or dashboard.get("widget_needs"):
        return None
    if HOMEPAGE in plan["services"] and not replicated(plan, name):
        try:
            return f"http://{reach(plan, HOMEPAGE, backend_service(catalog, name))}:{route['port']}"
        except ValueError:
            pass
    api = dashboard.get("widget_api", "/")
    return f"https://{route['fqdn']}" if open_without_sign_in(route, api) else None
