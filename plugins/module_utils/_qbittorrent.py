# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""qBittorrent's WebUI API v2: signing in, preferences and categories.

qBittorrent signs in with the WebUI user name and password and answers with an ``SID`` cookie;
every later call carries it. Requests carry ``Referer`` and ``Origin`` set to the base URL, which
qBittorrent's CSRF protection demands. Preferences are read with ``GET app/preferences`` and
written with ``POST app/setPreferences`` (form field ``json`` holding only the keys to change).
The WebUI password cannot be read back, so it is pushed only when the task asks to push secrets.

Reading, comparing and planning are pure functions; ``plan_*`` return what to send, and the
module sends it unless in check mode.
"""

from __future__ import annotations

import json
import posixpath

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import (
    ApiClient,
    ApiError,
    AppError,
    Form,
    connection_spec,
)
from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK, delta

APP = "qBittorrent"

#: Preferences qBittorrent accepts but never returns.
WRITE_ONLY = frozenset({"web_ui_password"})
#: Preferences shown as ``********`` in diffs and results.
SECRET_KEYS = frozenset({"web_ui_password", "proxy_password", "dyndns_password", "mail_notification_password"})
#: Preferences holding a list of subnets or names; qBittorrent returns them joined by newlines.
LIST_KEYS = frozenset({"bypass_auth_subnet_whitelist", "web_ui_domain_list", "web_ui_reverse_proxies_list"})
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})


class QbittorrentError(AppError):
    """A failure that retrying does not fix; the message is the whole story."""


def connection_options() -> dict:
    """The argument_spec entries every qBittorrent module shares."""
    return connection_spec(
        username={"type": "str", "default": "admin"},
        password={"type": "str", "required": True, "no_log": True},
    )


def login(client: ApiClient, username: str, password: str) -> None:
    """Sign in; the SID cookie lands in ``client.cookies``. Wrong credentials and bans are final."""
    where = f"{APP} at {client.base_url}"
    try:
        answer = client.post("api/v2/auth/login", Form(username=username, password=password))
    except ApiError as error:
        if error.status == 403:
            raise QbittorrentError(
                f"Signing in failed for {where}: qBittorrent banned this address after too many failed sign-ins "
                f"(HTTP 403: {error.body}). Fix `password` (the qBittorrent WebUI password) and restart qBittorrent "
                "to lift the ban"
            ) from None
        if error.status == 401:
            raise QbittorrentError(wrong_credentials(where, username)) from None
        raise
    if str(answer or "").strip() != "Ok.":
        raise QbittorrentError(wrong_credentials(where, username))


def wrong_credentials(where: str, username: str) -> str:
    return (
        f"Signing in failed for {where}: user {username!r} or its password is wrong. Check `username` and "
        "`password` (the qBittorrent WebUI password seeded into qBittorrent.conf); qBittorrent bans the address "
        "after five failed sign-ins"
    )


def connect(params: dict) -> ApiClient:
    """A signed-in client, after waiting (bounded by ``ready_timeout`` seconds) for the WebUI to answer."""
    base = params["url"].rstrip("/")
    client = ApiClient(
        APP,
        base,
        headers={"Referer": base, "Origin": base},
        timeout=params["timeout"],
        validate_certs=params["validate_certs"],
    )

    def probe(api: ApiClient):
        login(api, params["username"], params["password"])
        return api.get("api/v2/app/version")

    try:
        client.wait_ready(probe, params["ready_timeout"])
    except ApiError as error:
        raise QbittorrentError(
            f"Waiting for {APP} at {base} failed: {error}. Check `url` and that qBittorrent is running, or raise "
            "`ready_timeout`"
        ) from None
    return client


# --- preferences -----------------------------------------------------------------------------


def normalise(key: str, current, wanted):
    """``wanted`` in the type and form qBittorrent returns for ``key`` (``current`` is its value).

    Raises ValueError with the reason when the value cannot be one of that type.
    """
    if key in LIST_KEYS and isinstance(wanted, (list, tuple)):
        wanted = "\n".join(str(item) for item in wanted)
    if isinstance(current, bool):
        return as_bool(wanted)
    if isinstance(current, (int, float)) and not isinstance(wanted, bool):
        return as_number(type(current), wanted)
    if isinstance(current, str):
        return as_text(key, wanted)
    return wanted


def as_bool(wanted) -> bool:
    if isinstance(wanted, bool):
        return wanted
    word = str(wanted).strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(f"expected a boolean, got {wanted!r}")
    return word in TRUE_WORDS


def as_number(kind: type, wanted):
    if isinstance(wanted, kind):
        return wanted
    try:
        return kind(str(wanted).strip())
    except ValueError:
        raise ValueError(f"expected {'an integer' if kind is int else 'a number'}, got {wanted!r}") from None


def as_text(key: str, wanted) -> str:
    if isinstance(wanted, (dict, list)):
        raise ValueError(f"expected a string, got {wanted!r}")
    text = str(wanted).lower() if isinstance(wanted, bool) else str(wanted)
    if key in LIST_KEYS:
        return "\n".join(part.strip() for part in text.replace(",", "\n").split("\n") if part.strip())
    if is_path_key(key) and text not in ("", "/"):
        return posixpath.normpath(text)
    return text


def is_path_key(key: str) -> bool:
    return key.endswith(("_path", "_dir", "_dir_fin"))


def plan_preferences(current: dict, wanted: dict, update_secrets: bool) -> tuple[dict, dict, dict]:
    """``(changes, before, after)`` for the wanted preferences.

    ``changes`` is what ``setPreferences`` must get (empty when nothing differs); ``before`` and
    ``after`` hold the wanted keys only, as qBittorrent has them now and would have them after.
    Raises QbittorrentError for unknown keys and values of the wrong type.
    """
    unknown = sorted(key for key in wanted if key not in current and key not in WRITE_ONLY)
    if unknown:
        raise QbittorrentError(
            f"Unknown preference for {APP}: {', '.join(unknown)}. Check `preferences` (qBittorrent "
            "preferences from the inventory); qBittorrent knows: " + ", ".join(sorted(current))
        )
    normalised = {}
    for key, value in wanted.items():
        if key in WRITE_ONLY:
            normalised[key] = str(value)
            continue
        try:
            normalised[key] = normalise(key, current[key], value)
        except ValueError as error:
            raise QbittorrentError(
                f"Wrong value for qBittorrent preference {key}: {error}. Check `preferences.{key}`"
            ) from None
    changes = {key: pair[1] for key, pair in delta(current, normalised, WRITE_ONLY, update_secrets).items()}
    before = {key: current[key] for key in normalised if key in current}
    after = dict(before)
    after.update(changes)
    for key in WRITE_ONLY & set(normalised):
        if key not in changes:
            after.pop(key, None)
    return changes, before, after


def masked_preferences(data: dict) -> dict:
    return {key: (MASK if key in SECRET_KEYS and value not in (None, "") else value) for key, value in data.items()}


def read_preferences(client: ApiClient) -> dict:
    answer = client.get("api/v2/app/preferences")
    if not isinstance(answer, dict):
        raise QbittorrentError(
            f"Reading preferences failed for {APP} at {client.base_url}: the answer was not a JSON object. Check "
            "that `url` points at qBittorrent's WebUI"
        )
    return answer


def write_preferences(client: ApiClient, changes: dict) -> None:
    client.post("api/v2/app/setPreferences", Form(json=json.dumps(changes)))


def ensure_preferences(client: ApiClient, wanted: dict, update_secrets: bool, check_mode: bool) -> dict:
    """Apply the wanted preferences; the module result (without ``diff`` masking applied twice)."""
    current = read_preferences(client)
    changes, before, after = plan_preferences(current, wanted, update_secrets)
    if changes and not check_mode:
        write_preferences(client, changes)
        now = read_preferences(client)
        ignored = sorted(key for key in changes if key not in WRITE_ONLY and now.get(key) != changes[key])
        if ignored:
            raise QbittorrentError(
                f"Setting preferences failed for {APP} at {client.base_url}: qBittorrent did not take "
                + ", ".join(f"{key} (kept {now.get(key)!r})" for key in ignored)
                + ". Check those keys in `preferences`; qBittorrent drops values it cannot use"
            )
    return {
        "changed": bool(changes),
        "changed_keys": sorted(changes),
        "preferences": masked_preferences(after),
        "diff": {"before": masked_preferences(before), "after": masked_preferences(after)},
    }


# --- categories ------------------------------------------------------------------------------


def read_categories(client: ApiClient) -> dict:
    """``{name: {"name": ..., "save_path": ...}}``."""
    answer = client.get("api/v2/torrents/categories") or {}
    if not isinstance(answer, dict):
        raise QbittorrentError(
            f"Reading categories failed for {APP} at {client.base_url}: the answer was not a JSON object. Check "
            "that `url` points at qBittorrent's WebUI"
        )
    return {
        name: {"name": name, "save_path": str(entry.get("savePath") or "")}
        for name, entry in answer.items()
        if isinstance(entry, dict)
    }


def plan_category(current: dict | None, name: str, save_path: str | None, state: str) -> tuple[str | None, dict]:
    """``(action, after)``: action is ``create``, ``edit``, ``remove`` or None; ``after`` the category then."""
    if state == "absent":
        return ("remove" if current else None), {}
    wanted_path = save_path if save_path is not None else (current or {}).get("save_path", "")
    if wanted_path not in ("", "/"):
        wanted_path = posixpath.normpath(wanted_path)
    after = {"name": name, "save_path": wanted_path}
    if not current:
        return "create", after
    return ("edit" if current.get("save_path", "") != wanted_path else None), after


def ensure_category(client: ApiClient, name: str, save_path: str | None, state: str, check_mode: bool) -> dict:
    if not name or "\\" in name or name.startswith("/") or name.endswith("/") or "//" in name:
        raise QbittorrentError(
            f"Invalid category name for {APP}: {name!r}. Check `name`: qBittorrent wants a name without "
            "backslashes, leading or trailing slashes or empty parts"
        )
    current = read_categories(client).get(name)
    action, after = plan_category(current, name, save_path, state)
    if action and not check_mode:
        if action == "create":
            client.post("api/v2/torrents/createCategory", Form(category=name, savePath=after["save_path"]))
        elif action == "edit":
            client.post("api/v2/torrents/editCategory", Form(category=name, savePath=after["save_path"]))
        else:
            client.post("api/v2/torrents/removeCategories", Form(categories=name))
    return {
        "changed": action is not None,
        "action": action,
        "category": after,
        "diff": {"before": current or {}, "after": after},
    }
