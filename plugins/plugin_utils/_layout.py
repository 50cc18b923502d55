# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Everything one host's deployment writes: folders and files, with owners and modes.

``host_layout`` turns the rendered documents (``_render.host_files``), the secrets store and the
inventory's own secrets (the portal's users, the VPN keys, DNS credentials) into a flat list of
folders and files under the configuration root, so the deploy writes them in one loop and the
render playbook writes exactly what the deploy would (with secrets masked).
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import own_folders
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._inputs import plain
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._render import host_files, host_folders
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import inventory_secrets
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import ACME_CA_BUNDLE
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import (
    environment_secrets,
    file_secrets,
    required_secrets,
    service_environment,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._seed import (
    derived_salt,
    qbittorrent_conf,
    qbittorrent_password,
    sabnzbd_config,
    servarr_config,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._users import (
    DEFAULT_AUTH_GROUPS,
    FIRST_ADMIN_STORE_NAME,
    SALT_STORE_NAME,
    portal_users,
    users_database,
)

MASK = "********"
#: Where each seed goes, relative to the service's config folder.
SEED_FILES = {
    "servarr": "config.xml",
    "qbittorrent": "qBittorrent/qBittorrent.conf",
    "sabnzbd": "sabnzbd.ini",
}
#: The WebUI user of qBittorrent (its catalog tile's widget signs in as this user).
QBITTORRENT_USER = "admin"


def to_yaml(document: object) -> str:
    """The one YAML form every generated file is written in (stable, block style); text stays text."""
    if isinstance(document, str):
        return document
    return yaml.safe_dump(plain(document), sort_keys=False, default_flow_style=False, width=1000, allow_unicode=True)


def _owner(plan: Mapping, service: str) -> tuple[str, str]:
    owner = plan["services"][service]["owner"]
    return owner["user"], owner["group"]


def host_layout(plan: Mapping, host: str, store: Mapping | None, secrets: Mapping | None = None) -> dict:
    """Folders and files of one host; ``store`` None masks every secret value.

    ``secrets`` are the inventory's secret settings (``_inputs.secret_settings``: the portal's
    users, the VPN keys, the DNS provider's credentials), which the plan never carries.
    """
    secrets = secrets or {}
    root = str(plan["settings"]["config_root"]).rstrip("/")
    documents = host_files(plan, host)
    if not documents:
        return {"directories": [], "files": []}
    layers = list(plan["hosts"][host]["layers"])
    services = sorted(name for layer in layers for name in plan["hosts"][host]["layers"][layer])
    masked = store is None
    store = store if store is not None else _masked(plan)
    directories = {root: ("0", "0", "0755"), f"{root}/env": ("0", "0", "0700")}
    files = []
    for layer in layers:
        directories[f"{root}/compose/{layer}"] = ("0", "0", "0755")
    for service in services:
        user, group = _owner(plan, service)
        # A service's own folders: the image may tighten their mode (PostgreSQL wants 0700), so
        # the mode is set only when they are created ("" here), the owner always.
        directories[f"{root}/{service}"] = (user, group, "")
        for source in plan["services"][service]["volumes"]:
            if not source.startswith("/"):
                directories[f"{root}/{service}-{source}"] = (user, group, "")
        context = {"root": root, "plan": plan, "store": store, "masked": masked}
        context["extra_env"] = inventory_secrets(plan, secrets, service)
        files += _secret_files(context, service, (user, group), directories)
    owners = {folder: name for name, placed in plan["services"].items() for folder in own_folders(placed)}
    for relative, document in documents.items():
        if relative.startswith("compose/"):
            files.append(_file(f"{root}/{relative}", to_yaml(document), ("0", "0", "0644"), "", secret=False))
            continue
        # config/<folder>/<path>: <folder> is a service's config folder or one of its relative
        # volumes (alertmanager-etc), and the file belongs to that service.
        folder_name, _slash, rest = relative.removeprefix("config/").partition("/")
        service = owners[folder_name]
        user, group = _owner(plan, service)
        path = f"{root}/{folder_name}/{rest}"
        folder = path.rsplit("/", 1)[0]
        # Inside the service's own folder, as for the folder itself: the mode is the image's
        # business (CrowdSec's first start copies its packaged tree, modes included, over it).
        directories.setdefault(folder, (user, group, ""))
        files.append(_file(path, to_yaml(document), (user, group, "0640"), service, secret=False))
    for relative in host_folders(plan, host):
        folder_name, _slash, rest = relative.removeprefix("config/").partition("/")
        user, group = _owner(plan, owners[folder_name])
        directories.setdefault(f"{root}/{folder_name}/{rest}", (user, group, ""))
    portal, entry = played_by(plan, "portal"), played_by(plan, "entry_proxy")
    if portal in services:
        user, group = _owner(plan, portal)
        database = to_yaml(_users_database(plan["settings"]["auth_groups"], secrets.get("users") or {}, store, masked))
        files.append(_file(f"{root}/{portal}/users_database.yml", database, (user, group, "0600"), portal, True))
    if entry in services and plan["sources"]["acme_ca_bundle"]:
        user, group = _owner(plan, entry)
        bundle = str(plan["sources"]["acme_ca_bundle"]).rstrip("\n") + "\n"
        files.append(_file(f"{root}/{entry}/{ACME_CA_BUNDLE}", bundle, (user, group, "0644"), entry, False))
    return {
        "directories": [
            {"path": path, "owner": owner, "group": group, "mode": mode}
            for path, (owner, group, mode) in sorted(directories.items())
        ],
        "files": sorted(files, key=lambda item: item["path"]),
    }


def _secret_files(context: Mapping, service: str, ownership: tuple[str, str], directories: dict) -> list[dict]:
    """A service's seed, environment file and secret files (adding the folders they need)."""
    root, plan, store = context["root"], context["plan"], context["store"]
    user, group = ownership
    files = []
    seed = plan["services"][service]["seed"]
    if seed:
        # Owner-only, secret, and written only where none exists yet (``seed``): the app rewrites
        # the file on start (and the user may change it in the app), so it is never compared
        # with this content again, and every later run leaves it unchanged.
        content = _seed_content(plan, service, store, context["masked"])
        seeded = _file(f"{root}/{service}/{SEED_FILES[seed]}", content, (user, group, "0600"), service, secret=True)
        files.append(dict(seeded, seed=True))
        if "/" in SEED_FILES[seed]:
            directories[f"{root}/{service}/{SEED_FILES[seed].rsplit('/', 1)[0]}"] = (user, group, "")
    for secret in file_secrets(service, plan):
        directories[f"{root}/{service}/secrets"] = (user, group, "0700")
        path = f"{root}/{service}/secrets/{secret['file']}"
        files.append(_file(path, store[secret["name"]], (user, group, "0400"), service, secret=True))
    # Secrets from the inventory rather than the store (see inventory_secrets).
    extra = {name: MASK if context["masked"] else value for name, value in context["extra_env"].items()}
    if not environment_secrets(service, plan) and not extra:
        return files
    values = service_environment(service, plan, store)
    env = dict(sorted({**values["env"], **extra}.items()))
    lines = "".join(f"{name}={value}\n" for name, value in env.items())
    files.append(_file(plan["services"][service]["paths"]["env_file"], lines, ("0", "0", "0600"), service, secret=True))
    if values["files"]:
        directories[f"{root}/{service}/secrets"] = (user, group, "0700")
    for name, value in values["files"].items():
        files.append(_file(f"{root}/{service}/secrets/{name}", value, (user, group, "0400"), service, secret=True))
    return files


def _seed_content(plan: Mapping, service: str, store: Mapping, masked: bool) -> str:
    """The seed of ``service``: its config file with the platform's generated credentials."""
    kind = plan["services"][service]["seed"]
    port = plan["services"][service]["port"]
    if kind == "servarr":
        # Readarr's final build knows neither External sign-in nor AuthenticationRequired (its API
        # offers none, basic, forms): it signs no one in itself, the portal in front does.
        return servarr_config(store[f"{service}.api_key"], port, authentication="None", required="")
    if kind == "qbittorrent":
        password = store[f"{service}.webui_password"]
        hashed = (
            MASK if masked else qbittorrent_password(password, derived_salt(password, store[SALT_STORE_NAME], kind))
        )
        return qbittorrent_conf(QBITTORRENT_USER, hashed)
    route = plan["services"][service]["route"]
    hosts = [route["fqdn"]] if route else []
    return sabnzbd_config(port, store[f"{service}.api_key"], store[f"{service}.nzb_key"], hosts)


def _users_database(auth_groups: list, given: Mapping, store: Mapping, masked: bool) -> dict:
    """The portal's (Authelia's) users_database.yml: argon2id hashes, or the mask in a rendering meant to be read."""
    groups = list(auth_groups or DEFAULT_AUTH_GROUPS)
    users = portal_users(given, groups, store)
    if masked:
        database = users_database({name: dict(user, password=MASK) for name, user in users.items()}, groups, MASK)
        for user in database["users"].values():
            user["password"] = MASK
    else:
        database = users_database(users, groups, store[SALT_STORE_NAME])
    return database


def _file(path: str, content: str, ownership: tuple[str, str, str], service: str, secret: bool) -> dict:
    owner, group, mode = ownership
    return {
        "path": path,
        "content": content,
        "owner": owner,
        "group": group,
        "mode": mode,
        "service": service,
        "secret": secret,
        "seed": False,
    }


def _masked(plan: Mapping) -> dict:
    """A store where every secret reads as the mask, for renderings meant to be read."""
    return dict.fromkeys([SALT_STORE_NAME, FIRST_ADMIN_STORE_NAME, *required_secrets(plan)], MASK)


def rendered_path(path: str, config_root: str) -> str:
    """Where the render playbook writes what the deploy writes at ``path``, relative to the
    host's folder: ``compose/...`` and ``env/...`` as on the host, and each service's folder of
    the configuration root under ``config/`` (the same names ``host_files`` uses)."""
    root = str(config_root).rstrip("/")
    if path == root:
        return "."
    if not path.startswith(f"{root}/"):
        raise ValueError(f"{path} is not under the configuration root {root}")
    relative = path[len(root) + 1 :]
    if relative.split("/", 1)[0] in ("compose", "env"):
        return relative
    return f"config/{relative}"
