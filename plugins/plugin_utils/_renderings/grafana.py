# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Grafana's provisioned data sources: Prometheus and Loki, each when planned."""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import config_file
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import reach

#: Grafana's provisioning folder (GF_PATHS_PROVISIONING in the image).
GRAFANA_PROVISIONING = "/etc/grafana/provisioning"
#: Its subfolders the image creates besides datasources (which gets a file), kept so that Grafana
#: finds each one it reads on start: it logs an error for a missing one.
GRAFANA_EMPTY_FOLDERS = ("alerting", "dashboards", "plugins")


def grafana_datasources(plan: Mapping) -> dict:
    """``provisioning/datasources/datasources.yaml``: Prometheus (the default) and Loki, each
    when planned, at the address Grafana reaches it on; Grafana's server asks them (proxy)."""
    datasources = []
    graphs = played_by(plan, "graphs")
    for role, kind, title in (("metrics", "prometheus", "Prometheus"), ("logs", "loki", "Loki")):
        name = played_by(plan, role)
        if name not in plan["services"]:
            continue
        datasource = {
            "name": title,
            "type": kind,
            "uid": name,
            "access": "proxy",
            "url": f"http://{reach(plan, graphs, name)}:{plan['services'][name]['port']}",
            "isDefault": role == "metrics",
            "editable": False,
        }
        datasources.append(datasource)
    return {"apiVersion": 1, "datasources": datasources}


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "graphs"
EMITS = ("config/grafana-provisioning/datasources/datasources.yaml",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    path = config_file(
        plan["services"], played_by(plan, "graphs"), GRAFANA_PROVISIONING, "datasources/datasources.yaml"
    )
    return {path: grafana_datasources(plan)}


def folders(plan: Mapping, host: str) -> list[str]:
    """The provisioning subfolders Grafana reads on start, which hold no rendered file."""
    return [
        config_file(plan["services"], played_by(plan, "graphs"), GRAFANA_PROVISIONING, folder)
        for folder in GRAFANA_EMPTY_FOLDERS
    ]
