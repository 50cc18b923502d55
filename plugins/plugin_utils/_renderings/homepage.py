# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Homepage's services.yaml: a tile per routed service, with its widget where Homepage reaches
the app's API.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import widget_url
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import (
    homepage_file_variable,
    homepage_variable,
)


def homepage_services(plan: Mapping) -> list[dict]:
    """Homepage's services.yaml: a tile per routed service, grouped as the catalog says.

    A tile carries its widget only where ``_reach.widget_url`` finds one Homepage can use.
    """
    groups: dict[str, list] = {}
    for route in plan["routes"]:
        name = route["service"]
        dashboard = plan["services"][name]["dashboard"]
        if not dashboard:
            continue
        tile = {"href": f"https://{route['fqdn']}", "description": plan["services"][name]["description"]}
        if dashboard.get("icon"):
            tile["icon"] = dashboard["icon"]
        widget = _widget(plan, route, dashboard)
        if widget:
            tile["widget"] = widget
        groups.setdefault(dashboard.get("group", "Services"), []).append({name: tile})
    return [{group: sorted(tiles, key=lambda tile: next(iter(tile)))} for group, tiles in sorted(groups.items())]


def _widget(plan: Mapping, route: Mapping, dashboard: Mapping) -> dict | None:
    """A tile's widget: the app's API where Homepage reaches it (``_reach.widget_url``), and its
    credentials as ``{{HOMEPAGE_VAR_...}}`` references, filled from Homepage's environment file.
    None when Homepage cannot reach the app's API without signing in."""
    name = route["service"]
    url = widget_url(plan, route)
    if url is None:
        return None
    widget = {"type": dashboard["widget"], "url": url}
    widget.update({field: str(value) for field, value in sorted((dashboard.get("widget_fields") or {}).items())})
    for field, secret in sorted((dashboard.get("widget_secrets") or {}).items()):
        widget[field] = "{{" + homepage_variable(name, secret) + "}}"
    for field, key in sorted((dashboard.get("widget_issued") or {}).items()):
        widget[field] = "{{" + homepage_file_variable(name, key) + "}}"
    return widget


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "dashboard"
EMITS = ("config/homepage/services.yaml",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    return {"config/homepage/services.yaml": homepage_services(plan)}
