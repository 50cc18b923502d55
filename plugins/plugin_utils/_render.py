# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Renderings of a plan: compose projects, Traefik, Authelia and Homepage configuration.

Each function takes the plan (see _plan.py), the catalog, and a few settings, and returns plain
data ready to be written as YAML. None of them reads or writes anything, so the same inventory
always renders byte-identical files. Secrets never enter these files: services read them from
per-service environment files, and Homepage from its own ``HOMEPAGE_VAR_*`` variables.
"""

from __future__ import annotations

import copy
import ipaddress
import json
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import VPN_GATEWAY, health_path, own_folders
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import setting
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import (
    ENTRY_POINTS,
    ENTRY_PROXY,
    INTRUSION_DETECTION,
    LOAD_BALANCER,
    balancer_port,
    behind_gateway,
    replica_name,
    replicated,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import (
    backend_service,
    peer_environment,
    reach,
    widget_url,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import (
    BOUNCER_KEY_FILE,
    HOMEPAGE,
    HOMEPAGE_KEYS_DIR,
    TORRENT_CLIENT,
    TORRENT_WEBUI_VARIABLE,
    environment_secrets,
    homepage_file_variable,
    homepage_variable,
)

PORTAL = "authelia"
#: The planner's name of the intrusion detection service, whose bouncer Traefik loads.
CROWDSEC = INTRUSION_DETECTION
#: The maintained CrowdSec bouncer for Traefik: a Traefik plugin, which Traefik loads at start.
#: v1.7.1 is its newest release: tag v1.7.1 of maxlerebourg/crowdsec-bouncer-traefik-plugin is
#: commit bef5dfa ("release v1.7.1 (#367)", 2026-07-31); its .traefik.yml declares a middleware
#: plugin importing this module.
BOUNCER_PLUGIN = "crowdsec-bouncer"
BOUNCER_PLUGIN_MODULE = "github.com/maxlerebourg/crowdsec-bouncer-traefik-plugin"
BOUNCER_PLUGIN_VERSION = "v1.7.1"
#: Where Traefik (working directory /) keeps the plugins it downloads, and reads local sources
#: (``<folder>/src/<module>``); both are folders of its catalog entry.
PLUGINS_STORAGE = "/plugins-storage"
PLUGINS_LOCAL = "/plugins-local"
PROMETHEUS = "prometheus"
ALERTMANAGER = "alertmanager"
#: Where the image's default --config.file (/etc/alertmanager/alertmanager.yml) lives.
ALERTMANAGER_CONFIG = "/etc/alertmanager"
LOKI = "loki"
ALLOY = "alloy"
#: Where the image's CMD (and the catalog's command) reads config.alloy.
ALLOY_CONFIG = "/etc/alloy"
#: The Docker API Alloy lists the containers on and reads their logs from: the engine's socket,
#: mounted read-only by its catalog entry.
ALLOY_DOCKER_HOST = "unix:///var/run/docker.sock"
#: The host's own logs Alloy tails, through the read-only /var/log mount of its catalog entry.
ALLOY_SYSTEM_LOGS = "/var/log/*.log"
#: The stream labels of a container's log -> the Docker label (its name sanitised, as Alloy's
#: ``__meta_docker_container_label_<name>``) each is read from, the later winning where both are
#: set: Compose's service name, then the collection's own labels on every container it deploys
#: (the catalog name, which the copies of a replicated service share, and the layer).
ALLOY_LABELS = (
    ("service", "com_docker_compose_service"),
    ("service", "org_newmedia_mediastack_service"),
    ("layer", "org_newmedia_mediastack_layer"),
)
GRAFANA = "grafana"
#: Grafana's provisioning folder (GF_PATHS_PROVISIONING in the image).
GRAFANA_PROVISIONING = "/etc/grafana/provisioning"
#: Its subfolders the image creates besides datasources (which gets a file), kept so that Grafana
#: finds each one it reads on start: it logs an error for a missing one.
GRAFANA_EMPTY_FOLDERS = ("alerting", "dashboards", "plugins")
#: Where Traefik writes its access log (static configuration), which CrowdSec reads.
ACCESS_LOG = "/var/log/traefik/access.log"
SCRAPE_INTERVAL = "30s"
CERT_RESOLVER = "acme"
ACME_CA_BUNDLE = "acme-ca.pem"
NETWORK_PREFIX = "mediastack_"

#: Mozilla's "intermediate" TLS settings as Traefik names them (TLS 1.3 suites are fixed by Go).
INTERMEDIATE_CIPHER_SUITES = [
    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
]
SECURE_HEADERS = {
    "stsSeconds": 31536000,
    "stsIncludeSubdomains": True,
    "stsPreload": True,
    "forceSTSHeader": True,
    "contentTypeNosniff": True,
    "browserXssFilter": True,
    "frameDeny": True,
    "referrerPolicy": "strict-origin-when-cross-origin",
}
AUTH_RESPONSE_HEADERS = ["Remote-User", "Remote-Groups", "Remote-Email", "Remote-Name"]
#: The largest answer Traefik reads from a forward-auth check (Authelia's is small).
FORWARD_AUTH_MAX_BODY = 65536
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


def config_file(catalog: Mapping, name: str, target: str, file: str) -> str:
    """The ``host_files`` path of ``file`` in the folder of ``name`` mounted at ``target``: its
    config folder (``config/<name>/...``) or a relative volume (``config/<name>-<source>/...``)."""
    for folder, mounted in own_folders(catalog[name]).items():
        if mounted == target:
            return f"config/{folder}/{file}"
    raise ValueError(f"{name} mounts none of its folders at {target}, where its image reads {file}")


# -- compose ------------------------------------------------------------------------------
def compose_project(plan: Mapping, catalog: Mapping, settings: Mapping, host: str, layer: str) -> dict:
    """The compose project of one layer on one host.

    A service with several copies becomes one compose service per copy (``homepage``,
    ``homepage-2``, ...): compose's own ``deploy.replicas`` cannot give each copy the fixed
    address the plan assigns it, nor a container name of its own.
    """
    names = plan["hosts"][host]["layers"][layer]
    services = {}
    for name in names:
        service = _compose_service(plan, catalog, settings, name, set(names))
        copies = plan["services"][name].get("replica_addresses", [plan["services"][name]["addresses"]])
        for index, addresses in enumerate(copies):
            services[replica_name(name, index)] = _replica(service, name, index, addresses) if index else service
    segments = sorted({seg for name in names for seg in plan["services"][name]["addresses"]})
    networks = {f"{NETWORK_PREFIX}{seg}": {"external": True, "name": f"{NETWORK_PREFIX}{seg}"} for seg in segments}
    project = {"name": f"mediastack-{layer}", "services": services}
    if networks:
        project["networks"] = networks
    return project


def _volumes(entry: Mapping, settings: Mapping, name: str, plan: Mapping | None = None) -> list[str]:
    """The config folder, extra folders (relative names live beside the config), other services'
    folders it reads (read-only, when that service is planned) and /data."""
    config_root = str(setting(settings, "config_root")).rstrip("/")
    volumes = [f"{config_root}/{name}:{entry['config']}"] if entry["config"] else []
    for source, target in sorted(entry["volumes"].items()):
        host_path = source if source.startswith("/") else f"{config_root}/{name}-{source}"
        volumes.append(f"{host_path}:{target}")
    for source, target in sorted(entry["reads"].items()):
        owner, _dot, folder = source.partition(".")
        if plan is None or owner in plan["services"]:
            volumes.append(f"{config_root}/{owner}-{folder}:{target}:ro")
    if entry["data"]:
        data_root = str(setting(settings, "data_root")).rstrip("/")
        volumes.append(f"{data_root}:/data" + (":ro" if entry["data"] == "ro" else ""))
    return volumes


def _cpus(entry: Mapping, settings: Mapping) -> float:
    """The catalog's CPU limit, never more than the host has (``max_cpus``, from its facts)."""
    cpus = float(entry["resources"].get("cpus", 1.0))
    return min(cpus, float(settings["max_cpus"])) if settings.get("max_cpus") else cpus


def vpn_outbound_subnets(plan: Mapping, catalog: Mapping) -> list[str]:
    """The segments the VPN gateway's firewall lets the download clients reach and answer.

    The segments the clients join (the media segment), plus the segment of every flow of the
    plan that starts or ends at one of them or at the gateway; sorted by address.
    """
    behind = {name for name in plan["services"] if behind_gateway(plan, name)}
    if not behind:
        return []
    segments = {segment for name in behind for segment in plan["services"][name]["segments"]}
    for flow in plan["flows"]:
        if {flow["from"], flow["to"]} & (behind | {VPN_GATEWAY}):
            segments.add(flow["segment"])
    cidrs = {plan["segments"][segment]["cidr"] for segment in segments if segment in plan["segments"]}
    return sorted(cidrs, key=ipaddress.ip_network)


def homepage_allowed_hosts(plan: Mapping, catalog: Mapping) -> list[str]:
    """The Host headers Homepage answers: its route's name, and each copy's address:port (checks)."""
    service = plan["services"][HOMEPAGE]
    hosts = [service["route"]["fqdn"]] if service["route"] else []
    port = catalog[HOMEPAGE]["port"]
    for addresses in service.get("replica_addresses", [service["addresses"]]):
        hosts += [f"{address}:{port}" for _segment, address in sorted(addresses.items())]
    return hosts


def front_proxies(settings: Mapping) -> list[str]:
    """The addresses or networks of proxies in front of Traefik (``mediastack_front_proxies``).

    Only they may set ``X-Forwarded-*``: from anyone else Traefik drops those headers, so no
    client can claim another host, path or address to the portal or to the CrowdSec bouncer.
    """
    return [str(item) for item in settings.get("front_proxies") or []]


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
    """``mediastack_vpn``'s settings named in ``names`` as Gluetun's variables (lists comma-joined)."""
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


def port_forwarding_environment(plan: Mapping, catalog: Mapping, settings: Mapping) -> dict:
    """The VPN gateway's port forwarding variables, when the plan asks for it: on, the provider's
    port forwarding code where ``mediastack_vpn.port_forwarding_provider`` names one (the custom
    provider), and the command that gives qBittorrent the forwarded port when it runs behind it."""
    if not plan["services"][VPN_GATEWAY].get("port_forwarding"):
        return {}
    environment = {"VPN_PORT_FORWARDING": "on"}
    provider = (settings.get("vpn") or {}).get("port_forwarding_provider")
    if provider:
        environment["VPN_PORT_FORWARDING_PROVIDER"] = str(provider)
    if behind_gateway(plan, TORRENT_CLIENT):
        # Compose interpolates ``$`` in the compose file; ``$$`` reaches the container as one ``$``.
        # Both share the gateway's namespace, so qBittorrent's WebUI answers on the loopback address.
        url = f"http://127.0.0.1:{catalog[TORRENT_CLIENT]['port']}"
        command = port_forwarding_command(url, catalog[TORRENT_CLIENT]["configure"]["fields"]["username"])
        environment["VPN_PORT_FORWARDING_UP_COMMAND"] = command.replace("$", "$$")
    return environment


def inventory_secrets(settings: Mapping, name: str) -> dict:
    """Secret variables a service takes from the inventory rather than the secrets store.

    Traefik's DNS provider credentials (mediastack_acme.dns_credentials), for the dns challenge,
    and the WireGuard keys the VPN provider issued (mediastack_vpn). They reach the service
    through its environment file, never its compose file.
    """
    if name == VPN_GATEWAY:
        return _variables(settings, VPN_SECRET_VARIABLES)
    acme = settings.get("acme") or {}
    if name != ENTRY_PROXY or acme.get("challenge") != "dns":
        return {}
    return {str(key): str(value) for key, value in (acme.get("dns_credentials") or {}).items()}


def _environment(plan: Mapping, catalog: Mapping, settings: Mapping, name: str) -> dict:
    """A service's static variables: time zone, PUID/PGID, the catalog's, its peers' addresses
    (``peers``, from the plan), and the plan's own."""
    entry = catalog[name]
    puid, pgid = setting(settings, "puid"), setting(settings, "pgid")
    environment = {"TZ": str(setting(settings, "timezone"))}
    if entry["runs_as"] == "puid":
        environment.update(PUID=str(puid), PGID=str(pgid))
    environment.update({key: str(value) for key, value in entry["environment"].items()})
    environment.update(peer_environment(plan, catalog, name))
    if name == ENTRY_PROXY and settings.get("acme_ca_bundle"):
        # A private ACME CA (mediastack_acme.ca_bundle): Traefik's ACME client trusts it.
        environment["LEGO_CA_CERTIFICATES"] = f"{entry['config']}/{ACME_CA_BUNDLE}"
    if name == VPN_GATEWAY:
        environment.update(_variables(settings, VPN_VARIABLES))
        environment.update(port_forwarding_environment(plan, catalog, settings))
        if vpn_outbound_subnets(plan, catalog):
            environment["FIREWALL_OUTBOUND_SUBNETS"] = ",".join(vpn_outbound_subnets(plan, catalog))
    if name == HOMEPAGE:
        environment["HOMEPAGE_ALLOWED_HOSTS"] = ",".join(homepage_allowed_hosts(plan, catalog))
        environment.update(homepage_issued_keys(plan, catalog))
    return dict(sorted(environment.items()))


def homepage_issued_keys(plan: Mapping, catalog: Mapping) -> dict:
    """``HOMEPAGE_FILE_*`` variables: the files (under Homepage's config) of keys apps issue at runtime.

    Jellyfin creates API keys only through its API, so no key exists before the deploy; the
    configure playbook writes the one it creates for Homepage into that file.
    """
    folder = f"{catalog[HOMEPAGE]['config'].rstrip('/')}/{HOMEPAGE_KEYS_DIR}"
    return {
        homepage_file_variable(name, key): f"{folder}/{name}.{key}"
        for name in sorted(plan["services"])
        for key in sorted(((catalog[name]["dashboard"] or {}).get("widget_issued") or {}).values())
    }


def _compose_service(plan: Mapping, catalog: Mapping, settings: Mapping, name: str, project: set) -> dict:
    entry = catalog[name]
    placed = plan["services"][name]
    puid, pgid = setting(settings, "puid"), setting(settings, "pgid")
    config_root = str(setting(settings, "config_root")).rstrip("/")
    service = {
        "image": image_reference(entry["image"], placed["version"], setting(settings, "registry")),
        "container_name": f"mediastack-{name}",
        "restart": "unless-stopped",
        "environment": _environment(plan, catalog, settings, name),
        "security_opt": ["no-new-privileges:true"],
        "cap_drop": ["ALL"],
        "mem_limit": entry["resources"]["memory"],
        "cpus": _cpus(entry, settings),
        "pids_limit": entry["resources"]["pids"],
        "labels": {"org.newmedia.mediastack.service": name, "org.newmedia.mediastack.layer": entry["layer"]},
    }
    if entry["capabilities"]:
        service["cap_add"] = sorted(entry["capabilities"])
    if entry["runs_as"] == "user":
        service["user"] = f"{puid}:{pgid}"
    if environment_secrets(name, catalog, plan) or inventory_secrets(settings, name):
        service["env_file"] = [f"{config_root}/env/{name}.env"]
    volumes = _volumes(entry, settings, name, plan)
    if volumes:
        service["volumes"] = volumes
    for key in ("read_only", "tmpfs", "devices", "command"):
        if entry[key]:
            service[key] = entry[key] if isinstance(entry[key], bool) else list(entry[key])
    if entry["healthcheck"]:
        service["healthcheck"] = {"test": list(entry["healthcheck"]), **HEALTHCHECK_TIMING}
    if behind_gateway(plan, name):
        service["network_mode"] = f"service:{VPN_GATEWAY}"
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
            dependency: {"condition": "service_healthy" if catalog[dependency]["healthcheck"] else "service_started"}
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


# -- Traefik ------------------------------------------------------------------------------
def traefik_static(plan: Mapping, settings: Mapping) -> dict:
    """Traefik's install configuration: entry points, ACME, providers, logs, metrics."""
    acme = settings.get("acme") or {}
    resolver = {
        "email": acme.get("email", f"admin@{plan['domain']}"),
        "storage": "/letsencrypt/acme.json",
        "caServer": acme.get("ca_server", "https://acme-v02.api.letsencrypt.org/directory"),
    }
    if acme.get("challenge", "http") == "dns":
        resolver["dnsChallenge"] = {"provider": acme["dns_provider"]}
        if acme.get("dns_resolvers"):
            resolver["dnsChallenge"]["resolvers"] = list(acme["dns_resolvers"])
    else:
        resolver["httpChallenge"] = {"entryPoint": "web"}
    web, websecure = (ENTRY_POINTS[key][1] for key in ("http", "https"))
    entry_points = {
        "web": {
            "address": f":{web}",
            "http": {"redirections": {"entryPoint": {"to": "websecure", "scheme": "https", "permanent": True}}},
        },
        "websecure": {"address": f":{websecure}", "http": {"tls": {"certResolver": CERT_RESOLVER}}},
        "traefik": {"address": ":8080", "http": {}},
    }
    trusted = front_proxies(settings)
    for name, entry_point in entry_points.items():
        # A header whose name aliases another (Remote_User for Remote-User) is dropped before routing.
        entry_point["http"]["aliasHeadersStrategy"] = "delete"
        if trusted and name != "traefik":
            # Only the front proxies the inventory names may say who the client is.
            entry_point["forwardedHeaders"] = {"trustedIPs": trusted}
    static = {
        "global": {"checkNewVersion": False, "sendAnonymousUsage": False},
        "log": {"level": "INFO"},
        "accessLog": {"filePath": "/var/log/traefik/access.log", "format": "json"},
        "api": {"dashboard": True},
        "ping": {"entryPoint": "traefik"},
        "metrics": {"prometheus": {"entryPoint": "traefik"}},
        "entryPoints": entry_points,
        "providers": {"file": {"directory": "/etc/traefik/dynamic", "watch": True}},
        "certificatesResolvers": {CERT_RESOLVER: {"acme": resolver}},
    }
    if CROWDSEC in plan["services"]:
        static["experimental"] = bouncer_plugin_declaration(settings)
    return static


def bouncer_plugin_declaration(settings: Mapping) -> dict:
    """How Traefik loads the bouncer plugin: the pinned release from Traefik's plugin catalogue,
    or, with ``mediastack_crowdsec_bouncer_plugin_source``, the source the inventory hands over
    (an offline mirror of the release, say), from the local plugins folder."""
    if settings.get("crowdsec_bouncer_plugin"):
        return {"localPlugins": {BOUNCER_PLUGIN: {"moduleName": BOUNCER_PLUGIN_MODULE}}}
    return {"plugins": {BOUNCER_PLUGIN: {"moduleName": BOUNCER_PLUGIN_MODULE, "version": BOUNCER_PLUGIN_VERSION}}}


def bouncer_plugin_files(plan: Mapping, catalog: Mapping, settings: Mapping) -> dict[str, str]:
    """The ``host_files`` of a local bouncer plugin source, when CrowdSec is planned: each of its
    files under the local plugins folder, where Traefik looks for the module's source
    (``src/<module>/``)."""
    files = (settings.get("crowdsec_bouncer_plugin") or {}) if CROWDSEC in plan["services"] else {}
    return {
        config_file(catalog, ENTRY_PROXY, PLUGINS_LOCAL, f"src/{BOUNCER_PLUGIN_MODULE}/{path}"): str(text)
        for path, text in sorted(files.items())
    }


def bouncer_middleware(plan: Mapping, catalog: Mapping, settings: Mapping) -> dict:
    """The bouncer plugin's options: in live mode it asks CrowdSec's local API about each client
    it has not asked about for a minute, and answers 403 to a banned one, and to everyone while
    the local API cannot answer (it fails closed). The key is the one CrowdSec registers
    (``crowdsec.bouncer_key``), read from Traefik's secrets folder. Behind the front proxies the
    inventory names, the client is the address they put in ``X-Forwarded-For``."""
    options = {
        "enabled": True,
        "crowdsecMode": "live",
        "crowdsecLapiScheme": "http",
        "crowdsecLapiHost": f"{reach(plan, ENTRY_PROXY, CROWDSEC)}:{catalog[CROWDSEC]['port']}",
        "crowdsecLapiKeyFile": f"{catalog[ENTRY_PROXY]['config'].rstrip('/')}/secrets/{BOUNCER_KEY_FILE}",
    }
    trusted = front_proxies(settings)
    if trusted:
        options["forwardedHeadersTrustedIps"] = trusted
    return {"plugin": {BOUNCER_PLUGIN: options}}


def traefik_dynamic(plan: Mapping, catalog: Mapping, settings: Mapping | None = None) -> dict[str, dict]:
    """Traefik's dynamic configuration, one document per file: tls, middlewares, routes.

    Every router starts with the same two middlewares, so that every answer (a backend's, the
    portal's 302, a 403) carries the security headers and no client's own ``Remote-*`` header
    reaches a backend; then the CrowdSec bouncer, then sign-in.
    """
    services = plan["services"]
    # The forward-auth checks see the request as Traefik received it, unless a front proxy the
    # inventory names stands before Traefik (whose X-Forwarded-* the entry points keep).
    trust = bool(front_proxies(settings or {}))
    middlewares = {
        "secure-headers": {"headers": SECURE_HEADERS},
        # An empty value removes the header: only the portal's answer may set these.
        "strip-identity": {"headers": {"customRequestHeaders": dict.fromkeys(AUTH_RESPONSE_HEADERS, "")}},
        "portal-ratelimit": {"rateLimit": {"average": 10, "burst": 20}},
    }
    if PORTAL in services:
        address = reach(plan, ENTRY_PROXY, PORTAL)
        port = catalog[PORTAL]["port"]
        middlewares["authelia"] = {
            "forwardAuth": {
                "address": f"http://{address}:{port}/api/authz/forward-auth",
                "trustForwardHeader": trust,
                "authResponseHeaders": AUTH_RESPONSE_HEADERS,
                "maxResponseBodySize": FORWARD_AUTH_MAX_BODY,
            }
        }
    if CROWDSEC in services:
        middlewares["crowdsec"] = bouncer_middleware(plan, catalog, settings or {})
    admin_cidr = plan["segments"].get("admin", {}).get("cidr")
    if admin_cidr:
        middlewares["admin-segment"] = {"ipAllowList": {"sourceRange": [admin_cidr]}}

    routers, backends = {}, {}
    for route in plan["routes"]:
        name = route["service"]
        chain = ["secure-headers", "strip-identity"]
        if name == ENTRY_PROXY and "admin-segment" in middlewares:
            chain.append("admin-segment")
        if "crowdsec" in middlewares:
            chain.append("crowdsec")
        if name == PORTAL:
            chain.append("portal-ratelimit")
        elif "authelia" in middlewares:
            chain.append("authelia")
        router = {
            "rule": f"Host(`{route['fqdn']}`)",
            "entryPoints": ["websecure"],
            "middlewares": chain,
            "tls": {"certResolver": CERT_RESOLVER},
        }
        if name == ENTRY_PROXY:
            # The dashboard: Traefik's own API service, and only from the admin segment.
            router["service"] = "api@internal"
        elif replicated(plan, name) and LOAD_BALANCER in services:
            # Several copies: HAProxy balances them (health checks, sticky sessions), chosen by Host.
            address = reach(plan, ENTRY_PROXY, LOAD_BALANCER)
            router["service"] = name
            backends[name] = {"loadBalancer": {"servers": [{"url": f"http://{address}:{balancer_port(catalog)}"}]}}
        else:
            backend = backend_service(plan, name)
            address = reach(plan, ENTRY_PROXY, backend)
            router["service"] = name
            backends[name] = {"loadBalancer": {"servers": [{"url": f"http://{address}:{route['port']}"}]}}
        routers[name] = router
    tls = {
        "tls": {
            "options": {
                "default": {
                    "minVersion": "VersionTLS12",
                    "cipherSuites": INTERMEDIATE_CIPHER_SUITES,
                    "curvePreferences": ["X25519", "CurveP256", "CurveP384"],
                    "sniStrict": True,
                }
            }
        }
    }
    return {
        "tls": tls,
        "middlewares": {"http": {"middlewares": middlewares}},
        "routes": {"http": {"routers": routers, "services": backends}},
    }


# -- Authelia -----------------------------------------------------------------------------
def authelia_rules(plan: Mapping) -> list[dict]:
    """``access_control.rules``: API bypasses first, then one rule per route; default deny."""
    bypasses, rules = [], []
    for route in plan["routes"]:
        if route["policy"] == "bypass":
            bypasses.append({"domain": [route["fqdn"]], "policy": "bypass"})
            continue
        if route["bypass_paths"]:
            bypasses.append({"domain": [route["fqdn"]], "resources": list(route["bypass_paths"]), "policy": "bypass"})
        rule = {"domain": [route["fqdn"]], "policy": route["policy"]}
        if route["groups"]:
            rule["subject"] = [f"group:{group}" for group in route["groups"]]
        rules.append(rule)
    return bypasses + rules


def authelia_configuration(plan: Mapping, catalog: Mapping, settings: Mapping) -> dict:
    """Authelia's configuration.yml; secrets come from ``*_FILE`` variables, never from here."""
    domain = plan["domain"]
    cookie_domain = settings.get("cookie_domain") or domain
    portal = next((route for route in plan["routes"] if route["service"] == PORTAL), None)
    home = next((route for route in plan["routes"] if route["service"] == HOMEPAGE), None)
    cookie = {"domain": cookie_domain, "authelia_url": f"https://{portal['fqdn'] if portal else 'auth.' + domain}"}
    if home:
        cookie["default_redirection_url"] = f"https://{home['fqdn']}"
    configuration = {
        "theme": "auto",
        "server": {"address": f"tcp://:{catalog[PORTAL]['port']}/"},
        "log": {"level": "info"},
        "telemetry": {"metrics": {"enabled": True, "address": "tcp://:9959/metrics"}},
        "authentication_backend": {
            "file": {
                "path": "/config/users_database.yml",
                "watch": False,
                "password": {
                    "algorithm": "argon2",
                    "argon2": {
                        "variant": "argon2id",
                        "iterations": 3,
                        "memory": 65536,
                        "parallelism": 4,
                        "key_length": 32,
                        "salt_length": 16,
                    },
                },
            }
        },
        "totp": {"issuer": domain},
        "webauthn": {"disable": False, "display_name": settings.get("display_name", "mediastack")},
        "access_control": {"default_policy": "deny", "rules": authelia_rules(plan)},
        "session": {"cookies": [cookie]},
        "regulation": {"max_retries": 3, "find_time": "2 minutes", "ban_time": "5 minutes"},
        "notifier": {"filesystem": {"filename": "/config/notification.txt"}},
    }
    if "redis" in plan["services"]:
        configuration["session"]["redis"] = {"host": reach(plan, PORTAL, "redis"), "port": catalog["redis"]["port"]}
    if "postgres" in plan["services"]:
        address = reach(plan, PORTAL, "postgres")
        configuration["storage"] = {
            "postgres": {
                "address": f"tcp://{address}:{catalog['postgres']['port']}",
                "database": "authelia",
                "username": "authelia",
            }
        }
    return configuration


# -- Homepage -----------------------------------------------------------------------------
def homepage_services(plan: Mapping, catalog: Mapping) -> list[dict]:
    """Homepage's services.yaml: a tile per routed service, grouped as the catalog says.

    A tile carries its widget only where ``_reach.widget_url`` finds one Homepage can use.
    """
    groups: dict[str, list] = {}
    for route in plan["routes"]:
        name = route["service"]
        dashboard = catalog[name]["dashboard"]
        if not dashboard:
            continue
        tile = {"href": f"https://{route['fqdn']}", "description": catalog[name]["description"]}
        if dashboard.get("icon"):
            tile["icon"] = dashboard["icon"]
        widget = _widget(plan, catalog, route, dashboard)
        if widget:
            tile["widget"] = widget
        groups.setdefault(dashboard.get("group", "Services"), []).append({name: tile})
    return [{group: sorted(tiles, key=lambda tile: next(iter(tile)))} for group, tiles in sorted(groups.items())]


def _widget(plan: Mapping, catalog: Mapping, route: Mapping, dashboard: Mapping) -> dict | None:
    """A tile's widget: the app's API where Homepage reaches it (``_reach.widget_url``), and its
    credentials as ``{{HOMEPAGE_VAR_...}}`` references, filled from Homepage's environment file.
    None when Homepage cannot reach the app's API without signing in."""
    name = route["service"]
    url = widget_url(plan, catalog, route)
    if url is None:
        return None
    widget = {"type": dashboard["widget"], "url": url}
    widget.update({field: str(value) for field, value in sorted((dashboard.get("widget_fields") or {}).items())})
    for field, secret in sorted((dashboard.get("widget_secrets") or {}).items()):
        widget[field] = "{{" + homepage_variable(name, secret) + "}}"
    for field, key in sorted((dashboard.get("widget_issued") or {}).items()):
        widget[field] = "{{" + homepage_file_variable(name, key) + "}}"
    return widget


# -- CrowdSec -----------------------------------------------------------------------------
def crowdsec_acquisition() -> dict:
    """``acquis.d/traefik.yaml``: CrowdSec tails Traefik's access log with the traefik parsers."""
    return {"filenames": [ACCESS_LOG], "labels": {"type": "traefik"}}


# -- Prometheus ---------------------------------------------------------------------------
def prometheus_config(plan: Mapping, catalog: Mapping) -> dict:
    """``prometheus.yml``: one job per planned service with metrics, at the address Prometheus
    reaches it on (a segment both join; a service on none of Prometheus's segments is left out),
    each copy a target labelled with its host; Alertmanager as the alerting target."""
    services = plan["services"]
    jobs = []
    for name, placed in sorted(services.items()):
        metrics = catalog[name]["metrics"]
        backend = backend_service(plan, name)
        shared = [segment for segment in services[PROMETHEUS]["segments"] if segment in services[backend]["addresses"]]
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
    if ALERTMANAGER in services:
        address = reach(plan, PROMETHEUS, ALERTMANAGER)
        target = f"{address}:{catalog[ALERTMANAGER]['port']}"
        config["alerting"] = {"alertmanagers": [{"static_configs": [{"targets": [target]}]}]}
    config["scrape_configs"] = jobs
    return config


# -- Alertmanager -------------------------------------------------------------------------
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


# -- Alloy --------------------------------------------------------------------------------
def _alloy_string(value: str) -> str:
    """A string literal of Alloy's configuration syntax (double-quoted, escaped as JSON is)."""
    return json.dumps(value)


def _alloy_labels(labels: Mapping[str, str]) -> str:
    """An Alloy object of string labels, keys quoted, in the order given."""
    return "{" + ", ".join(f"{_alloy_string(key)} = {_alloy_string(value)}" for key, value in labels.items()) + "}"


def alloy_config(plan: Mapping, catalog: Mapping, host: str) -> str:
    """Alloy's ``config.alloy`` for the Alloy on ``host``: the log of every container the Docker
    engine runs there, read through its API, and the host's ``/var/log/*.log``, pushed to Loki at
    the address Alloy reaches it on.

    Each line carries ``host`` (the inventory host) and ``job`` (``containers`` or ``system``); a
    container's lines carry ``container`` (its name), and ``service`` and ``layer`` from its
    labels (``ALLOY_LABELS``). The catalog makes Alloy depend on Loki, so the planner refuses
    Alloy without Loki: it would have nowhere to push.
    """
    loki = f"http://{reach(plan, ALLOY, LOKI)}:{catalog[LOKI]['port']}/loki/api/v1/push"
    rules = [("__meta_docker_container_name", "/(.*)", "container")]
    rules += [(f"__meta_docker_container_label_{label}", "(.+)", target) for target, label in ALLOY_LABELS]
    lines = [
        f"// Rendered from the plan for {host}: every container's log and the host's logs, to Loki.",
        f"discovery.docker {_alloy_string('containers')} {{",
        f"  host = {_alloy_string(ALLOY_DOCKER_HOST)}",
        "}",
        "",
        f"discovery.relabel {_alloy_string('containers')} {{",
        "  targets = discovery.docker.containers.targets",
    ]
    for source, regex, target in rules:
        lines += [
            "",
            "  rule {",
            f"    source_labels = [{_alloy_string(source)}]",
            f"    regex         = {_alloy_string(regex)}",
            f"    target_label  = {_alloy_string(target)}",
            "  }",
        ]
    lines += [
        "}",
        "",
        f"loki.source.docker {_alloy_string('containers')} {{",
        f"  host       = {_alloy_string(ALLOY_DOCKER_HOST)}",
        "  targets    = discovery.relabel.containers.output",
        f"  labels     = {_alloy_labels({'host': host, 'job': 'containers'})}",
        "  forward_to = [loki.write.default.receiver]",
        "}",
        "",
        f"local.file_match {_alloy_string('system')} {{",
        f"  path_targets = [{_alloy_labels({'__path__': ALLOY_SYSTEM_LOGS, 'host': host, 'job': 'system'})}]",
        "}",
        "",
        f"loki.source.file {_alloy_string('system')} {{",
        "  targets    = local.file_match.system.targets",
        "  forward_to = [loki.write.default.receiver]",
        "}",
        "",
        f"loki.write {_alloy_string('default')} {{",
        "  endpoint {",
        f"    url = {_alloy_string(loki)}",
        "  }",
        "}",
    ]
    return "\n".join(lines) + "\n"


# -- Grafana ------------------------------------------------------------------------------
def grafana_datasources(plan: Mapping, catalog: Mapping) -> dict:
    """``provisioning/datasources/datasources.yaml``: Prometheus (the default) and Loki, each
    when planned, at the address Grafana reaches it on; Grafana's server asks them (proxy)."""
    datasources = []
    for name, kind, title in ((PROMETHEUS, "prometheus", "Prometheus"), (LOKI, "loki", "Loki")):
        if name not in plan["services"]:
            continue
        datasource = {
            "name": title,
            "type": kind,
            "uid": name,
            "access": "proxy",
            "url": f"http://{reach(plan, GRAFANA, name)}:{catalog[name]['port']}",
            "isDefault": name == PROMETHEUS,
            "editable": False,
        }
        datasources.append(datasource)
    return {"apiVersion": 1, "datasources": datasources}


def host_folders(plan: Mapping, catalog: Mapping, host: str) -> list[str]:
    """Folders the images of ``host`` expect to find in a mounted folder, which hold no rendered
    file: as ``config/<folder>/<path>``, like the paths of ``host_files``."""
    placed = {name for name, service in plan["services"].items() if service["host"] == host}
    folders = []
    if GRAFANA in placed:
        for folder in GRAFANA_EMPTY_FOLDERS:
            folders.append(config_file(catalog, GRAFANA, GRAFANA_PROVISIONING, folder))
    return folders


# -- HAProxy ------------------------------------------------------------------------------
def _haproxy_backends(plan: Mapping, catalog: Mapping) -> list[str]:
    """A front end choosing by Host, and a back end per replicated route: every copy, checked
    every 10 s on the catalog health path, a client kept on its copy by an inserted cookie."""
    routes = [route for route in plan["routes"] if replicated(plan, route["service"])]
    if not routes:
        return []
    lines = ["frontend replicated", f"  bind :::{balancer_port(catalog)} v4v6"]
    for route in routes:
        lines.append(f"  use_backend {route['service']} if {{ req.hdr(host),field(1,:) -i {route['fqdn']} }}")
    lines.append("")
    for route in routes:
        name = route["service"]
        lines += [
            f"backend {name}",
            "  balance roundrobin",
            "  option httpchk",
            # HTTP/1.1 with the route's Host: apps that check Host (Homepage) answer the check.
            f"  http-check send meth GET uri {health_path(catalog[name])} ver HTTP/1.1 hdr Host {route['fqdn']}",
            "  default-server inter 10s",
            "  cookie SRV insert indirect nocache",
        ]
        for index, addresses in enumerate(plan["services"][name]["replica_addresses"]):
            copy = replica_name(name, index)
            segment = next(seg for seg in plan["services"][LOAD_BALANCER]["segments"] if seg in addresses)
            lines.append(f"  server {copy} {addresses[segment]}:{route['port']} check cookie {copy}")
        lines.append("")
    return lines


def haproxy_config(catalog: Mapping, plan: Mapping | None = None) -> str:
    """HAProxy's configuration: a health and metrics front end on its catalog port, and with
    ``plan``, the back ends of the routed services that run several copies."""
    port = catalog["haproxy"]["port"]
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
            *(_haproxy_backends(plan, catalog) if plan is not None else []),
        ]
    )


# -- everything one host carries ----------------------------------------------------------
def host_files(plan: Mapping, catalog: Mapping, settings: Mapping, host: str) -> dict[str, object]:
    """Every generated file of one host, as relative path -> document (YAML; a string is written as is).

    ``compose/<layer>/compose.yaml`` for each layer the host carries, and the configuration of
    the services placed there: ``config/traefik/traefik.yaml`` with ``config/traefik/dynamic/*``,
    ``config/authelia/configuration.yml``, ``config/homepage/services.yaml``,
    ``config/haproxy/haproxy.cfg``, ``config/crowdsec/acquis.d/traefik.yaml``,
    ``config/prometheus/prometheus.yml``, ``config/alertmanager-etc/alertmanager.yml``,
    ``config/alloy/config.alloy`` and ``config/grafana-provisioning/datasources/datasources.yaml``
    (``host_folders`` names the empty folders beside it). The
    folder after ``config/`` is a folder of the configuration root: a service's config folder,
    or ``<service>-<source>`` for a relative volume of that service.
    """
    if host not in plan["hosts"]:
        return {}
    files: dict[str, object] = {}
    for layer in plan["hosts"][host]["layers"]:
        files[f"compose/{layer}/compose.yaml"] = compose_project(plan, catalog, settings, host, layer)
    placed = {name for name, service in plan["services"].items() if service["host"] == host}
    if ENTRY_PROXY in placed:
        files["config/traefik/traefik.yaml"] = traefik_static(plan, settings)
        files.update(bouncer_plugin_files(plan, catalog, settings))
        for name, document in traefik_dynamic(plan, catalog, settings).items():
            files[f"config/traefik/dynamic/{name}.yaml"] = document
    if PORTAL in placed:
        files["config/authelia/configuration.yml"] = authelia_configuration(plan, catalog, settings)
    if HOMEPAGE in placed:
        files["config/homepage/services.yaml"] = homepage_services(plan, catalog)
    if "haproxy" in placed:
        files["config/haproxy/haproxy.cfg"] = haproxy_config(catalog, plan)
    if CROWDSEC in placed and ENTRY_PROXY in plan["services"]:
        files["config/crowdsec/acquis.d/traefik.yaml"] = crowdsec_acquisition()
    if PROMETHEUS in placed:
        files["config/prometheus/prometheus.yml"] = prometheus_config(plan, catalog)
    if ALERTMANAGER in placed:
        files[config_file(catalog, ALERTMANAGER, ALERTMANAGER_CONFIG, "alertmanager.yml")] = alertmanager_config()
    if ALLOY in placed:
        files[config_file(catalog, ALLOY, ALLOY_CONFIG, "config.alloy")] = alloy_config(plan, catalog, host)
    if GRAFANA in placed:
        datasources = config_file(catalog, GRAFANA, GRAFANA_PROVISIONING, "datasources/datasources.yaml")
        files[datasources] = grafana_datasources(plan, catalog)
    return dict(sorted(files.items()))
