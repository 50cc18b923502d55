# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Who reaches whom, and at which address: the plan's segments read as routes between services.

Pure functions over the plan (see _plan.py), shared by every rendering that names
another service's address (Traefik's back ends, Authelia's stores, Prometheus' targets, the
wiring, Homepage's widgets).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import PEER_PLACEHOLDER
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import behind_gateway, played_by, replicated


def reach(plan: Mapping, source: str, target: str) -> str:
    """The address at which ``source`` reaches ``target`` on a segment both join; ValueError if none."""
    services = plan["services"]
    for segment in services[source]["segments"]:
        if segment in services[target]["addresses"]:
            return services[target]["addresses"][segment]
    raise ValueError(f"{source} shares no segment with {target}")


def backend_service(plan: Mapping, name: str) -> str:
    """The service whose addresses carry ``name``'s traffic: the VPN gateway for a service the plan
    runs in its namespace (``network_mode: vpn`` with the gateway planned), otherwise itself."""
    return played_by(plan, "vpn_gateway") if behind_gateway(plan, name) else name


def open_without_sign_in(route: Mapping, path: str) -> bool:
    """Whether the portal lets a request for ``path`` on ``route`` through with no session:
    a bypass route, or a path one of its ``bypass_paths`` (Authelia ``resources``) matches."""
    return route["policy"] == "bypass" or any(re.search(pattern, path) for pattern in route["bypass_paths"])


def joins(plan: Mapping, name: str) -> str:
    """Which segments carry ``name``'s traffic, in words: its own, or the VPN gateway's."""
    through = backend_service(plan, name)
    segments = ", ".join(plan["services"][through]["segments"])
    if through == name:
        return f"{name} joins {segments}"
    return f"{name} runs in {through}'s namespace, which joins {segments}"


def widget_url(plan: Mapping, route: Mapping) -> str | None:
    """Where Homepage's widget for ``route`` sends its requests; None for a tile without a widget.

    A tile has none when its catalog entry names no widget, when the platform lacks a credential
    the widget needs (``widget_needs``: it could only show an error), or when Homepage cannot
    reach the widget's API. On a segment Homepage shares with the app, that is the app's address
    (for one copy: a replicated app is reached through its route). Otherwise it is the route, but
    only when the portal lets the widget's API path (the catalog's ``dashboard.widget_api``)
    through: behind a sign-in the widget would only ever read the portal's redirect.
    """
    name = route["service"]
    dashboard = plan["services"][name]["dashboard"] or {}
    if not dashboard.get("widget") or dashboard.get("widget_needs"):
        return None
    dashboard_service = played_by(plan, "dashboard")
    if dashboard_service and not replicated(plan, name):
        try:
            return f"http://{reach(plan, dashboard_service, backend_service(plan, name))}:{route['port']}"
        except ValueError:
            pass
    api = dashboard.get("widget_api", "/")
    return f"https://{route['fqdn']}" if open_without_sign_in(route, api) else None


def peer_environment(plan: Mapping, name: str) -> dict[str, str]:
    """The variables of ``name``'s catalog ``peers``, sorted, each template filled from the plan.

    ``{<peer>.address}`` is the address at which ``name`` reaches the peer on a segment both join:
    from the VPN gateway's namespace for a service in it, and at the gateway's address for a peer
    in it. ``{<peer>.port}`` is the peer's port. ValueError, naming both services and
    their segments, where the plan lacks the peer or gives the two no segment in common.
    """
    services = plan["services"]
    viewer = backend_service(plan, name)

    def fill(variable: str, match: re.Match) -> str:
        peer, value = match.groups()
        if peer not in services or backend_service(plan, peer) not in services:
            raise ValueError(
                f"Cannot render {variable} for {name}: its peer {peer} is not planned. "
                f"Enable {peer} (mediastack_services.{peer}.enabled)"
            )
        if value == "port":
            return str(services[peer]["port"])
        backend = backend_service(plan, peer)
        try:
            return reach(plan, viewer, backend)
        except ValueError:
            raise ValueError(
                f"Cannot render {variable} for {name}: {joins(plan, name)}, and {joins(plan, peer)}, so they "
                "share no segment. Report this: the catalog entries disagree"
            ) from None

    return {
        variable: PEER_PLACEHOLDER.sub(lambda match, variable=variable: fill(variable, match), template)
        for variable, template in sorted(services[name]["peers"].items())
    }
