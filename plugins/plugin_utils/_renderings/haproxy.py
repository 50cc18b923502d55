# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HAProxy's configuration: health and metrics, and a balanced back end per replicated route."""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import health_path
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import (
    front_port,
    played_by,
    replica_name,
    replicated,
)


def _haproxy_backends(plan: Mapping) -> list[str]:
    """A front end choosing by Host, and a back end per replicated route: every copy, checked
    every 10 s on the catalog health path, a client kept on its copy by an inserted cookie."""
    routes = [route for route in plan["routes"] if replicated(plan, route["service"])]
    if not routes:
        return []
    balancer = played_by(plan, "load_balancer")
    lines = ["frontend replicated", f"  bind :::{front_port(plan)} v4v6"]
    for route in routes:
        lines.append(f"  use_backend {route['service']} if {{ req.hdr(host),field(1,:) -i {route['fqdn']} }}")
    lines.append("")
    services = plan["services"]
    for route in routes:
        name = route["service"]
        lines += [
            f"backend {name}",
            "  balance roundrobin",
            "  option httpchk",
            # HTTP/1.1 with the route's Host: apps that check Host (Homepage) answer the check.
            f"  http-check send meth GET uri {health_path(services[name])} ver HTTP/1.1 hdr Host {route['fqdn']}",
            "  default-server inter 10s",
            "  cookie SRV insert indirect nocache",
        ]
        for index, addresses in enumerate(plan["services"][name]["replica_addresses"]):
            copy = replica_name(name, index)
            segment = next(seg for seg in plan["services"][balancer]["segments"] if seg in addresses)
            lines.append(f"  server {copy} {addresses[segment]}:{route['port']} check cookie {copy}")
        lines.append("")
    return lines


def haproxy_config(plan: Mapping) -> str:
    """HAProxy's configuration: a health and metrics front end on its own port, and the back
    ends of the routed services that run several copies."""
    port = plan["services"][played_by(plan, "load_balancer")]["port"]
    return "\n".join(
        [
            "global",
            "  log stdout format raw local0",
            "",
            "defaults",
            "  mode http",
            "  log global",
            "  timeout connect 5s",
            "  timeout client 30s",
            "  timeout server 30s",
            "",
            "frontend health",
            f"  bind :::{port} v4v6",
            "  http-request return status 200 content-type text/plain string ok if { path /healthz }",
            "  http-request use-service prometheus-exporter if { path /metrics }",
            "",
            *_haproxy_backends(plan),
        ]
    )


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "load_balancer"
EMITS = ("config/haproxy/haproxy.cfg",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    return {"config/haproxy/haproxy.cfg": haproxy_config(plan)}
