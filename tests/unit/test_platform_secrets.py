"""Secrets: which ones the plan needs, generated once, kept vaulted, never printed; and the host
layout that carries them to services (env files and *_FILE secret files, owner-only)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
import yaml
from argon2 import PasswordHasher

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import MASK, host_layout, rendered_path
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import (
    complete,
    required_secrets,
    service_environment,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._users import UsersError, users_database

from .plugins.plugin_utils.test_plan import CATALOG, inventory

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SECRETS = {
    "traefik": [{"name": "bouncer_key", "env": "KEY"}],
    "authelia": [{"name": "jwt", "env": "AUTHELIA_JWT_FILE"}, {"name": "postgres.password", "env": "PG"}],
    "postgres": [{"name": "password", "env": "POSTGRES_PASSWORD"}],
    "sonarr": [{"name": "api_key", "env": "SONARR__AUTH__APIKEY"}],
}
SECRET_CATALOG = {name: dict(entry, secrets=SECRETS.get(name, [])) for name, entry in CATALOG.items()}


def test_required_secrets_resolve_references_to_other_services():
    plan = build_plan(SECRET_CATALOG, inventory())
    assert required_secrets(plan) == [
        "authelia.admin_password",
        "authelia.jwt",
        "authelia.password_salt",
        "postgres.password",
        "sonarr.api_key",
        "traefik.bouncer_key",
    ]


def test_complete_keeps_existing_values_and_adds_only_missing_ones():
    store, added = complete({"a.x": "kept"}, ["a.x", "b.y"], length=20)
    assert store["a.x"] == "kept"
    assert added == ["b.y"]
    assert len(store["b.y"]) == 20
    assert store["b.y"].isalnum()
    again, added_again = complete(store, ["a.x", "b.y"])
    assert (again, added_again) == (store, [])


def test_file_variables_get_a_path_and_the_value_goes_into_the_file():
    store = {"authelia.jwt": "j" * 10, "postgres.password": "p" * 10}
    values = service_environment("authelia", build_plan(SECRET_CATALOG, inventory()), store)
    # The path as the container sees it: under the folder mounted at authelia's config.
    config = SECRET_CATALOG["authelia"]["config"]
    assert values == {
        "env": {"AUTHELIA_JWT_FILE": f"{config}/secrets/jwt", "PG": "p" * 10},
        "files": {"jwt": "j" * 10},
    }


def test_host_layout_owner_only_secret_files_and_masked_rendering():
    settings = {"config_root": "/srv/ms", "puid": 1500, "pgid": 1501}
    plan = build_plan(SECRET_CATALOG, inventory(settings=settings))
    store = {
        "authelia.admin_password": "A",
        "authelia.jwt": "J",
        "authelia.password_salt": "S",
        "postgres.password": "P",
        "sonarr.api_key": "K",
        "traefik.bouncer_key": "B",
    }
    layout = host_layout(plan, "one", store, settings)
    files = {item["path"]: item for item in layout["files"]}
    env = files["/srv/ms/env/sonarr.env"]
    assert (env["content"], env["mode"], env["owner"], env["secret"]) == ("SONARR__AUTH__APIKEY=K\n", "0600", "0", True)
    jwt = files["/srv/ms/authelia/secrets/jwt"]
    assert (jwt["content"], jwt["mode"], jwt["owner"], jwt["group"]) == ("J", "0400", "1500", "1501")
    assert files["/srv/ms/compose/content/compose.yaml"]["secret"] is False
    assert "K" not in files["/srv/ms/compose/content/compose.yaml"]["content"].split()
    directories = {item["path"]: item["mode"] for item in layout["directories"]}
    assert directories["/srv/ms/env"] == "0700"
    assert directories["/srv/ms/authelia/secrets"] == "0700"
    masked = host_layout(plan, "one", None, settings)
    masked_env = {item["path"]: item["content"] for item in masked["files"]}["/srv/ms/env/sonarr.env"]
    assert masked_env == f"SONARR__AUTH__APIKEY={MASK}\n"


USERS = {"alice": {"password": "correct horse", "groups": ["admins"], "email": "alice@example.com"}}


def test_users_get_stable_argon2id_hashes_that_verify():
    first = users_database(USERS, ["admins", "users"], "salt-secret")["users"]["alice"]
    again = users_database(USERS, ["admins", "users"], "salt-secret")["users"]["alice"]
    other = users_database(USERS, ["admins", "users"], "another-installation")["users"]["alice"]
    assert first == again
    assert first["password"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert other["password"] != first["password"]
    assert PasswordHasher().verify(first["password"], "correct horse")
    assert first["groups"] == ["admins"]


@pytest.mark.parametrize(
    ("users", "message"),
    [
        ({"bob": {"groups": ["admins"]}}, "Invalid mediastack_users.bob: it needs a password"),
        ({"bob": {"password": "x", "groups": ["family"]}}, "Invalid mediastack_users.bob.groups: family not defined"),
        (["bob"], "Invalid mediastack_users: it is not a mapping"),
    ],
    ids=["no-password", "unknown-group", "not-a-mapping"],
)
def test_bad_users_name_the_variable(users, message):
    with pytest.raises(UsersError, match=re.escape(message)):
        users_database(users, ["admins", "users"], "salt")


def test_a_rendering_meant_to_be_read_masks_the_hashes():
    settings = {"config_root": "/srv/ms", "users": USERS, "auth_groups": ["admins"]}
    plan = build_plan(SECRET_CATALOG, inventory(settings=settings))
    layout = host_layout(plan, "one", None, settings)
    users_file = {item["path"]: item for item in layout["files"]}["/srv/ms/authelia/users_database.yml"]
    assert users_file["secret"] is True
    assert users_file["mode"] == "0600"
    assert yaml.safe_load(users_file["content"])["users"]["alice"]["password"] == MASK


def test_with_no_users_the_portal_gets_a_first_admin_with_the_stored_password():
    """Authelia 4.39 refuses a users file without users at start ("users: non zero value
    required": its file backend's users map is ``valid:"required"``), which would leave every
    protected route answering 500. The first admin is in every group, with the store's password."""
    settings = {"config_root": "/srv/ms", "users": {}, "auth_groups": ["admins", "users", "family"]}
    plan = build_plan(SECRET_CATALOG, inventory(settings=settings))
    store = {name: f"{name}-value" for name in required_secrets(plan)}
    layout = host_layout(plan, "one", store, settings)
    content = {item["path"]: item["content"] for item in layout["files"]}["/srv/ms/authelia/users_database.yml"]
    users = yaml.safe_load(content)["users"]
    assert list(users) == ["admin"]
    assert users["admin"]["groups"] == ["admins", "users", "family"]
    assert users["admin"]["disabled"] is False
    assert PasswordHasher().verify(users["admin"]["password"], "authelia.admin_password-value")
    masked = host_layout(plan, "one", None, settings)
    shown = {item["path"]: item["content"] for item in masked["files"]}["/srv/ms/authelia/users_database.yml"]
    assert yaml.safe_load(shown)["users"]["admin"]["password"] == MASK


def test_the_inventorys_users_replace_the_first_admin():
    settings = {"config_root": "/srv/ms", "users": USERS, "auth_groups": ["admins"]}
    plan = build_plan(SECRET_CATALOG, inventory(settings=settings))
    store = dict.fromkeys(required_secrets(plan), "x")
    layout = host_layout(plan, "one", store, settings)
    content = {item["path"]: item["content"] for item in layout["files"]}["/srv/ms/authelia/users_database.yml"]
    assert list(yaml.safe_load(content)["users"]) == ["alice"]


@pytest.mark.parametrize(
    ("path", "relative"),
    [
        ("/srv/ms/compose/edge/compose.yaml", "compose/edge/compose.yaml"),
        ("/srv/ms/env/sonarr.env", "env/sonarr.env"),
        ("/srv/ms/sonarr/config.xml", "config/sonarr/config.xml"),
        ("/srv/ms/alertmanager-etc/alertmanager.yml", "config/alertmanager-etc/alertmanager.yml"),
        ("/srv/ms", "."),
    ],
    ids=["compose", "env", "service-folder", "relative-volume", "root"],
)
def test_rendered_path_keeps_compose_and_env_and_puts_service_folders_under_config(path, relative):
    assert rendered_path(path, "/srv/ms/") == relative


def test_rendered_path_refuses_a_path_outside_the_configuration_root():
    with pytest.raises(ValueError, match="not under the configuration root /srv/ms"):
        rendered_path("/etc/passwd", "/srv/ms")
