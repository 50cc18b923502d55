# Copyright: (c) 2026, newmedia.mediastack maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The objects the Servarr modules manage, each a ``Resource`` that ``reconcile`` drives.

Providers (download clients, indexers, notifications, Prowlarr applications) share one shape and
one implementation, ``Provider``: a new one starts from the app's ``GET <kind>/schema`` template
for its implementation, ``fields`` is a mapping of field name to value (the API's ``[{name,
value}]`` list), tags and profiles are given by name. Settings sections are singletons: read,
merge the wanted keys, write only on a difference.
"""

from __future__ import annotations

import copy
import posixpath
from typing import ClassVar

from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import merged
from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import (
    WHAT,
    Resource,
    ServarrError,
    coerce,
    fields_to_dict,
    find_named,
    secret_fields,
    unknown_keys,
)
from ansible_collections.newmedia.mediastack.plugins.module_utils._trash import (
    Catalog,
    Scoring,
    TrashError,
    custom_format_body,
    custom_format_view,
    fill_specifications,
    quality_profile_body,
    quality_profile_view,
)

#: Keys of the provider view that are not top-level settings.
_PROVIDER_VIEW = ("name", "implementation", "fields", "tags")


class Provider(Resource):
    """A provider-shaped object: ``{name, implementation, configContract, fields[], tags[], ...}``."""

    #: module option -> top-level API key
    settings: ClassVar[dict] = {}
    #: module option -> (API key holding an id, endpoint the name is looked up at, view key)
    references: ClassVar[dict] = {}
    #: API keys a new object gets when the task leaves them out (where the app has them)
    create_defaults: ClassVar[dict] = {}

    def __init__(self, client, params):
        super().__init__(client, params)
        self._template = None
        self._replacing = False
        self._ids: dict = {}
        self._tags = None

    @property
    def write_query(self):
        return {"forceSave": "true" if self.params.get("force_save") else "false"}

    def send(self, method: str, body=None, ident=None):
        try:
            return super().send(method, body, ident)
        except ServarrError as error:
            if error.status != 400 or method not in ("POST", "PUT") or self.params.get("force_save"):
                raise
            raise ServarrError(
                f"{error}. If the app refused because its connection test failed and the peer is not up yet, "
                "set `force_save: true` to save without the test",
                error.status,
            ) from None

    def template(self) -> dict:
        """The app's template for the task's implementation (a Prowlarr indexer may name its definition)."""
        if self._template is None:
            templates = self.client.call(self.label, "GET", f"{self.endpoint}/schema") or []
            wanted = str(self.params["implementation"]).lower()
            matches = [t for t in templates if str(t.get("definitionName") or "").lower() == wanted] or [
                t for t in templates if str(t.get("implementation") or "").lower() == wanted
            ]
            if not matches:
                known = sorted({str(t.get("implementation")) for t in templates})
                raise ServarrError(
                    f'{self.label}: implementation "{self.params["implementation"]}" in `implementation` is not one '
                    f"{self.client.title} offers (it has: {', '.join(known) or 'none'})"
                )
            self._template = copy.deepcopy(matches[0])
        return self._template

    def _same_implementation(self, obj) -> bool:
        wanted = str(self.params["implementation"]).lower()
        return wanted in (str(obj.get("implementation") or "").lower(), str(obj.get("definitionName") or "").lower())

    def view_keys(self, obj) -> list:
        return [key for key in self.settings.values() if key in obj]

    def view(self, obj) -> dict:
        view = {"name": obj.get("name"), "implementation": obj.get("implementation")}
        for key in self.view_keys(obj):
            view[key] = obj.get(key)
        for key, endpoint, view_key in self.references.values():
            if key in obj:
                view[view_key] = (self.client.names(endpoint, [obj[key]]) or [None])[0] if obj[key] else None
        view["fields"] = fields_to_dict(obj.get("fields"))
        view["tags"] = self.client.tag_names(obj.get("tags"))
        return view

    def secrets(self, obj) -> set:
        return {f"fields.{name}" for name in secret_fields(obj.get("fields"))}

    def wanted(self, current) -> dict:
        params = self.params
        if current is not None and params.get("implementation") and not self._same_implementation(current):
            self._replacing = True
        base = current if current is not None and not self._replacing else self.template()
        wanted = {"name": params["name"], "implementation": base.get("implementation")}
        for option, key in self.settings.items():
            if params.get(option) is not None:
                self._setting(base, option, key)
                wanted[key] = coerce(base[key], params[option])
        for option, (key, endpoint, view_key) in self.references.items():
            if params.get(option) is not None:
                self._setting(base, option, key)
                self._ids[key] = self.client.ids(endpoint, [params[option]], self.label, option)[0]
                wanted[view_key] = (self.client.names(endpoint, [self._ids[key]]) or [None])[0]
        given = dict(params.get("fields") or {})
        given.update(params.get("secret_fields") or {})
        known = fields_to_dict(base.get("fields"))
        kind = f"field of {base.get('implementation')} {self.what}s"
        unknown_keys(given, known, self.label, "fields` or `secret_fields", kind)
        wanted["fields"] = {name: coerce(known[name], value) for name, value in given.items()}
        if params.get("tags") is not None:
            self._tags = self.client.tag_ids(params["tags"], self.label)
            wanted["tags"] = sorted(str(tag).lower() for tag in params["tags"])
        if current is None or self._replacing:
            self.check_create(base, wanted)
            for key, value in self.create_defaults.items():
                if key in base and key not in wanted:
                    wanted[key] = value
        return wanted

    def check_create(self, template, wanted) -> None:
        """Fail before any write when a new object would lack something the app requires."""

    def _setting(self, base, option, key) -> None:
        if key not in base:
            raise ServarrError(f"{self.label}: `{option}` does not apply to {self.client.title} {self.what}s")

    @property
    def what(self) -> str:
        return WHAT[self.endpoint]

    def replace(self, current, wanted) -> bool:
        return self._replacing

    def _apply(self, body, wanted) -> dict:
        for key, value in wanted.items():
            if key not in _PROVIDER_VIEW and key in body:
                body[key] = value
        body.update(self._ids)
        body["name"] = wanted["name"]
        for field in body.get("fields") or []:
            if field["name"] in wanted.get("fields", {}):
                field["value"] = wanted["fields"][field["name"]]
        if self._tags is not None:
            body["tags"] = self._tags
        return body

    def create_body(self, wanted) -> dict:
        body = copy.deepcopy(self.template())
        for key in ("id", "presets", "message"):
            body.pop(key, None)
        body.setdefault("tags", [])
        return self._apply(body, wanted)

    def update_body(self, current, wanted) -> dict:
        return self._apply(copy.deepcopy(current), wanted)


class DownloadClient(Provider):
    endpoint = "downloadclient"
    settings: ClassVar[dict] = {
        "enable": "enable",
        "priority": "priority",
        "remove_completed_downloads": "removeCompletedDownloads",
        "remove_failed_downloads": "removeFailedDownloads",
    }
    create_defaults: ClassVar[dict] = {"enable": True}


class Indexer(Provider):
    endpoint = "indexer"
    settings: ClassVar[dict] = {
        "enable": "enable",
        "enable_rss": "enableRss",
        "enable_automatic_search": "enableAutomaticSearch",
        "enable_interactive_search": "enableInteractiveSearch",
        "priority": "priority",
    }
    references: ClassVar[dict] = {"app_profile": ("appProfileId", "appprofile", "appProfile")}
    create_defaults: ClassVar[dict] = {
        "enable": True,
        "enableRss": True,
        "enableAutomaticSearch": True,
        "enableInteractiveSearch": True,
    }

    def check_create(self, template, wanted) -> None:
        if "appProfileId" in template and "appProfile" not in wanted:
            raise ServarrError(f"{self.label}: `app_profile` is required to create a {self.client.title} indexer")


class Notification(Provider):
    endpoint = "notification"

    def view_keys(self, obj) -> list:
        return sorted(key for key in obj if key.startswith("on") and isinstance(obj[key], bool))

    def wanted(self, current) -> dict:
        wanted = super().wanted(current)
        triggers = self.params.get("triggers")
        if triggers is not None:
            base = current if current is not None and not self._replacing else self.template()
            known = self.view_keys(base)
            unknown_keys(dict.fromkeys(triggers), known, self.label, "triggers", f"trigger of {self.client.title}")
            wanted.update({key: key in triggers for key in known})
        return wanted


class Application(Provider):
    endpoint = "applications"
    settings: ClassVar[dict] = {"sync_level": "syncLevel"}
    create_defaults: ClassVar[dict] = {"syncLevel": "fullSync"}


class Tag(Resource):
    endpoint = "tag"

    @property
    def identity(self) -> str:
        return str(self.params["label"]).lower()

    def find(self):
        return find_named(self.client.list(self.endpoint), self.identity, key="label")

    def view(self, obj) -> dict:
        return {"label": obj.get("label")}

    def wanted(self, current) -> dict:
        return {"label": self.identity}

    def create_body(self, wanted) -> dict:
        return dict(wanted)


class AppProfile(Resource):
    endpoint = "appprofile"
    settings: ClassVar[dict] = {
        "enable_rss": "enableRss",
        "enable_automatic_search": "enableAutomaticSearch",
        "enable_interactive_search": "enableInteractiveSearch",
        "minimum_seeders": "minimumSeeders",
    }

    def view(self, obj) -> dict:
        return {"name": obj.get("name"), **{key: obj.get(key) for key in self.settings.values()}}

    def wanted(self, current) -> dict:
        wanted = {"name": self.params["name"]}
        wanted.update(
            {key: self.params[option] for option, key in self.settings.items() if self.params.get(option) is not None}
        )
        return wanted

    def create_body(self, wanted) -> dict:
        body = self.client.call(self.label, "GET", f"{self.endpoint}/schema") or {}
        body.pop("id", None)
        return merged(body, wanted)

    def update_body(self, current, wanted) -> dict:
        return merged(current, wanted)


class RootFolder(Resource):
    """A library root folder: a path (Sonarr, Radarr), plus name and defaults (Lidarr, Readarr)."""

    endpoint = "rootfolder"
    #: module option -> (view key, API key)
    defaults: ClassVar[dict] = {
        "monitor": ("defaultMonitorOption", "defaultMonitorOption"),
        "new_item_monitor": ("defaultNewItemMonitorOption", "defaultNewItemMonitorOption"),
    }
    profiles: ClassVar[dict] = {
        "quality_profile": ("defaultQualityProfile", "defaultQualityProfileId", "qualityprofile"),
        "metadata_profile": ("defaultMetadataProfile", "defaultMetadataProfileId", "metadataprofile"),
    }

    def __init__(self, client, params):
        super().__init__(client, params)
        self.named = "metadataprofile" in client.app.has
        self._body: dict = {}
        if not self.named:
            for option in ("name", "quality_profile", "metadata_profile", "monitor", "new_item_monitor", "tags"):
                if params.get(option) is not None:
                    raise ServarrError(f"{self.label}: `{option}` applies to Lidarr and Readarr root folders only")

    @property
    def identity(self) -> str:
        return normal_path(self.params["path"])

    def find(self):
        items = self.client.list(self.endpoint)
        for item in items:
            if normal_path(item.get("path") or "") == self.identity:
                return item
        if self.named and self.params.get("name"):
            return find_named(items, self.params["name"])
        return None

    def view(self, obj) -> dict:
        view = {"path": normal_path(obj.get("path") or "")}
        if self.named:
            view["name"] = obj.get("name")
            for view_key, key, endpoint in self.profiles.values():
                view[view_key] = (self.client.names(endpoint, [obj.get(key)]) or [None])[0]
            for view_key, key in self.defaults.values():
                view[view_key] = obj.get(key)
            view["defaultTags"] = self.client.tag_names(obj.get("defaultTags"))
        return view

    def wanted(self, current) -> dict:
        params = self.params
        wanted = {"path": self.identity}
        if not self.named:
            return wanted
        if params.get("name") is not None:
            wanted["name"] = params["name"]
        for option, (view_key, key, endpoint) in self.profiles.items():
            if params.get(option) is not None:
                self._body[key] = self.client.ids(endpoint, [params[option]], self.label, option)[0]
                wanted[view_key] = (self.client.names(endpoint, [self._body[key]]) or [None])[0]
        for option, (view_key, key) in self.defaults.items():
            if params.get(option) is not None:
                wanted[view_key] = self._body[key] = params[option]
        if params.get("tags") is not None:
            self._body["defaultTags"] = self.client.tag_ids(params["tags"], self.label)
            wanted["defaultTags"] = sorted(str(tag).lower() for tag in params["tags"])
        if current is None:
            missing = [f"`{o}`" for o in ("name", "quality_profile", "metadata_profile") if params.get(o) is None]
            if missing:
                raise ServarrError(f"{self.label}: {' and '.join(missing)} are required to create it")
        return wanted

    def create_body(self, wanted) -> dict:
        body = {"path": self.params["path"]}
        if self.named:
            body.update(
                {
                    "name": wanted["name"],
                    "defaultMonitorOption": "all",
                    "defaultNewItemMonitorOption": "all",
                    "defaultTags": [],
                }
            )
            if self.client.key == "readarr":
                body["isCalibreLibrary"] = False
            body.update(self._body)
        return body

    def update_body(self, current, wanted) -> dict:
        body = copy.deepcopy(current)
        body["path"] = self.params["path"]
        if "name" in wanted:
            body["name"] = wanted["name"]
        body.update(self._body)
        return body


def normal_path(path: str) -> str:
    return posixpath.normpath(path) if path else path


class Settings(Resource):
    """One singleton settings section, ``config/<section>``."""

    #: Keys holding secrets: masked in the diff, and neither compared nor sent while the app answers them masked.
    SECRET_KEYS = frozenset({"password", "passwordConfirmation", "proxyPassword", "sslCertPassword", "apiKey"})

    def __init__(self, client, params):
        super().__init__(client, params)
        self.section = params["section"]
        if self.section not in client.app.sections:
            raise ServarrError(
                f"{client.title} has no {self.section} settings (`section`); it has: {', '.join(client.app.sections)}"
            )
        self.endpoint = f"config/{self.section}"

    @property
    def label(self) -> str:
        return f"{self.client.title} {self.params['section']} settings"

    def find(self):
        return self.client.call(self.label, "GET", self.endpoint)

    def view(self, obj) -> dict:
        return {key: value for key, value in obj.items() if key != "id"}

    def secrets(self, obj) -> set:
        return {key for key in obj if key in self.SECRET_KEYS}

    def wanted(self, current) -> dict:
        given = dict(self.params.get("settings") or {})
        given.update(self.params.get("secret_settings") or {})
        known = self.view(current)
        unknown_keys(
            given, known, self.label, "settings` or `secret_settings", f"{self.client.title} {self.section} setting"
        )
        wanted = {key: coerce(known[key], value) for key, value in given.items()}
        if "password" in wanted and "passwordConfirmation" in known and "passwordConfirmation" not in wanted:
            wanted["passwordConfirmation"] = wanted["password"]
        return wanted

    def update_body(self, current, wanted) -> dict:
        return merged(current, wanted)

    def send(self, method, body=None, ident=None):
        return self.client.call(self.label, method, f"{self.endpoint}/{ident}", body=body)


class CustomFormat(Resource):
    """A custom format from a TRaSH Guides custom format JSON (or the same shape by hand)."""

    endpoint = "customformat"

    def __init__(self, client, params):
        super().__init__(client, params)
        self._body = None

    @property
    def identity(self) -> str:
        return str(self.params.get("name") or (self.params.get("definition") or {}).get("name"))

    def view(self, obj) -> dict:
        return custom_format_view(obj)

    def wanted(self, current) -> dict:
        try:
            body = custom_format_body(self.params["definition"], self.params.get("name"))
        except TrashError as error:
            raise ServarrError(f"{self.label}: {error}") from None
        self._body = fill_specifications(body, current)
        return custom_format_view(self._body)

    def create_body(self, wanted) -> dict:
        return self._body

    def update_body(self, current, wanted) -> dict:
        return dict(self._body, id=current["id"])


class QualityProfile(Resource):
    """A quality profile from a TRaSH Guides quality profile JSON, names resolved against the app."""

    endpoint = "qualityprofile"

    def __init__(self, client, params):
        super().__init__(client, params)
        self._body = None

    @property
    def identity(self) -> str:
        return str(self.params.get("name") or (self.params.get("definition") or {}).get("name"))

    def format_names(self) -> dict:
        return {item["id"]: item["name"] for item in self.client.list("customformat")}

    def view(self, obj) -> dict:
        return quality_profile_view(obj, self.format_names())

    def wanted(self, current) -> dict:
        definition = self.params["definition"]
        schema = self.client.call(self.label, "GET", f"{self.endpoint}/schema") or {}
        languages = None
        if isinstance(definition, dict) and "language" in definition and "language" in self.client.app.has:
            languages = {item["name"]: item for item in self.client.list("language")}
        try:
            self._body = quality_profile_body(
                definition,
                Catalog(
                    self.client.title, schema, {name: ident for ident, name in self.format_names().items()}, languages
                ),
                Scoring(
                    self.params.get("custom_formats") or (), self.params.get("score_set"), self.params.get("scores")
                ),
                name=self.params.get("name"),
            )
        except TrashError as error:
            raise ServarrError(f"{self.label}: {error}") from None
        return self.view(self._body)

    def create_body(self, wanted) -> dict:
        return self._body

    def update_body(self, current, wanted) -> dict:
        return dict(self._body, id=current["id"])
