# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authelia's users file, with argon2id hashes computed from the inventory's (vaulted) passwords.

Each user's salt is derived from a platform secret and the user's name, so the same password
gives the same hash on every run (the file changes only when a password or user changes) while
no two users or installations share a salt.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

try:
    from argon2.low_level import Type, hash_secret
except ImportError:  # pragma: no cover - exercised where argon2-cffi is missing
    hash_secret = None

#: Authelia's recommended argon2id parameters, as in the generated configuration.
ARGON2 = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4, "hash_len": 32}
SALT_LENGTH = 16
SALT_STORE_NAME = "authelia.password_salt"
DEFAULT_AUTH_GROUPS = ["admins", "users"]
USER_KEYS = ("password", "displayname", "email", "groups", "disabled")
_USER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")


#: The portal's first user while mediastack_users names nobody, and the store entry of its password.
FIRST_ADMIN = "admin"
FIRST_ADMIN_STORE_NAME = "authelia.admin_password"


class UsersError(ValueError):
    """The users cannot be written; the message names the variable."""


def argon2id(password: str, salt: bytes) -> str:
    if hash_secret is None:
        raise UsersError(
            "Cannot hash the passwords of mediastack_users: the Python package argon2-cffi is missing on the "
            "controller. Install it (pip install argon2-cffi)"
        )
    return hash_secret(password.encode("utf-8"), salt, type=Type.ID, **ARGON2).decode("ascii")


def users_problems(users: object, groups: object) -> list[tuple[str, str, str]]:
    """``(variable, cause, what to do)`` for each problem of mediastack_users; no password is shown."""
    if not isinstance(users, Mapping):
        return [
            ("mediastack_users", "it is not a mapping of user name to settings", "Set it to {name: {password: ...}}")
        ]
    known = groups if isinstance(groups, list) else DEFAULT_AUTH_GROUPS
    problems = []
    for name, settings in sorted(users.items(), key=lambda item: str(item[0])):
        where = f"mediastack_users.{name}"
        if not isinstance(name, str) or not _USER_NAME_RE.match(name):
            problems.append(
                (where, "the user name has characters Authelia does not accept", "Use letters, digits, . _ @ -")
            )
            continue
        if (
            not isinstance(settings, Mapping)
            or not isinstance(settings.get("password"), str)
            or not settings["password"]
        ):
            problems.append((where, "it needs a password (keep it vaulted)", "Give it password: <vaulted text>"))
            continue
        for key in sorted(set(settings) - set(USER_KEYS)):
            problems.append((f"{where}.{key}", "unknown setting", f"Use only {', '.join(USER_KEYS)}"))
        for key in ("displayname", "email"):
            if key in settings and not isinstance(settings[key], str):
                problems.append((f"{where}.{key}", "it is not text", "Set it to a string"))
        if "disabled" in settings and not isinstance(settings["disabled"], bool):
            problems.append((f"{where}.disabled", "it is not true or false", "Set it to true or false"))
        chosen = settings.get("groups", [])
        if not isinstance(chosen, list) or not all(isinstance(group, str) for group in chosen):
            problems.append((f"{where}.groups", "it is not a list of group names", "Give a list such as [users]"))
            continue
        unknown = sorted(set(chosen) - set(known))
        if unknown:
            cause = f"{', '.join(unknown)} not defined"
            problems.append((f"{where}.groups", cause, "Use groups of mediastack_auth_groups, or add them there"))
    return problems


def portal_users(users: Mapping, groups: list[str], store: Mapping) -> Mapping:
    """The users the portal gets: the inventory's, or with none, a first admin in every group.

    Authelia refuses to start on a users file without users ("users: non zero value required",
    the ``valid:"required"`` rule on the file backend's users map), so an inventory that names
    nobody gets ``admin`` with the generated password kept in the secrets store.
    """
    if users:
        return users
    return {
        FIRST_ADMIN: {
            "displayname": "Administrator",
            "password": store[FIRST_ADMIN_STORE_NAME],
            "groups": list(groups),
        }
    }


def users_database(users: Mapping, groups: list[str], salt_secret: str) -> dict:
    """The users file Authelia's file backend reads; UsersError names the user at fault."""
    problems = users_problems(users, groups)
    if problems:
        variable, cause, todo = problems[0]
        raise UsersError(f"Invalid {variable}: {cause}. {todo}")
    database = {}
    for name, settings in sorted(users.items()):
        salt = hmac.new(salt_secret.encode("utf-8"), name.encode("utf-8"), hashlib.sha256).digest()[:SALT_LENGTH]
        database[name] = {
            "disabled": bool(settings.get("disabled", False)),
            "displayname": str(settings.get("displayname", name)),
            "password": argon2id(str(settings["password"]), salt),
            "email": str(settings.get("email", "")),
            "groups": list(settings.get("groups", [])),
        }
    return {"users": database}
