# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The service catalog: one definition per service, checked and filled with defaults.

A catalog entry is plain data (catalog/services/<name>.yml). This module knows its shape, the
defaults of every optional field, and the checks that keep entries consistent with each other
(unique address slots and subdomains, known segments and layers, secrets shared only with the
service that declares them, no two listeners on one port in the VPN gateway's namespace, peers
that the planner plans with the service and that it can reach).
Everything here is pure.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from pathlib import Path

import yaml

from ansible_collections.newmedia.mediastack.plugins.module_utils._seerr import ARR_KINDS

#: Layers in the order they start: stores first, then the edge that uses them, then the apps.
LAYERS = ("data", "edge", "media", "content", "observability")
SEGMENTS = ("dmz", "proxy", "media", "admin", "data")
RUNS_AS = ("puid", "user", "image")
POLICIES = ("bypass", "one_factor", "two_factor")
FEATURES = ("plex", "vpn")
DATABASES = ("postgres", "redis")
#: The parts a service may play for the rest of the platform (``platform``), each played by at
#: most one catalog entry: the renderings and the planner ask the catalog who plays a part
#: (``player``) instead of naming a service.
PLATFORM_ROLES = {
    "entry_proxy": "terminates TLS and routes every request (its files: static and dynamic configuration)",
    "portal": "signs users in and answers the entry's forward-auth checks",
    "dashboard": "the front door: a tile per routed service",
    "load_balancer": "balances the copies of a replicated service",
    "intrusion_detection": "reads the entry's access log and bans clients",
    "metrics": "scrapes every planned service that has metrics",
    "alerts": "receives the alerts of the metrics service",
    "logs": "stores the logs the log shipper pushes",
    "log_shipper": "reads the container and host logs and pushes them to the logs service",
    "graphs": "shows the metrics and logs services as data sources",
    "vpn_gateway": "the tunnel whose network namespace every `network_mode: vpn` service joins (the kill switch)",
    "torrent_client": "the download client whose listen port the VPN gateway sets to the port its provider forwards",
    "database": "the shared PostgreSQL: each service listing `postgres` in `databases` gets a user and a database "
    "in it, and the portal keeps its storage there",
    "session_store": "the shared Redis: the portal keeps its sessions there",
}
#: ``{<service>.address}`` and ``{<service>.port}`` in a ``peers`` template: the only placeholders.
PEER_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9-]*)\.(address|port)\}")
#: Files written into a service's config folder before its first start (see _seed.py).
SEEDS = ("servarr", "qbittorrent", "sabnzbd")
#: How a folder where the image keeps its own configuration (``image_config``) gets its content
#: when our empty folder is mounted over it: rendered from the plan (host_files writes a file into
#: it), or seeded by the image itself on its first start (its entrypoint copies its defaults in).
IMAGE_CONFIG_FILLS = ("rendered", "seeded")
#: Where images keep host-specific configuration (the FHS's /etc, and /usr/local/etc for software
#: installed locally, as the official haproxy image does): a folder of ours mounted under one of
#: these hides what the image ships there, so it must be declared in ``image_config``.
CONFIG_TREES = ("/etc/", "/usr/local/etc/")
DASHBOARD_KEYS = (
    "group",
    "icon",
    "widget",
    "widget_api",
    "widget_secrets",
    "widget_fields",
    "widget_issued",
    "widget_needs",
)
#: What the configure playbook does with a service (``configure.role``), the fields each role
#: requires, and the optional ones with their defaults.
CONFIGURE_ROLES = {
    # An *arr app: manages a media kind, imports from the download clients, tells Jellyfin, and
    # (``requests``) takes the requests users make in Seerr, which speaks Sonarr's and Radarr's API.
    "servarr": (
        ("media", "implementation", "category_field", "import_triggers"),
        {"quality_profile": "", "metadata_profile": "", "authentication": "external", "requests": False},
    ),
    # Another app that files its downloads under a category of its own.
    "downloader": (("media",), {}),
    # A download client, as the *arr APIs name its implementation, with the fields an *arr app
    # signs in with: plain values, and secrets of the client (by name).
    "download_client": (("implementation",), {"fields": {}, "secret_fields": {}}),
}
SERVARR_AUTHENTICATION = ("external", "none")
#: The media kinds an *arr app may manage, each with the Jellyfin library that serves it.
LIBRARIES = {
    "tv": {"name": "Shows", "collection_type": "tvshows"},
    "movies": {"name": "Movies", "collection_type": "movies"},
    "music": {"name": "Music", "collection_type": "music"},
    "books": {"name": "Books", "collection_type": "books"},
}
FIRST_SLOT = 20
LAST_SLOT = 254
_NAME_RE = re.compile(r"^[a-z][a-z0-9-]*$")
_TAG_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")
_SIZE_RE = re.compile(r"^[0-9]+[kKmMgG]$")
_USER_RE = re.compile(r"^[0-9]+:[0-9]+$")
_ENV_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*$")
#: A secret of the service itself (``api_key``), or ``<service>.<secret>`` for one that another
#: service declares and this one must hold the same value of (a client of a dedicated database).
_SECRET_RE = re.compile(r"^(?:[a-z][a-z0-9-]*\.)?[a-z][a-z0-9_]*$")

_STRINGS = {"type": "array", "items": {"type": "string"}}
_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}


class Field:
    """One field of a catalog entry: its default (a required field has none), the JSON Schema of
    its value (catalog/schema.json is generated from these), and what it means (docs/catalog.md)."""

    def __init__(self, name: str, schema: dict, doc: str, default: object = None, required: bool = False):
        self.name, self.schema, self.doc, self.default, self.required = name, schema, doc, default, required


def _nullable(schema: dict) -> dict:
    return {"oneOf": [{"type": "null"}, schema]}


#: Every field a definition may set, in the order the docs list them. A definition names only what
#: differs from a default: restating one is refused (normalise_entry), so a default lives here only.
FIELDS = (
    Field("layer", {"enum": list(LAYERS)}, "which host group carries it: " + ", ".join(LAYERS), required=True),
    Field(
        "image",
        {"type": "string", "pattern": "^(.*/)?[^/:]+$"},
        "the upstream repository, without a tag",
        required=True,
    ),
    Field(
        "version",
        {"type": ["string", "number"]},
        "the pinned release tag (never `latest`, `stable`, `develop` or `nightly`)",
        required=True,
    ),
    Field(
        "slot",
        {"type": "integer", "minimum": FIRST_SLOT, "maximum": LAST_SLOT},
        "the service's host number in every segment it joins (unique; addresses never shift)",
        required=True,
    ),
    Field(
        "segments",
        {"type": "array", "items": {"enum": list(SEGMENTS)}, "minItems": 1},
        "the network segments it joins",
        required=True,
    ),
    Field("description", {"type": "string"}, "what it is, in a few words: the text of its Homepage tile", ""),
    Field(
        "deprecated",
        {"type": "string"},
        "why its upstream is retired or renamed, and what replaces it (listed in the services table below)",
        "",
    ),
    Field(
        "feature",
        {"type": "string", "pattern": "^(!?(" + "|".join(FEATURES) + "))?$"},
        "deployed only with a feature of `mediastack_features` (`plex`, `vpn`), or only without it (`!plex`)",
        "",
    ),
    Field(
        "runs_as",
        {"enum": list(RUNS_AS)},
        "`puid` (PUID/PGID environment), `user` (`user: puid:pgid`), `image` (the image's own user, `image_user`)",
        "puid",
    ),
    Field(
        "image_user",
        {"type": "string", "pattern": _USER_RE.pattern},
        "with `runs_as: image`: the uid:gid the image runs as, so that its folders can be made its own (with every "
        "capability dropped, even root writes only where it owns the folder)",
        "",
    ),
    Field("port", _nullable({"type": "integer"}), "the main port: routes, peers and health checks reach it"),
    Field("ports", {"type": "object", "additionalProperties": {"type": "integer"}}, "named extra ports", {}),
    Field(
        "data",
        {"enum": ["", "ro", "rw"]},
        "`rw` or `ro`: mount the shared data tree at `/data` (hardlinks need the same mount everywhere)",
        "",
    ),
    Field("config", {"type": "string"}, "the configuration folder inside the image (`''` for none)", "/config"),
    Field(
        "volumes",
        _STRING_MAP,
        "further folders: `{<source>: <container path>}`; a relative source `x` is `<config_root>/<service>-x`",
        {},
    ),
    Field(
        "environment",
        _STRING_MAP,
        "static variables, always strings (quote `true` and numbers)",
        {},
    ),
    Field(
        "peers",
        _STRING_MAP,
        "`{<variable>: <template>}`: variables that name another service, filled from the plan "
        "(`{<service>.address}`, `{<service>.port}`; see below); each peer is in `depends_on`",
        {},
    ),
    Field("command", _STRINGS, "the container's command, where the image's own is not enough", []),
    Field(
        "healthcheck",
        _nullable({"type": "array", "items": {"type": "string"}, "minItems": 2, "prefixItems": [{"const": "CMD"}]}),
        "an exec-form test (`[CMD, ...]`) using a tool the image really has",
    ),
    Field(
        "resources",
        {
            "type": "object",
            "properties": {
                "memory": {"type": "string", "pattern": _SIZE_RE.pattern},
                "cpus": {"type": "number"},
                "pids": {"type": "integer"},
                "shm": {"type": "string", "pattern": _SIZE_RE.pattern},
            },
            "required": ["memory", "pids"],
            "additionalProperties": False,
        },
        "limits: `memory` and `pids` always, `cpus`, and `shm` (the size of /dev/shm where 64M is too small)",
        {"memory": "512M", "cpus": 1.0, "pids": 256},
    ),
    Field("capabilities", _STRINGS, "every capability is dropped; these are added back", []),
    Field("read_only", {"type": "boolean"}, "a read-only root file system", False),
    Field("tmpfs", _STRINGS, "tmpfs mounts (with a read-only root, where the image writes)", []),
    Field("devices", _STRINGS, "host devices passed in", []),
    Field(
        "route",
        _nullable(
            {
                "type": "object",
                "properties": {
                    "subdomain": {"type": "string"},
                    "policy": {"enum": list(POLICIES)},
                    "groups": _STRINGS,
                    "bypass_paths": _STRINGS,
                    "port": _nullable({"type": "integer"}),
                },
                "additionalProperties": False,
            }
        ),
        "published through the entry: `subdomain` (default the service's name), `policy` (default `one_factor`), "
        "`groups`, `bypass_paths` (API paths that carry their own key), `port` (default `port`)",
    ),
    Field(
        "metrics",
        _nullable({"type": "object", "properties": {"port": {"type": "integer"}, "path": {"type": "string"}}}),
        "the Prometheus scrape endpoint: `port` and `path` (default `/metrics`)",
    ),
    Field(
        "dashboard",
        _nullable({"type": "object", "propertyNames": {"enum": list(DASHBOARD_KEYS)}}),
        "the Homepage tile: `group`, `icon`, and its widget (`widget`, `widget_api`, `widget_secrets`, "
        "`widget_fields`, `widget_issued`, `widget_needs`; see below)",
    ),
    Field(
        "depends_on",
        _STRINGS,
        "services that must run first; the planner plans them wherever this one runs",
        [],
    ),
    Field(
        "network_mode",
        {"enum": ["", "vpn"]},
        "`vpn`: run in the VPN gateway's namespace whenever the plan has the gateway (the `vpn` feature); without "
        "it the service joins its own `segments`, and the planner drops the gateway from its `depends_on`",
        "",
    ),
    Field(
        "databases",
        {"type": "array", "items": {"enum": list(DATABASES)}},
        "shared stores it uses: a role and a database named after the service",
        [],
    ),
    Field(
        "secrets",
        {"type": "array", "items": {"type": "object"}},
        "`[{name, env}]`: the generated secret `name` reaches the container in variable `env` (a variable ending in "
        "`_FILE` receives the path of a file holding it); `<service>.<secret>` is another service's secret; "
        "`{name, seed: true}` reaches the app only through its seeded config file",
        [],
    ),
    Field(
        "replicable",
        {"type": "boolean"},
        "several copies may run at once (`mediastack_services.<name>.replicas`): only for a service that keeps no "
        "state of its own, or keeps it in PostgreSQL or Redis",
        False,
    ),
    Field(
        "replica_slots",
        {"type": "array", "items": {"type": "integer", "minimum": FIRST_SLOT, "maximum": LAST_SLOT}},
        "the slots its extra copies take, in order, so that no address ever moves",
        [],
    ),
    Field(
        "reads",
        _STRING_MAP,
        "`{<service>.<volume>: <path>}`: another service's folder (a relative `volumes` source of it), mounted "
        "read-only; both run on one host",
        {},
    ),
    Field(
        "seed",
        {"enum": ["", *SEEDS]},
        "the app's own config file, written with its generated credentials only when it is absent: "
        + ", ".join(f"`{seed}`" for seed in SEEDS),
        "",
    ),
    Field(
        "configure",
        _nullable({"type": "object", "properties": {"role": {"enum": sorted(CONFIGURE_ROLES)}}, "required": ["role"]}),
        "what the configure playbook wires (below); absent for apps it leaves alone",
    ),
    Field(
        "platform",
        {"enum": ["", *PLATFORM_ROLES]},
        "the part it plays for the rest of the platform (at most one service plays each): "
        + "; ".join(f"`{role}`, {doc}" for role, doc in PLATFORM_ROLES.items()),
        "",
    ),
    Field(
        "image_config",
        {"type": "object", "additionalProperties": {"enum": list(IMAGE_CONFIG_FILLS)}},
        "`{<container path>: rendered | seeded}` for each of the service's own folders mounted where the image "
        "keeps its configuration (every such mount under `/etc/` or `/usr/local/etc/`, which the empty folder "
        "would hide): `rendered`, the plan writes a file there; `seeded`, the image's entrypoint copies its "
        "defaults in on first start",
        {},
    ),
)
#: The fields a definition must set.
REQUIRED = tuple(field.name for field in FIELDS if field.required)
#: The optional fields and their defaults.
DEFAULTS = {field.name: field.default for field in FIELDS if not field.required}
ROUTE_DEFAULTS = {"policy": "one_factor", "groups": [], "bypass_paths": [], "port": None}


class CatalogError(ValueError):
    """A catalog definition is malformed; the message names the file and field."""


def _where(name: str, field: str) -> str:
    return f"catalog/services/{name}.yml: {field}"


def normalise_entry(name: str, entry: object) -> dict:
    """One definition with its defaults filled in, or CatalogError naming what is wrong."""
    if not _NAME_RE.match(name):
        raise CatalogError(f"{_where(name, 'name')} must be lower-case letters, digits and dashes")
    if not isinstance(entry, Mapping):
        raise CatalogError(f"{_where(name, 'definition')} must be a mapping, got {type(entry).__name__}")
    unknown = sorted(set(entry) - set(DEFAULTS) - set(REQUIRED))
    if unknown:
        raise CatalogError(f"{_where(name, ', '.join(unknown))}: unknown field(s)")
    missing = [field for field in REQUIRED if field not in entry]
    if missing:
        raise CatalogError(f"{_where(name, ', '.join(missing))}: required field(s) missing")
    _check_types(name, entry)
    _refuse_restated_defaults(name, entry)
    service = copy.deepcopy(DEFAULTS)
    service.update(copy.deepcopy(dict(entry)))
    service["name"] = name
    _check_fields(name, service)
    _check_image_config(name, service)
    service["configure"] = _configure(name, service["configure"], {secret["name"] for secret in service["secrets"]})
    if service["route"] is not None:
        route = dict(ROUTE_DEFAULTS)
        route.update(service["route"])
        route.setdefault("subdomain", name)
        route["port"] = route["port"] or service["port"]
        service["route"] = route
    return service


#: What each JSON Schema type of FIELDS is in Python (a bool is no integer, though Python says so).
_JSON_TYPES = {
    "null": lambda value: value is None,
    "string": lambda value: isinstance(value, str),
    "integer": lambda value: isinstance(value, int) and not isinstance(value, bool),
    "number": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    "boolean": lambda value: isinstance(value, bool),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, Mapping),
}
_TYPE_WORDS = {
    "null": "null",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "a boolean",
    "array": "a list",
    "object": "a mapping",
}
_FIELDS_BY_NAME = {field.name: field for field in FIELDS}


def _types(schema: Mapping) -> list[str]:
    """The JSON types a field's schema allows ([] where it gives choices instead)."""
    if "oneOf" in schema:
        return [kind for option in schema["oneOf"] for kind in _types(option)]
    kinds = schema.get("type", [])
    return list(kinds) if isinstance(kinds, list) else [kinds]


def _check_types(name: str, entry: Mapping) -> None:
    """Each field's value has a type its schema allows, and a list of strings holds only strings:
    the same answer catalog/schema.json gives an editor, in the checker's words."""
    for field, value in entry.items():
        schema = _FIELDS_BY_NAME[field].schema
        kinds = _types(schema)
        if kinds and not any(_JSON_TYPES[kind](value) for kind in kinds):
            wanted = " or ".join(_TYPE_WORDS[kind] for kind in kinds)
            raise CatalogError(f"{_where(name, field)} must be {wanted}, got {type(value).__name__}")
        items = schema.get("items", {})
        if isinstance(value, list) and items.get("type") == "string" and not all(isinstance(v, str) for v in value):
            raise CatalogError(f"{_where(name, field)} must be a list of strings")


def _restated(value: object, default: object) -> bool:
    """Whether ``value`` is ``default`` written out again (``1`` is not ``True``, nor ``1.0`` ``1``)."""
    return type(value) is type(default) and value == default


def _restated_fields(name: str, entry: Mapping) -> list[str]:
    """The fields of ``entry`` (dotted, ``route.policy``) that write a default out again: the
    defaults of FIELDS, ROUTE_DEFAULTS (the subdomain defaults to the name, the port to ``port``)
    and the optional fields of the ``configure`` role."""
    restated = [field for field, value in entry.items() if field in DEFAULTS and _restated(value, DEFAULTS[field])]
    route = entry.get("route")
    if isinstance(route, Mapping):
        restated += [
            f"route.{field}"
            for field, value in route.items()
            if (field in ROUTE_DEFAULTS and _restated(value, ROUTE_DEFAULTS[field]))
            or (field == "subdomain" and value == name)
            or (field == "port" and value is not None and value == entry.get("port"))
        ]
    configure = entry.get("configure")
    if isinstance(configure, Mapping) and configure.get("role") in CONFIGURE_ROLES:
        optional = CONFIGURE_ROLES[configure["role"]][1]
        restated += [
            f"configure.{field}"
            for field, value in configure.items()
            if field in optional and _restated(value, optional[field])
        ]
    return restated


def _refuse_restated_defaults(name: str, entry: Mapping) -> None:
    """A definition names only what differs: a default written out again is refused, so that a
    default lives in one place (FIELDS, ROUTE_DEFAULTS, CONFIGURE_ROLES) and changes there."""
    restated = _restated_fields(name, entry)
    if restated:
        raise CatalogError(f"{_where(name, ', '.join(restated))} restate(s) the default: leave them out")


def as_definition(service: Mapping) -> dict:
    """A normalised service written back as the definition it came from: only what differs from
    the defaults (normalise_entry of the result gives ``service`` again)."""
    entry = {field: copy.deepcopy(value) for field, value in service.items() if field != "name"}
    for path in _restated_fields(service.get("name"), entry):
        parent, _dot, field = path.rpartition(".")
        del (entry[parent] if parent else entry)[field]
    return entry


def _check_fields(name: str, service: dict) -> None:  # noqa: PLR0912 - one branch per field
    def fail(field: str, cause: str) -> None:
        raise CatalogError(f"{_where(name, field)} {cause}")

    if service["layer"] not in LAYERS:
        fail("layer", f"must be one of {', '.join(LAYERS)}")
    if not isinstance(service["image"], str) or ":" in service["image"].rsplit("/", 1)[-1]:
        fail("image", "must be a repository without a tag (the tag goes in version)")
    version = str(service["version"])
    if not _TAG_RE.match(version) or version in ("latest", "stable", "develop", "nightly"):
        fail("version", "must pin a release tag, never latest")
    service["version"] = version
    slot = service["slot"]
    if isinstance(slot, bool) or not isinstance(slot, int) or not FIRST_SLOT <= slot <= LAST_SLOT:
        fail("slot", f"must be an integer from {FIRST_SLOT} to {LAST_SLOT}")
    segments = service["segments"]
    if not isinstance(segments, list) or not segments or not set(segments) <= set(SEGMENTS):
        fail("segments", f"must be a non-empty list of {', '.join(SEGMENTS)}")
    if service["runs_as"] not in RUNS_AS:
        fail("runs_as", f"must be one of {', '.join(RUNS_AS)}")
    if service["image_user"] and (service["runs_as"] != "image" or not _USER_RE.match(str(service["image_user"]))):
        fail("image_user", "is a uid:gid such as 65534:65534, and only for runs_as image")
    if service["data"] not in ("", "ro", "rw"):
        fail("data", "must be '', 'ro' or 'rw'")
    feature = service["feature"].lstrip("!")
    if service["feature"] and feature not in FEATURES:
        fail("feature", f"must name one of {', '.join(FEATURES)}, optionally negated with '!'")
    resources = service["resources"]
    if not _SIZE_RE.match(str(resources.get("memory", ""))) or not isinstance(resources.get("pids"), int):
        fail("resources", "needs memory (e.g. 512M) and pids (an integer)")
    if "shm" in resources and not _SIZE_RE.match(str(resources["shm"])):
        fail("resources.shm", "must be a size such as 128M")
    route = service["route"]
    if route is not None:
        if not isinstance(route, Mapping) or set(route) - {*ROUTE_DEFAULTS, "subdomain"}:
            fail("route", f"may only set {', '.join(sorted({*ROUTE_DEFAULTS, 'subdomain'}))}")
        if route.get("policy", "one_factor") not in POLICIES:
            fail("route.policy", f"must be one of {', '.join(POLICIES)}")
        if not (route.get("port") or service["port"]):
            fail("route.port", "or port must give the port the route reaches")
    healthcheck = service["healthcheck"]
    if healthcheck is not None and not (isinstance(healthcheck, list) and healthcheck and healthcheck[0] == "CMD"):
        fail("healthcheck", "must be an exec-form test list starting with CMD")
    if service["network_mode"] not in ("", "vpn"):
        fail("network_mode", "must be '' or 'vpn' (join the VPN gateway's namespace)")
    if service["seed"] not in ("", *SEEDS):
        fail("seed", f"must be one of {', '.join(SEEDS)}")
    if service["platform"] not in ("", *PLATFORM_ROLES):
        fail("platform", f"must be one of {', '.join(PLATFORM_ROLES)}")
    _check_dashboard(name, service["dashboard"])
    _check_replicas(name, service)
    _check_wiring(name, service)


def own_folders(service: Mapping) -> dict[str, str]:
    """The folders under the configuration root a service mounts, each with where it is mounted:
    ``<name>`` at the config path, ``<name>-<source>`` for each relative ``volumes`` source."""
    name = service["name"]
    folders = {name: service["config"]} if service["config"] else {}
    for source, target in sorted(service["volumes"].items()):
        if not str(source).startswith("/"):
            folders[f"{name}-{source}"] = str(target).split(":", 1)[0]
    return folders


def player(catalog: Mapping, role: str) -> str | None:
    """The catalog service that plays ``role`` (one of PLATFORM_ROLES), or None when none does."""
    if role not in PLATFORM_ROLES:
        raise ValueError(f"{role} is not a platform role; the roles are {', '.join(PLATFORM_ROLES)}")
    return next((name for name, service in catalog.items() if service["platform"] == role), None)


def config_file(services: Mapping, name: str, target: str, file: str) -> str:
    """The ``host_files`` path of ``file`` in the folder of ``name`` mounted at ``target``: its
    config folder (``config/<name>/...``) or a relative volume (``config/<name>-<source>/...``).
    ``services`` are the catalog's entries or the plan's services, which carry the same mounts."""
    for folder, mounted in own_folders(services[name]).items():
        if mounted == target:
            return f"config/{folder}/{file}"
    raise ValueError(f"{name} mounts none of its folders at {target}, where its image reads {file}")


def _check_image_config(name: str, service: Mapping) -> None:
    """``image_config`` names mounts of the service's own folders, says how each is filled, and
    covers every such mount under CONFIG_TREES (an empty folder there hides the image's files)."""
    declared = service["image_config"]
    if not isinstance(declared, Mapping) or not all(fill in IMAGE_CONFIG_FILLS for fill in declared.values()):
        raise CatalogError(
            f"{_where(name, 'image_config')} must map container paths to {' or '.join(IMAGE_CONFIG_FILLS)}"
        )
    mounted = set(own_folders(service).values())
    for path in sorted(declared):
        if path not in mounted:
            raise CatalogError(
                f"{_where(name, f'image_config.{path}')} is not where the config folder or a relative volume is mounted"
            )
    for path in sorted(mounted):
        if path.startswith(CONFIG_TREES) and path not in declared:
            raise CatalogError(
                f"{_where(name, 'image_config')} must say how {path} is filled (rendered or seeded): "
                "the mounted folder hides the configuration the image keeps there"
            )


def health_path(service: Mapping) -> str:
    """The path (and query) of the URL the catalog health check asks, or '' when it asks none."""
    for argument in service["healthcheck"] or []:
        if isinstance(argument, str) and argument.startswith(("http://", "https://")):
            rest = argument.split("://", 1)[1]
            return "/" + rest.partition("/")[2]
    return ""


def _configure(name: str, configure: object, declared: set[str]) -> dict | None:
    """``configure`` with its role's defaults filled in, or CatalogError naming the field."""
    if configure is None:
        return None
    if not isinstance(configure, Mapping) or configure.get("role") not in CONFIGURE_ROLES:
        raise CatalogError(f"{_where(name, 'configure.role')} must be one of {', '.join(CONFIGURE_ROLES)}")
    required, optional = CONFIGURE_ROLES[configure["role"]]
    missing = [field for field in required if field not in configure]
    if missing:
        raise CatalogError(f"{_where(name, 'configure')} needs {', '.join(missing)} for role {configure['role']}")
    unknown = sorted(set(configure) - {"role", *required, *optional})
    if unknown:
        raise CatalogError(f"{_where(name, 'configure')}: unknown field(s) {', '.join(unknown)}")
    result = {**optional, **configure}
    for field, value in result.items():
        _check_configure_value(name, field, value, optional=field in optional)
    for field, secret in result.get("secret_fields", {}).items():
        if secret not in declared:
            raise CatalogError(f"{_where(name, f'configure.secret_fields.{field}')} {secret}: no such secret here")
    if result["role"] == "servarr" and result["media"] not in LIBRARIES:
        raise CatalogError(f"{_where(name, 'configure.media')} must be one of {', '.join(LIBRARIES)}")
    if result.get("requests") and result["implementation"] not in ARR_KINDS.values():
        kinds = ", ".join(ARR_KINDS.values())
        where = _where(name, "configure.requests")
        raise CatalogError(f"{where}: Seerr sends requests only to {kinds}, not {result['implementation']}")
    if result.get("authentication", "external") not in SERVARR_AUTHENTICATION:
        choices = ", ".join(SERVARR_AUTHENTICATION)
        raise CatalogError(f"{_where(name, 'configure.authentication')} must be one of {choices}")
    return result


def _check_configure_value(name: str, field: str, value: object, optional: bool) -> None:
    """One field of ``configure``: names are non-empty strings (empty allowed where optional)."""
    if field in ("fields", "secret_fields"):
        valid = isinstance(value, Mapping) and all(
            isinstance(key, str) and isinstance(item, str) and item for key, item in value.items()
        )
        wanted = "a mapping of API field names to strings"
    elif field == "requests":
        valid = isinstance(value, bool)
        wanted = "true or false"
    elif field == "import_triggers":
        # Empty: the app has no Jellyfin (MediaBrowser) notification, so nothing asks Jellyfin to refresh.
        valid = isinstance(value, list) and all(isinstance(item, str) and item for item in value)
        wanted = "a list of event names"
    else:
        valid = isinstance(value, str) and bool(value or optional)
        wanted = "a non-empty string"
    if not valid:
        raise CatalogError(f"{_where(name, f'configure.{field}')} must be {wanted}")


def _check_replicas(name: str, service: dict) -> None:
    """A replicable service reserves the slots of its copies and has an HTTP health path."""
    slots = service["replica_slots"]
    if not isinstance(service["replicable"], bool):
        raise CatalogError(f"{_where(name, 'replicable')} must be true or false")
    if not isinstance(slots, list) or not all(
        isinstance(slot, int) and not isinstance(slot, bool) and FIRST_SLOT <= slot <= LAST_SLOT for slot in slots
    ):
        raise CatalogError(
            f"{_where(name, 'replica_slots')} must be a list of integers from {FIRST_SLOT} to {LAST_SLOT}"
        )
    if service["replicable"] and not slots:
        raise CatalogError(
            f"{_where(name, 'replica_slots')} must reserve a slot for each extra copy of a replicable service"
        )
    if slots and not service["replicable"]:
        raise CatalogError(f"{_where(name, 'replica_slots')} is only for a replicable service")
    if service["replicable"] and not health_path(service):
        raise CatalogError(f"{_where(name, 'healthcheck')} must ask an http:// URL: the load balancer checks that path")
    if service["replicable"] and service["network_mode"]:
        raise CatalogError(f"{_where(name, 'replicable')} is impossible in the VPN gateway's namespace")


def _check_dashboard(name: str, dashboard: object) -> None:
    """A tile: group, icon, widget; the widget's credentials name secrets, never values."""
    if dashboard is None:
        return
    if not isinstance(dashboard, Mapping) or set(dashboard) - set(DASHBOARD_KEYS):
        raise CatalogError(f"{_where(name, 'dashboard')} may only set {', '.join(DASHBOARD_KEYS)}")
    for field in ("widget_secrets", "widget_fields", "widget_issued"):
        value = dashboard.get(field, {})
        if not isinstance(value, Mapping) or not all(
            isinstance(key, str) and isinstance(item, str) for key, item in value.items()
        ):
            raise CatalogError(f"{_where(name, f'dashboard.{field}')} must map widget fields to strings")
        if value and not dashboard.get("widget"):
            raise CatalogError(f"{_where(name, f'dashboard.{field}')} needs a widget")
    # Credentials the widget needs that the platform does not hold (apps that issue them only in
    # their own first-run pages): while any is unmet, the tile is rendered without its widget.
    needs = dashboard.get("widget_needs", [])
    if not isinstance(needs, list) or not all(isinstance(field, str) and field for field in needs):
        raise CatalogError(f"{_where(name, 'dashboard.widget_needs')} must be a list of widget field names")
    if needs and not dashboard.get("widget"):
        raise CatalogError(f"{_where(name, 'dashboard.widget_needs')} needs a widget")
    # The path Homepage's widget calls (as its upstream definition builds the URL): through the
    # route, the widget is shown only where the portal lets that path through.
    api = dashboard.get("widget_api")
    if dashboard.get("widget") and not needs and not (isinstance(api, str) and api.startswith("/")):
        raise CatalogError(f"{_where(name, 'dashboard.widget_api')} must be the path the widget calls, e.g. /api/")
    if api is not None and not dashboard.get("widget"):
        raise CatalogError(f"{_where(name, 'dashboard.widget_api')} needs a widget")


def _check_wiring(name: str, service: dict) -> None:
    """Ports, shared stores, variables and secrets: what other services and the planner rely on."""
    ports = service["ports"]
    if not isinstance(ports, Mapping) or not all(
        isinstance(port, int) and not isinstance(port, bool) for port in ports.values()
    ):
        raise CatalogError(f"{_where(name, 'ports')} must map names to port numbers")
    databases = service["databases"]
    if not isinstance(databases, list) or not set(databases) <= set(DATABASES):
        raise CatalogError(f"{_where(name, 'databases')} must be a list of {', '.join(DATABASES)}")
    _check_environment(name, service["environment"])
    _check_secrets(name, service["secrets"])
    clash = sorted(set(service["environment"]) & {secret.get("env") for secret in service["secrets"]})
    if clash:
        raise CatalogError(f"{_where(name, 'environment')} sets {', '.join(clash)}, which a secret already carries")
    _check_peer_templates(name, service)


def _check_peer_templates(name: str, service: Mapping) -> None:
    """``peers`` maps variables to templates that name at least one peer, in the only placeholders
    there are; a variable is set once: not also in ``environment``, nor carried by a secret."""
    peers = service["peers"]
    if not isinstance(peers, Mapping):
        raise CatalogError(f"{_where(name, 'peers')} must map variable names to templates")
    secret_variables = {secret.get("env") for secret in service["secrets"]}
    for variable, template in peers.items():
        field = f"peers.{variable}"
        if not isinstance(variable, str) or not _ENV_RE.match(variable):
            raise CatalogError(f"{_where(name, field)} is not a valid variable name")
        if not isinstance(template, str):
            raise CatalogError(f"{_where(name, field)} must be a string, got {type(template).__name__}")
        rest = PEER_PLACEHOLDER.sub("", template)
        if "{" in rest or "}" in rest:
            stray = re.search(r"\{[^{}]*\}", rest)
            raise CatalogError(
                f"{_where(name, field)} {stray.group(0) if stray else 'has an unmatched brace'}: "
                "only {<service>.address} and {<service>.port} may stand in braces"
            )
        if not PEER_PLACEHOLDER.search(template):
            raise CatalogError(f"{_where(name, field)} names no peer: a fixed value belongs in environment")
        if variable in service["environment"]:
            raise CatalogError(f"{_where(name, field)} is also set in environment")
        if variable in secret_variables:
            raise CatalogError(f"{_where(name, field)} is a variable a secret already carries")


def peers_of(service: Mapping) -> dict[str, list[tuple[str, str]]]:
    """Each ``peers`` variable with the (peer, address|port) placeholders of its template, in order."""
    return {variable: PEER_PLACEHOLDER.findall(template) for variable, template in sorted(service["peers"].items())}


def reached_through(catalog: Mapping, name: str) -> str:
    """The service whose segments carry ``name``'s traffic: itself, or the VPN gateway."""
    return (player(catalog, "vpn_gateway") or name) if catalog[name]["network_mode"] == "vpn" else name


def _check_environment(name: str, environment: object) -> None:
    """Static variables are strings: YAML would otherwise turn ``true`` or ``5432`` into other types."""
    if not isinstance(environment, Mapping):
        raise CatalogError(f"{_where(name, 'environment')} must be a mapping of variable names to strings")
    for variable, value in environment.items():
        if not isinstance(variable, str) or not _ENV_RE.match(variable):
            raise CatalogError(f"{_where(name, f'environment.{variable}')} is not a valid variable name")
        if not isinstance(value, str):
            raise CatalogError(
                f"{_where(name, f'environment.{variable}')} must be a string, got {type(value).__name__}; quote it"
            )


def _check_secrets(name: str, secrets: object) -> None:
    """Each secret is ``{name, env}``: which secret, and the variable that carries it."""
    if not isinstance(secrets, list):
        raise CatalogError(f"{_where(name, 'secrets')} must be a list of {{name, env}} mappings")
    variables: set[str] = set()
    for index, secret in enumerate(secrets):
        field = f"secrets[{index}]"
        if not isinstance(secret, Mapping) or set(secret) not in ({"name", "env"}, {"name", "seed"}):
            raise CatalogError(
                f"{_where(name, field)} must be a mapping with the keys name and env, or name and seed: true"
            )
        if not isinstance(secret["name"], str) or not _SECRET_RE.match(secret["name"]):
            raise CatalogError(
                f"{_where(name, f'{field}.name')} must be a lower-case secret name, or <service>.<secret>"
            )
        if "seed" in secret:
            # Generated and kept in the store, but reaching the app only through its seeded file.
            if secret["seed"] is not True or "." in secret["name"]:
                raise CatalogError(f"{_where(name, f'{field}.seed')} must be true, on a secret of the service itself")
            continue
        if not isinstance(secret["env"], str) or not _ENV_RE.match(secret["env"]):
            raise CatalogError(f"{_where(name, f'{field}.env')} must be an environment variable name")
        if secret["env"] in variables:
            raise CatalogError(f"{_where(name, f'{field}.env')} {secret['env']} carries two secrets")
        variables.add(secret["env"])


def normalise_catalog(entries: Mapping) -> dict[str, dict]:
    """Every definition normalised, then the checks across definitions."""
    catalog = {name: normalise_entry(name, entry) for name, entry in sorted(entries.items())}
    seen_slots: dict[int, str] = {}
    for name, service in catalog.items():
        other = seen_slots.setdefault(service["slot"], name)
        if other != name:
            raise CatalogError(f"{_where(name, 'slot')} {service['slot']} is already taken by {other}")
    for name, service in catalog.items():
        for slot in service["replica_slots"]:
            other = seen_slots.setdefault(slot, f"{name}'s copies")
            if other != f"{name}'s copies" or service["replica_slots"].count(slot) > 1:
                raise CatalogError(f"{_where(name, 'replica_slots')} {slot} is already taken by {other}")
        for dependency in service["depends_on"]:
            if dependency not in catalog:
                raise CatalogError(f"{_where(name, 'depends_on')} names {dependency}, which is not in the catalog")
    players: dict[str, str] = {}
    for name, service in catalog.items():
        other = players.setdefault(service["platform"], name) if service["platform"] else name
        if other != name:
            raise CatalogError(f"{_where(name, 'platform')} {service['platform']} is already played by {other}")
    for name, service in catalog.items():
        if service["network_mode"] == "vpn" and "vpn_gateway" not in players:
            raise CatalogError(
                f"{_where(name, 'network_mode')} vpn joins the VPN gateway's namespace, but no service of the "
                "catalog plays vpn_gateway: set platform: vpn_gateway on the gateway's entry"
            )
    _check_peers(catalog)
    _check_shared_secrets(catalog)
    _check_widget_secrets(catalog)
    _check_reads(catalog)
    _check_own_folders(catalog)
    _check_subdomains(catalog)
    _check_vpn_ports(catalog)
    return catalog


def _check_peers(catalog: Mapping) -> None:
    """A peer is another service of the catalog, listed in depends_on (the planner refuses a plan
    with a service but without its depends_on; it enforces nothing about ``databases``), running
    one copy (a variable holds one address), with a port where the template asks for it, and on a
    segment the service's traffic shares with it (through the VPN gateway for either side)."""
    for name, service in catalog.items():
        for variable, placeholders in peers_of(service).items():
            field = _where(name, f"peers.{variable}")
            for peer, value in placeholders:
                if peer not in catalog:
                    raise CatalogError(f"{field} names {peer}, which is not in the catalog")
                if peer == name:
                    raise CatalogError(f"{field} names {name} itself: a peer is another service")
                if peer not in service["depends_on"]:
                    raise CatalogError(
                        f"{field} names {peer}, which depends_on does not list: add it there, so that the "
                        f"planner plans {peer} wherever {name} runs"
                    )
                if catalog[peer]["replicable"]:
                    raise CatalogError(f"{field} names {peer}, which may run several copies: a variable holds one")
                if value == "port" and not catalog[peer]["port"]:
                    raise CatalogError(f"{field} asks for the port of {peer}, which has no port")
                _check_peer_segments(catalog, field, name, peer)


def _check_peer_segments(catalog: Mapping, field: str, name: str, peer: str) -> None:
    source, target = reached_through(catalog, name), reached_through(catalog, peer)
    if not set(catalog[source]["segments"]) & set(catalog[target]["segments"]):
        raise CatalogError(
            f"{field} names {peer}, which {name} cannot reach: {joins(catalog, name)}, and "
            f"{joins(catalog, peer)}. Give the two a segment in common"
        )


def joins(catalog: Mapping, name: str) -> str:
    """Which segments carry ``name``'s traffic, in words: its own, or the VPN gateway's."""
    through = reached_through(catalog, name)
    segments = ", ".join(catalog[through]["segments"])
    if through == name:
        return f"{name} joins {segments}"
    return f"{name} runs in {through}'s namespace, which joins {segments}"


def _check_shared_secrets(catalog: Mapping) -> None:
    """``<service>.<secret>`` must name a secret that service declares."""
    for name, service in catalog.items():
        for index, secret in enumerate(service["secrets"]):
            owner, dot, own_name = secret["name"].rpartition(".")
            if not dot:
                continue
            declared = {item["name"] for item in catalog[owner]["secrets"]} if owner in catalog else set()
            if own_name not in declared:
                raise CatalogError(
                    f"{_where(name, f'secrets[{index}].name')} {secret['name']}: {owner} declares no secret {own_name}"
                )


def _check_widget_secrets(catalog: Mapping) -> None:
    """A widget's credential names a secret its own service declares."""
    for name, service in catalog.items():
        declared = {secret["name"] for secret in service["secrets"]}
        for field, secret in ((service["dashboard"] or {}).get("widget_secrets") or {}).items():
            if secret not in declared:
                raise CatalogError(f"{_where(name, f'dashboard.widget_secrets.{field}')} {secret}: no such secret here")


def _check_reads(catalog: Mapping) -> None:
    """``reads`` names a relative folder another service declares, mounted at an absolute path."""
    for name, service in catalog.items():
        reads = service["reads"]
        if not isinstance(reads, Mapping):
            raise CatalogError(f"{_where(name, 'reads')} must map <service>.<volume> to a path")
        for source, target in reads.items():
            owner, _dot, volume = str(source).partition(".")
            folders = catalog[owner]["volumes"] if owner in catalog and owner != name else {}
            if volume.startswith("/") or volume not in folders:
                raise CatalogError(f"{_where(name, f'reads.{source}')}: {owner} declares no folder {volume}")
            if not isinstance(target, str) or not target.startswith("/"):
                raise CatalogError(f"{_where(name, f'reads.{source}')} must be an absolute path in the container")


def _check_own_folders(catalog: Mapping) -> None:
    """No two services mount the same folder of the configuration root (``a`` with volume ``b-c``
    and ``a-b`` with volume ``c`` would share ``a-b-c``), so each folder has one owner."""
    owners: dict[str, list[str]] = {}
    for name, service in catalog.items():
        for folder in own_folders(service):
            owners.setdefault(folder, []).append(name)
    for folder, names in sorted(owners.items()):
        if len(names) > 1:
            # The service whose volume makes the folder is the one to change, not the one named so.
            culprit = next((name for name in names if name != folder), names[-1])
            other = next(name for name in names if name != culprit)
            raise CatalogError(f"{_where(culprit, 'volumes')} folder {folder} is already a folder of {other}")


def _check_subdomains(catalog: Mapping) -> None:
    seen: dict[str, str] = {}
    for name, service in catalog.items():
        if service["route"] is None:
            continue
        subdomain = service["route"]["subdomain"]
        other = seen.setdefault(subdomain, name)
        if other != name:
            raise CatalogError(f"{_where(name, 'route.subdomain')} {subdomain} is already the route of {other}")


def _check_vpn_ports(catalog: Mapping) -> None:
    """Services in the VPN gateway's namespace share one set of ports: no two may listen on the same."""
    seen: dict[int, str] = {}
    for name, service in catalog.items():
        if service["network_mode"] != "vpn":
            continue
        ports = [service["port"], *service["ports"].values()] if service["port"] else list(service["ports"].values())
        for port in ports:
            other = seen.setdefault(port, name)
            if other != name:
                raise CatalogError(f"{_where(name, 'port')} {port} is already used by {other} in the VPN namespace")


def load_catalog(directory: Path) -> dict[str, dict]:
    """Read every ``<name>.yml`` in ``directory`` and return the normalised catalog."""
    entries = {}
    for path in sorted(Path(directory).glob("*.yml")):
        try:
            entries[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            raise CatalogError(f"{_where(path.stem, 'file')} is not valid YAML: {error}") from error
    if not entries:
        raise CatalogError(f"no service definitions found in {directory}")
    return normalise_catalog(entries)
