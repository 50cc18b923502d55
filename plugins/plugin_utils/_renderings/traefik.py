# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Traefik's static and dynamic configuration, and the CrowdSec bouncer plugin it loads."""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import config_file
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import (
    ENTRY_POINTS,
    front_port,
    played_by,
    replicated,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import backend_service, reach
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import BOUNCER_KEY_FILE

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
#: Where Traefik writes its access log (static configuration), which CrowdSec reads.
ACCESS_LOG = "/var/log/traefik/access.log"
CERT_RESOLVER = "acme"
ACME_CA_BUNDLE = "acme-ca.pem"

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


def front_proxies(settings: Mapping) -> list[str]:
    """The addresses or networks of proxies in front of Traefik (``mediastack_front_proxies``).

    Only they may set ``X-Forwarded-*``: from anyone else Traefik drops those headers, so no
    client can claim another host, path or address to the portal or to the CrowdSec bouncer.
    """
    return [str(item) for item in settings.get("front_proxies") or []]


def traefik_static(plan: Mapping) -> dict:
    """Traefik's install configuration: entry points, ACME, providers, logs, metrics."""
    settings = plan["settings"]
    acme = settings["acme"]
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
        "accessLog": {"filePath": ACCESS_LOG, "format": "json"},
        "api": {"dashboard": True},
        "ping": {"entryPoint": "traefik"},
        "metrics": {"prometheus": {"entryPoint": "traefik"}},
        "entryPoints": entry_points,
        "providers": {"file": {"directory": "/etc/traefik/dynamic", "watch": True}},
        "certificatesResolvers": {CERT_RESOLVER: {"acme": resolver}},
    }
    if played_by(plan, "intrusion_detection"):
        static["experimental"] = bouncer_plugin_declaration(plan)
    return static


def bouncer_plugin_declaration(plan: Mapping) -> dict:
    """How Traefik loads the bouncer plugin: the pinned release from Traefik's plugin catalogue,
    or, with ``mediastack_crowdsec_bouncer_plugin_source``, the source the inventory hands over
    (an offline mirror of the release, say), from the local plugins folder."""
    if plan["sources"]["crowdsec_bouncer_plugin"]:
        return {"localPlugins": {BOUNCER_PLUGIN: {"moduleName": BOUNCER_PLUGIN_MODULE}}}
    return {"plugins": {BOUNCER_PLUGIN: {"moduleName": BOUNCER_PLUGIN_MODULE, "version": BOUNCER_PLUGIN_VERSION}}}


def bouncer_plugin_files(plan: Mapping) -> dict[str, str]:
    """The ``host_files`` of a local bouncer plugin source, when CrowdSec is planned: each of its
    files under the local plugins folder, where Traefik looks for the module's source
    (``src/<module>/``)."""
    planned = played_by(plan, "intrusion_detection")
    files = plan["sources"]["crowdsec_bouncer_plugin"] if planned else {}
    entry = played_by(plan, "entry_proxy")
    return {
        config_file(plan["services"], entry, PLUGINS_LOCAL, f"src/{BOUNCER_PLUGIN_MODULE}/{path}"): str(text)
        for path, text in sorted(files.items())
    }


def bouncer_middleware(plan: Mapping) -> dict:
    """The bouncer plugin's options: in live mode it asks CrowdSec's local API about each client
    it has not asked about for a minute, and answers 403 to a banned one, and to everyone while
    the local API cannot answer (it fails closed). The key is the one CrowdSec registers
    (``crowdsec.bouncer_key``), read from Traefik's secrets folder. Behind the front proxies the
    inventory names, the client is the address they put in ``X-Forwarded-For``."""
    entry, bouncer = played_by(plan, "entry_proxy"), played_by(plan, "intrusion_detection")
    services = plan["services"]
    options = {
        "enabled": True,
        "crowdsecMode": "live",
        "crowdsecLapiScheme": "http",
        "crowdsecLapiHost": f"{reach(plan, entry, bouncer)}:{services[bouncer]['port']}",
        "crowdsecLapiKeyFile": f"{services[entry]['config'].rstrip('/')}/secrets/{BOUNCER_KEY_FILE}",
    }
    trusted = front_proxies(plan["settings"])
    if trusted:
        options["forwardedHeadersTrustedIps"] = trusted
    return {"plugin": {BOUNCER_PLUGIN: options}}


def traefik_dynamic(plan: Mapping) -> dict[str, dict]:
    """Traefik's dynamic configuration, one document per file: tls, middlewares, routes.

    Every router starts with the same two middlewares, so that every answer (a backend's, the
    portal's 302, a 403) carries the security headers and no client's own ``Remote-*`` header
    reaches a backend; then the CrowdSec bouncer, then sign-in.
    """
    services = plan["services"]
    entry, portal = played_by(plan, "entry_proxy"), played_by(plan, "portal")
    bouncer, balancer = played_by(plan, "intrusion_detection"), played_by(plan, "load_balancer")
    # The forward-auth checks see the request as Traefik received it, unless a front proxy the
    # inventory names stands before Traefik (whose X-Forwarded-* the entry points keep).
    trust = bool(front_proxies(plan["settings"]))
    middlewares = {
        "secure-headers": {"headers": SECURE_HEADERS},
        # An empty value removes the header: only the portal's answer may set these.
        "strip-identity": {"headers": {"customRequestHeaders": dict.fromkeys(AUTH_RESPONSE_HEADERS, "")}},
        "portal-ratelimit": {"rateLimit": {"average": 10, "burst": 20}},
    }
    if portal in services:
        address = reach(plan, entry, portal)
        port = services[portal]["port"]
        middlewares["authelia"] = {
            "forwardAuth": {
                "address": f"http://{address}:{port}/api/authz/forward-auth",
                "trustForwardHeader": trust,
                "authResponseHeaders": AUTH_RESPONSE_HEADERS,
                "maxResponseBodySize": FORWARD_AUTH_MAX_BODY,
            }
        }
    if bouncer in services:
        middlewares["crowdsec"] = bouncer_middleware(plan)
    admin_cidr = plan["segments"].get("admin", {}).get("cidr")
    if admin_cidr:
        middlewares["admin-segment"] = {"ipAllowList": {"sourceRange": [admin_cidr]}}

    routers, backends = {}, {}
    for route in plan["routes"]:
        name = route["service"]
        chain = ["secure-headers", "strip-identity"]
        if name == entry and "admin-segment" in middlewares:
            chain.append("admin-segment")
        if "crowdsec" in middlewares:
            chain.append("crowdsec")
        if name == portal:
            chain.append("portal-ratelimit")
        elif "authelia" in middlewares:
            chain.append("authelia")
        router = {
            "rule": f"Host(`{route['fqdn']}`)",
            "entryPoints": ["websecure"],
            "middlewares": chain,
            "tls": {"certResolver": CERT_RESOLVER},
        }
        if name == entry:
            # The dashboard: Traefik's own API service, and only from the admin segment.
            router["service"] = "api@internal"
        elif replicated(plan, name) and balancer in services:
            # Several copies: HAProxy balances them (health checks, sticky sessions), chosen by Host.
            address = reach(plan, entry, balancer)
            router["service"] = name
            backends[name] = {"loadBalancer": {"servers": [{"url": f"http://{address}:{front_port(plan)}"}]}}
        else:
            backend = backend_service(plan, name)
            address = reach(plan, entry, backend)
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


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "entry_proxy"
EMITS = ("config/traefik/traefik.yaml", "config/traefik/dynamic/*.yaml", "config/traefik-plugins-local/src/**")


def files(plan: Mapping, host: str) -> dict[str, object]:
    """``traefik.yaml``, a ``dynamic/<name>.yaml`` per dynamic document, and a local bouncer
    plugin's source files when the inventory hands one over."""
    rendered: dict[str, object] = {"config/traefik/traefik.yaml": traefik_static(plan)}
    rendered.update(bouncer_plugin_files(plan))
    for name, document in traefik_dynamic(plan).items():
        rendered[f"config/traefik/dynamic/{name}.yaml"] = document
    return rendered
