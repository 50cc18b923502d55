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
from collections.abc import Mapping

try:
    from argon2.low_level import Type, hash_secret
except ImportError:  # pragma: no cover - exercised where argon2-cffi is missing
    hash_secret = None

#: Authelia's recommended argon2id parameters, as in the generated configuration.
ARGON2 = {"time_cost": 3, "memory_cost": 65536, "parallelism": 4, "hash_len": 32}
SALT_LENGTH = 16
SALT_STORE_NAME = "authelia.password_salt"


class UsersError(ValueError):
    """The users cannot be written; the message names the variable."""


def argon2id(password: str, salt: bytes) -> str:
    if hash_secret is None:
        raise UsersError(
            "Cannot hash the passwords of mediastack_users: the Python package argon2-cffi is missing on the "
            "controller. Install it (pip install argon2-cffi)"
        )
    return hash_secret(password.encode("utf-8"), salt, type=Type.ID, **ARGON2).decode("ascii")


def users_database(users: Mapping, groups: list[str], salt_secret: str) -> dict:
    """The users file Authelia's file backend reads; UsersError names the user at fault."""
    if not isinstance(users, Mapping):
        raise UsersError("Invalid mediastack_users: it is not a mapping of user name to settings")
    database = {}
    for name, settings in sorted(users.items()):
        where = f"mediastack_users.{name}"
        if not isinstance(settings, Mapping) or not settings.get("password"):
            raise UsersError(f"Invalid {where}: it needs a password (keep it vaulted)")
        unknown = sorted(set(settings.get("groups", [])) - set(groups))
        if unknown:
            raise UsersError(
                f"Invalid {where}.groups: {', '.join(unknown)} not defined. Add them to mediastack_auth_groups"
            )
        salt = hmac.new(salt_secret.encode("utf-8"), name.encode("utf-8"), hashlib.sha256).digest()[:SALT_LENGTH]
        database[name] = {
            "disabled": bool(settings.get("disabled", False)),
            "displayname": str(settings.get("displayname", name)),
            "password": argon2id(str(settings["password"]), salt),
            "email": str(settings.get("email", "")),
            "groups": list(settings.get("groups", [])),
        }
    return {"users": database}
