# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The host side of macvlan segments: each segment's parent, and the shim links to local containers.

The kernel keeps a macvlan parent apart from its children: a Docker host whose segments are
macvlan networks cannot reach its own containers through the parent, while every other machine on
the segment can. A second macvlan link on the same parent (mode bridge), holding the host's own
address as /32, is a sibling of the containers' links: with a /32 route through it to each of the
host's containers on that segment, the host reaches them, and nothing else changes.

Pure functions on the plan and the host's interface facts.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import backend_service

#: Shim links are named after their segment; Linux allows 15 characters (IFNAMSIZ - 1).
SHIM_PREFIX = "ms-"
MAX_LINK_NAME = 15


def shim_name(segment: str) -> str:
    """The shim link's name for ``segment``; ValueError if it would exceed Linux's limit."""
    name = f"{SHIM_PREFIX}{segment}"
    if len(name) > MAX_LINK_NAME:
        raise ValueError(f"the shim link {name} of segment {segment} is longer than {MAX_LINK_NAME} characters")
    return name


def _ipv4(interface: Mapping) -> list[ipaddress.IPv4Address]:
    """Every IPv4 address of an interface's facts (``ipv4`` and ``ipv4_secondaries``)."""
    entries = [interface.get("ipv4") or {}, *(interface.get("ipv4_secondaries") or [])]
    return [ipaddress.IPv4Address(entry["address"]) for entry in entries if entry.get("address")]


def host_segments(plan: Mapping, host: str) -> list[str]:
    """The segments the services planned for ``host`` join, sorted."""
    placed = [service for service in plan["services"].values() if service["host"] == host]
    return sorted({segment for service in placed for segment in service["addresses"]})


def segment_parents(plan: Mapping, host: str, interfaces: Sequence[Mapping], parents: Mapping) -> dict[str, str]:
    """Per segment of ``host``: the parent interface a macvlan network on it uses.

    The one ``parents`` names (``mediastack_segment_parents``), else the interface holding an
    address inside the segment; a segment with neither is left out. A shim link holds the host's
    address too, once a run has made it, but is never a parent: it is the parent's child.
    """
    found = {}
    candidates = [entry for entry in interfaces if not str(entry.get("device", "")).startswith(SHIM_PREFIX)]
    for segment in host_segments(plan, host):
        network = ipaddress.IPv4Network(plan["segments"][segment]["cidr"])
        holder = next((entry["device"] for entry in candidates if any(ip in network for ip in _ipv4(entry))), None)
        parent = (parents or {}).get(segment) or holder
        if parent:
            found[segment] = str(parent)
    return found


def container_addresses(plan: Mapping, host: str, segment: str) -> list[str]:
    """The addresses of ``host``'s containers on ``segment``, every copy of each, in address order.

    A service in the VPN gateway's namespace has no address of its own: the gateway's carries it.
    """
    found = {
        ipaddress.IPv4Address(copy[segment])
        for name, service in plan["services"].items()
        if service["host"] == host and backend_service(plan, name) == name
        for copy in service.get("replica_addresses") or [service["addresses"]]
        if segment in copy
    }
    return [str(address) for address in sorted(found)]


def shim_links(plan: Mapping, host: str, interfaces: Sequence[Mapping], parents: Mapping) -> list[dict]:
    """One shim link per segment of ``host`` whose parent holds an address of the host in it.

    Each is ``{segment, name, parent, address, routes}``; ``present_as`` is how ``ip -o link``
    shows it. Without an address of its own on a segment the host reaches that segment's
    containers through the router, like any other machine, and needs no shim.
    """
    devices = {entry["device"]: entry for entry in interfaces}
    links = []
    for segment, parent in segment_parents(plan, host, interfaces, parents).items():
        network = ipaddress.IPv4Network(plan["segments"][segment]["cidr"])
        own = [ip for ip in _ipv4(devices.get(parent) or {}) if ip in network]
        routes = container_addresses(plan, host, segment)
        if not own or not routes:
            continue
        name = shim_name(segment)
        links.append(
            {
                "segment": segment,
                "name": name,
                "parent": parent,
                "address": str(own[0]),
                "routes": routes,
                "present_as": f"{name}@{parent}",
            }
        )
    return links


def shim_script(links: Sequence[Mapping]) -> str:
    """The shell script that (re)creates ``links``: it removes every shim link first, so a segment
    or container the plan no longer gives this host leaves nothing behind."""
    lines = [
        "#!/bin/sh",
        "# Written by the newmedia.mediastack stack role; its systemd unit runs it at boot.",
        "# The kernel keeps a macvlan parent apart from its children, so this host reaches its own",
        "# containers on a macvlan segment only through a sibling link on the same parent: the host's",
        "# address as /32 on it, and a /32 route through it to each of the host's containers.",
        "set -eu",
        "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
        "",
        f"for link in $(ip -o link show type macvlan | sed -n 's/^[0-9]*: \\({SHIM_PREFIX}[^@:]*\\).*/\\1/p'); do",
        '  ip link delete dev "$link"',
        "done",
    ]
    for link in links:
        name = link["name"]
        lines += [
            "",
            f"# {link['segment']}: on {link['parent']}, this host at {link['address']}",
            f"ip link add {name} link {link['parent']} type macvlan mode bridge",
            f"ip address add {link['address']}/32 dev {name}",
            f"ip link set dev {name} up",
            *(f"ip route add {address}/32 dev {name}" for address in link["routes"]),
        ]
    return "\n".join(lines) + "\n"


def macvlan_shim(plan: Mapping, host: str, interfaces: Sequence[Mapping], parents: Mapping | None = None) -> dict:
    """What the stack role sets up on ``host``: ``parents`` (segment -> parent interface),
    ``links`` (see shim_links) and ``script`` (see shim_script)."""
    parents = parents or {}
    links = shim_links(plan, host, interfaces, parents)
    return {
        "parents": segment_parents(plan, host, interfaces, parents),
        "links": links,
        "script": shim_script(links),
    }
