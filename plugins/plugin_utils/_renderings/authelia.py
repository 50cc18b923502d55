# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authelia's configuration: access rules from the plan's routes, sessions in Redis, storage in
PostgreSQL; its secrets come from ``*_FILE`` variables, never from this file.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import played_by
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._reach import reach

#: The relying party's name WebAuthn shows when a user registers a security key.
WEBAUTHN_DISPLAY_NAME = "mediastack"


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


def authelia_configuration(plan: Mapping) -> dict:
    """Authelia's configuration.yml; secrets come from ``*_FILE`` variables, never from here."""
    domain = plan["domain"]
    portal_service, dashboard = played_by(plan, "portal"), played_by(plan, "dashboard")
    cookie_domain = plan["settings"]["cookie_domain"] or domain
    portal = next((route for route in plan["routes"] if route["service"] == portal_service), None)
    home = next((route for route in plan["routes"] if route["service"] == dashboard), None)
    cookie = {"domain": cookie_domain, "authelia_url": f"https://{portal['fqdn'] if portal else 'auth.' + domain}"}
    if home:
        cookie["default_redirection_url"] = f"https://{home['fqdn']}"
    configuration = {
        "theme": "auto",
        "server": {"address": f"tcp://:{plan['services'][portal_service]['port']}/"},
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
        "webauthn": {"disable": False, "display_name": WEBAUTHN_DISPLAY_NAME},
        "access_control": {"default_policy": "deny", "rules": authelia_rules(plan)},
        "session": {"cookies": [cookie]},
        "regulation": {"max_retries": 3, "find_time": "2 minutes", "ban_time": "5 minutes"},
        "notifier": {"filesystem": {"filename": "/config/notification.txt"}},
    }
    sessions, database = played_by(plan, "session_store"), played_by(plan, "database")
    if sessions:
        configuration["session"]["redis"] = {
            "host": reach(plan, portal_service, sessions),
            "port": plan["services"][sessions]["port"],
        }
    if database:
        address = reach(plan, portal_service, database)
        configuration["storage"] = {
            "postgres": {
                "address": f"tcp://{address}:{plan['services'][database]['port']}",
                "database": "authelia",
                "username": "authelia",
            }
        }
    return configuration


#: The platform role (catalog ``platform``) of the service whose files these are.
SERVES = "portal"
EMITS = ("config/authelia/configuration.yml",)


def files(plan: Mapping, host: str) -> dict[str, object]:
    return {"config/authelia/configuration.yml": authelia_configuration(plan)}
