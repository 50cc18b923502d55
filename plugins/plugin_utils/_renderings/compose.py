# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The compose project of each layer a host carries: a service per planned copy, its image,
environment, volumes, limits, networks and published ports.
"""

from __future__ import annotations

import copy
import ipaddress
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import behind_gateway, played_by, replica_name
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import peer_environment
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import ACME_CA_BUNDLE
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import (
    HOMEPAGE_KEYS_DIR,
    TORRENT_WEBUI_VARIABLE,
    environment_secrets,
    homepage_file_variable,
)

NETWORK_PREFIX = "mediastack_"
HEALTHCHECK_TIMING = {"interval": "30s", "timeout": "10s", "retries": 5, "start_period": "60s"}


def image_reference(image: str, version: str, registry: str = "") -> str:
    """``image:version``, with the registry host replaced when an override is given.

    ``lscr.io/linuxserver/sonarr`` with registry ``mirror.lan:5000`` becomes
    ``mirror.lan:5000/linuxserver/sonarr``; a name without a registry host keeps its path.
    """
    if registry:
        first, _slash, rest = image.partition("/")
        path = rest if rest and ("." in first or ":" in first or first == "localhost") else image
        image = f"{registry.rstrip('/')}/{path}"
    return f"{image}:{version}"


def compose_project(plan: Mapping, host: str, layer: str) -> dict:
    """The compose project of one layer on one host.

    A service with several copies becomes one compose service per copy (``homepage``,
    ``homepage-2``, ...): compose's own ``deploy.replicas`` cannot give each copy the fixed
    address the plan assigns it, nor a container name of its own.
    """
    names = plan["hosts"][host]["layers"][layer]
    services = {}
    for name in names:
        service = _compose_service(plan, host, name, set(names))
        copies = plan["services"][name].get("replica_addresses", [plan["services"][name]["addresses"]])
        for index, addresses in enumerate(copies):
            services[replica_name(name, index)] = _replica(service, name, index, addresses) if index else service
    segments = sorted({seg for name in names for seg in plan["services"][name]["addresses"]})
    networks = {f"{NETWORK_PREFIX}{seg}": {"external": True, "name": f"{NETWORK_PREFIX}{seg}"} for seg in segments}
    project = {"name": f"mediastack-{layer}", "services": services}
    if networks:
        project["networks"] = networks
    return project


def _volumes(plan: Mapping, name: str) -> list[str]:
    """The config folder, extra folders (relative names live beside the config), other services'
    folders it reads (read-only, when that service is planned) and /data."""
    entry = plan["services"][name]
    config_root = str(plan["settings"]["config_root"]).rstrip("/")
    volumes = [f"{entry['paths']['config']}:{entry['config']}"] if entry["config"] else []
    for source, target in sorted(entry["volumes"].items()):
        host_path = source if source.startswith("/") else f"{config_root}/{name}-{source}"
        volumes.append(f"{host_path}:{target}")
    for source, target in sorted(entry["reads"].items()):
        owner, _dot, folder = source.partition(".")
        if owner in plan["services"]:
            volumes.append(f"{config_root}/{owner}-{folder}:{target}:ro")
    if entry["data"]:
        data_root = str(plan["settings"]["data_root"]).rstrip("/")
        volumes.append(f"{data_root}:/data" + (":ro" if entry["data"] == "ro" else ""))
    return volumes


def _cpus(plan: Mapping, host: str, name: str) -> float:
    """The catalog's CPU limit, never more than the host has (the plan's ``cpus`` of the host,
    which the deploy adds from its facts)."""
    cpus = float(plan["services"][name]["resources"].get("cpus", 1.0))
    available = plan["hosts"][host].get("cpus")
    return min(cpus, float(available)) if available else cpus


def vpn_outbound_subnets(plan: Mapping) -> list[str]:
    """The segments the VPN gateway's firewall lets the download clients reach and answer.

    The segments the clients join (the media segment), plus the segment of every flow of the
    plan that starts or ends at one of them or at the gateway; sorted by address.
    """
    behind = {name for name in plan["services"] if behind_gateway(plan, name)}
    if not behind:
        return []
    segments = {segment for name in behind for segment in plan["services"][name]["segments"]}
    for flow in plan["flows"]:
        if {flow["from"], flow["to"]} & (behind | {played_by(plan, "vpn_gateway")}):
            segments.add(flow["segment"])
    cidrs = {plan["segments"][segment]["cidr"] for segment in segments if segment in plan["segments"]}
    return sorted(cidrs, key=ipaddress.ip_network)


def homepage_allowed_hosts(plan: Mapping) -> list[str]:
    """The Host headers Homepage answers: its route's name, and each copy's address:port (checks)."""
    dashboard = played_by(plan, "dashboard")
    service = plan["services"][dashboard]
    hosts = [service["route"]["fqdn"]] if service["route"] else []
    port = plan["services"][dashboard]["port"]
    for addresses in service.get("replica_addresses", [service["addresses"]]):
        hosts += [f"{address}:{port}" for _segment, address in sorted(addresses.items())]
    return hosts


#: mediastack_vpn keys -> Gluetun's variables: the keys a provider issues (env file), then the rest.
VPN_SECRET_VARIABLES = {"private_key": "WIREGUARD_PRIVATE_KEY", "preshared_key": "WIREGUARD_PRESHARED_KEY"}
VPN_VARIABLES = {
    "provider": "VPN_SERVICE_PROVIDER",
    "addresses": "WIREGUARD_ADDRESSES",
    "public_key": "WIREGUARD_PUBLIC_KEY",
    "endpoint_ip": "VPN_ENDPOINT_IP",
    "endpoint_port": "VPN_ENDPOINT_PORT",
    "server_countries": "SERVER_COUNTRIES",
    "server_cities": "SERVER_CITIES",
    "server_hostnames": "SERVER_HOSTNAMES",
}


def _variables(settings: Mapping, names: Mapping[str, str]) -> dict:
    """``mediastack_vpn``'s settings named in ``names`` as Gluetun's variables (lists comma-joined):
    ``settings`` the plan's (a key shown as given) or the inventory's secret ones (its value)."""
    vpn = settings.get("vpn") or {}
    return {
        variable: ",".join(str(item) for item in vpn[key]) if isinstance(vpn[key], list) else str(vpn[key])
        for key, variable in names.items()
        if key in vpn
    }


def port_forwarding_command(url: str, username: str) -> str:
    """Gluetun's ``VPN_PORT_FORWARDING_UP_COMMAND``: sign in to qBittorrent's WebUI API at ``url``
    and set its listen port to the forwarded one (Gluetun puts it in place of ``{{PORT}}``).

    The password is read from the gateway's environment by the shell, so it stands neither in the
    compose file nor in the command Gluetun logs. The sign-in retries while qBittorrent is not yet
    listening (the gateway starts first, and forwards as soon as the tunnel is up). Gluetun splits
    the command as a POSIX shell would and runs it without a shell, hence ``/bin/sh -c``.
    """
    base = f"{url.rstrip('/')}/api/v2"
    # The session cookie stays in the gateway container's own /tmp, and is removed at the end.
    cookies = "/tmp/qbittorrent.cookies"  # noqa: S108 - in the container, which no one else shares
    script = (
        f"wget -q -O /dev/null --retry-connrefused --tries=30 --waitretry=10 --keep-session-cookies "
        f'--save-cookies {cookies} --post-data "username={username}&password=${TORRENT_WEBUI_VARIABLE}" '
        f"{base}/auth/login && "
        f'wget -q -O /dev/null --load-cookies {cookies} --post-data "json={{\\"listen_port\\":{{{{PORT}}}}}}" '
        f"{base}/app/setPreferences; "
        f"status=$?; rm -f {cookies}; exit $status"
    )
    return f"/bin/sh -c '{script}'"


def port_forwarding_environment(plan: Mapping) -> dict:
    """The VPN gateway's port forwarding variables, when the plan asks for it: on, the provider's
    port forwarding code where ``mediastack_vpn.port_forwarding_provider`` names one (the custom
    provider), and the command that gives qBittorrent the forwarded port when it runs behind it."""
    if not plan["services"][played_by(plan, "vpn_gateway")].get("port_forwarding"):
        return {}
    environment = {"VPN_PORT_FORWARDING": "on"}
    provider = plan["settings"]["vpn"].get("port_forwarding_provider")
    if provider:
        environment["VPN_PORT_FORWARDING_PROVIDER"] = str(provider)
    client = played_by(plan, "torrent_client")
    if client and behind_gateway(plan, client):
        # Compose interpolates ``$`` in the compose file; ``$$`` reaches the container as one ``$``.
        # Both share the gateway's namespace, so qBittorrent's WebUI answers on the loopback address.
        url = f"http://127.0.0.1:{plan['services'][client]['port']}"
        command = port_forwarding_command(url, plan["services"][client]["configure"]["fields"]["username"])
        environment["VPN_PORT_FORWARDING_UP_COMMAND"] = command.replace("$", "$$")
    return environment


def inventory_secrets(plan: Mapping, secrets: Mapping, name: str) -> dict:
    """Secret variables a service takes from the inventory rather than the secrets store.

    Traefik's DNS provider credentials (mediastack_acme.dns_credentials), for the dns challenge,
    and the WireGuard keys the VPN provider issued (mediastack_vpn). They reach the service
    through its environment file, never its compose file. ``secrets`` are the inventory's secret
    settings (``_inputs.secret_settings``), or the plan's own, whose values read as given.
    """
    role = plan["services"][name]["platform"]
    if role == "vpn_gateway":
        return _variables(secrets, VPN_SECRET_VARIABLES)
    if role != "entry_proxy" or plan["settings"]["acme"].get("challenge") != "dns":
        return {}
    return {str(key): str(value) for key, value in ((secrets.get("acme") or {}).get("dns_credentials") or {}).items()}


def _environment(plan: Mapping, name: str) -> dict:
    """A service's static variables: time zone, PUID/PGID, the catalog's, its peers' addresses
    (``peers``, from the plan), and the plan's own."""
    entry = plan["services"][name]
    settings = plan["settings"]
    puid, pgid = settings["puid"], settings["pgid"]
    environment = {"TZ": str(settings["timezone"])}
    if entry["runs_as"] == "puid":
        environment.update(PUID=str(puid), PGID=str(pgid))
    environment.update({key: str(value) for key, value in entry["environment"].items()})
    environment.update(peer_environment(plan, name))
    if entry["platform"] == "entry_proxy" and plan["sources"]["acme_ca_bundle"]:
        # A private ACME CA (mediastack_acme.ca_bundle): Traefik's ACME client trusts it.
        environment["LEGO_CA_CERTIFICATES"] = f"{entry['config']}/{ACME_CA_BUNDLE}"
    if entry["platform"] == "vpn_gateway":
        environment.update(_variables(settings, VPN_VARIABLES))
        environment.update(port_forwarding_environment(plan))
        if vpn_outbound_subnets(plan):
            environment["FIREWALL_OUTBOUND_SUBNETS"] = ",".join(vpn_outbound_subnets(plan))
    if entry["platform"] == "dashboard":
        environment["HOMEPAGE_ALLOWED_HOSTS"] = ",".join(homepage_allowed_hosts(plan))
        environment.update(homepage_issued_keys(plan))
    return dict(sorted(environment.items()))


def homepage_issued_keys(plan: Mapping) -> dict:
    """``HOMEPAGE_FILE_*`` variables: the files (under Homepage's config) of keys apps issue at runtime.

    Jellyfin creates API keys only through its API, so no key exists before the deploy; the
    configure playbook writes the one it creates for Homepage into that file.
    """
    folder = f"{plan['services'][played_by(plan, 'dashboard')]['config'].rstrip('/')}/{HOMEPAGE_KEYS_DIR}"
    return {
        homepage_file_variable(name, key): f"{folder}/{name}.{key}"
        for name in sorted(plan["services"])
        for key in sorted(((plan["services"][name]["dashboard"] or {}).get("widget_issued") or {}).values())
    }


def _compose_service(plan: Mapping, host: str, name: str, project: set) -> dict:
    entry = placed = plan["services"][name]
    settings = plan["settings"]
    puid, pgid = settings["puid"], settings["pgid"]
    service = {
        "image": image_reference(entry["image"], placed["version"], settings["registry"]),
        "container_name": f"mediastack-{name}",
        "restart": "unless-stopped",
        "environment": _environment(plan, name),
        "security_opt": ["no-new-privileges:true"],
        "cap_drop": ["ALL"],
        "mem_limit": entry["resources"]["memory"],
        "cpus": _cpus(plan, host, name),
        "pids_limit": entry["resources"]["pids"],
        "labels": {"org.newmedia.mediastack.service": name, "org.newmedia.mediastack.layer": entry["layer"]},
    }
    if entry["capabilities"]:
        service["cap_add"] = sorted(entry["capabilities"])
    if entry["runs_as"] == "user":
        service["user"] = f"{puid}:{pgid}"
    if environment_secrets(name, plan) or inventory_secrets(plan, settings, name):
        service["env_file"] = [placed["paths"]["env_file"]]
    volumes = _volumes(plan, name)
    if volumes:
        service["volumes"] = volumes
    for key in ("read_only", "tmpfs", "devices", "command"):
        if entry[key]:
            service[key] = entry[key] if isinstance(entry[key], bool) else list(entry[key])
    if entry["healthcheck"]:
        service["healthcheck"] = {"test": list(entry["healthcheck"]), **HEALTHCHECK_TIMING}
    if behind_gateway(plan, name):
        service["network_mode"] = f"service:{played_by(plan, 'vpn_gateway')}"
    else:
        service["hostname"] = name
        service["networks"] = _networks(placed["addresses"])
    if placed.get("published"):
        # Long syntax: a bind address of either family, and TCP only, as the entry needs.
        service["ports"] = [
            {"target": item["target"], "published": item["published"], "host_ip": item["host_ip"], "protocol": "tcp"}
            for item in placed["published"]
        ]
    local = [dependency for dependency in entry["depends_on"] if dependency in project]
    if local:
        service["depends_on"] = {
            dependency: {
                "condition": "service_healthy" if plan["services"][dependency]["healthcheck"] else "service_started"
            }
            for dependency in sorted(local)
        }
    return service


def _networks(addresses: Mapping) -> dict:
    return {f"{NETWORK_PREFIX}{segment}": {"ipv4_address": address} for segment, address in sorted(addresses.items())}


def _replica(service: Mapping, name: str, index: int, addresses: Mapping) -> dict:
    """Copy ``index`` of a compose service: its own container name, host name and addresses."""
    replica = copy.deepcopy(dict(service))  # no object shared between copies (YAML would alias it)
    replica["container_name"] = f"mediastack-{replica_name(name, index)}"
    if "networks" in replica:
        replica.update(hostname=replica_name(name, index), networks=_networks(addresses))
    return replica


#: Not one service's configuration: every host the plan gives a layer carries its projects.
SERVES = None
EMITS = ("compose/*/compose.yaml",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    """``compose/<layer>/compose.yaml`` for each layer ``host`` carries."""
    layers = plan["hosts"][host]["layers"]
    return {f"compose/{layer}/compose.yaml": compose_project(plan, host, layer) for layer in layers}
