# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Servarr family (Sonarr, Radarr, Lidarr, Readarr, Prowlarr) through one client.

All five apps share one code base and one API shape: ``/api/v3`` (Sonarr, Radarr) or ``/api/v1``
(Lidarr, Readarr, Prowlarr), the key in ``X-Api-Key``, readiness at ``GET system/status``.

``Servarr`` is the client (it names the app in every error and resolves names to ids);
``Resource`` is what one module manages, and ``reconcile`` is the one flow every module runs:
read, resolve everything the task names (failing before any write), compare only the keys the task
names (secrets the app answers masked only with ``update_secrets``), then create, update, replace
or delete.
The comparison and mapping helpers are pure functions on plain data.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

from ansible_collections.newmedia.mediastack.plugins.module_utils._api import (
    ApiClient,
    ApiError,
    AppError,
    connection_spec,
)
from ansible_collections.newmedia.mediastack.plugins.module_utils._api import run as run_module
from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK, delta, diff, merged


class App:
    """One Servarr application: its name, API base, and what it has."""

    def __init__(self, title: str, base: str, has: frozenset, sections: tuple):
        self.title = title
        self.base = base
        self.has = has
        self.sections = sections


_COMMON = frozenset({"tag", "downloadclient", "indexer", "notification"})
_LIBRARY = _COMMON | {"rootfolder", "qualityprofile", "customformat"}
_SECTIONS = ("host", "naming", "mediamanagement", "downloadclient", "indexer", "ui")

APPS = {
    "sonarr": App("Sonarr", "/api/v3", _LIBRARY, _SECTIONS),
    "radarr": App("Radarr", "/api/v3", _LIBRARY | {"language"}, _SECTIONS),
    "lidarr": App("Lidarr", "/api/v1", _LIBRARY | {"metadataprofile"}, _SECTIONS),
    "readarr": App("Readarr", "/api/v1", _LIBRARY | {"metadataprofile"}, _SECTIONS),
    "prowlarr": App("Prowlarr", "/api/v1", _COMMON | {"applications", "appprofile"}, ("host", "downloadclient", "ui")),
}

#: What each endpoint holds, as the errors name it.
WHAT = {
    "tag": "tag",
    "downloadclient": "download client",
    "indexer": "indexer",
    "notification": "notification",
    "applications": "application",
    "appprofile": "app profile",
    "rootfolder": "root folder",
    "qualityprofile": "quality profile",
    "customformat": "custom format",
    "metadataprofile": "metadata profile",
    "language": "language",
}

#: Field privacy levels whose values the apps answer as ``********``.
SECRET_PRIVACY = frozenset({"password", "apiKey"})


class ServarrError(AppError):
    """A failure the task cannot get past; the message names the app, the object and the option.

    ``status`` is the HTTP status of the answer behind it (0 when there was none).
    """

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


# --- options -----------------------------------------------------------------------------------


def argument_spec(state: bool = True, secrets: bool = True, provider: bool = False, **options) -> dict:
    """The module's argument_spec: the connection options, ``state``, ``update_secrets``, then its own.

    ``provider``: also the options of objects built on an implementation (download clients, indexers,
    notifications, Prowlarr's applications): ``name``, ``implementation``, ``fields``,
    ``secret_fields``, ``tags`` and ``force_save``.
    """
    spec = connection_spec(
        app={"type": "str", "required": True, "choices": sorted(APPS)},
        api_key={"type": "str", "required": True, "no_log": True},
    )
    if state:
        spec["state"] = {"type": "str", "choices": ["present", "absent"], "default": "present"}
    if secrets:
        spec["update_secrets"] = {"type": "bool", "default": False, "no_log": False}
    if provider:
        spec.update(
            name={"type": "str", "required": True},
            implementation={"type": "str"},
            fields={"type": "dict", "default": {}},
            secret_fields={"type": "dict", "default": {}, "no_log": True},
            tags={"type": "list", "elements": "str"},
            force_save={"type": "bool", "default": False},
        )
    spec.update(options)
    return spec


#: ``required_if`` of the provider modules: a new object needs its implementation.
PROVIDER_REQUIRED_IF = [("state", "present", ["implementation"])]


# --- pure helpers ------------------------------------------------------------------------------


def fields_to_list(fields: Mapping) -> list:
    """A ``{name: value}`` mapping as the API's ``[{name, value}]`` list (order kept)."""
    return [{"name": name, "value": value} for name, value in fields.items()]


def fields_to_dict(fields) -> dict:
    """The API's ``[{name, value}]`` list as ``{name: value}`` (a field without a value is None)."""
    return {field["name"]: field.get("value") for field in fields or []}


def secret_fields(fields) -> set:
    """Names of the fields holding secrets.

    Those with privacy ``password`` or ``apiKey`` (which the apps answer masked), of type
    ``password``, named like a password or API key (Readarr's last API has no privacy and answers
    them in clear), or answered masked.
    """
    return {
        field["name"]
        for field in fields or []
        if field.get("privacy") in SECRET_PRIVACY
        or field.get("type") == "password"
        or field.get("value") == MASK
        or str(field.get("name", "")).lower().endswith(("password", "apikey"))
    }


TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def coerce(like, value):
    """``value`` in the type of ``like`` when it is a string that spells one (templated values arrive as text)."""
    if not isinstance(value, str) or like is None or isinstance(like, str):
        return value
    text = value.strip()
    if isinstance(like, bool):
        word = text.lower()
        return True if word in TRUE_WORDS else False if word in FALSE_WORDS else value
    try:
        if isinstance(like, int):
            return int(text)
        if isinstance(like, float):
            return float(text)
    except ValueError:
        return value
    return value


def unknown_keys(wanted: Mapping, known, label: str, variable: str, kind: str) -> None:
    """Fail, naming the option, when ``wanted`` has a key the app does not know (with a case hint)."""
    known = list(known)
    lowered = {name.lower(): name for name in known}
    for key in wanted:
        if key in known:
            continue
        hint = f' Did you mean "{lowered[key.lower()]}"?' if key.lower() in lowered else ""
        raise ServarrError(
            f'{label}: "{key}" in `{variable}` is not a {kind}.{hint} Known: {", ".join(sorted(known)) or "none"}'
        )


def find_named(items, name: str, key: str = "name"):
    """The item whose ``key`` equals ``name`` (exactly, else ignoring case; the apps keep names unique so)."""
    exact = [item for item in items or [] if item.get(key) == name]
    if exact:
        return exact[0]
    folded = [item for item in items or [] if str(item.get(key, "")).lower() == str(name).lower()]
    return folded[0] if folded else None


# --- the client --------------------------------------------------------------------------------


class Servarr:
    """One Servarr app's API, named in every error; lists are read once per run."""

    def __init__(self, params: Mapping):
        self.key = params["app"]
        self.app = APPS[self.key]
        self.title = self.app.title
        self.url = params["url"].rstrip("/")
        self.api = ApiClient(
            self.title,
            self.url + self.app.base,
            headers={"X-Api-Key": params["api_key"]},
            timeout=params["timeout"],
            validate_certs=params["validate_certs"],
        )
        self._lists: dict = {}

    def wait(self, timeout: float, sleep=time.sleep) -> dict:
        """Wait, for ``timeout`` seconds at most, for ``system/status``; check that it is the app."""
        try:
            status = self.api.wait_ready(lambda api: api.get("system/status"), timeout, sleep=sleep)
        except ApiError as error:
            if error.status in (401, 403):
                raise ServarrError(
                    f"{self.title} at {self.url} refused `api_key` (HTTP {error.status}). Give the key from "
                    f"{self.title}'s config.xml (ApiKey) or its {self.key.upper()}__AUTH__APIKEY setting"
                ) from None
            raise ServarrError(
                f"{error}. Check `url` ({self.url}) and that {self.title} runs, or raise `ready_timeout`"
            ) from None
        name = str((status or {}).get("appName") or "")
        if name and name.lower() != self.key:
            raise ServarrError(f"{self.url} answers as {name}, not {self.title}: check `url` and `app`")
        return status

    def require(self, endpoint: str) -> None:
        if endpoint not in self.app.has:
            raise ServarrError(f"{self.title} has no {WHAT[endpoint]}s: check `app` ({self.key})")

    def call(self, label: str, method: str, path: str, body=None, query=None):
        try:
            return self.api.call(method, path, query=query, body=body)
        except ApiError as error:
            raise ServarrError(f"{label}: {error}", error.status) from None

    def list(self, endpoint: str) -> list:
        """Every object at ``endpoint`` (read once per run)."""
        if endpoint not in self._lists:
            self._lists[endpoint] = self.call(
                f"Reading {self.title}'s {WHAT.get(endpoint, endpoint)}s", "GET", endpoint
            )
        return self._lists[endpoint] or []

    def ids(self, endpoint: str, names, label: str, variable: str, key: str = "name") -> list:
        """The ids of the objects named ``names`` at ``endpoint``; fail naming ``variable`` when one is missing."""
        items = self.list(endpoint)
        found = []
        for name in names:
            item = find_named(items, str(name).lower() if endpoint == "tag" else str(name), key)
            if item is None:
                what = WHAT.get(endpoint, endpoint)
                have = ", ".join(sorted(f'"{entry.get(key)}"' for entry in items)) or "none"
                hint = " Create it first with newmedia.mediastack.servarr_tag" if endpoint == "tag" else ""
                raise ServarrError(
                    f'{label}: {what} "{name}" named in `{variable}` does not exist in {self.title} '
                    f"(it has: {have}).{hint}"
                )
            found.append(item["id"])
        return found

    def names(self, endpoint: str, ids, key: str = "name") -> list:
        """The names of the objects with ``ids`` (an unknown id shows as ``#id``)."""
        by_id = {item.get("id"): item.get(key) for item in self.list(endpoint)}
        return [by_id.get(ident, f"#{ident}") for ident in ids or []]

    def tag_ids(self, names, label: str, variable: str = "tags") -> list:
        return sorted(self.ids("tag", names, label, variable, key="label"))

    def tag_names(self, ids) -> list:
        return sorted(self.names("tag", ids, key="label"))


# --- one object, one flow ----------------------------------------------------------------------


class Resource:
    """What ``reconcile`` needs from one kind of object; subclasses fill in the API specifics.

    ``view`` turns an API object into the readable, comparable form the diff shows; ``wanted``
    returns the part of that view the task names (resolving every name, and failing, before any
    write); ``create_body`` and ``update_body`` build what is sent.
    """

    endpoint = ""
    #: Query parameters sent with POST and PUT.
    write_query: dict | None = None

    def __init__(self, client: Servarr, params: Mapping):
        self.client = client
        self.params = params
        if self.endpoint:
            client.require(self.endpoint)

    @property
    def label(self) -> str:
        return f'{self.client.title} {WHAT[self.endpoint]} "{self.identity}"'

    @property
    def identity(self) -> str:
        return str(self.params.get("name"))

    def find(self):
        return find_named(self.client.list(self.endpoint), self.identity)

    def view(self, obj) -> dict:
        raise NotImplementedError

    def secrets(self, obj) -> set:
        """Dotted view keys holding secrets: masked in the diff, compared only with ``update_secrets``."""
        return set()

    def wanted(self, current) -> dict:
        raise NotImplementedError

    def replace(self, current, wanted) -> bool:
        """Whether the change cannot be an update (delete, then create)."""
        return False

    def create_body(self, wanted) -> dict:
        raise NotImplementedError

    def update_body(self, current, wanted) -> dict:
        raise NotImplementedError

    def send(self, method: str, body=None, ident=None):
        path = self.endpoint if ident is None else f"{self.endpoint}/{ident}"
        query = self.write_query if method in ("POST", "PUT") else None
        return self.client.call(self.label, method, path, body=body, query=query)


def reconcile(resource: Resource, state: str, check_mode: bool, update_secrets: bool) -> dict:
    """Bring one object to ``state``; the result has ``changed``, ``id`` and ``diff`` (secrets masked).

    A secret the app answers masked is neither compared nor sent (the app keeps it) unless
    ``update_secrets``; a secret it answers in clear, or not set yet, is compared like any value.
    """
    current = resource.find()
    before = resource.view(current) if current is not None else {}
    secrets = resource.secrets(current) if current is not None else set()
    ident = current.get("id") if current is not None else None

    if state == "absent":
        if current is not None and not check_mode:
            resource.send("DELETE", ident=ident)
        return outcome(current is not None, before, {}, None if current is None else ident, secrets)

    wanted = resource.wanted(current)
    if current is not None and not resource.replace(current, wanted):
        hidden = set() if update_secrets else {path for path in secrets if lookup(before, path) == MASK}
        if not delta(before, wanted, hidden):
            return outcome(False, before, before, ident, secrets)
        body = resource.update_body(current, without(wanted, hidden))
        if not check_mode:
            resource.send("PUT", body, ident=ident)
        return outcome(True, before, merged(before, wanted), ident, secrets)

    body = resource.create_body(wanted)
    secrets |= resource.secrets(body)
    if check_mode:
        return outcome(True, before, resource.view(body), ident, secrets)
    if current is not None:
        resource.send("DELETE", ident=ident)
    saved = resource.send("POST", body) or {}
    return outcome(True, before, resource.view(body), saved.get("id"), secrets)


def _split(data: Mapping, path: str):
    """``(key, rest)`` where ``key`` is the key of ``data`` that ``path`` starts with (keys may hold dots)."""
    if path in data:
        return path, ""
    for key in data:
        if path.startswith(f"{key}."):
            return key, path[len(key) + 1 :]
    return None, ""


def lookup(data, path: str):
    """The value at dotted ``path`` in nested mappings (None when absent)."""
    if not isinstance(data, Mapping):
        return None
    key, rest = _split(data, path)
    if key is None:
        return None
    return lookup(data[key], rest) if rest else data[key]


def without(data: Mapping, paths) -> dict:
    """A copy of ``data`` without the dotted ``paths``."""
    result = dict(data)
    for path in paths:
        key, rest = _split(result, path)
        if key is None:
            continue
        if rest and isinstance(result[key], Mapping):
            result[key] = without(result[key], [rest])
        elif not rest:
            del result[key]
    return result


def outcome(changed: bool, before, after, ident, secrets=()) -> dict:
    return {"changed": changed, "id": ident, "diff": diff(before, after, secrets)}


def run(module, factory) -> None:
    """A Servarr module's life: connect, wait, and reconcile the object ``factory(client, params)``
    makes; the shared runner reports the result or the failure."""

    def work(params: dict, check_mode: bool) -> dict:
        client = Servarr(params)
        client.wait(params["ready_timeout"])
        state, update_secrets = params.get("state") or "present", bool(params.get("update_secrets"))
        return reconcile(factory(client, params), state, check_mode, update_secrets)

    run_module(module, work)
