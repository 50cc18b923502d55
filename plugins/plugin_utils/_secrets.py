# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform's generated secrets: which ones the plan needs, and filling in the missing ones.

Pure functions; reading and writing the (vaulted) store is the action plugin's job.
"""

from __future__ import annotations

import secrets as _random
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._users import SALT_STORE_NAME

#: Characters of generated values: letters and digits only, safe in every config format.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
DEFAULT_LENGTH = 48


def required_secrets(plan: Mapping, catalog: Mapping) -> list[str]:
    """``service.name`` of every secret the planned services declare, sorted."""
    names = set()
    for service in plan["services"]:
        for secret in catalog[service]["secrets"]:
            owner, _dot, own = secret["name"].rpartition(".")
            names.add(f"{owner or service}.{own}")
    if "authelia" in plan["services"]:
        names.add(SALT_STORE_NAME)
    return sorted(names)


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


def service_environment(plan_service: str, catalog: Mapping, store: Mapping, config_path: str) -> dict:
    """What one service's env file and secret files hold.

    Returns ``{"env": {VAR: value}, "files": {name: value}}``: a variable ending in ``_FILE``
    gets the path of a file under the service's config folder (``<config>/secrets/<name>``)
    instead of the value, and the value goes into that file.
    """
    env, files = {}, {}
    for secret in catalog[plan_service]["secrets"]:
        owner, _dot, own = secret["name"].rpartition(".")
        value = store[f"{owner or plan_service}.{own}"]
        if secret["env"].endswith("_FILE"):
            files[own] = value
            env[secret["env"]] = f"{config_path.rstrip('/')}/secrets/{own}"
        else:
            env[secret["env"]] = value
    return {"env": dict(sorted(env.items())), "files": dict(sorted(files.items()))}
