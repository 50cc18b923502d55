# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Prometheus' configuration: a scrape job per planned service with metrics, and Alertmanager."""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import backend_service, reach

SCRAPE_INTERVAL = "30s"


def prometheus_config(plan: Mapping) -> dict:
    """``prometheus.yml``: one job per planned service with metrics, at the address Prometheus
    reaches it on (a segment both join; a service on none of Prometheus's segments is left out),
    each copy a target labelled with its host; Alertmanager as the alerting target."""
    services = plan["services"]
    scraper, alerts = played_by(plan, "metrics"), played_by(plan, "alerts")
    jobs = []
    for name, placed in sorted(services.items()):
        metrics = plan["services"][name]["metrics"]
        backend = backend_service(plan, name)
        shared = [segment for segment in services[scraper]["segments"] if segment in services[backend]["addresses"]]
        if not metrics or not shared:
            continue
        copies = services[backend].get("replica_addresses", [services[backend]["addresses"]])
        targets = [f"{addresses[shared[0]]}:{metrics['port']}" for addresses in copies if shared[0] in addresses]
        jobs.append(
            {
                "job_name": name,
                "metrics_path": metrics.get("path", "/metrics"),
                "static_configs": [{"targets": targets, "labels": {"host": placed["host"]}}],
            }
        )
    config = {"global": {"scrape_interval": SCRAPE_INTERVAL, "evaluation_interval": SCRAPE_INTERVAL}}
    if alerts in services:
        address = reach(plan, scraper, alerts)
        target = f"{address}:{plan['services'][alerts]['port']}"
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [target]}]}]}
    config["scrape_configs"] = jobs
    return config


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "metrics"
EMITS = ("config/prometheus/prometheus.yml",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    return {"config/prometheus/prometheus.yml": prometheus_config(plan)}
