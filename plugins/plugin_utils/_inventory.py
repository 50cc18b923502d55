# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Checks of a host's inventory variables, run before any host changes.

The type, choice and unknown-key checks come from the table of inputs (``_inputs``); the rules
here judge what a type cannot: values beyond their type, and values against each other. A rule
runs only when the inputs it reads passed the table's checks, so one fault gives one message.

Every function here is pure: it takes plain data (a mapping of one host's variables) and returns
plain data (a list of messages). Each message names the inventory variable at fault and says what
to do, in the house form ``<what failed> for <object>: <cause>. <what to do>``.
"""

from __future__ import annotations

import base64
import ipaddress
import posixpath
import re
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils import _inputs
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import DEFAULT_SEGMENTS
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._users import users_problems

#: The table's default; a unit test keeps ``docker_default_address_pools`` of
#: roles/docker/defaults/main.yml equal to it, so the check sees the pools the docker role configures.
DEFAULT_DOCKER_ADDRESS_POOLS = _inputs.default("docker_default_address_pools")

#: Largest prefix a segment may have: /28 leaves 14 addresses, the hosts' reserved range.
MAX_SEGMENT_PREFIX = 28
_KIND_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_RESOLVER_RE = re.compile(r"^[A-Za-z0-9.:\[\]-]+:[0-9]{1,5}$")


#: Where the edge host publishes Traefik's entry points on bridge segments (docs/deploy.md):
#: 0.0.0.0, every address of the host (0.0.0.0 and :: are "unspecified" addresses).
DEFAULT_ENTRY_BIND_ADDRESS = _inputs.default("mediastack_entry_bind_address")
DEFAULT_ENTRY_PORTS = _inputs.default("mediastack_entry_ports")


def _invalid(variable: str, host: str, cause: str, todo: str) -> str:
    return f"Invalid inventory variable {variable} for host {host}: {cause}. {todo}"


def check_data_root(value: str, host: str) -> list[str]:
    """The root of the shared data tree (an absolute path, as the table checks) is not ``/``."""
    variable = "mediastack_data_root"
    if posixpath.normpath(value).strip("/") == "":
        todo = f"Set {variable} to an absolute path such as /data"
        return [_invalid(variable, host, "the data tree cannot be the filesystem root", todo)]
    return []


def check_media_kinds(value: list, host: str) -> list[str]:
    """The media kinds (a non-empty list of text, as the table checks): distinct lower-case names."""
    variable = "mediastack_media_kinds"
    todo = f"Set {variable} to a list of distinct lower-case names, e.g. [tv, movies, music]"
    errors = [
        _invalid(variable, host, f"{kind!r} is not a lower-case name", todo)
        for kind in value
        if not _KIND_RE.match(kind)
    ]
    duplicates = sorted({kind for kind in value if value.count(kind) > 1})
    if duplicates:
        errors.append(_invalid(variable, host, f"{', '.join(duplicates)} listed twice", todo))
    return errors


def _parse_network(text: object) -> ipaddress.IPv4Network | None:
    try:
        return ipaddress.IPv4Network(str(text), strict=True) if isinstance(text, str) else None
    except ValueError:
        return None


def resolve_segments(value: object, host: str) -> tuple[dict[str, ipaddress.IPv4Network], list[str]]:
    """Merge ``mediastack_segments`` over the defaults and check every CIDR.

    Each entry maps a segment name to its CIDR, either as a string or as ``{cidr: ...}``.
    Returns the segments that parsed and the messages for those that did not or that overlap.
    """
    variable = "mediastack_segments"
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        todo = f"Set {variable} to a mapping of segment name to CIDR, e.g. {{media: 10.10.1.0/24}}"
        return {}, [_invalid(variable, host, f"{value!r} is not a mapping", todo)]
    errors = []
    cidrs: dict[str, object] = dict(DEFAULT_SEGMENTS)
    for name, entry in value.items():
        if name not in DEFAULT_SEGMENTS:
            todo = f"Use only the segments {', '.join(sorted(DEFAULT_SEGMENTS))}"
            errors.append(_invalid(f"{variable}.{name}", host, "unknown segment", todo))
            continue
        cidrs[name] = entry.get("cidr") if isinstance(entry, Mapping) else entry
    networks = {}
    for name, cidr in cidrs.items():
        network = _parse_network(cidr)
        todo = f"Set {variable}.{name} to an IPv4 network in CIDR form, /{MAX_SEGMENT_PREFIX} or wider"
        if network is None:
            errors.append(_invalid(f"{variable}.{name}", host, f"{cidr!r} is not a network address", todo))
        elif network.prefixlen > MAX_SEGMENT_PREFIX:
            errors.append(_invalid(f"{variable}.{name}", host, f"{cidr} is too small", todo))
        else:
            networks[name] = network
    names = sorted(networks)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            if networks[first].overlaps(networks[second]):
                cause = f"{first} ({networks[first]}) overlaps {second} ({networks[second]})"
                todo = f"Give each segment in {variable} its own address range"
                errors.append(_invalid(f"{variable}.{second}", host, cause, todo))
    return networks, errors


def check_address_pools(value: list, segments: Mapping[str, ipaddress.IPv4Network], host: str) -> list[str]:
    """Docker's default address pools (a non-empty list of mappings, as the table checks): each a
    valid base and size, and clear of every network segment."""
    variable = "docker_default_address_pools"
    todo = f"Set {variable} to ranges outside every segment, e.g. [{{base: 172.30.0.0/16, size: 24}}]"
    errors = []
    for index, pool in enumerate(value):
        name = f"{variable}[{index}]"
        base, size = _parse_network(pool.get("base")), pool.get("size")
        if base is None:
            errors.append(_invalid(name, host, f"{pool!r} has no valid 'base' network", todo))
            continue
        if isinstance(size, bool) or not isinstance(size, int) or not base.prefixlen <= size <= 30:
            cause = f"size {size!r} must be a prefix length from {base.prefixlen} to 30"
            errors.append(_invalid(name, host, cause, todo))
        for segment, network in sorted(segments.items()):
            if base.overlaps(network):
                cause = f"pool {base} overlaps segment {segment} ({network})"
                errors.append(_invalid(name, host, cause, todo))
    return errors


def check_acme(value: Mapping, host: str) -> list[str]:
    """How Traefik obtains certificates (keys and types as the table checks); DNS credentials are
    checked by name only, never shown."""
    variable = "mediastack_acme"
    errors = []
    challenge = value.get("challenge", "http")
    for key in ("email", "ca_server", "ca_bundle", "dns_provider"):
        if key in value and (not isinstance(value[key], str) or not value[key]):
            errors.append(_invalid(f"{variable}.{key}", host, "it is not a non-empty string", "Set it to text"))
    if isinstance(value.get("email"), str) and value["email"] and "@" not in value["email"]:
        errors.append(
            _invalid(f"{variable}.email", host, "it is not an e-mail address", "Give the ACME account's address")
        )
    if isinstance(value.get("ca_server"), str) and value["ca_server"] and not value["ca_server"].startswith("https://"):
        cause = "the CA's directory must be an https:// URL"
        errors.append(_invalid(f"{variable}.ca_server", host, cause, "Give the directory URL the CA publishes"))
    if challenge == "dns" and not value.get("dns_provider"):
        todo = "Set dns_provider to a provider Traefik's ACME client knows, e.g. cloudflare"
        errors.append(_invalid(f"{variable}.dns_provider", host, "the dns challenge needs a provider", todo))
    resolvers = value.get("dns_resolvers", [])
    if not all(_RESOLVER_RE.match(item) for item in resolvers):
        todo = "Give a list of host:port entries, e.g. [1.1.1.1:53]"
        errors.append(_invalid(f"{variable}.dns_resolvers", host, "it is not a list of host:port", todo))
    errors += _check_dns_credentials(value.get("dns_credentials", {}), challenge, host)
    return errors


def _check_dns_credentials(credentials: Mapping, challenge: object, host: str) -> list[str]:
    """Variable names the DNS provider reads, mapped to (vaulted) values; the values are never named."""
    variable = "mediastack_acme.dns_credentials"
    errors = []
    if credentials and challenge != "dns":
        errors.append(_invalid(variable, host, "they serve only the dns challenge", "Set challenge: dns, or drop them"))
    for name, secret in credentials.items():
        if not isinstance(name, str) or not _ENV_NAME_RE.match(name):
            errors.append(
                _invalid(
                    variable,
                    host,
                    f"{name!r} is not an environment variable name",
                    "Use a variable name such as CF_DNS_API_TOKEN",
                )
            )
        elif not isinstance(secret, str) or not secret or "\n" in secret:
            todo = "Give it a non-empty string on one line (vault it)"
            errors.append(_invalid(f"{variable}.{name}", host, "its value is not a one-line string", todo))
    return errors


def check_front_proxies(value: list, host: str) -> list[str]:
    """The proxies in front of Traefik whose X-Forwarded-* headers it believes: addresses or networks,
    never every address (that would let any client name the host and path the portal judges)."""
    variable = "mediastack_front_proxies"
    todo = f"Set {variable} to a list of the front proxies' addresses or networks, e.g. [192.168.1.2, 10.0.8.0/29]"
    errors = []
    for index, item in enumerate(value):
        try:
            network = ipaddress.ip_network(item, strict=False) if isinstance(item, str) else None
        except ValueError:
            network = None
        if network is None:
            errors.append(_invalid(f"{variable}[{index}]", host, f"{item!r} is not an IP address or network", todo))
        elif network.prefixlen == 0:
            cause = f"{item} trusts every client, so anyone could forge the headers the portal judges"
            errors.append(_invalid(f"{variable}[{index}]", host, cause, todo))
    return errors


def check_entry(bind_address: object, ports: object, host: str) -> list[str]:
    """The entry's bind address and ports as the table checks them, and two distinct ports."""
    errors = []
    for name, value in (("mediastack_entry_bind_address", bind_address), ("mediastack_entry_ports", ports)):
        errors += _inputs.check(name, value, host)
    if errors:
        return errors
    http, https = (ports.get(key, default) for key, default in DEFAULT_ENTRY_PORTS.items())
    if http == https:
        todo = "Give HTTP and HTTPS a port each, e.g. {http: 80, https: 443}"
        errors.append(_invalid("mediastack_entry_ports.https", host, f"it is {https}, the same port as http", todo))
    return errors


def check_entry_host(hostvars: Mapping, published: Mapping, host: str) -> list[str]:
    """What only the edge host can tell: that the entry's ports are free of the other services'
    published ports (``published`` maps each to its service), and that the bind address is one of
    the host's own (from its gathered facts; skipped with ``mediastack_preflight_offline``)."""
    errors = []
    ports = hostvars.get("mediastack_entry_ports", DEFAULT_ENTRY_PORTS)
    ports = ports if isinstance(ports, Mapping) else {}
    for key, default in DEFAULT_ENTRY_PORTS.items():
        port = ports.get(key, default)
        if port in published:
            cause = f"{host} publishes port {port} for {published[port]} already"
            todo = "Choose a port no other service publishes on this host"
            errors.append(_invalid(f"mediastack_entry_ports.{key}", host, cause, todo))
    address = hostvars.get("mediastack_entry_bind_address", DEFAULT_ENTRY_BIND_ADDRESS)
    offline = _inputs.resolve(hostvars)["mediastack_preflight_offline"]
    if offline is True or not isinstance(address, str):
        return errors
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return errors  # check_entry reports it
    if parsed.is_unspecified:
        return errors
    address = str(parsed)
    facts = f"ansible_all_ipv{parsed.version}_addresses"
    variable = "mediastack_entry_bind_address"
    if facts not in hostvars:
        cause = f"{host}'s addresses were not gathered, so {address} cannot be checked"
        todo = "Gather the host's network facts first (the preflight playbook does)"
        return [*errors, _invalid(variable, host, cause, todo)]
    own = {str(ipaddress.ip_address(item.split("%")[0])) for item in hostvars[facts] or []}
    if address not in own:
        cause = f"{address} is not an address of {host} (it has {', '.join(sorted(own)) or 'none'})"
        todo = f"Set {variable} to one of those, or to 0.0.0.0 for all of them"
        errors.append(_invalid(variable, host, cause, todo))
    return errors


#: Providers whose port forwarding the pinned Gluetun (v3.41.1) implements, as it names them, and
#: that need nothing beyond the WireGuard settings. Private Internet Access is left out: its port
#: forwarding signs in with the account's user and password, which the platform does not take yet.
PORT_FORWARDING_PROVIDERS = ("perfect privacy", "privatevpn", "protonvpn")
#: What the custom provider (any WireGuard server) needs besides the key and addresses.
VPN_CUSTOM_KEYS = ("public_key", "endpoint_ip", "endpoint_port")
WIREGUARD_KEY_BYTES = 32


def wireguard_key(value: object) -> bool:
    """A WireGuard key as ``wg`` writes and reads it: 32 bytes in padded base64 (44 characters)."""
    if not isinstance(value, str) or len(value) != 44:
        return False
    try:
        return len(base64.b64decode(value, validate=True)) == WIREGUARD_KEY_BYTES
    except ValueError:
        return False


def vpn_enabled(hostvars: Mapping) -> bool:
    features = hostvars.get("mediastack_features") or {}
    gluetun = ((hostvars.get("mediastack_services") or {}).get("gluetun")) or {}
    return bool(isinstance(features, Mapping) and features.get("vpn")) and gluetun.get("enabled", True) is not False


def check_vpn(value: object, enabled: bool, host: str) -> list[str]:
    """Gluetun's provider settings, checked when the VPN is on; keys are judged, never shown.

    The private key is the one the provider registered for this client, so it can only come
    from the (vaulted) inventory: a generated value would be refused by the provider and by ``wg``.
    """
    variable = "mediastack_vpn"
    example = "{provider: mullvad, private_key: <vaulted>, addresses: [10.64.0.2/32]}"
    if not enabled:
        return []
    if not isinstance(value, Mapping) or not value:
        cause = "the VPN is on (mediastack_features.vpn) but no provider settings are given"
        todo = f"Set {variable} to your provider's WireGuard settings, e.g. {example}, or turn the VPN off"
        return [_invalid(variable, host, cause, todo)]
    errors = []
    provider = value.get("provider")
    if not isinstance(provider, str) or not provider.strip():
        todo = "Set it to Gluetun's name of your provider (VPN_SERVICE_PROVIDER), e.g. mullvad, or custom"
        errors.append(_invalid(f"{variable}.provider", host, "it is missing or not text", todo))
    keys = [("private_key", True), ("preshared_key", False)]
    if provider == "custom":
        keys.append(("public_key", True))
    for key, required in keys:
        if key not in value and not required:
            continue
        if not wireguard_key(value.get(key)):
            cause = "it is missing" if key not in value else "it is not a WireGuard key (32 bytes of base64)"
            todo = (
                "Give the key your provider issued for this client, vaulted"
                if key != "public_key"
                else ("Give the server's public key from your provider's WireGuard configuration")
            )
            errors.append(_invalid(f"{variable}.{key}", host, cause, todo))
    addresses = value.get("addresses")
    if not isinstance(addresses, list) or not addresses or not all(_interface(item) for item in addresses):
        todo = "Give the tunnel addresses your provider assigned to this key, e.g. [10.64.0.2/32]"
        errors.append(_invalid(f"{variable}.addresses", host, "it is not a list of address/prefix", todo))
    if provider == "custom":
        errors += _check_custom_endpoint(value, host)
    errors += _check_port_forwarding(value, host)
    for key in ("server_countries", "server_cities", "server_hostnames"):
        entries = value.get(key, [])
        if not isinstance(entries, list) or not all(isinstance(item, str) and item for item in entries):
            errors.append(_invalid(f"{variable}.{key}", host, "it is not a list of names", "Give a list of text"))
    return errors


def _check_port_forwarding(value: Mapping, host: str) -> list[str]:
    """``port_forwarding`` is a boolean; on, the provider whose port forwarding code Gluetun runs
    (``port_forwarding_provider``, else ``provider``) must be one it implements."""
    variable = "mediastack_vpn.port_forwarding"
    enabled = value.get("port_forwarding", False)
    if not isinstance(enabled, bool):
        return [_invalid(variable, host, f"{enabled!r} is not true or false", "Set it to true or false")]
    chosen = value.get("port_forwarding_provider")
    if chosen is not None and not enabled:
        cause = "it is set but port forwarding is off"
        todo = "Remove it, or set mediastack_vpn.port_forwarding: true"
        return [_invalid(f"{variable}_provider", host, cause, todo)]
    if not enabled:
        return []
    where = f"{variable}_provider" if chosen is not None else "mediastack_vpn.provider"
    selected = chosen if chosen is not None else value.get("provider")
    if selected not in PORT_FORWARDING_PROVIDERS:
        cause = f"Gluetun forwards ports only for {', '.join(PORT_FORWARDING_PROVIDERS)}, not for {selected!r}"
        todo = (
            "Use a provider that forwards ports (with provider custom, name its port forwarding code in "
            f"{variable}_provider), or set {variable}: false"
        )
        return [_invalid(where, host, cause, todo)]
    return []


def _interface(text: object) -> bool:
    try:
        return isinstance(text, str) and "/" in text and bool(ipaddress.ip_interface(text))
    except ValueError:
        return False


def _check_custom_endpoint(value: Mapping, host: str) -> list[str]:
    errors = []
    try:
        ipaddress.ip_address(value.get("endpoint_ip"))
    except ValueError:
        todo = "Give the WireGuard server's IP address (the custom provider needs it)"
        errors.append(_invalid("mediastack_vpn.endpoint_ip", host, "it is not an IP address", todo))
    port = value.get("endpoint_port")
    if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
        todo = "Give the WireGuard server's UDP port, e.g. 51820"
        errors.append(_invalid("mediastack_vpn.endpoint_port", host, "it is not a port number", todo))
    return errors


#: What each entry of the wiring's inventory lists must set (the table knows their other keys).
WIRING_LISTS = {"mediastack_usenet_servers": ("name", "host"), "mediastack_indexers": ("name", "implementation")}


def check_wiring_list(variable: str, value: list, host: str) -> list[str]:
    """A list of entries the configure playbook loops over (mappings of known keys, as the table
    checks): the required keys, one entry per name; values (passwords, keys) are never shown."""
    errors = []
    names: set[str] = set()
    for index, entry in enumerate(value):
        where = f"{variable}[{index}]"
        for key in WIRING_LISTS[variable]:
            if not isinstance(entry.get(key), str) or not entry[key]:
                errors.append(_invalid(f"{where}.{key}", host, "it is missing or not text", f"Give it a {key}"))
        errors += ENTRY_CHECKS.get(variable, _no_problems)(where, entry, host)
        name = entry.get("name")
        if isinstance(name, str) and name in names:
            errors.append(_invalid(f"{where}.name", host, f"{name} is listed twice", "Give each entry its own name"))
        names.add(name if isinstance(name, str) else "")
    return errors


def _usenet_server_problems(where: str, entry: Mapping, host: str) -> list[str]:
    """What SABnzbd would store otherwise: a name with [ or ] (it strips them), a priority outside 0..99."""
    errors = []
    name = entry.get("name")
    if isinstance(name, str) and ("[" in name or "]" in name):
        cause = f"{name} has [ or ], which SABnzbd strips (they mark sections in sabnzbd.ini)"
        errors.append(_invalid(f"{where}.name", host, cause, "Give a name without [ or ]"))
    priority = entry.get("priority")
    if "priority" in entry and (isinstance(priority, bool) or not isinstance(priority, int) or not 0 <= priority <= 99):
        cause = f"{priority!r} is not a whole number from 0 to 99 (SABnzbd keeps only those)"
        errors.append(_invalid(f"{where}.priority", host, cause, "Set it from 0 (used first) to 99"))
    return errors


def _no_problems(_where: str, _entry: Mapping, _host: str) -> list[str]:
    return []


#: Checks of one entry beyond its keys, per inventory list.
ENTRY_CHECKS = {"mediastack_usenet_servers": _usenet_server_problems}


def published_elsewhere(plan: Mapping, host: str, service: str) -> dict[int, str]:
    """The host ports that services other than ``service`` publish on ``host``, each to its service."""
    return {
        int(item["published"]): name
        for name, placed in sorted(plan.get("services", {}).items())
        if placed.get("host") == host and name != service
        for item in placed.get("published") or []
    }


def _rules(values: Mapping, host: str) -> list[tuple[tuple[str, ...], list[str]]]:
    """Each hand-written rule with the inputs it reads; ``preflight_errors`` runs those whose inputs
    passed the table's checks (a rule reads them in the types the table guarantees)."""
    segments = "mediastack_segments"
    return [
        (("mediastack_data_root",), lambda: check_data_root(values["mediastack_data_root"], host)),
        (("mediastack_media_kinds",), lambda: check_media_kinds(values["mediastack_media_kinds"], host)),
        ((segments,), lambda: resolve_segments(values[segments], host)[1]),
        (
            (segments, "docker_default_address_pools"),
            lambda: check_address_pools(
                values["docker_default_address_pools"], resolve_segments(values[segments], host)[0], host
            ),
        ),
        (("mediastack_acme",), lambda: check_acme(values["mediastack_acme"], host)),
        (("mediastack_front_proxies",), lambda: check_front_proxies(values["mediastack_front_proxies"], host)),
        (
            ("mediastack_entry_bind_address", "mediastack_entry_ports"),
            lambda: check_entry(values["mediastack_entry_bind_address"], values["mediastack_entry_ports"], host),
        ),
        (
            ("mediastack_vpn", "mediastack_features", "mediastack_services"),
            lambda: check_vpn(values["mediastack_vpn"], vpn_enabled(values), host),
        ),
        (
            ("mediastack_users", "mediastack_auth_groups"),
            lambda: [
                _invalid(variable, host, cause, todo)
                for variable, cause, todo in users_problems(
                    values["mediastack_users"], values["mediastack_auth_groups"]
                )
            ],
        ),
        *(
            ((variable,), lambda variable=variable: check_wiring_list(variable, values[variable], host))
            for variable in WIRING_LISTS
        ),
    ]


def input_errors(hostvars: Mapping, host: str = "this host") -> list[str]:
    """Every problem the table and the rules find in ``hostvars`` (variables left out are judged at
    their defaults, which are sound): the checks the preflight runs, for roles to run on theirs."""
    errors, sound = _inputs.type_errors(hostvars, host)
    values = _inputs.resolve(hostvars)
    for reads, rule in _rules(values, host):
        if all(name in sound for name in reads):
            errors += rule()
    return errors


def preflight_errors(hostvars: Mapping, host: str = "this host", plan: Mapping | None = None) -> list[str]:
    """Every problem found in one host's variables; an empty list when the inventory is sound.

    With ``plan``, also what needs it: on the host that publishes the entry (the entry proxy, on
    bridge segments), the checks of ``check_entry_host``.
    """
    errors = []
    if plan is not None:
        entry = (plan.get("platform") or {}).get("entry_proxy")
        placed = plan.get("services", {}).get(entry) or {}
        if placed.get("host") == host and placed.get("published"):
            errors += check_entry_host(hostvars, published_elsewhere(plan, host, entry), host)
    return errors + input_errors(hostvars, host)
