"""Contract stand-in for the Servarr apps: Sonarr (v3), Radarr (v3), Lidarr (v1), Readarr (v1), Prowlarr (v1).

One ``ServarrStandIn`` per app, each validating every request and answer against that app's
vendored OpenAPI document (``tests/specs/<app>-v<N>.openapi.json``). It behaves like the app
for the endpoints the collection's Servarr modules use:

- ``GET /api`` answers the API information (current version, nothing deprecated).
- ``X-Api-Key`` (or ``?apikey=``) must be the app's key, else 401; ``system/status`` answers 503
  until ``ready_after`` status calls were made (``None``: never ready).
- tags (labels kept lower case), root folders (v3: a path, no PUT; v1: name and default profiles,
  which must exist), settings sections (``config/<section>``).
- providers: download clients, indexers, notifications, Prowlarr applications, each with
  ``/schema`` templates carrying the apps' real field names (QBittorrent, Sabnzbd, Torznab,
  Newznab, MediaBrowser, Webhook, Sonarr/Radarr/Lidarr/Readarr applications, a Cardigann
  definition). Fields with privacy ``password`` or ``apiKey`` are answered ``********``; sending
  ``********`` back keeps the stored value; fields left out of a write get the template's value
  (as the apps rebuild settings from the fields sent). A download client whose fields name one its
  template lacks is refused (400): the apps drop such a field without a word, so a misspelt
  category would leave the client on the app's default one. A value is read as the apps read it
  (``read_field``): a field whose template value is an integer takes the value's text parsed as one
  (0 when it does not parse); a text or true/false field refuses a value of another JSON type (400).
  On create and update an enabled provider's
  connection is tested unless ``forceSave=true``: the test fails when its host (``host`` field, or
  the host of ``baseUrl``) is in ``unreachable``.
- Prowlarr app profiles; quality profiles (every quality present, cutoff allowed, every custom
  format scored, as the apps validate) with ``/schema``; custom formats (specification fields
  completed from the implementation's template; unknown field names dropped); metadata profiles
  (Lidarr, Readarr) and languages (Radarr) to look names up.

Run on its own: ``python -m tests.contract.servarr --app sonarr --port 8989`` (key from
``STANDIN_API_KEY``; ``--spec`` to point at another document).
"""

from __future__ import annotations

import argparse
import copy
import os
import re
import threading
import urllib.parse
from pathlib import Path

from .openapi import SPECS, Spec, StandIn, serve_until_signalled

MASK = "********"
DEFAULT_KEY = "0123456789abcdef0123456789abcdef"

APPS = {
    "sonarr": ("Sonarr", "/api/v3", "sonarr-v3.openapi.json", 8989),
    "radarr": ("Radarr", "/api/v3", "radarr-v3.openapi.json", 7878),
    "lidarr": ("Lidarr", "/api/v1", "lidarr-v1.openapi.json", 8686),
    "readarr": ("Readarr", "/api/v1", "readarr-v1.openapi.json", 8787),
    "prowlarr": ("Prowlarr", "/api/v1", "prowlarr-v1.openapi.json", 9696),
}
PROVIDERS = {
    "downloadclient": "DownloadClientResource",
    "indexer": "IndexerResource",
    "notification": "NotificationResource",
    "applications": "ApplicationResource",
}
SECRET_KEYS = ("password", "passwordConfirmation", "proxyPassword", "sslCertPassword")


# --- the apps' data ----------------------------------------------------------------------------

#: (id, name, source, resolution, modifier) per quality, worst first as the apps list them.
QUALITIES = {
    "sonarr": [
        (0, "Unknown", "unknown", 0),
        (1, "SDTV", "television", 480),
        (12, "WEBRip-480p", "webRip", 480),
        (8, "WEBDL-480p", "web", 480),
        (2, "DVD", "dvd", 480),
        (13, "Bluray-480p", "bluray", 480),
        (22, "Bluray-576p", "bluray", 576),
        (4, "HDTV-720p", "television", 720),
        (9, "HDTV-1080p", "television", 1080),
        (10, "Raw-HD", "televisionRaw", 1080),
        (14, "WEBRip-720p", "webRip", 720),
        (5, "WEBDL-720p", "web", 720),
        (6, "Bluray-720p", "bluray", 720),
        (15, "WEBRip-1080p", "webRip", 1080),
        (3, "WEBDL-1080p", "web", 1080),
        (7, "Bluray-1080p", "bluray", 1080),
        (20, "Bluray-1080p Remux", "blurayRaw", 1080),
        (16, "HDTV-2160p", "television", 2160),
        (17, "WEBRip-2160p", "webRip", 2160),
        (18, "WEBDL-2160p", "web", 2160),
        (19, "Bluray-2160p", "bluray", 2160),
        (21, "Bluray-2160p Remux", "blurayRaw", 2160),
    ],
    "radarr": [
        (0, "Unknown", "unknown", 0, "none"),
        (24, "WORKPRINT", "workprint", 0, "none"),
        (25, "CAM", "cam", 0, "none"),
        (26, "TELESYNC", "telesync", 0, "none"),
        (27, "TELECINE", "telecine", 0, "none"),
        (29, "REGIONAL", "dvd", 480, "regional"),
        (28, "DVDSCR", "dvd", 480, "screener"),
        (1, "SDTV", "tv", 480, "none"),
        (2, "DVD", "dvd", 0, "none"),
        (23, "DVD-R", "dvd", 480, "remux"),
        (8, "WEBDL-480p", "webdl", 480, "none"),
        (12, "WEBRip-480p", "webrip", 480, "none"),
        (20, "Bluray-480p", "bluray", 480, "none"),
        (21, "Bluray-576p", "bluray", 576, "none"),
        (4, "HDTV-720p", "tv", 720, "none"),
        (5, "WEBDL-720p", "webdl", 720, "none"),
        (14, "WEBRip-720p", "webrip", 720, "none"),
        (6, "Bluray-720p", "bluray", 720, "none"),
        (9, "HDTV-1080p", "tv", 1080, "none"),
        (3, "WEBDL-1080p", "webdl", 1080, "none"),
        (15, "WEBRip-1080p", "webrip", 1080, "none"),
        (7, "Bluray-1080p", "bluray", 1080, "none"),
        (30, "Remux-1080p", "bluray", 1080, "remux"),
        (16, "HDTV-2160p", "tv", 2160, "none"),
        (18, "WEBDL-2160p", "webdl", 2160, "none"),
        (17, "WEBRip-2160p", "webrip", 2160, "none"),
        (19, "Bluray-2160p", "bluray", 2160, "none"),
        (31, "Remux-2160p", "bluray", 2160, "remux"),
        (22, "BR-DISK", "bluray", 1080, "brdisk"),
        (10, "Raw-HD", "tv", 1080, "rawhd"),
    ],
    "lidarr": [
        (0, "Unknown"),
        (1, "MP3-192"),
        (3, "MP3-256"),
        (4, "MP3-320"),
        (11, "AAC-320"),
        (6, "FLAC"),
        (7, "ALAC"),
        (21, "FLAC 24bit"),
    ],
    "readarr": [
        (0, "Unknown"),
        (1, "PDF"),
        (2, "MOBI"),
        (3, "EPUB"),
        (4, "AZW3"),
        (10, "MP3"),
        (11, "M4B"),
        (13, "FLAC"),
    ],
}
#: The second default quality profile each app ships, and the qualities it allows.
STARTER_PROFILE = {
    "sonarr": ("HD-1080p", ("HDTV-1080p", "WEBRip-1080p", "WEBDL-1080p", "Bluray-1080p")),
    "radarr": ("HD-1080p", ("HDTV-1080p", "WEBRip-1080p", "WEBDL-1080p", "Bluray-1080p")),
    "lidarr": ("Lossless", ("FLAC", "ALAC", "FLAC 24bit")),
    "readarr": ("eBook", ("MOBI", "EPUB", "AZW3")),
}
LANGUAGES = [(-2, "Original"), (-1, "Any"), (1, "English"), (2, "French"), (4, "German"), (8, "Japanese")]

#: Custom format specification implementations: (UI name, [(field, default, type)]), and who has them.
CF_SPECS = {
    "ReleaseTitleSpecification": ("Release Title", [("value", "", "textbox")]),
    "ReleaseGroupSpecification": ("Release Group", [("value", "", "textbox")]),
    "IndexerFlagSpecification": ("Indexer Flag", [("value", 0, "select")]),
    "SizeSpecification": ("Size", [("min", 0, "number"), ("max", 0, "number")]),
    "LanguageSpecification": ("Language", [("value", 0, "select"), ("exceptLanguage", False, "checkbox")]),
    "SourceSpecification": ("Source", [("value", 0, "select")]),
    "ResolutionSpecification": ("Resolution", [("value", 0, "select")]),
    "ReleaseTypeSpecification": ("Release Type", [("value", 0, "select")]),
    "QualityModifierSpecification": ("Quality Modifier", [("value", 0, "select")]),
}
CF_SPECS_OF = {
    "sonarr": (
        "ReleaseTitleSpecification",
        "ReleaseGroupSpecification",
        "IndexerFlagSpecification",
        "SizeSpecification",
        "LanguageSpecification",
        "SourceSpecification",
        "ResolutionSpecification",
        "ReleaseTypeSpecification",
    ),
    "radarr": (
        "ReleaseTitleSpecification",
        "ReleaseGroupSpecification",
        "IndexerFlagSpecification",
        "SizeSpecification",
        "LanguageSpecification",
        "SourceSpecification",
        "ResolutionSpecification",
        "QualityModifierSpecification",
    ),
    "lidarr": (
        "ReleaseTitleSpecification",
        "ReleaseGroupSpecification",
        "IndexerFlagSpecification",
        "SizeSpecification",
    ),
    "readarr": (
        "ReleaseTitleSpecification",
        "ReleaseGroupSpecification",
        "IndexerFlagSpecification",
        "SizeSpecification",
    ),
}
#: Download-client fields named after what the app downloads: category, imported category, priorities.
MEDIA_FIELDS = {
    "sonarr": ("tvCategory", "tvImportedCategory", "recentTvPriority", "olderTvPriority", "tv-sonarr"),
    "radarr": ("movieCategory", "movieImportedCategory", "recentMoviePriority", "olderMoviePriority", "radarr"),
    "lidarr": ("musicCategory", "musicImportedCategory", "recentMusicPriority", "olderMusicPriority", "lidarr"),
    "readarr": ("musicCategory", "musicImportedCategory", "recentTvPriority", "olderTvPriority", "readarr"),
}
SYNC_CATEGORIES = {
    "Sonarr": (8989, [5000, 5010, 5020, 5030, 5040, 5045, 5050, 5090]),
    "Radarr": (7878, [2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060, 2070, 2080, 2090]),
    "Lidarr": (8686, [3000, 3010, 3030, 3040, 3050, 3060]),
    "Readarr": (8787, [3030, 7000, 7010, 7020, 7030, 7040, 7050, 7060]),
}


def field(order: int, name: str, value=None, kind: str = "textbox", privacy: str = "normal", **extra) -> dict:
    label = extra.pop("label", name[:1].upper() + name[1:])
    return {
        "order": order,
        "name": name,
        "label": label,
        "value": value,
        "type": kind,
        "advanced": False,
        "privacy": privacy,
        **extra,
    }


INT32 = re.compile(r"\s*[+-]?[0-9]+\s*")


def read_field(template_value, value):
    """A sent field value as the apps' SchemaBuilder reads it into the settings property whose type
    the template's value has: an int property takes the value's text parsed as an integer (.NET's
    ``int.TryParse``: digits, a sign, spaces around), 0 when it does not parse or is missing; a text
    or true/false property takes only a JSON value of its own type (the JSON deserializer refuses
    any other: ValueError); other properties (lists, untyped) take the value as sent."""
    if isinstance(template_value, bool):
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"the JSON value could not be converted to a bool: {value!r}")
        return value
    if isinstance(template_value, int):
        text = "" if value is None else ("True" if value is True else "False" if value is False else str(value))
        number = int(text) if INT32.fullmatch(text) else 0
        return number if -(2**31) <= number < 2**31 else 0
    if isinstance(template_value, str):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"the JSON value could not be converted to a string: {value!r}")
        return value
    return value


def fields(*specs) -> list:
    """Field objects from ``(name, default, type[, privacy])`` tuples, in order."""
    return [field(order, *spec) for order, spec in enumerate(specs)]


def provider(implementation: str, name: str, contract: str, field_list: list, **top) -> dict:
    return {
        "id": 0,
        "name": "",
        "implementation": implementation,
        "implementationName": name,
        "configContract": contract,
        "infoLink": f"https://wiki.servarr.com/supported#{implementation.lower()}",
        "fields": field_list,
        "tags": [],
        "presets": [],
        **top,
    }


def download_client_templates(app: str) -> list:
    connection = [
        ("host", "localhost", "textbox"),
        ("port", 8080, "textbox"),
        ("useSsl", False, "checkbox"),
        ("urlBase", "", "textbox"),
        ("username", "", "textbox", "userName"),
    ]
    if app == "prowlarr":
        media, imported = [("category", "prowlarr", "textbox"), ("priority", 0, "select")], ""
    else:
        category, imported, recent, older, default = MEDIA_FIELDS[app]
        media = [(category, default, "textbox"), (imported, "", "textbox"), (recent, 0, "select"), (older, 0, "select")]
    top = {
        "enable": False,
        "priority": 1,
        "removeCompletedDownloads": True,
        "removeFailedDownloads": True,
        "categories": [],
        "supportsCategories": True,
    }
    # Sonarr's qBittorrent client also signs in with qBittorrent's API key instead of a password.
    api_key = [("apiKey", "", "textbox", "apiKey")] if app == "sonarr" else []
    qbittorrent = [*connection[:4], *api_key, *connection[4:], ("password", "", "password", "password"), *media]
    qbittorrent += [
        ("initialState", 0, "select"),
        ("sequentialOrder", False, "checkbox"),
        ("firstAndLast", False, "checkbox"),
        ("contentLayout", 0, "select"),
    ]
    sabnzbd = [*connection[:4], ("apiKey", "", "textbox", "apiKey"), *connection[4:]]
    # SABnzbd has no category for imported downloads.
    sabnzbd += [("password", "", "password", "password"), *(spec for spec in media if spec[0] != imported)]
    return [
        provider("QBittorrent", "qBittorrent", "QBittorrentSettings", fields(*qbittorrent), protocol="torrent", **top),
        provider("Sabnzbd", "SABnzbd", "SabnzbdSettings", fields(*sabnzbd), protocol="usenet", **top),
    ]


def indexer_templates(app: str) -> list:
    if app == "prowlarr":
        top = {
            "enable": False,
            "redirect": False,
            "supportsRss": True,
            "supportsSearch": True,
            "supportsRedirect": False,
            "supportsPagination": False,
            "appProfileId": 0,
            "priority": 25,
            "downloadClientId": 0,
            "added": "0001-01-01T00:00:00Z",
            "indexerUrls": [],
            "legacyUrls": [],
            "language": "en-US",
            "encoding": "Unicode (UTF-8)",
        }
        generic = [
            ("baseUrl", "", "textbox"),
            ("apiPath", "/api", "textbox"),
            ("apiKey", "", "textbox", "apiKey"),
            ("additionalParameters", "", "textbox"),
        ]
        cardigann = [
            ("definitionFile", "1337x", "hidden"),
            ("baseUrl", "https://1337x.to/", "select"),
            ("torrentBaseSettings.seedRatio", None, "number"),
            ("torrentBaseSettings.seedTime", None, "number"),
            ("sort", 2, "select"),
            ("type", 1, "select"),
        ]
        return [
            provider(
                "Newznab",
                "Newznab",
                "NewznabSettings",
                fields(*generic),
                definitionName="Newznab",
                protocol="usenet",
                privacy="private",
                sortName="newznab",
                **top,
            ),
            provider(
                "Torznab",
                "Torznab",
                "TorznabSettings",
                fields(*generic),
                definitionName="Torznab",
                protocol="torrent",
                privacy="private",
                sortName="torznab",
                **top,
            ),
            provider(
                "Cardigann",
                "Cardigann",
                "CardigannSettings",
                fields(*cardigann),
                definitionName="1337x",
                protocol="torrent",
                privacy="public",
                sortName="1337x",
                description="1337X is a public torrent site",
                **top,
            ),
        ]
    categories = {
        "sonarr": [5030, 5040],
        "radarr": [2000, 2010, 2020, 2030, 2040, 2045, 2050, 2060],
        "lidarr": [3000, 3010, 3030, 3040],
        "readarr": [3030, 7000, 7020],
    }[app]
    top = {
        "enableRss": False,
        "enableAutomaticSearch": False,
        "enableInteractiveSearch": False,
        "supportsRss": True,
        "supportsSearch": True,
        "priority": 25,
        "seasonSearchMaximumSingleEpisodeAge": 0,
        "downloadClientId": 0,
    }
    newznab = [
        ("baseUrl", "", "textbox"),
        ("apiPath", "/api", "textbox"),
        ("apiKey", "", "textbox", "apiKey"),
        ("categories", categories, "select"),
        ("additionalParameters", "", "textbox"),
    ]
    torznab = [
        *newznab,
        ("minimumSeeders", 1, "number"),
        ("seedCriteria.seedRatio", None, "number"),
        ("seedCriteria.seedTime", None, "number"),
    ]
    return [
        provider("Newznab", "Newznab", "NewznabSettings", fields(*newznab), protocol="usenet", **top),
        provider("Torznab", "Torznab", "TorznabSettings", fields(*torznab), protocol="torrent", **top),
    ]


#: The apps with the Emby / Jellyfin (MediaBrowser) notification.
MEDIA_BROWSER_APPS = ("sonarr", "radarr", "lidarr")


def notification_templates(app: str) -> list:
    webhook = fields(
        ("url", "", "url"),
        ("method", 1, "select"),
        ("username", "", "textbox", "userName"),
        ("password", "", "password", "password"),
    )
    templates = [provider("Webhook", "Webhook", "WebhookSettings", webhook, link="https://wiki.servarr.com/webhook")]
    # Emby / Jellyfin: Sonarr, Radarr and Lidarr have it (Lidarr without the path mapping);
    # Bookshelf, run as readarr, has none (see tests/fixtures/servarr-notification-fields.yml).
    if app in MEDIA_BROWSER_APPS:
        mapping = [("mapFrom", "", "textbox"), ("mapTo", "", "textbox")] if app != "lidarr" else []
        media_browser = fields(
            ("host", "localhost", "textbox"),
            ("port", 8096, "textbox"),
            ("useSsl", False, "checkbox"),
            ("urlBase", "", "textbox"),
            ("apiKey", "", "textbox", "apiKey"),
            ("notify", False, "checkbox"),
            ("updateLibrary", app != "lidarr", "checkbox"),
            *mapping,
        )
        templates.append(
            provider(
                "MediaBrowser",
                "Emby / Jellyfin",
                "MediaBrowserSettings",
                media_browser,
                link="https://wiki.servarr.com/mediabrowser",
            )
        )
    return templates


def application_templates() -> list:
    """Prowlarr's Sonarr, Radarr, Lidarr and Readarr applications as /schema lists them (their
    settings classes: tests/fixtures/prowlarr-application-fields.yml)."""
    templates = []
    for name, (port, categories) in SYNC_CATEGORIES.items():
        specs = [
            ("prowlarrUrl", "http://localhost:9696", "textbox"),
            ("baseUrl", f"http://localhost:{port}", "textbox"),
            ("apiKey", "", "textbox", "apiKey"),
            ("syncCategories", categories, "select"),
        ]
        if name == "Sonarr":
            specs += [("animeSyncCategories", [5070], "select"), ("syncAnimeStandardFormatSearch", True, "checkbox")]
        specs.append(("syncRejectBlocklistedTorrentHashesWhileGrabbing", False, "checkbox"))
        templates.append(provider(name, name, f"{name}Settings", fields(*specs), syncLevel="fullSync"))
    return templates


# --- the stand-in ------------------------------------------------------------------------------


class ServarrStandIn(StandIn):
    """One Servarr app on loopback, validated against its own OpenAPI document."""

    def __init__(
        self,
        app: str,
        api_key: str = DEFAULT_KEY,
        spec: Spec | None = None,
        ready_after: int | None = 0,
        unreachable=(),
    ):
        title, base, spec_name, port = APPS[app]
        super().__init__(spec or Spec(SPECS / spec_name))
        self.app, self.title, self.base, self.port = app, title, base, port
        self.api_key = api_key
        self.ready_after = ready_after
        self.unreachable = set(unreachable)
        self.status_calls = 0
        self.lock = threading.Lock()
        self.store: dict = {}
        self.next_id: dict = {}
        self.templates = {
            "downloadclient": download_client_templates(app),
            "indexer": indexer_templates(app),
            "notification": notification_templates(app),
            "applications": application_templates() if app == "prowlarr" else [],
        }
        for kind, templates in self.templates.items():
            schema = PROVIDERS[kind]
            for template in templates:
                self._provider_defaults(kind, template)
                # Readarr's last API has no field privacy: it answers every field in clear.
                template["fields"] = [self.fit(entry, "Field") for entry in template["fields"]]
            self.templates[kind] = [self.fit(template, schema) for template in templates]
        self._seed()

    # -- helpers --

    @property
    def writes(self) -> list:
        """Every write request received, as ``(method, path)``."""
        return [request for request in self.requests if request[0] in ("POST", "PUT", "DELETE")]

    def schema(self, name: str) -> dict:
        return self.spec.document["components"]["schemas"][name]

    def fit(self, obj: dict, schema: str) -> dict:
        """``obj`` without the keys the app's ``schema`` does not have."""
        known = self.schema(schema).get("properties") or {}
        return {key: value for key, value in obj.items() if key in known}

    def example(self, schema: str) -> dict:
        """A valid object of ``schema``: every scalar property at its zero value, enums at their first."""
        result = {}
        for key, declared in (self.schema(schema).get("properties") or {}).items():
            prop = self.plain(declared)
            if "enum" in prop:
                result[key] = next(value for value in prop["enum"] if value is not None)
                continue
            kind = prop.get("type")
            kind = next(k for k in kind if k != "null") if isinstance(kind, list) else kind
            zero = {"boolean": False, "integer": 0, "number": 0.0, "string": "", "array": []}
            if kind in zero:
                result[key] = copy.copy(zero[kind])
        return result

    def plain(self, prop: dict) -> dict:
        """A property schema with references and nullable wrappers followed."""
        while True:
            if "allOf" in prop:
                prop = prop["allOf"][0]
            elif "anyOf" in prop:
                prop = next(option for option in prop["anyOf"] if option.get("type") != "null")
            elif "$ref" in prop:
                prop = self.spec._resolve(prop)
            else:
                return prop

    def add(self, kind: str, obj: dict) -> dict:
        ident = obj.get("id") or self.next_id.get(kind, 1)
        self.next_id[kind] = max(self.next_id.get(kind, 1), ident + 1)
        obj["id"] = ident
        self.store.setdefault(kind, {})[ident] = obj
        return obj

    def items(self, kind: str) -> list:
        return list(self.store.get(kind, {}).values())

    def _provider_defaults(self, kind: str, template: dict) -> None:
        if kind == "notification":
            for key in self.schema("NotificationResource")["properties"]:
                if key.startswith("supportsOn"):
                    template[key] = True
                elif key.startswith(("on", "include")):
                    template[key] = False

    def quality(self, spec: tuple) -> dict:
        keys = ("id", "name", "source", "resolution", "modifier")
        return self.fit(dict(zip(keys, spec, strict=False)), "Quality")

    def _seed(self) -> None:
        app = self.app
        section_names = (
            ("host", "downloadclient", "ui")
            if app == "prowlarr"
            else ("host", "naming", "mediamanagement", "downloadclient", "indexer", "ui")
        )
        schemas = {
            "host": "HostConfigResource",
            "naming": "NamingConfigResource",
            "mediamanagement": "MediaManagementConfigResource",
            "downloadclient": "DownloadClientConfigResource",
            "indexer": "IndexerConfigResource",
            "ui": "UiConfigResource",
        }
        realistic = {
            "host": {
                "bindAddress": "*",
                "port": self.port,
                "authenticationMethod": "forms",
                "authenticationRequired": "enabled",
                "apiKey": self.api_key,
                "instanceName": self.title,
                "branch": "main",
                "logLevel": "info",
                "backupFolder": "Backups",
                "backupInterval": 7,
                "backupRetention": 28,
            },
            "mediamanagement": {
                "copyUsingHardlinks": True,
                "importExtraFiles": False,
                "extraFileExtensions": "srt",
                "recycleBinCleanupDays": 7,
                "chmodFolder": "755",
            },
            "downloadclient": {"enableCompletedDownloadHandling": True, "autoRedownloadFailed": True},
            "indexer": {"rssSyncInterval": 15},
            "ui": {"theme": "auto", "firstDayOfWeek": 0},
            "naming": {"renameEpisodes": False, "renameMovies": False, "replaceIllegalCharacters": True},
        }
        for section in section_names:
            obj = self.example(schemas[section])
            obj.update({key: value for key, value in realistic.get(section, {}).items() if key in obj})
            obj["id"] = 1
            self.store.setdefault("config", {})[section] = obj
        if app == "prowlarr":
            self.add(
                "appprofile",
                {
                    "name": "Standard",
                    "enableRss": True,
                    "enableAutomaticSearch": True,
                    "enableInteractiveSearch": True,
                    "minimumSeeders": 1,
                },
            )
            return
        qualities = QUALITIES[app]
        every = [quality[1] for quality in qualities[1:]]
        starter, allowed = STARTER_PROFILE[app]
        for name, wanted in (("Any", every), (starter, allowed)):
            items = [
                {"quality": self.quality(quality), "items": [], "allowed": quality[1] in wanted}
                for quality in qualities
            ]
            cutoff = next(item["quality"]["id"] for item in items if item["allowed"])
            profile = self.fit(self.example("QualityProfileResource"), "QualityProfileResource")
            profile.update(name=name, upgradeAllowed=True, cutoff=cutoff, items=items, formatItems=[])
            if "language" in profile or app == "radarr":
                profile["language"] = {"id": 1, "name": "English"}
            self.add("qualityprofile", profile)
        if app in ("lidarr", "readarr"):
            for name in ("Standard", "None"):
                self.add("metadataprofile", dict(self.example("MetadataProfileResource"), name=name))

    # -- request handling --

    def handle(self, method, path, query, body, headers):
        if method == "GET" and path.rstrip("/") == "/api":
            # The apps' API information (their ApiInfoController): the current version, nothing
            # deprecated. Answered with or without a key: the spec documents only its 200.
            return 200, {"current": self.base.rsplit("/", 1)[1], "deprecated": []}
        if not path.startswith(self.base + "/"):
            return 404, {"message": "NotFound"}
        key = headers.get("X-Api-Key") or (query.get("apikey") or [None])[0]
        rest = path[len(self.base) + 1 :].strip("/")
        with self.lock:
            if rest == "system/status":
                self.status_calls += 1
                if self.ready_after is None or self.status_calls <= self.ready_after:
                    return 503, {"message": f"{self.title} is starting"}
            if key != self.api_key:
                return 401, None
            return self.route(method, rest.split("/"), query, body)

    def route(self, method, parts, query, body):
        head, rest = parts[0], parts[1:]
        if parts == ["system", "status"]:
            return 200, self.status()
        if head == "config" and rest:
            return self.config(method, rest[0], rest[1:], body)
        if head in PROVIDERS:
            return self.providers(method, head, rest, query, body)
        handlers = {
            "tag": self.tags,
            "rootfolder": self.root_folders,
            "appprofile": self.app_profiles,
            "qualityprofile": self.quality_profiles,
            "customformat": self.custom_formats,
            "metadataprofile": self.lookups,
            "language": self.lookups,
        }
        if head in handlers:
            return handlers[head](method, parts if handlers[head] == self.lookups else rest, body)
        return 404, {"message": "NotFound"}

    def lookups(self, method, parts, _body):
        """What names are looked up in: metadata profiles (Lidarr, Readarr) and languages (Radarr)."""
        if method != "GET" or len(parts) != 1:
            return 405, {"message": "Method not allowed"}
        if parts[0] == "language":
            return 200, [{"id": ident, "name": name, "nameLower": name.lower()} for ident, name in LANGUAGES]
        return 200, self.items(parts[0])

    @staticmethod
    def invalid(prop: str, message: str, value=None):
        return 400, [{"propertyName": prop, "errorMessage": message, "attemptedValue": value, "severity": "error"}]

    def status(self) -> dict:
        status = {
            "appName": self.title,
            "instanceName": self.title,
            "version": "4.0.14.2939",
            "isDocker": True,
            "isLinux": True,
            "isProduction": True,
            "authentication": "forms",
            "urlBase": "",
            "branch": "main",
            "startTime": "2026-01-01T00:00:00Z",
            "buildTime": "2026-01-01T00:00:00Z",
        }
        return self.fit(status, "SystemResource")

    def crud(self, method, kind, rest, body, save):
        """List, get, create (``save(body, None)``), update (``save(body, old)``) and delete ``kind``."""
        if not rest:
            collection = {
                "GET": lambda: (200, [self.answer(kind, obj) for obj in self.items(kind)]),
                "POST": lambda: save(body, None),
            }
            action = collection.get(method)
        elif rest[0].isdigit() and int(rest[0]) in self.store.get(kind, {}):
            obj = self.store[kind][int(rest[0])]
            one = {
                "GET": lambda: (200, self.answer(kind, obj)),
                "PUT": lambda: save(body, obj),
                "DELETE": lambda: self.delete(kind, obj),
            }
            action = one.get(method)
        else:
            return 404, {"message": "NotFound"}
        return action() if action else (405, {"message": "Method not allowed"})

    def delete(self, kind, obj):
        del self.store[kind][obj["id"]]
        if kind == "customformat":
            for profile in self.items("qualityprofile"):
                profile["formatItems"] = [entry for entry in profile["formatItems"] if entry["format"] != obj["id"]]
        return 200, None

    def answer(self, kind, obj):
        """What the app answers for a stored object: secrets masked."""
        result = copy.deepcopy(obj)
        for entry in result.get("fields") or []:
            if entry.get("privacy") in ("password", "apiKey") and entry.get("value"):
                entry["value"] = MASK
        if kind == "config":
            for key in SECRET_KEYS:
                if result.get(key):
                    result[key] = MASK
        return result

    # -- tags, root folders, app profiles --

    def tags(self, method, rest, body):
        def save(body, old):
            label = str(body.get("label") or "").lower()
            if not label:
                return self.invalid("Label", "'Label' must not be empty.")
            existing = [tag for tag in self.items("tag") if tag["label"] == label]
            if old is None and existing:
                return 200, existing[0]
            obj = old if old is not None else self.add("tag", {})
            obj["label"] = label
            return 200, obj

        return self.crud(method, "tag", rest, body, save)

    def root_folders(self, method, rest, body):
        named = self.app in ("lidarr", "readarr")

        def save(body, old):
            path = str(body.get("path") or "")
            if not path.startswith("/"):
                return self.invalid("Path", "Invalid Path", path)
            if any(
                folder["path"].rstrip("/") == path.rstrip("/")
                for folder in self.items("rootfolder")
                if folder is not old
            ):
                return self.invalid("Path", "Path is already configured as a root folder", path)
            if named:
                if not body.get("name"):
                    return self.invalid("Name", "'Name' must not be empty.")
                for key, kind in (
                    ("defaultQualityProfileId", "qualityprofile"),
                    ("defaultMetadataProfileId", "metadataprofile"),
                ):
                    if body.get(key) not in self.store.get(kind, {}):
                        return self.invalid(key[0].upper() + key[1:], f"{kind} does not exist", body.get(key))
            obj = {
                **(old or {}),
                **body,
                "path": path,
                "accessible": True,
                "freeSpace": 10**12,
                "totalSpace": 2 * 10**12,
            }
            obj = self.fit(dict(obj, unmappedFolders=[]), "RootFolderResource")
            if old is None:
                obj.pop("id", None)
                return 200, self.add("rootfolder", obj)
            obj["id"] = old["id"]
            self.store["rootfolder"][old["id"]] = obj
            return 200, obj

        return self.crud(method, "rootfolder", rest, body, save)

    def app_profiles(self, method, rest, body):
        if rest == ["schema"] and method == "GET":
            return 200, {
                "id": 0,
                "name": "",
                "enableRss": True,
                "enableAutomaticSearch": True,
                "enableInteractiveSearch": True,
                "minimumSeeders": 1,
            }

        def save(body, old):
            problem = self.unique_name("appprofile", body, old)
            if problem:
                return problem
            obj = old if old is not None else self.add("appprofile", {})
            obj.update({key: value for key, value in body.items() if key != "id"})
            return 200, obj

        return self.crud(method, "appprofile", rest, body, save)

    def unique_name(self, kind, body, old):
        name = str(body.get("name") or "")
        if not name:
            return self.invalid("Name", "'Name' must not be empty.")
        if any(obj["name"].lower() == name.lower() for obj in self.items(kind) if obj is not old):
            return self.invalid("Name", "Should be unique", name)
        return None

    # -- providers --

    def providers(self, method, kind, rest, query, body):
        if rest == ["schema"] and method == "GET":
            return 200, copy.deepcopy(self.templates[kind])

        def save(body, old):
            return self.save_provider(kind, body, old, (query.get("forceSave") or ["false"])[0].lower() == "true")

        return self.crud(method, kind, rest, body, save)

    def save_provider(self, kind, body, old, force):
        implementation = str(body.get("implementation") or "")
        wanted = str(body.get("definitionName") or "")
        matches = [t for t in self.templates[kind] if t["implementation"] == implementation]
        template = next((t for t in matches if not wanted or t.get("definitionName") == wanted), None)
        if template is None:
            return self.invalid("Implementation", f"Unknown implementation {implementation}", implementation)
        problem = self.unique_name(kind, body, old)
        if problem:
            return problem
        obj = copy.deepcopy(template)
        obj.pop("presets", None)
        for key, value in body.items():
            if key in obj and key not in ("id", "fields", "implementation", "implementationName", "configContract"):
                obj[key] = value
        problem = self.read_fields(kind, obj, body, old)
        if problem:
            return problem
        if "appProfileId" in obj and obj["appProfileId"] not in self.store.get("appprofile", {}):
            return self.invalid("AppProfileId", "App Profile does not exist", obj["appProfileId"])
        if self.enabled(kind, obj) and not force:
            values = {entry["name"]: entry["value"] for entry in obj["fields"]}
            host = values.get("host") or urllib.parse.urlsplit(str(values.get("baseUrl") or "")).hostname
            if host in self.unreachable:
                return self.invalid(
                    "", f"Unable to connect to {obj['implementationName']} at {host}: connection refused"
                )
        if old is None:
            self.add(kind, obj)
        else:
            obj["id"] = old["id"]
            self.store[kind][old["id"]] = obj
        return 200, self.answer(kind, obj)

    def read_fields(self, kind, obj, body, old):
        """Set ``obj``'s fields from those of ``body`` as the app reads them; a 400 answer, or None.

        A download client naming a field its template lacks is refused (see the module docstring)."""
        stored = {entry["name"]: entry["value"] for entry in (old or {}).get("fields", [])}
        given = {entry["name"]: entry.get("value") for entry in body.get("fields") or []}
        known = {entry["name"] for entry in obj["fields"]}
        unknown = sorted(name for name in given if name not in known)
        if kind == "downloadclient" and unknown:
            return self.invalid(
                unknown[0], f"Unknown field of {obj['implementation']}: {unknown[0]}", given[unknown[0]]
            )
        for entry in obj["fields"]:
            if entry["name"] in given:
                value = given[entry["name"]]
                value = stored.get(entry["name"], "") if value == MASK else value
                try:
                    entry["value"] = read_field(entry["value"], value)
                except ValueError as error:
                    return self.invalid(entry["name"], f"{entry['name']}: {error}", value)
        return None

    def enabled(self, kind, obj) -> bool:
        """Whether the app tests the provider on save (its ``Enable``)."""
        if kind == "notification":
            return any(value for key, value in obj.items() if key.startswith("on") and value is True)
        if kind == "applications":
            return obj.get("syncLevel") != "disabled"
        if kind == "indexer" and "enable" not in obj:
            return bool(obj.get("enableRss") or obj.get("enableAutomaticSearch") or obj.get("enableInteractiveSearch"))
        return bool(obj.get("enable"))

    # -- settings sections --

    def config(self, method, section, rest, body):
        obj = self.store.get("config", {}).get(section)
        if obj is None:
            return 404, {"message": "NotFound"}
        if method == "GET" and (not rest or rest == [str(obj["id"])]):
            return 200, self.answer("config", obj)
        if method == "PUT" and rest == [str(obj["id"])]:
            for key, value in body.items():
                if key == "id" or (key in SECRET_KEYS and value == MASK):
                    continue
                obj[key] = value
            if obj.get("password") and obj.get("passwordConfirmation") not in (None, obj["password"]):
                return self.invalid("PasswordConfirmation", "Must match Password")
            return 200, self.answer("config", obj)
        return 405, {"message": "Method not allowed"}

    # -- quality profiles and custom formats --

    def quality_profiles(self, method, rest, body):
        if rest == ["schema"] and method == "GET":
            profile = self.fit(self.example("QualityProfileResource"), "QualityProfileResource")
            profile.update(
                name="",
                upgradeAllowed=False,
                cutoff=0,
                items=[{"quality": self.quality(q), "items": [], "allowed": False} for q in QUALITIES[self.app]],
                formatItems=[{"format": cf["id"], "name": cf["name"], "score": 0} for cf in self.items("customformat")],
            )
            if self.app == "radarr":
                profile["language"] = {"id": 1, "name": "English"}
            profile.pop("id", None)
            return 200, profile

        def save(body, old):
            problem = self.unique_name("qualityprofile", body, old) or self.check_profile(body)
            if problem:
                return problem
            names = {cf["id"]: cf["name"] for cf in self.items("customformat")}
            obj = copy.deepcopy(body)
            obj["formatItems"] = [dict(entry, name=names[entry["format"]]) for entry in obj["formatItems"]]
            if old is None:
                obj.pop("id", None)
                self.add("qualityprofile", obj)
            else:
                obj["id"] = old["id"]
                self.store["qualityprofile"][old["id"]] = obj
            return 200, obj

        return self.crud(method, "qualityprofile", rest, body, save)

    def check_profile(self, body):
        """The apps' quality profile validation: all qualities once, an allowed cutoff, every custom format."""
        seen, allowed_ids = [], set()
        for item in body.get("items") or []:
            members = item.get("items") or []
            if members:
                seen += [member["quality"]["id"] for member in members]
            elif item.get("quality"):
                seen.append(item["quality"]["id"])
            if item.get("allowed"):
                allowed_ids.add(item.get("id") if members else item["quality"]["id"])
        every = sorted(quality[0] for quality in QUALITIES[self.app])
        if sorted(seen) != every:
            return self.invalid("Items", "Must contain all qualities")
        if not allowed_ids:
            return self.invalid("Items", "Must contain at least one allowed quality")
        if body.get("cutoff") not in allowed_ids:
            return self.invalid("Cutoff", "Cutoff must be an allowed quality or group", body.get("cutoff"))
        formats = sorted(cf["id"] for cf in self.items("customformat"))
        given = sorted(entry["format"] for entry in body.get("formatItems") or [])
        if given != formats:
            return self.invalid(
                "FormatItems",
                "All Custom Formats and no extra ones need to be present inside your Profile! "
                "Try refreshing your browser.",
            )
        scores = [entry.get("score", 0) for entry in body.get("formatItems") or []]
        minimum = body.get("minFormatScore", 0)
        if scores and sum(s for s in scores if s > 0) < minimum and max(scores) < minimum:
            return self.invalid("MinFormatScore", "Minimum Custom Format Score can never be satisfied")
        return None

    def spec_template(self, implementation: str) -> dict:
        name, specs = CF_SPECS[implementation]
        return {
            "id": 0,
            "name": name,
            "implementation": implementation,
            "implementationName": name,
            "infoLink": "https://wiki.servarr.com/custom-formats",
            "negate": False,
            "required": False,
            "fields": [self.fit(entry, "Field") for entry in fields(*specs)],
        }

    def custom_formats(self, method, rest, body):
        if rest == ["schema"] and method == "GET":
            return 200, [
                dict(self.spec_template(implementation), presets=[]) for implementation in CF_SPECS_OF[self.app]
            ]

        def save(body, old):
            problem = self.unique_name("customformat", body, old)
            if problem:
                return problem
            specifications = []
            for index, spec in enumerate(body.get("specifications") or []):
                implementation = spec.get("implementation")
                if implementation not in CF_SPECS_OF[self.app]:
                    return self.invalid(
                        f"Specifications[{index}].Implementation", "Unknown implementation", implementation
                    )
                stored = self.spec_template(implementation)
                given = {entry["name"]: entry.get("value") for entry in spec.get("fields") or []}
                for entry in stored["fields"]:
                    if entry["name"] in given:
                        entry["value"] = given[entry["name"]]
                stored.update(
                    name=spec.get("name"), negate=bool(spec.get("negate")), required=bool(spec.get("required"))
                )
                stored.pop("id")
                specifications.append(stored)
            obj = {
                "name": body["name"],
                "includeCustomFormatWhenRenaming": bool(body.get("includeCustomFormatWhenRenaming")),
                "specifications": specifications,
            }
            if old is not None:
                obj["id"] = old["id"]
                self.store["customformat"][old["id"]] = obj
                return 200, obj
            self.add("customformat", obj)
            for profile in self.items("qualityprofile"):
                profile["formatItems"].append({"format": obj["id"], "name": obj["name"], "score": 0})
            return 200, obj

        return self.crud(method, "customformat", rest, body, save)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Servarr contract stand-in (Sonarr, Radarr, Lidarr, Readarr, Prowlarr)"
    )
    parser.add_argument("--app", required=True, choices=sorted(APPS))
    parser.add_argument("--port", type=int, help="default: the app's usual port")
    parser.add_argument("--bind", default="127.0.0.1")
    parser.add_argument("--spec", type=Path, help="the app's OpenAPI document (default: tests/specs/<app>-vN)")
    parser.add_argument("--unreachable", action="append", default=[], help="a host the connection test cannot reach")
    args = parser.parse_args(argv)
    stand_in = ServarrStandIn(
        args.app,
        api_key=os.environ.get("STANDIN_API_KEY") or DEFAULT_KEY,
        spec=Spec(args.spec) if args.spec else None,
        unreachable=args.unreachable,
    )
    stand_in.address = (args.bind, args.port or APPS[args.app][3])
    return serve_until_signalled(stand_in, args.app)


if __name__ == "__main__":
    raise SystemExit(main())
