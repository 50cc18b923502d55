# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The planner: catalog + inventory -> plan.

The plan says which service runs on which host in which layer, its address on each segment, the
flows allowed between services and segments, and the routes users reach. It is plain data,
independent of how it is applied (compose projects per host today, other engines later), and
deterministic: the same input gives the same plan, and adding a service never renumbers another
(each service owns a fixed address slot in the catalog).

Bad input raises PlanError with every problem found, each naming the inventory variable.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import (
    LAYERS,
    PLATFORM_ROLES,
    own_folders,
    player,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import plain, public_settings
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inventory import (
    DEFAULT_ENTRY_BIND_ADDRESS,
    DEFAULT_ENTRY_PORTS,
    check_entry,
    resolve_segments,
)

#: Segments whose services may not open connections out (no gateway).
INTERNAL_SEGMENTS = ("data",)
DEFAULT_AUTH_GROUPS = ("admins", "users")
#: Services the catalog no longer carries: the cause and what to do instead.
RETIRED = {
    "overseerr": (
        "Overseerr is archived upstream and is no longer deployed; Seerr serves Plex too",
        "Move its settings to mediastack_services.seerr and remove mediastack_services.overseerr",
    ),
    "crowdsec-bouncer": (
        "the forward-auth bouncer container is unmaintained upstream and is no longer deployed; Traefik "
        "loads CrowdSec's maintained bouncer plugin instead",
        "Remove mediastack_services.crowdsec-bouncer (mediastack_crowdsec_bouncer_plugin_source names a "
        "local source of the plugin)",
    ),
    "promtail": (
        "Promtail reached end of life on 2026-03-02 and is no longer deployed; Grafana Alloy ships the logs",
        "Move its settings to mediastack_services.alloy and remove mediastack_services.promtail",
    ),
}
SERVICE_OVERRIDES = ("enabled", "host", "subdomain", "policy", "groups", "version", "replicas")
#: How the segments are made on each host (mediastack_segment_driver): bridges inside one host, or
#: the site's VLANs shared by several hosts.
SEGMENT_DRIVERS = ("bridge", "macvlan")
#: Traefik's entry point behind each port of mediastack_entry_ports, and the port it listens on in
#: its container (the static configuration binds the same).
ENTRY_POINTS = {"http": ("web", 80), "https": ("websecure", 443)}
#: Catalog fields the planner resolves into facts of its own (or only uses to place and address
#: a service); every other field of a planned service's entry is one of its facts as it stands.
RESOLVED_FIELDS = ("route", "version", "network_mode", "feature", "replicable", "replica_slots")
#: Files read on the controller that renderings copy onto hosts, with what stands for "none".
SOURCES = {
    # A private ACME CA's certificate (mediastack_acme.ca_bundle), trusted by Traefik's ACME client.
    "acme_ca_bundle": "",
    # A local source of Traefik's CrowdSec bouncer plugin (mediastack_crowdsec_bouncer_plugin_source).
    "crowdsec_bouncer_plugin": {},
}


class PlanError(ValueError):
    """The inventory cannot be planned; ``problems`` holds one message per fault."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


def layer_group(layer: str) -> str:
    return f"mediastack_{layer}"


def replica_name(name: str, index: int) -> str:
    """The name of copy ``index`` (0-based) of a service: the first keeps the service's name."""
    return name if index == 0 else f"{name}-{index + 1}"


def balancer_port(services: Mapping, balancer: str | None) -> int:
    """The port of the load balancer's front end for replicated services (its ``http`` port):
    ``services`` are the plan's or the catalog's, ``balancer`` the one playing the role."""
    return int(services[balancer]["ports"].get("http", 8080))


def front_port(plan: Mapping) -> int:
    """The planned load balancer's front end port."""
    return balancer_port(plan["services"], played_by(plan, "load_balancer"))


def owner(service: Mapping, settings: Mapping) -> dict[str, str]:
    """Who owns a service's folders and files: the user its image runs as where the catalog names
    one (``image_user``), else the platform's user and group (mediastack_puid, mediastack_pgid)."""
    image_user = str(service.get("image_user") or "")
    if image_user:
        user, _colon, group = image_user.partition(":")
        return {"user": user, "group": group or user}
    return {"user": str(settings["puid"]), "group": str(settings["pgid"])}


def paths(service: Mapping, settings: Mapping) -> dict:
    """Where a service's files live on its host: its config folder (none without a ``config``
    mount), its env file, the compose file of its layer, and each folder of its own under the
    configuration root (``<name>``, ``<name>-<source>``) with where it is mounted."""
    root = str(settings["config_root"]).rstrip("/")
    name = service["name"]
    return {
        "config": f"{root}/{name}" if service["config"] else "",
        "env_file": f"{root}/env/{name}.env",
        "compose_file": f"{root}/compose/{service['layer']}/compose.yaml",
        "folders": {f"{root}/{folder}": target for folder, target in own_folders(service).items()},
    }


def played_by(plan: Mapping, role: str) -> str | None:
    """The planned service that plays ``role`` (one of PLATFORM_ROLES), or None when the plan has none."""
    if role not in PLATFORM_ROLES:
        raise ValueError(f"{role} is not a platform role; the roles are {', '.join(PLATFORM_ROLES)}")
    return plan["platform"].get(role)


def replicated(plan: Mapping, name: str) -> bool:
    """Whether the plan runs several copies of ``name``."""
    return plan["services"][name].get("replicas", 1) > 1


def behind_gateway(plan: Mapping, name: str) -> bool:
    """Whether ``name`` runs in the VPN gateway's network namespace in this plan."""
    return (plan["services"].get(name) or {}).get("network_mode") == "vpn"


def _feature_on(feature: str, features: Mapping) -> bool:
    if not feature:
        return True
    wanted = not feature.startswith("!")
    return bool(features.get(feature.lstrip("!"), False)) == wanted


class _Planner:
    def __init__(self, catalog: Mapping, inventory: Mapping):
        self.catalog = catalog
        self.inventory = inventory
        self.problems: list[str] = []
        self.hosts: dict[str, list[str]] = {
            name: list(groups) for name, groups in (inventory.get("hosts") or {}).items()
        }
        self.features = inventory.get("features") or {}
        self.overrides = inventory.get("services") or {}
        self.domain = str(inventory.get("domain") or "")
        self.segment_driver = inventory.get("segment_driver") or "bridge"
        # The rendering settings, every default applied (the inventory's are public already).
        self.settings = public_settings(inventory.get("settings") or {})
        given = inventory.get("sources") or {}
        self.sources = {key: plain(given.get(key) or none) for key, none in SOURCES.items()}
        # Who plays each platform role in the catalog (planned or not): the entry proxy, the VPN gateway...
        self.players = {role: player(catalog, role) for role in PLATFORM_ROLES}

    def problem(self, variable: str, cause: str, todo: str) -> None:
        self.problems.append(f"Cannot plan {variable}: {cause}. {todo}")

    # -- inputs ---------------------------------------------------------------------------
    def segments(self) -> dict[str, ipaddress.IPv4Network]:
        networks, errors = resolve_segments(self.inventory.get("segments"), "the platform")
        self.problems += errors
        return networks

    def check_overrides(self) -> None:
        if not isinstance(self.overrides, Mapping):
            self.problem("mediastack_services", "it is not a mapping", "Map service names to their settings")
            self.overrides = {}
            return
        for name, settings in sorted(self.overrides.items()):
            if name in RETIRED and name not in self.catalog:
                self.problem(f"mediastack_services.{name}", RETIRED[name][0], RETIRED[name][1])
                continue
            if name not in self.catalog:
                known = ", ".join(sorted(self.catalog))
                self.problem(f"mediastack_services.{name}", "no such service in the catalog", f"Use one of {known}")
                continue
            if not isinstance(settings, Mapping):
                self.problem(f"mediastack_services.{name}", "it is not a mapping", "Give settings such as enabled")
                continue
            for key in sorted(set(settings) - set(SERVICE_OVERRIDES)):
                self.problem(
                    f"mediastack_services.{name}.{key}",
                    "unknown setting",
                    f"Use only {', '.join(SERVICE_OVERRIDES)}",
                )
            if "replicas" in settings:
                self.check_replicas(name, settings["replicas"])

    def check_replicas(self, name: str, replicas: object) -> None:
        variable = f"mediastack_services.{name}.replicas"
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 1:
            self.problem(variable, f"{replicas!r} is not a whole number of 1 or more", "Set it to 1, 2, 3...")
            return
        service = self.catalog[name]
        if replicas > 1 and not service["replicable"]:
            self.problem(
                variable,
                f"{name} keeps state of its own, so its catalog entry does not allow several copies",
                "Remove the setting (one copy)",
            )
        elif replicas > 1 + len(service["replica_slots"]):
            self.problem(
                variable,
                f"the catalog reserves addresses for {1 + len(service['replica_slots'])} copies of {name}",
                f"Ask for at most {1 + len(service['replica_slots'])}",
            )

    def replicas(self, name: str) -> int:
        """The copies of ``name`` asked for, when valid (check_replicas reports the rest)."""
        replicas = (self.overrides.get(name) or {}).get("replicas", 1)
        service = self.catalog[name]
        if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 1:
            return 1
        if replicas > 1 and (not service["replicable"] or replicas > 1 + len(service["replica_slots"])):
            return 1
        return replicas

    def enabled(self) -> list[str]:
        chosen = []
        for name, service in self.catalog.items():
            settings = self.overrides.get(name) or {}
            if settings.get("enabled", _feature_on(service["feature"], self.features)):
                chosen.append(name)
        for name in chosen:
            for dependency in self.catalog[name]["depends_on"]:
                if dependency == self.players["vpn_gateway"] and self.catalog[name]["network_mode"] == "vpn":
                    continue  # without the gateway, the service joins its own segments
                if dependency not in chosen:
                    self.problem(
                        f"mediastack_services.{dependency}.enabled",
                        f"{name} needs {dependency}, which is off",
                        f"Enable {dependency} or disable {name}",
                    )
        return chosen

    # -- placement and addresses ----------------------------------------------------------
    def place(self, name: str) -> str | None:
        service = self.catalog[name]
        pinned = (self.overrides.get(name) or {}).get("host")
        if pinned:
            if pinned not in self.hosts:
                self.problem(
                    f"mediastack_services.{name}.host",
                    f"{pinned} is not a host of the mediastack group",
                    "Name a host from the inventory",
                )
                return None
            return pinned
        group = layer_group(service["layer"])
        candidates = [host for host, groups in self.hosts.items() if group in groups]
        return candidates[0] if candidates else None

    def address(self, name: str, segment: str, network: ipaddress.IPv4Network, index: int = 0) -> str | None:
        """The address of copy ``index`` of ``name``: its own slot, then the catalog's replica slots."""
        service = self.catalog[name]
        slot = service["slot"] if index == 0 else service["replica_slots"][index - 1]
        if slot >= network.num_addresses - 1:
            self.problem(
                f"mediastack_segments.{segment}",
                f"{network} has no address for {replica_name(name, index)} (slot {slot})",
                f"Give {segment} a /24 or wider",
            )
            return None
        return str(network.network_address + slot)

    def route(self, name: str) -> dict | None:
        route = self.catalog[name]["route"]
        if route is None:
            return None
        settings = self.overrides.get(name) or {}
        subdomain = settings.get("subdomain", route["subdomain"])
        return {
            "service": name,
            "fqdn": f"{subdomain}.{self.domain}" if self.domain else subdomain,
            "subdomain": subdomain,
            "port": route["port"],
            "policy": settings.get("policy", route["policy"]),
            "groups": list(settings.get("groups", route["groups"])),
            "bypass_paths": list(route["bypass_paths"]),
        }

    # -- the whole plan -------------------------------------------------------------------
    def build(self) -> dict:
        segments = self.segments()
        self.check_overrides()
        if not self.domain:
            self.problem("mediastack_domain", "it is not set", "Set it to the domain your services live under")
        self.check_cookie_domain()
        enabled = self.enabled()
        services: dict[str, dict] = {}
        for name in enabled:
            service = self.catalog[name]
            host = self.place(name)
            if host is None:
                if (self.overrides.get(name) or {}).get("host") is None:
                    group = layer_group(service["layer"])
                    self.problem(
                        group,
                        f"no host carries the {service['layer']} layer, so {name} is placed nowhere",
                        f"Add a host to the {group} group, or disable {name} in mediastack_services",
                    )
                continue
            copies = []
            for index in range(self.replicas(name)):
                addresses = {}
                for segment in service["segments"]:
                    if segment in segments:
                        address = self.address(name, segment, segments[segment], index)
                        if address:
                            addresses[segment] = address
                copies.append(addresses)
            version = str((self.overrides.get(name) or {}).get("version", service["version"]))
            behind = service["network_mode"] == "vpn" and self.players["vpn_gateway"] in enabled
            services[name] = {
                # The catalog's facts as they stand (its port, config mount, secrets, dashboard...).
                **{key: plain(value) for key, value in service.items() if key not in RESOLVED_FIELDS},
                "paths": paths(service, self.settings),
                "owner": owner(service, self.settings),
                "host": host,
                "layer": service["layer"],
                "image": service["image"],
                "version": version,
                "segments": list(service["segments"]),
                "addresses": copies[0],
                "route": self.route(name),
                # Every copy's addresses, the first copy's being ``addresses``.
                "replicas": len(copies),
                "replica_addresses": copies,
                # The host ports it publishes on its host: only Traefik's entry, on bridge segments.
                "published": self.published(name),
                # "vpn": in the VPN gateway's namespace, reached at the gateway's addresses.
                "network_mode": "vpn" if behind else "",
            }
            if name == self.players["vpn_gateway"]:
                # Whether the gateway asks the provider to forward a port (mediastack_vpn.port_forwarding).
                services[name]["port_forwarding"] = self.inventory.get("vpn_port_forwarding") is True
        routes = self.routes(services)
        self.check_groups(routes)
        self.check_load_balancer(services)
        self.check_reads(services)
        self.check_segment_driver(services)
        self.check_gateway(services)
        plan = {
            "domain": self.domain,
            "segment_driver": self.segment_driver,
            "segments": {
                name: {
                    "cidr": str(network),
                    "gateway": str(network.network_address + 1),
                    "internal": name in INTERNAL_SEGMENTS,
                }
                for name, network in sorted(segments.items())
            },
            "hosts": self.host_layers(services),
            "services": dict(sorted(services.items())),
            "routes": routes,
            "flows": self.flows(services),
            # The planned service playing each platform role the plan has (played_by answers).
            "platform": {role: name for role, name in self.players.items() if name in services},
            # How the plan is rendered into files, defaults applied and no secret's value in them.
            "settings": self.settings,
            "sources": self.sources,
        }
        if self.problems:
            raise PlanError(self.problems)
        return plan

    def routes(self, services: Mapping) -> list[dict]:
        routes = []
        owners: dict[str, str] = {}
        for name, service in sorted(services.items()):
            route = service["route"]
            if route is None:
                continue
            other = owners.setdefault(route["fqdn"], name)
            if other != name:
                self.problem(
                    f"mediastack_services.{name}.subdomain",
                    f"{route['fqdn']} is already the route of {other}",
                    "Give each service its own subdomain",
                )
                continue
            routes.append(route)
        return sorted(routes, key=lambda route: route["fqdn"])

    def check_cookie_domain(self) -> None:
        cookie = str(self.inventory.get("cookie_domain") or self.domain)
        if self.domain and not (self.domain == cookie or self.domain.endswith("." + cookie)):
            self.problem(
                "mediastack_auth_cookie_domain",
                f"the services' domain {self.domain} is outside the session cookie domain {cookie}",
                "Set it to mediastack_domain or a parent of it, so one sign-in covers every service",
            )

    def check_groups(self, routes: list[dict]) -> None:
        defined = set(self.inventory.get("auth_groups") or DEFAULT_AUTH_GROUPS)
        for route in routes:
            for group in route["groups"]:
                if group not in defined:
                    self.problem(
                        f"mediastack_services.{route['service']}.groups",
                        f"group {group} is not defined",
                        f"Add {group} to mediastack_auth_groups, or use one of {', '.join(sorted(defined))}",
                    )

    def check_load_balancer(self, services: Mapping) -> None:
        """A routed service with several copies is reached through the load balancer, which must reach each."""
        balancer = self.players["load_balancer"]
        for name, service in sorted(services.items()):
            if service["replicas"] == 1 or service["route"] is None:
                continue
            if balancer not in services:
                self.problem(
                    f"mediastack_services.{balancer}.enabled",
                    f"{name} runs {service['replicas']} copies behind its route, which needs {balancer}",
                    f"Enable {balancer}, or set mediastack_services.{name}.replicas to 1",
                )
            elif not set(service["segments"]) & set(services[balancer]["segments"]):
                self.problem(
                    f"mediastack_services.{name}.replicas",
                    f"{balancer} shares no segment with {name}",
                    "Report this: the catalog entries disagree",
                )

    def check_reads(self, services: Mapping) -> None:
        """A service that mounts another's folder runs on the same host."""
        for name, service in sorted(services.items()):
            for source in sorted(self.catalog[name]["reads"]):
                owner = source.partition(".")[0]
                if owner in services and services[owner]["host"] != service["host"]:
                    self.problem(
                        f"mediastack_services.{name}.host",
                        f"{name} reads the {source.partition('.')[2]} folder of {owner}, which runs on "
                        f"{services[owner]['host']}, not on {service['host']}",
                        f"Place {name} and {owner} on the same host",
                    )

    def published(self, name: str) -> list[dict]:
        """Where users reach the entry: on bridge segments the edge host publishes Traefik's HTTP
        and HTTPS entry points at the inventory's bind address and ports, the container side
        staying on the entry points' own ports (so ACME's HTTP-01 request reaches ``web``). On
        macvlan segments Traefik's dmz address is the entry, and nothing is published."""
        if name != self.players["entry_proxy"] or self.segment_driver != "bridge":
            return []
        address = self.inventory.get("entry_bind_address", DEFAULT_ENTRY_BIND_ADDRESS)
        ports = self.inventory.get("entry_ports", DEFAULT_ENTRY_PORTS)
        errors = check_entry(address, ports, "the platform")
        if errors:
            self.problems += errors
            return []
        ports = {**DEFAULT_ENTRY_PORTS, **ports}
        return [
            {"entry_point": entry_point, "host_ip": str(address), "published": ports[key], "target": target}
            for key, (entry_point, target) in ENTRY_POINTS.items()
        ]

    def check_segment_driver(self, services: Mapping) -> None:
        """Bridge segments live inside one host: services on several hosts could not reach each other."""
        variable = "mediastack_segment_driver"
        if self.segment_driver not in SEGMENT_DRIVERS:
            self.problem(variable, f"{self.segment_driver!r} is not a segment driver", "Set it to bridge or macvlan")
            return
        hosts = sorted({service["host"] for service in services.values()})
        if self.segment_driver == "bridge" and len(hosts) > 1:
            self.problem(
                variable,
                f"the services are placed on {len(hosts)} hosts ({', '.join(hosts)}), but bridge segments "
                "live inside one host and do not span hosts",
                f"Set {variable}: macvlan, with the parent interface of each segment on every host "
                "(mediastack_segment_parents), for an inventory of several hosts; or put every layer on one host",
            )

    def check_gateway(self, services: Mapping) -> None:
        """A service in the VPN gateway's namespace runs in the gateway's compose project."""
        gateway_name = self.players["vpn_gateway"]
        gateway = services.get(gateway_name)
        for name, service in sorted(services.items()):
            if service["network_mode"] != "vpn" or gateway is None:
                continue
            if (service["host"], service["layer"]) != (gateway["host"], gateway["layer"]):
                self.problem(
                    f"mediastack_services.{name}.host",
                    f"{name} runs in the network namespace of {gateway_name}, which runs on {gateway['host']}, "
                    f"not on {service['host']}",
                    f"Place {name} and {gateway_name} on the same host, or turn the VPN off (mediastack_features.vpn)",
                )

    def host_layers(self, services: Mapping) -> dict[str, dict]:
        hosts: dict[str, dict] = {}
        for name, service in sorted(services.items()):
            layers = hosts.setdefault(service["host"], {"layers": {}})["layers"]
            layers.setdefault(service["layer"], []).append(name)
        for entry in hosts.values():
            entry["layers"] = {layer: entry["layers"][layer] for layer in LAYERS if layer in entry["layers"]}
        return dict(sorted(hosts.items()))

    def flows(self, services: Mapping) -> list[dict]:
        """Connections the stack needs: proxy to routed services, services to their dependencies."""
        flows = []
        entry, balancer_name = self.players["entry_proxy"], self.players["load_balancer"]
        detection = self.players["intrusion_detection"]
        proxies = [entry] if entry in services else []
        balancer = services.get(balancer_name)
        for name, service in sorted(services.items()):
            route = service["route"]
            if route is not None and service["replicas"] > 1 and balancer is not None:
                # Traefik reaches the load balancer, which reaches every copy.
                port = balancer_port(self.catalog, balancer_name)
                for proxy in proxies:
                    flows.append(self._flow(proxy, balancer_name, port, "route", services))
                flows.append(self._flow(balancer_name, name, route["port"], "replica", services))
            elif route is not None:
                for proxy in proxies:
                    flows.append(self._flow(proxy, name, route["port"], "route", services))
            for dependency in self.catalog[name]["depends_on"]:
                if dependency in services and self.catalog[dependency]["port"]:
                    flows.append(self._flow(name, dependency, self.catalog[dependency]["port"], "dependency", services))
        if proxies and detection in services:
            # The entry's bouncer plugin asks the intrusion detection's local API about each client.
            port = self.catalog[detection]["port"]
            flows.append(self._flow(entry, detection, port, "bouncer", services))
        return [flow for flow in flows if flow is not None]

    def _flow(self, source: str, target: str, port: int, reason: str, services: Mapping) -> dict | None:
        shared = [segment for segment in services[target]["segments"] if segment in services[source]["segments"]]
        if not shared:
            self.problem(
                f"mediastack_services.{target}",
                f"{source} must reach {target} but they share no segment ({source} joins "
                f"{', '.join(services[source]['segments'])}; {target} joins {', '.join(services[target]['segments'])})",
                "Report this: the catalog entries disagree",
            )
            return None
        return {"from": source, "to": target, "segment": shared[0], "port": port, "reason": reason}


def build_plan(catalog: Mapping, inventory: Mapping) -> dict:
    """The plan for one inventory; PlanError lists every problem found."""
    return _Planner(plain(catalog), plain(inventory)).build()
