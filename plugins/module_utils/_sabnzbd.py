# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""SABnzbd's API: ``GET /api?mode=...&apikey=...&output=json``.

Configuration is read with ``mode=get_config`` (``section``, ``keyword``) and written with
``mode=set_config``: ``section=misc&keyword=K&value=V`` for a general setting, and
``section=servers|categories&name=N&<field>=<value>...`` for a news server or a category (created
when the name is new). ``mode=del_config&section=...&keyword=N`` removes one. SABnzbd answers
passwords as asterisks and silently keeps its old value when it rejects one, so every write is
read back.

Planning is pure (``plan_*``); the module sends the plan unless in check mode.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import (
    ApiClient,
    ApiError,
    AppError,
    connection_spec,
)
from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK

APP = "SABnzbd"
TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})
#: [misc] passwords: answered as asterisks, so compared only when secrets are pushed.
MISC_SECRETS = frozenset({"password", "email_pwd"})
#: [misc] keys shown as ``********`` in results.
MISC_MASKED = MISC_SECRETS | {"api_key", "nzb_key"}
#: [misc] keys this module refuses: SABnzbd ignores them over the API, or changing them locks the API out.
MISC_REFUSED = {
    "api_key": "changing it locks this module out; seed it into sabnzbd.ini before the first start",
    "nzb_key": "seed it into sabnzbd.ini before the first start",
    "inet_exposure": "SABnzbd does not take it over the API; seed it into sabnzbd.ini",
    "api_warnings": "SABnzbd does not take it over the API; seed it into sabnzbd.ini",
    "local_ranges": "SABnzbd does not take it over the API; seed it into sabnzbd.ini",
}
#: [misc] settings SABnzbd stores in lower case.
MISC_LOWERED = frozenset({"host_whitelist"})
#: News server priorities SABnzbd keeps (it stores the nearest bound in place of any other).
SERVER_PRIORITY = range(100)
#: Bodies of SABnzbd's 403 answers (``sabnzbd/interface.py``), when ``api_warnings`` is on.
HOSTNAME_REFUSED = "Hostname verification failed"
ACCESS_REFUSED = "External internet access denied"
KEY_REFUSED = ("API Key Required", "API Key Incorrect")


class SabnzbdError(AppError):
    """A failure retrying does not fix; the message is the whole story."""


def refusal(what: str, url: str, error: ApiError) -> SabnzbdError:
    """The error for a 401/403 of SABnzbd: by the answer's body, whom SABnzbd refused and why."""
    body = str(error.body or "").strip()
    host = urlsplit(url).hostname or url
    where = f"{what} failed for {APP} at {url}"
    if HOSTNAME_REFUSED in body:
        return SabnzbdError(
            f"{where}: SABnzbd refused the host name {host} (hostname verification, HTTP 403): it is not in "
            f"SABnzbd's host_whitelist, and only an IP address, localhost or a .local name is answered without. "
            f"Reach SABnzbd by its address in `url`, or add {host} to host_whitelist in sabnzbd.ini and restart it"
        )
    if ACCESS_REFUSED in body:
        return SabnzbdError(
            f"{where}: SABnzbd refused this client's address (HTTP 403, its inet_exposure and local_ranges "
            "settings). Reach SABnzbd from a local address, or widen local_ranges in sabnzbd.ini"
        )
    if error.status == 401 or any(text in body for text in KEY_REFUSED):
        return SabnzbdError(
            f"{where}: SABnzbd refused the API key ({body or f'HTTP {error.status}'}). Check `api_key` "
            "(SABnzbd's API key, the one seeded into sabnzbd.ini)"
        )
    return SabnzbdError(
        f"{where}: SABnzbd answered HTTP {error.status} without saying why (its api_warnings are off), so either "
        f"the API key or the host name {host} was refused. Check `api_key`, and that the host of `url` is an "
        "address or in SABnzbd's host_whitelist"
    )


def check_name(kind: str, name: str) -> str:
    """Refuse a server or category name SABnzbd would store under another name (before any call)."""
    if "[" in name or "]" in name or not name.strip():
        raise SabnzbdError(
            f"Checking the name of {kind} {name!r} failed for {APP}: SABnzbd strips [ and ] from names (they "
            f"mark sections in sabnzbd.ini), stores the {kind} under another name and then cannot find it. "
            "Give `name` without [ or ]"
        )
    return name


def connection_options() -> dict:
    """The argument_spec entries every SABnzbd module shares."""
    return connection_spec(api_key={"type": "str", "required": True, "no_log": True})


class Sabnzbd:
    """One SABnzbd, reached at ``params['url']`` with ``params['api_key']``."""

    def __init__(self, params: dict):
        self.url = params["url"].rstrip("/")
        self.api_key = params["api_key"]
        self.client = ApiClient(APP, self.url, timeout=params["timeout"], validate_certs=params["validate_certs"])

        def version(api: ApiClient):
            # mode=version needs no key; a 403 to it is the host name or the address, never the key.
            try:
                return api.get("api", {"mode": "version", "output": "json"})
            except ApiError as error:
                if error.status in (401, 403):
                    raise refusal(f"Waiting for {APP}", self.url, error) from None
                raise

        try:
            self.client.wait_ready(version, params["ready_timeout"])
        except ApiError as error:
            raise SabnzbdError(
                f"Waiting for {APP} at {self.url} failed: {error}. Check `url` and that SABnzbd is running, or raise "
                "`ready_timeout`"
            ) from None

    def call(self, what: str, mode: str, **params):
        """One API call; ``what`` names it in errors (e.g. ``Reading the news servers``)."""
        query = {"mode": mode, "apikey": self.api_key, "output": "json"}
        query.update({key: value for key, value in params.items() if value is not None})
        try:
            answer = self.client.get("api", query)
        except ApiError as error:
            if error.status in (401, 403):
                raise refusal(what, self.url, error) from None
            raise SabnzbdError(f"{what} failed for {APP} at {self.url}: {error}") from None
        if isinstance(answer, dict) and answer.get("status") is False:
            raise SabnzbdError(f"{what} failed for {APP} at {self.url}: {answer.get('error') or 'refused'}")
        if not isinstance(answer, dict):
            raise SabnzbdError(
                f"{what} failed for {APP} at {self.url}: the answer was not JSON ({str(answer)[:100]}). Check that "
                "`url` points at SABnzbd"
            )
        return answer

    def section(self, section: str):
        """``get_config`` of one section: a mapping for ``misc``, a list for servers and categories."""
        answer = self.call(f"Reading [{section}]", "get_config", section=section)
        config = answer.get("config") or {}
        return config.get(section, [] if section in ("servers", "categories") else {})


# --- value conversion ------------------------------------------------------------------------


def as_flag(value) -> int:
    """A boolean as SABnzbd stores it: 0 or 1."""
    if isinstance(value, bool):
        return int(value)
    word = str(value).strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ValueError(f"expected a boolean, got {value!r}")
    return int(word in TRUE_WORDS)


def as_like(current, wanted):
    """``wanted`` in the type SABnzbd returns for a setting whose value is ``current``."""
    if isinstance(current, list):
        items = wanted if isinstance(wanted, (list, tuple)) else str(wanted).split(",")
        return [str(item).strip() for item in items if str(item).strip()]
    if isinstance(current, bool) or (isinstance(current, int) and isinstance(wanted, bool)):
        return as_flag(wanted)
    if isinstance(current, int) and str(wanted).strip().lower() in (TRUE_WORDS | FALSE_WORDS) - {"0", "1"}:
        return as_flag(wanted)
    if isinstance(current, (int, float)):
        try:
            return type(current)(str(wanted).strip())
        except ValueError:
            raise ValueError(f"expected a number, got {wanted!r}") from None
    if isinstance(wanted, (dict, list)):
        raise ValueError(f"expected a string, got {wanted!r}")
    return str(int(wanted)) if isinstance(wanted, bool) else str(wanted).strip()


def wire(value) -> str:
    """A value as a query parameter."""
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def is_secret_set(value) -> bool:
    return bool(value) and not str(value).strip("*")


def mask(data: dict, keys) -> dict:
    return {key: (MASK if key in keys and value not in (None, "") else value) for key, value in data.items()}


# --- [misc] ----------------------------------------------------------------------------------


def plan_misc(current: dict, wanted: dict, update_secrets: bool) -> tuple[dict, dict, dict]:
    """``(changes, before, after)`` for the wanted [misc] settings (wanted keys only)."""
    refused = sorted(key for key in wanted if key in MISC_REFUSED)
    if refused:
        raise SabnzbdError(
            f"Setting {', '.join(refused)} failed for {APP}: {MISC_REFUSED[refused[0]]}. Remove it from `misc`"
        )
    unknown = sorted(key for key in wanted if key not in current)
    if unknown:
        raise SabnzbdError(
            f"Unknown [misc] setting for {APP}: {', '.join(unknown)}. Check `misc` (SABnzbd settings from the "
            "inventory); SABnzbd knows: " + ", ".join(sorted(current))
        )
    changes, before, after = {}, {}, {}
    for key, given in wanted.items():
        before[key] = current[key]
        value = misc_value(key, current[key], given)
        if key in MISC_SECRETS:
            if update_secrets or (not is_secret_set(current[key]) and value):
                changes[key] = value
            after[key] = value if key in changes else current[key]
            continue
        if value != current[key]:
            changes[key] = value
        after[key] = value
    return changes, before, after


def misc_value(key: str, current, given):
    """``given`` as SABnzbd would store it for [misc] ``key``."""
    if key in MISC_SECRETS:
        return str(given)
    try:
        value = as_like(current, given)
    except ValueError as error:
        raise SabnzbdError(f"Wrong value for SABnzbd setting {key}: {error}. Check `misc.{key}`") from None
    if key in MISC_LOWERED:
        return [item.lower() for item in value] if isinstance(value, list) else value.lower()
    return value


def ensure_misc(api: Sabnzbd, wanted: dict, update_secrets: bool, check_mode: bool) -> dict:
    current = api.section("misc")
    changes, before, after = plan_misc(current, wanted, update_secrets)
    if changes and not check_mode:
        for key in send_order(current, changes):
            api.call(f"Setting [misc] {key}", "set_config", section="misc", keyword=key, value=wire(changes[key]))
        now = api.section("misc")
        kept = sorted(key for key in changes if key not in MISC_SECRETS and now.get(key) != changes[key])
        if kept:
            raise SabnzbdError(
                f"Setting [misc] failed for {APP} at {api.url}: SABnzbd kept "
                + ", ".join(f"{key} = {now.get(key)!r}" for key in kept)
                + ". Check those keys in `misc` (folders must be creatable, and the complete folder must be neither "
                "the download folder nor inside it)"
            )
    return {
        "changed": bool(changes),
        "changed_keys": sorted(changes),
        "misc": mask(after, MISC_MASKED),
        "diff": {"before": mask(before, MISC_MASKED), "after": mask(after, MISC_MASKED)},
    }


def inside(path: str, folder: str) -> bool:
    """Whether ``path`` is ``folder`` or lies below it (as SABnzbd's ``same_directory`` decides)."""
    path, folder = posixpath.normpath(str(path)), posixpath.normpath(str(folder))
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def send_order(current: dict, changes: dict) -> list[str]:
    """The [misc] keys in an order SABnzbd takes: it checks each folder against the other's current value.

    SABnzbd 4.2+ keeps a complete folder that is the download folder or lies inside it, so the complete
    folder goes first unless it lies inside the download folder being left, in which case that moves first.
    """
    complete_first = "complete_dir" in changes and not inside(changes["complete_dir"], current.get("download_dir", ""))
    first = "complete_dir" if complete_first else "download_dir"
    return sorted(changes, key=lambda name: name != first)


# --- categories ------------------------------------------------------------------------------


def category_name(name: str) -> str:
    """The name SABnzbd keeps: lowered; one with [ or ] is refused (see ``check_name``)."""
    return check_name("category", name).strip().lower()


def plan_category(current: dict | None, name: str, wanted: dict, state: str) -> tuple[str | None, dict, dict]:
    """``(action, send, after)``: action ``create``, ``update``, ``remove`` or None; ``send`` the fields to set."""
    if state == "absent":
        if name == "*":
            raise SabnzbdError(f"Removing the default category failed for {APP}: SABnzbd needs `*`. Check `name`")
        return ("remove" if current else None), {}, {}
    wanted = {key: value for key, value in wanted.items() if value is not None}
    if "dir" in wanted:
        wanted["dir"] = posixpath.normpath(wanted["dir"].strip()) if wanted["dir"].strip() else ""
    if current is None:
        after = dict({"name": name, "dir": ""}, **wanted)
        return "create", wanted, after
    send = {key: value for key, value in wanted.items() if current.get(key) != value}
    after = dict(current, **wanted)
    return ("update" if send else None), send, after


def ensure_category(api: Sabnzbd, name: str, wanted: dict, state: str, check_mode: bool) -> dict:
    name = category_name(name)
    current = next((entry for entry in api.section("categories") if entry.get("name") == name), None)
    action, send, after = plan_category(current, name, wanted, state)
    if action and not check_mode:
        if action == "remove":
            api.call(f"Removing category {name}", "del_config", section="categories", keyword=name)
        else:
            fields = {key: wire(value) for key, value in send.items()}
            api.call(f"Setting category {name}", "set_config", section="categories", name=name, **fields)
            now = next((entry for entry in api.section("categories") if entry.get("name") == name), {})
            kept = sorted(key for key in send if now.get(key) != send[key])
            if kept:
                raise SabnzbdError(
                    f"Setting category {name} failed for {APP} at {api.url}: SABnzbd kept "
                    + ", ".join(f"{key} = {now.get(key)!r}" for key in kept)
                    + ". Check `dir` and `priority`"
                )
    shown = ("name", "dir", "priority")
    return {
        "changed": action is not None,
        "action": action,
        "category": {key: after[key] for key in shown if key in after},
        "diff": {
            "before": {key: current[key] for key in shown if key in current} if current else {},
            "after": {key: after[key] for key in shown if key in after},
        },
    }


# --- news servers ----------------------------------------------------------------------------


def check_server(params: dict) -> None:
    """Refuse what SABnzbd would store otherwise, before anything is sent (never shows the password)."""
    check_name("news server", params["name"])
    priority = params.get("priority")
    if priority is not None and priority not in SERVER_PRIORITY:
        raise SabnzbdError(
            f"Checking news server {params['name']} failed for {APP}: priority {priority} is outside 0..99, and "
            "SABnzbd would store the nearest of 0 and 99 instead. Set `priority` from 0 (used first) to 99"
        )


def server_fields(params: dict) -> dict:
    """The wanted fields of a news server, as SABnzbd stores them (None: leave as it is)."""
    fields = {
        "host": params["host"].strip().lower() if params.get("host") else None,
        "port": params.get("port"),
        "ssl": as_flag(params["ssl"]) if params.get("ssl") is not None else None,
        "ssl_verify": params.get("ssl_verify"),
        "username": params.get("username"),
        "password": params.get("password"),
        "connections": params.get("connections"),
        "priority": params.get("priority"),
        "retention": params.get("retention"),
        "enable": as_flag(params["enable"]) if params.get("enable") is not None else None,
        "optional": as_flag(params["optional"]) if params.get("optional") is not None else None,
    }
    return {key: value for key, value in fields.items() if value is not None}


def plan_server(current: dict | None, wanted: dict, state: str, update_secrets: bool):
    """``(action, send, before, after)`` for one news server; the password is compared only on request."""
    if state == "absent":
        return ("remove" if current else None), {}, (current or {}), {}
    if current is None:
        after = dict(wanted)
        return "create", dict(wanted), {}, after
    send = {}
    for key, value in wanted.items():
        if key == "password":
            if update_secrets or (value and not is_secret_set(current.get("password"))):
                send[key] = value
            continue
        if current.get(key) != value:
            send[key] = value
    after = dict(current, **{key: value for key, value in wanted.items() if key != "password" or key in send})
    return ("update" if send else None), send, current, after


SERVER_SHOWN = ("name", "host", "port", "ssl", "ssl_verify", "username", "password", "connections", "priority")
SERVER_SHOWN += ("retention", "enable", "optional")


def ensure_server(api: Sabnzbd, params: dict, check_mode: bool) -> dict:
    """Apply the news server described by the module's ``params`` (name, fields, state, update_secrets)."""
    name, state, update_secrets = params["name"], params["state"], params["update_secrets"]
    check_server(params)
    servers = {entry.get("name"): entry for entry in api.section("servers")}
    current = servers.get(name)
    wanted = server_fields(params)
    if current is None and state == "present" and "host" not in wanted:
        raise SabnzbdError(f"Adding news server {name} failed for {APP}: no host given. Set `host`")
    action, send, before, after = plan_server(current, wanted, state, update_secrets)
    if action and not check_mode:
        if action == "remove":
            api.call(f"Removing news server {name}", "del_config", section="servers", keyword=name)
        else:
            fields = {key: wire(value) for key, value in send.items()}
            api.call(f"Setting news server {name}", "set_config", section="servers", name=name, **fields)
            now = next((entry for entry in api.section("servers") if entry.get("name") == name), {})
            kept = sorted(key for key in send if key != "password" and now.get(key) != send[key])
            if kept:
                raise SabnzbdError(
                    f"Setting news server {name} failed for {APP} at {api.url}: SABnzbd kept "
                    + ", ".join(f"{key} = {now.get(key)!r}" for key in kept)
                    + ". Check those options of the server in the inventory"
                )

    def shown(data: dict) -> dict:
        if not data:
            return {}
        picked = {key: data[key] for key in SERVER_SHOWN if key in data}
        picked["name"] = name
        return mask(picked, {"password"})

    return {
        "changed": action is not None,
        "action": action,
        "server": shown(after),
        "diff": {"before": shown(before), "after": shown(after)},
    }
