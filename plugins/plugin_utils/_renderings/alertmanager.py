# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Alertmanager's configuration: one grouping route, to a receiver with no integrations yet."""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import config_file
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import played_by

#: Where the image's default --config.file (/etc/alertmanager/alertmanager.yml) lives.
ALERTMANAGER_CONFIG = "/etc/alertmanager"


def alertmanager_config() -> dict:
    """``alertmanager.yml``: one route that groups alerts by alert name, host and service (the
    ``job`` label: each Prometheus job is named after its service), to a receiver with no
    integrations. Alerts are grouped and shown in Alertmanager, and notify no one until the
    inventory can name receivers (mail, chat, webhooks), which a later change adds."""
    return {
        "route": {
            "receiver": "default",
            "group_by": ["alertname", "host", "job"],
            # Alertmanager's own defaults, stated: wait 30 s for a group's first alerts to gather,
            # 5 min between updates of a group, and a reminder every 4 h while it still fires.
            "group_wait": "30s",
            "group_interval": "5m",
            "repeat_interval": "4h",
        },
        "receivers": [{"name": "default"}],
    }


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "alerts"
EMITS = ("config/alertmanager-etc/alertmanager.yml",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    return {
        config_file(
            plan["services"], played_by(plan, "alerts"), ALERTMANAGER_CONFIG, "alertmanager.yml"
        ): alertmanager_config()
    }
