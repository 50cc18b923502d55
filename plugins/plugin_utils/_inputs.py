# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every inventory variable of the collection in one table: type, default, choices, meaning.

From this table come the planner's input and the rendering settings (``resolve``), the type,
choice and unknown-key checks of the preflight (``type_errors``), the preflight role's argument
specs and the tables of docs/inventory.md (tools/gen_inputs.py writes both; a unit test keeps them
current). The rules that relate one value to another, or judge a value beyond its type, stay
hand-written in ``_inventory``.
"""

from __future__ import annotations

import difflib
import ipaddress
import posixpath
from collections.abc import Mapping
from dataclasses import dataclass

#: Largest user or group id the kernel gives out.
MAX_ID = 2**31 - 1
MAX_PORT = 65535
#: The doc groups of docs/inventory.md, in order.
GROUPS = ("platform", "wiring", "shared", "playbook")
#: What Ansible accepts as a boolean written as text (``-e name=true``, INI inventories).
_BOOLEAN_TEXT = {
    "true": True,
    "yes": True,
    "on": True,
    "1": True,
    "false": False,
    "no": False,
    "off": False,
    "0": False,
}


@dataclass(frozen=True)
class Input:
    """One inventory variable, or one key of a mapping-valued variable (``options``)."""

    name: str
    kind: str
    description: str
    default: object = None
    group: str = "platform"
    #: The kind of each element of a ``list``.
    elements: str | None = None
    #: The keys a ``dict`` (or each ``dict`` element of a ``list``) may have; others are rejected.
    options: tuple[Input, ...] = ()
    choices: tuple = ()
    minimum: int | None = None
    maximum: int | None = None
    #: A ``list`` that must not be empty; a ``path`` that may be empty (meaning "none").
    non_empty: bool = False
    may_be_empty: bool = False
    #: Accept text as INI inventories and ``-e`` give it (digits for ``int``, true/false for ``bool``).
    text_ok: bool = False
    #: Never shown in a message; inputs holding a secret anywhere show no value at all.
    secret: bool = False
    example: str = ""
    #: How docs/inventory.md shows the default when the literal value would mislead.
    shown_default: str | None = None
    #: The key of this input in the planner's input and in the rendering settings.
    plan: str | None = None
    setting: str | None = None
    see: str = ""

    @property
    def holds_secret(self) -> bool:
        return self.secret or any(option.holds_secret for option in self.options)

    @property
    def option_names(self) -> tuple[str, ...]:
        return tuple(option.name for option in self.options)


def _options(*inputs: Input) -> tuple[Input, ...]:
    return inputs


#: The network segments and their default CIDRs (docs/network-plan.md).
DEFAULT_SEGMENTS = {
    "proxy": "10.10.0.0/24",
    "media": "10.10.1.0/24",
    "admin": "10.10.2.0/24",
    "data": "10.10.3.0/24",
    "dmz": "10.10.4.0/24",
}

ACME_OPTIONS = _options(
    Input("email", "str", "the ACME account's e-mail address", example="admin@example.com"),
    Input("ca_server", "str", "the CA's directory, an C(https://) URL (default: Let's Encrypt)"),
    Input("ca_bundle", "str", "a private CA's certificate, a file on the controller, trusted by Traefik's ACME client"),
    Input("challenge", "str", "how the CA checks the domain", default="http", choices=("http", "dns")),
    Input("dns_provider", "str", "with C(dns): a provider Traefik's ACME client knows, e.g. C(cloudflare)"),
    Input("dns_resolvers", "list", "resolvers asked for the challenge record", elements="str", example="[1.1.1.1:53]"),
    Input(
        "dns_credentials",
        "dict",
        "the variables the DNS provider reads, e.g. C({CF_DNS_API_TOKEN: <vaulted>}); written only to "
        "Traefik's owner-only env file, never shown",
        secret=True,
        example="{CF_DNS_API_TOKEN: <vaulted>}",
    ),
)

VPN_OPTIONS = _options(
    Input("provider", "str", "Gluetun's name of the provider (VPN_SERVICE_PROVIDER), or C(custom)", example="mullvad"),
    Input("private_key", "str", "the WireGuard key the provider issued for this client (vault it)", secret=True),
    Input("preshared_key", "str", "the WireGuard preshared key, where the provider gives one (vault it)", secret=True),
    Input("addresses", "list", "the tunnel addresses the provider assigned", elements="str", example="[10.64.0.2/32]"),
    Input("public_key", "str", "with C(custom): the server's public key"),
    Input("endpoint_ip", "str", "with C(custom): the server's IP address"),
    Input("endpoint_port", "raw", "with C(custom): the server's UDP port"),
    Input("server_countries", "list", "servers to choose from, by country", elements="str"),
    Input("server_cities", "list", "servers to choose from, by city", elements="str"),
    Input("server_hostnames", "list", "servers to choose from, by host name", elements="str"),
    Input("port_forwarding", "bool", "hand a port the provider forwards to qBittorrent", default=False),
    Input("port_forwarding_provider", "str", "with C(custom): whose port forwarding code Gluetun runs"),
)

USENET_SERVER_OPTIONS = _options(
    Input("name", "str", "the server's name in SABnzbd (required; no C([) or C(]))"),
    Input("host", "str", "the server's host name (required)"),
    Input("port", "int", "the server's port", minimum=1, maximum=MAX_PORT),
    Input("ssl", "bool", "connect with TLS"),
    Input("username", "str", "the account's user name"),
    Input("password", "str", "the account's password (vault it)", secret=True),
    Input("connections", "int", "connections SABnzbd opens", minimum=1),
    Input("enable", "bool", "use the server"),
    Input("priority", "int", "C(0), used first, to C(99); fill-in servers get higher numbers"),
)

INDEXER_OPTIONS = _options(
    Input("name", "str", "the indexer's name (required)"),
    Input("implementation", "str", "Prowlarr's implementation, e.g. C(Newznab) (required)"),
    Input("app_profile", "str", "Prowlarr's sync profile, by name"),
    Input("fields", "dict", "the implementation's fields, e.g. C({baseUrl: ...})"),
    Input("secret_fields", "dict", "fields that hold secrets (vault them); never shown", secret=True),
)

INPUTS: tuple[Input, ...] = (
    # The platform: read by the planner and the renderers.
    Input(
        "mediastack_domain",
        "str",
        "services are reached at C(https://<subdomain>.<domain>)",
        default="",
        shown_default="(required)",
        example="media.example.com",
        plan="domain",
    ),
    Input(
        "mediastack_auth_cookie_domain",
        "str",
        "the session cookie's domain: the domain itself or a parent",
        default="",
        shown_default="mediastack_domain",
        plan="cookie_domain",
        setting="cookie_domain",
    ),
    Input(
        "mediastack_features",
        "dict",
        "optional parts of the platform",
        default={},
        shown_default="{plex: false, vpn: false}",
        options=_options(
            Input(
                "plex",
                "bool",
                "deploy Plex, and Tautulli instead of Jellystat (Seerr takes requests either way)",
                default=False,
            ),
            Input(
                "vpn",
                "bool",
                "deploy the VPN gateway and run the download clients behind it (without it they join the media "
                "segment directly: vpn.md says what that exposes)",
                default=False,
            ),
        ),
        plan="features",
    ),
    Input(
        "mediastack_services",
        "dict",
        "per service: C(enabled), C(host), C(subdomain), C(policy) (C(bypass), C(one_factor), C(two_factor)), "
        "C(groups), C(version), C(replicas); checked by the planner against the catalog",
        default={},
        example="{jellyfin: {host: media1}}",
        plan="services",
        see="catalog.md",
    ),
    Input(
        "mediastack_auth_groups",
        "list",
        "the groups a route's C(groups) and a user's C(groups) may name",
        default=["admins", "users"],
        elements="str",
        plan="auth_groups",
        setting="auth_groups",
    ),
    Input(
        "mediastack_acme",
        "dict",
        "how Traefik obtains certificates",
        default={},
        options=ACME_OPTIONS,
        example="{email: admin@example.com}",
        setting="acme",
    ),
    Input(
        "mediastack_image_registry",
        "str",
        "a registry host that replaces every image's registry (installs behind a mirror)",
        default="",
        setting="registry",
    ),
    Input(
        "mediastack_config_root",
        "path",
        "where each service's configuration folder lives on its host",
        default="/opt/mediastack",
        setting="config_root",
    ),
    Input(
        "mediastack_users",
        "dict",
        "the portal's users: C(<name>: {password, displayname, email, groups, disabled}); C(password) is "
        "required (vault it), C(groups) may name only C(mediastack_auth_groups); Authelia gets argon2id hashes, "
        "never the passwords. Empty: one user, C(admin), in every group, with the generated password "
        "C(authelia.admin_password) of the secrets store",
        default={},
        secret=True,
        example="{alice: {password: <vaulted>, groups: [admins]}}",
        setting="users",
        see="auth-flow.md",
    ),
    Input(
        "mediastack_vpn",
        "dict",
        "with C(mediastack_features.vpn): the VPN provider's WireGuard settings (its keys are checked as WireGuard "
        "keys and never shown)",
        default={},
        options=VPN_OPTIONS,
        example="{provider: mullvad, private_key: <vaulted>, addresses: [10.64.0.2/32]}",
        setting="vpn",
        see="vpn.md",
    ),
    Input(
        "mediastack_crowdsec_bouncer_plugin_source",
        "path",
        "a folder on the controller holding the source of CrowdSec's bouncer plugin for Traefik (a checkout of the "
        "pinned release): Traefik loads it as a local plugin instead of downloading it from its plugin catalogue",
        default="",
        may_be_empty=True,
        see="auth-flow.md#the-crowdsec-bouncer",
    ),
    Input(
        "mediastack_front_proxies",
        "list",
        "addresses or networks of proxies in front of Traefik whose C(X-Forwarded-*) headers it believes; from "
        "anyone else they are dropped. Never C(0.0.0.0/0)",
        default=[],
        example="[192.168.1.2, 10.0.8.0/29]",
        setting="front_proxies",
        see="auth-flow.md",
    ),
    Input(
        "mediastack_secrets_file",
        "str",
        "the generated secrets store on the controller (vault-encrypted when a vault password is loaded)",
        default="",
        shown_default="beside the inventory: mediastack-secrets.vault.yml",
    ),
    Input(
        "mediastack_segment_driver",
        "str",
        "how the segments are made: C(bridge) on one host, or C(macvlan) with a parent interface per segment when "
        "the segments are VLANs shared by several hosts",
        default="bridge",
        choices=("bridge", "macvlan"),
        plan="segment_driver",
        see="deploy.md",
    ),
    Input(
        "mediastack_segment_parents",
        "dict",
        "with C(macvlan): the parent interface of each segment, e.g. C({media: eth0.11})",
        default={},
    ),
    Input(
        "mediastack_entry_bind_address",
        "ip",
        "with C(bridge): the edge host's address where Traefik's HTTP and HTTPS entry points are published; when "
        "not C(0.0.0.0) or C(::), one of the edge host's own (checked against its gathered addresses; C(render.yml), "
        "which reaches no host, skips that)",
        default=str(ipaddress.IPv4Address(0)),
        example="192.168.1.10",
        plan="entry_bind_address",
    ),
    Input(
        "mediastack_entry_ports",
        "dict",
        "with C(bridge): the host ports published for Traefik's C(web) and C(websecure) entry points, different "
        "from each other and from every other port the edge host publishes. Your router forwards WAN 80 and 443 to "
        "them",
        default={"http": 80, "https": 443},
        options=_options(
            Input("http", "port", "the host port of the HTTP entry point", default=80),
            Input("https", "port", "the host port of the HTTPS entry point", default=443),
        ),
        example="{http: 80, https: 443}",
        plan="entry_ports",
        see="deploy.md",
    ),
    # The wiring: read by the configure playbook.
    Input(
        "mediastack_download_categories",
        "dict",
        "download category per app, e.g. C({sonarr: series}); two apps sharing one, or a name with C([) or C(]) "
        "(SABnzbd strips them), are rejected before any change",
        default={},
        shown_default="each app's media kind",
        group="wiring",
        setting="download_categories",
    ),
    Input(
        "mediastack_usenet_servers",
        "list",
        "SABnzbd's providers",
        default=[],
        elements="dict",
        options=USENET_SERVER_OPTIONS,
        example="[{name: news, host: news.example.com, username: ..., password: <vaulted>}]",
        group="wiring",
    ),
    Input(
        "mediastack_indexers",
        "list",
        "indexers Prowlarr syncs into every *arr app",
        default=[],
        elements="dict",
        options=INDEXER_OPTIONS,
        example="[{name: My indexer, implementation: Newznab, fields: {baseUrl: ...}, secret_fields: {apiKey: ...}}]",
        group="wiring",
    ),
    Input(
        "mediastack_jellyfin_gpu",
        "dict",
        "the Jellyfin host's GPU facts when they should not be detected",
        default={},
        shown_default="found on the host",
        options=_options(
            Input("vendor", "str", "C(intel), C(amd) or C(nvidia)"),
            Input("render_nodes", "list", "render nodes, e.g. C([/dev/dri/renderD128])", elements="str"),
            Input("nvidia", "bool", "an NVIDIA GPU and its container runtime are present"),
            Input("qsv", "bool", "with Intel: use Quick Sync rather than VA-API"),
        ),
        group="wiring",
    ),
    # Shared by several roles.
    Input(
        "mediastack_puid",
        "int",
        "the media account's user id, the containers' PUID",
        default=1000,
        minimum=1,
        maximum=MAX_ID,
        text_ok=True,
        group="shared",
        setting="puid",
    ),
    Input(
        "mediastack_pgid",
        "int",
        "the media group's id, the containers' PGID",
        default=1000,
        minimum=1,
        maximum=MAX_ID,
        text_ok=True,
        group="shared",
        setting="pgid",
    ),
    Input(
        "mediastack_timezone",
        "str",
        "a zone of the tz database (checked on the host)",
        default="Etc/UTC",
        group="shared",
        setting="timezone",
    ),
    Input(
        "mediastack_data_root",
        "path",
        "the root of the one data tree (downloads and libraries), not C(/)",
        default="/data",
        group="shared",
        setting="data_root",
    ),
    Input(
        "mediastack_media_kinds",
        "list",
        "the kinds of media, distinct lower-case names; each gets its folders under the data root",
        default=["tv", "movies", "music", "books", "comics", "audiobooks", "photos"],
        elements="str",
        non_empty=True,
        example="[tv, movies, music]",
        group="shared",
    ),
    Input(
        "mediastack_segments",
        "dict",
        "the segments' CIDRs, C(<segment>: <cidr>) or C(<segment>: {cidr: ...}): known names, /28 or wider, "
        "no overlaps",
        default={},
        shown_default="see network-plan.md",
        example="{media: 10.10.1.0/24}",
        group="shared",
        plan="segments",
        see="network-plan.md",
    ),
    Input(
        "docker_default_address_pools",
        "list",
        "Docker's default address pools: valid, C(size) within range, no overlap with any segment",
        default=[{"base": "172.30.0.0/16", "size": 24}],
        elements="dict",
        non_empty=True,
        example="[{base: 172.30.0.0/16, size: 24}]",
        group="shared",
    ),
    # Set on the command line for one playbook.
    Input(
        "mediastack_preflight_offline",
        "bool",
        "skip the checks that need the edge host's facts (C(render.yml) sets it: it reaches no host)",
        default=False,
        text_ok=True,
        group="playbook",
    ),
    Input(
        "mediastack_render_dir",
        "path",
        "C(render.yml): the controller folder the files are written under, C(<dir>/<host>/) (required there)",
        shown_default="(required by render.yml)",
        group="playbook",
    ),
)

BY_NAME: dict[str, Input] = {item.name: item for item in INPUTS}
#: Variables the collection's playbooks and roles set themselves, never the inventory.
PLAYBOOK_VARIABLES = frozenset(
    {
        "mediastack_catalog",
        "mediastack_inputs",
        "mediastack_plan",
        "mediastack_plan_inventory",
        "mediastack_preflight_passed",
        "mediastack_render_settings",
        "mediastack_sources",
        "mediastack_secrets",
    }
)


def default(name: str) -> object:
    """The default of input ``name`` (a fresh copy for lists and mappings)."""
    value = BY_NAME[name].default
    return plain(value)


def setting_default(key: str) -> object:
    """The default of the rendering setting ``key`` (``config_root``, ``puid``, ...)."""
    for item in INPUTS:
        if item.setting == key:
            return plain(item.default)
    raise KeyError(key)


def setting(settings: Mapping, key: str) -> object:
    """``settings[key]``, or the table's default where the settings leave it out."""
    return settings[key] if key in settings else setting_default(key)


def plain(value: object) -> object:
    """The same data as built-in types only: dicts with string keys, lists, and str, int, float,
    bool or None.

    What a play hands a filter arrives in the template engine's lazy containers and tagged
    subclasses of the built-in types: a deep copy of those copies the engine's context with each
    (seconds for the catalog), and YAML's safe dumper refuses them. One pass rebuilds them."""
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, bool) or value is None:
        return value
    for kind in (str, int, float):
        if isinstance(value, kind):
            return kind(value)
    return value


def _given(hostvars: Mapping, item: Input) -> bool:
    """Whether the host sets ``item``: an empty YAML key (None) leaves a list or mapping, or an input
    without a default, unset."""
    unset = hostvars.get(item.name) is None and (item.kind in ("list", "dict") or item.default is None)
    return item.name in hostvars and not unset


def resolve(hostvars: Mapping) -> dict[str, object]:
    """Every input as the host sees it: its inventory value, else the table's default.

    Text an INI inventory gives an integer or boolean input is converted; nothing else is touched
    (the preflight has judged the values before any play uses them).
    """
    values = {}
    for item in INPUTS:
        value = hostvars[item.name] if _given(hostvars, item) else plain(item.default)
        if item.text_ok and isinstance(value, str):
            if item.kind == "int" and value.strip().isdigit():
                value = int(value)
            elif item.kind == "bool" and value.strip().lower() in _BOOLEAN_TEXT:
                value = _BOOLEAN_TEXT[value.strip().lower()]
        values[item.name] = value
    return values


def views(hostvars: Mapping) -> dict[str, dict[str, object]]:
    """The resolved inputs and the two views the plays hand on: the planner's input, the settings."""
    values = resolve(hostvars)
    planner = {item.plan: values[item.name] for item in INPUTS if item.plan}
    # Only the switch: the provider's keys never enter the plan.
    vpn = values["mediastack_vpn"]
    planner["vpn_port_forwarding"] = bool(vpn.get("port_forwarding", False)) if isinstance(vpn, Mapping) else False
    settings = {item.setting: values[item.name] for item in INPUTS if item.setting}
    # The plan carries the settings (it stands alone), but never a secret's value.
    planner["settings"] = public_settings(settings)
    return {"resolved": values, "planner": planner, "settings": settings}


#: What the plan shows in place of a secret the inventory gives (a VPN key, a DNS credential).
GIVEN_SECRET = "(given, never shown)"  # noqa: S105 - the placeholder, not a secret


def _public(value: object, item: Input) -> object:
    """``value`` of ``item`` with each secret option's value replaced by GIVEN_SECRET."""
    if not isinstance(value, Mapping) or not item.options:
        return plain(value)
    options = {option.name: option for option in item.options}
    public = {}
    for key, inner in value.items():
        option = options.get(key)
        if option is not None and option.secret:
            public[key] = dict.fromkeys(inner, GIVEN_SECRET) if isinstance(inner, Mapping) else GIVEN_SECRET
        else:
            public[key] = _public(inner, option) if option is not None else plain(inner)
    return public


def public_settings(settings: Mapping) -> dict[str, object]:
    """The rendering settings a plan may carry: every setting with the table's default where
    ``settings`` leave it out, an input that is a secret as a whole (the portal's users) left out,
    and each secret option's value (``mediastack_vpn.private_key``, the names of
    ``mediastack_acme.dns_credentials`` kept) shown as GIVEN_SECRET."""
    public = {}
    for item in INPUTS:
        if not item.setting or item.secret:
            continue
        value = settings[item.setting] if item.setting in settings else plain(item.default)
        public[item.setting] = _public(value, item)
    return public


def secret_settings(settings: Mapping) -> dict[str, object]:
    """The rendering settings that hold a secret anywhere, as given: what the files written from
    the plan need beside it (the portal's users, the VPN keys, the DNS provider's credentials)."""
    return {
        item.setting: plain(settings[item.setting])
        for item in INPUTS
        if item.setting and item.holds_secret and item.setting in settings
    }


# The checks every input gets from its row: type, range, choices, known keys.

_KIND_WORDS = {
    "str": "text",
    "int": "an integer",
    "port": "a port number",
    "bool": "true or false",
    "path": "a path",
    "ip": "an IP address",
    "list": "a list",
    "dict": "a mapping",
}


def _invalid(variable: str, host: str, cause: str, todo: str) -> str:
    return f"Invalid inventory variable {variable} for host {host}: {cause}. {todo}"


def _shown(value: object, item: Input) -> str:
    """The value as a message may show it: never a secret, never a long structure."""
    text = repr(value)
    return "it" if item.holds_secret or len(text) > 60 else text


def _todo(variable: str, item: Input, words: str) -> str:
    if item.kind == "int" and item.minimum is not None:
        upper = f" to {item.maximum}" if item.maximum is not None else " or more"
        words = f"a whole number from {item.minimum}{upper}"
    if item.kind == "port":
        words = f"a whole number from 1 to {MAX_PORT}"
    example = item.example or (_yaml(item.default) if item.default not in (None, "", [], {}) else "")
    return f"Set {variable} to {words}" + (f", e.g. {example}" if example else "")


def _yaml(value: object) -> str:
    """A short YAML flow rendering of a default, as the docs show it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_yaml(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml(item) for item in value) + "]"
    if value == "":
        return "''"
    return str(value)


def _is_text(value: object, _item: Input) -> bool:
    return isinstance(value, str)


def _is_bool(value: object, item: Input) -> bool:
    text_ok = item.text_ok and isinstance(value, str) and value.strip().lower() in _BOOLEAN_TEXT
    return isinstance(value, bool) or text_ok


def _as_int(value: object, item: Input) -> object:
    return int(value) if item.text_ok and isinstance(value, str) and value.strip().isdigit() else value


def _is_int(value: object, item: Input) -> bool:
    number = _as_int(value, item)
    return isinstance(number, int) and not isinstance(number, bool)


def _is_port(value: object, _item: Input) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PORT


def _is_path(value: object, item: Input) -> bool:
    return (item.may_be_empty and value in ("", None)) or (isinstance(value, str) and bool(value))


def _is_ip(value: object, _item: Input) -> bool:
    try:
        ipaddress.ip_address(value if isinstance(value, str) else "")
    except ValueError:
        return False
    return True


def _is_list(value: object, item: Input) -> bool:
    return isinstance(value, list) and (bool(value) or not item.non_empty)


def _is_mapping(value: object, _item: Input) -> bool:
    return isinstance(value, Mapping)


#: Whether a value is of each kind.
_KIND_TESTS = {
    "raw": lambda _value, _item: True,
    "str": _is_text,
    "bool": _is_bool,
    "int": _is_int,
    "port": _is_port,
    "path": _is_path,
    "ip": _is_ip,
    "list": _is_list,
    "dict": _is_mapping,
}


def _kind_problem(value: object, item: Input, kind: str) -> str | None:
    """The cause when ``value`` is not of ``kind``, or out of the row's range; None when it is sound."""
    shown = _shown(value, item)
    if not _KIND_TESTS[kind](value, item):
        words = "a non-empty list" if kind == "list" and item.non_empty else _KIND_WORDS[kind]
        return f"{shown} is not {words}"
    if kind == "int":
        number = _as_int(value, item)
        low = item.minimum if item.minimum is not None else number
        high = item.maximum if item.maximum is not None else number
        return None if low <= number <= high else f"{shown} is out of range"
    if kind == "path" and value and not posixpath.isabs(value):
        return f"{shown} is a relative path"
    return None


def _check(value: object, item: Input, variable: str, host: str) -> list[str]:
    """The row's checks of one value: kind, choices, then each element and each known key."""
    cause = _kind_problem(value, item, item.kind)
    if cause is None and item.choices and value not in item.choices:
        cause = f"{_shown(value, item)} is not one of {', '.join(map(str, item.choices))}"
        return [_invalid(variable, host, cause, f"Set {variable} to one of {', '.join(map(str, item.choices))}")]
    if cause is not None:
        return [_invalid(variable, host, cause, _todo(variable, item, _words(item)))]
    errors = []
    if item.kind == "list" and item.elements:
        element = Input(item.name, item.elements, "", options=item.options, secret=item.secret)
        for index, entry in enumerate(value):
            errors += _check(entry, element, f"{variable}[{index}]", host)
    elif item.kind == "dict" and item.options:
        known = item.option_names
        for key in sorted(set(value) - set(known), key=str):
            todo = f"Use only {', '.join(known)}"
            close = difflib.get_close_matches(str(key), known, n=1)
            if close:
                todo += f" (did you mean {close[0]}?)"
            errors.append(_invalid(f"{variable}.{key}", host, "unknown setting", todo))
        for option in item.options:
            if option.name in value:
                errors += _check(value[option.name], option, f"{variable}.{option.name}", host)
    return errors


def _words(item: Input) -> str:
    if item.kind == "list" and item.non_empty:
        return "a non-empty list" + (f" of {_KIND_WORDS[item.elements]}" if item.elements else "")
    if item.kind == "list" and item.elements in ("dict", "str"):
        return f"a list of {'mappings' if item.elements == 'dict' else 'text'}"
    if item.kind == "path":
        return "an absolute path"
    return _KIND_WORDS.get(item.kind, "a value")


def check(name: str, value: object, host: str) -> list[str]:
    """The table's checks of one value of input ``name``."""
    return _check(value, BY_NAME[name], name, host)


def type_errors(hostvars: Mapping, host: str) -> tuple[list[str], set[str]]:
    """The table's checks of every input the host sets, and the names of the inputs that passed.

    A ``mediastack_*`` variable the table does not know is rejected with the closest name, so a
    misspelt variable cannot silently leave its default in place.
    """
    errors, sound = [], set()
    for item in INPUTS:
        if not _given(hostvars, item):
            sound.add(item.name)
            continue
        found = _check(hostvars[item.name], item, item.name, host)
        errors += found
        if not found:
            sound.add(item.name)
    known = set(BY_NAME) | PLAYBOOK_VARIABLES
    for name in sorted(key for key in hostvars if isinstance(key, str) and key.startswith("mediastack_")):
        if name not in known:
            close = difflib.get_close_matches(name, sorted(BY_NAME), n=1)
            todo = f"Rename it to {close[0]}" if close else "Remove it; docs/inventory.md lists every variable"
            if close:
                todo += ", or remove it; docs/inventory.md lists every variable"
            errors.append(_invalid(name, host, "no such variable of the collection", todo))
    return errors, sound
