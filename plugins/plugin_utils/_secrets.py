# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform's generated secrets: which ones the plan needs, and filling in the missing ones.

Pure functions; reading and writing the (vaulted) store is the action plugin's job.
"""

from __future__ import annotations

import secrets as _random
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.module_utils._controller import DEFAULT_SECRET_LENGTH
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import behind_gateway, played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import widget_url
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._users import FIRST_ADMIN_STORE_NAME, SALT_STORE_NAME

#: Characters of generated values: letters and digits only, safe in every config format.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
DEFAULT_LENGTH = DEFAULT_SECRET_LENGTH
#: Seeds whose hashes take their salt from the platform's salt key (SALT_STORE_NAME).
SALTED_SEEDS = ("qbittorrent",)


def required_secrets(plan: Mapping) -> list[str]:
    """``service.name`` of every secret the planned services declare, sorted."""
    names = set()
    for service, placed in plan["services"].items():
        for secret in placed["secrets"]:
            owner, _dot, own = secret["name"].rpartition(".")
            names.add(f"{owner or service}.{own}")
    # CrowdSec registers the key Traefik's bouncer plugin presents (its own bouncer_key, as a rule).
    names.update(secret["name"] for secret in file_secrets(played_by(plan, "entry_proxy"), plan))
    portal = played_by(plan, "portal")
    if portal or any(placed["seed"] in SALTED_SEEDS for placed in plan["services"].values()):
        names.add(SALT_STORE_NAME)
    if portal:
        # The portal's first user while mediastack_users names nobody (_users.portal_users).
        names.add(FIRST_ADMIN_STORE_NAME)
    return sorted(names)


#: Where Homepage finds keys an app issues at runtime (written there by the configure playbook).
HOMEPAGE_KEYS_DIR = "keys"


def homepage_file_variable(service: str, key: str) -> str:
    """The variable naming the file that holds a key ``service`` issued: HOMEPAGE_FILE_JELLYFIN_API_KEY."""
    return f"HOMEPAGE_FILE_{service}_{key}".upper().replace("-", "_")


def homepage_variable(service: str, secret: str) -> str:
    """The variable that carries ``service``'s ``secret`` to Homepage: HOMEPAGE_VAR_SONARR_API_KEY."""
    return f"HOMEPAGE_VAR_{service}_{secret}".upper().replace("-", "_")


def widget_secrets(plan: Mapping) -> list[dict]:
    """``{name, env}`` of every key Homepage's widgets read: one per credential of a routed tile."""
    found = []
    for route in plan["routes"]:
        service = route["service"]
        if widget_url(plan, route) is None:
            continue  # no widget shown, so Homepage needs none of its keys
        dashboard = plan["services"][service]["dashboard"] or {}
        for secret in sorted(set((dashboard.get("widget_secrets") or {}).values())):
            found.append({"name": f"{service}.{secret}", "env": homepage_variable(service, secret)})
    return found


#: Where the VPN gateway finds the torrent client's WebUI password (its env file, from the store).
TORRENT_WEBUI_VARIABLE = "QBITTORRENT_WEBUI_PASSWORD"


def gateway_secrets(plan: Mapping) -> list[dict]:
    """The VPN gateway's keys from the store: qBittorrent's WebUI password, with which its port
    forwarding command signs in to set the forwarded listen port (``_render.port_forwarding_command``)."""
    gateway = plan["services"].get(played_by(plan, "vpn_gateway")) or {}
    client = played_by(plan, "torrent_client")
    if not gateway.get("port_forwarding") or not client or not behind_gateway(plan, client):
        return []
    return [{"name": f"{client}.webui_password", "env": TORRENT_WEBUI_VARIABLE}]


#: The file (in Traefik's secrets folder) of the key its bouncer plugin presents (``crowdsecLapiKeyFile``).
BOUNCER_KEY_FILE = "bouncer_key"


def file_secrets(plan_service: str | None, plan: Mapping) -> list[dict]:
    """``{name, file}`` of the secrets that reach ``plan_service`` as a file of its secrets folder
    and through no variable: Traefik's bouncer plugin reads the key CrowdSec registers for it
    (``crowdsec.bouncer_key``) from a file its options name, when both are planned."""
    detection = played_by(plan, "intrusion_detection")
    if plan_service is None or plan_service != played_by(plan, "entry_proxy") or not detection:
        return []
    return [{"name": f"{detection}.bouncer_key", "file": BOUNCER_KEY_FILE}]


def environment_secrets(plan_service: str, plan: Mapping) -> list[dict]:
    """The secrets that reach ``plan_service`` through its environment: its own, Homepage's widget
    keys, and the VPN gateway's password of the torrent client whose port it forwards."""
    placed = plan["services"][plan_service]
    own = [secret for secret in placed["secrets"] if "env" in secret]
    role = placed["platform"]
    if role == "dashboard":
        own = own + widget_secrets(plan)
    if role == "vpn_gateway":
        own = own + gateway_secrets(plan)
    return own


def generate(length: int = DEFAULT_LENGTH) -> str:
    return "".join(_random.choice(ALPHABET) for _index in range(length))


def complete(store: Mapping, names: list[str], length: int = DEFAULT_LENGTH) -> tuple[dict, list[str]]:
    """The store with a new random value for every missing name, and the names that were added.

    Existing values are never changed, so secrets stay stable across runs.
    """
    completed = {str(key): str(value) for key, value in store.items()}
    added = [str(name) for name in names if not completed.get(str(name))]
    for name in added:
        completed[name] = generate(length)
    return dict(sorted(completed.items())), added


def service_environment(plan_service: str, plan: Mapping, store: Mapping) -> dict:
    """What one service's env file and secret files hold.

    Returns ``{"env": {VAR: value}, "files": {name: value}}``: a variable ending in ``_FILE``
    gets the path of a file under the service's config mount (``<config>/secrets/<name>``, as
    the container sees it) instead of the value, and the value goes into that file. Secrets
    marked ``seed`` reach the app through its seeded config file instead.
    """
    config_path = plan["services"][plan_service]["config"] or "/"
    env, files = {}, {}
    for secret in environment_secrets(plan_service, plan):
        owner, _dot, own = secret["name"].rpartition(".")
        value = store[f"{owner or plan_service}.{own}"]
        if secret["env"].endswith("_FILE"):
            files[own] = value
            env[secret["env"]] = f"{config_path.rstrip('/')}/secrets/{own}"
        else:
            env[secret["env"]] = value
    return {"env": dict(sorted(env.items())), "files": dict(sorted(files.items()))}
