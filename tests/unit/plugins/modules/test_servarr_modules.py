"""Contract tests of the Servarr modules: each runs in-process against a stand-in that answers like
the app and rejects every request (and answer) its upstream OpenAPI document does not allow.

Every module goes through the full cycle on Sonarr and on a v1 app (Lidarr or Readarr), and on
Prowlarr where it applies: check mode leaves the app untouched, create, repeat unchanged, diff with
secrets masked, change, remove, remove again. Then the failures: a wrong API key, an app that never
becomes ready, names that do not exist (nothing written), unknown fields, the connection test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.modules import (
    servarr_custom_format,
    servarr_download_client,
    servarr_indexer,
    servarr_notification,
    servarr_quality_profile,
    servarr_root_folder,
    servarr_settings,
    servarr_tag,
)

from ....contract.servarr import DEFAULT_KEY, MASK, ServarrStandIn
from .harness import free_port, run_module
from .test_servarr_trash import NO_SCORE, REPACK, WEB_1080P, X265

ROOT = Path(__file__).resolve().parents[4]
PASSWORD = "qbit-Passw0rd"  # noqa: S105 - a stand-in's own secret
API_KEY = "f" * 32


def options(stand_in: ServarrStandIn, **given) -> dict:
    return {
        "app": stand_in.app,
        "url": stand_in.url,
        "api_key": stand_in.api_key,
        "ready_timeout": 2,
        **given,
    }


def run(stand_in, module, given: dict, check: bool = False, ok: bool = True) -> dict:
    failed, result = run_module(module.main, options(stand_in, **given), check_mode=check, diff=True)
    assert failed is not ok, result
    return result


def full_cycle(stand_in, module, create: dict, change: dict | None = None, **expect) -> dict:
    """Check mode, create, repeat, (change), remove, remove again; every request valid for the app.

    ``expect``: ``secret`` (a value that must show masked, never in clear), ``removable`` (default true).
    """
    secret, removable = expect.get("secret"), expect.get("removable", True)
    writes = len(stand_in.writes)
    assert run(stand_in, module, create, check=True)["changed"]
    assert len(stand_in.writes) == writes, "check mode wrote"

    before = {kind: len(held) for kind, held in stand_in.store.items()}
    created = run(stand_in, module, create)
    assert created["changed"]
    assert len(stand_in.writes) > writes
    if removable:
        assert created["diff"]["before"] == {}
        assert isinstance(created["id"], int)
        assert_held(stand_in, new_kind(stand_in, before), created, create)
    if secret:
        text = json.dumps(created)
        assert secret not in text
        assert MASK in text

    writes = len(stand_in.writes)
    again = run(stand_in, module, create)
    assert not again["changed"], again["diff"]
    assert again["id"] == created["id"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert len(stand_in.writes) == writes, "an unchanged run wrote"

    if change:
        changed = {**create, **change}
        assert run(stand_in, module, changed, check=True)["changed"]
        assert len(stand_in.writes) == writes, "check mode wrote"
        result = run(stand_in, module, changed)
        assert result["changed"]
        assert result["diff"]["before"] != result["diff"]["after"]
        if removable:
            assert_held(stand_in, new_kind(stand_in, before), result, changed)
        assert not run(stand_in, module, changed)["changed"]
        writes = len(stand_in.writes)

    if removable:
        absent = {**create, "state": "absent"}
        assert run(stand_in, module, absent, check=True)["changed"]
        assert len(stand_in.writes) == writes, "check mode wrote"
        removed = run(stand_in, module, absent)
        assert removed["changed"]
        assert removed["diff"]["after"] == {}
        assert not run(stand_in, module, absent)["changed"]
        assert removed["id"] == created["id"]
    assert stand_in.violations == []
    return created


def new_kind(stand_in, before: dict) -> str:
    """The one kind of resource of which the stand-in holds one more than ``before``."""
    grown = [kind for kind, held in stand_in.store.items() if len(held) == before.get(kind, 0) + 1]
    assert len(grown) == 1, f"expected one new resource, the stand-in grew {grown}"
    return grown[0]


def named(stand_in, kind: str, ident: int, key: str = "name") -> str:
    """The name (or ``key``) of the stand-in's ``kind`` resource with id ``ident``."""
    return next(item[key] for item in stand_in.items(kind) if item["id"] == ident)


def quality_names(items: list) -> dict:
    """Quality and group ids to names, in a quality profile's items."""
    names = {}
    for item in items:
        if item.get("quality"):
            names[item["quality"]["id"]] = item["quality"]["name"]
        elif item.get("name"):
            names[item["id"]] = item["name"]
    return names


#: How the app holds what a diff shows by name: ids to look up, the app's own trailing slash, a
#: specification's fields as the list the API carries.
HELD_AS = {
    "tags": lambda stand_in, held: [named(stand_in, "tag", ident, "label") for ident in held["tags"]],
    "defaultTags": lambda stand_in, held: [named(stand_in, "tag", ident, "label") for ident in held["defaultTags"]],
    "formatItems": lambda stand_in, held: {
        named(stand_in, "customformat", item["format"]): item["score"] for item in held["formatItems"]
    },
    "appProfile": lambda stand_in, held: named(stand_in, "appprofile", held["appProfileId"]),
    "defaultQualityProfile": lambda stand_in, held: named(stand_in, "qualityprofile", held["defaultQualityProfileId"]),
    "path": lambda _stand_in, held: held["path"].rstrip("/"),
    "defaultMetadataProfile": lambda stand_in, held: named(
        stand_in, "metadataprofile", held["defaultMetadataProfileId"]
    ),
    "cutoff": lambda _stand_in, held: quality_names(held["items"])[held["cutoff"]],
    # The API lists a profile's qualities worst first, groups' too; the diff best first.
    "items": lambda _stand_in, held: [
        {"name": item["quality"]["name"], "allowed": item["allowed"]}
        if item.get("quality")
        else {
            "name": item["name"],
            "allowed": item["allowed"],
            "items": [inner["quality"]["name"] for inner in reversed(item["items"])],
        }
        for item in reversed(held["items"])
    ],
    "specifications": lambda _stand_in, held: [
        {
            **{key: spec[key] for key in ("name", "implementation", "negate", "required")},
            "fields": {entry["name"]: entry["value"] for entry in spec["fields"]},
        }
        for spec in held["specifications"]
    ],
}


def assert_held(stand_in, kind: str, result: dict, given: dict) -> None:
    """What the app holds (read from the stand-in, not from the module) is what the module's diff
    says it is now, value and type: each top-level value, and each field by name, where a masked
    field holds the secret that was given in clear."""
    held = stand_in.store[kind][result["id"]]
    for key, shown in result["diff"]["after"].items():
        if key in HELD_AS:
            found = HELD_AS[key](stand_in, held)
            assert found == shown, f"{kind} {key}: holds {found!r}, the diff says {shown!r}"
            continue
        if key == "fields":
            values = {entry["name"]: entry.get("value") for entry in held["fields"]}
            for name, value in shown.items():
                expected = given["secret_fields"][name] if value == MASK else value
                assert values[name] == expected, f"{kind} field {name}: holds {values[name]!r}, not {expected!r}"
                assert type(values[name]) is type(expected), f"{kind} field {name}: holds {values[name]!r}"
            continue
        assert key in held, f"{kind} holds no {key}"
        assert held[key] == shown, f"{kind} {key}: holds {held[key]!r}, the diff says {shown!r}"
        assert type(held[key]) is type(shown), f"{kind} {key}: holds {held[key]!r}, the diff says {shown!r}"


@pytest.fixture
def app(request):
    """A stand-in for the app named by the test's ``app`` parameter."""
    with ServarrStandIn(request.param) as stand_in:
        yield stand_in


def tag(stand_in, label: str) -> None:
    stand_in.add("tag", {"label": label})


# --- the full cycle, module by module ----------------------------------------------------------

DOWNLOAD_CLIENTS = [
    pytest.param(
        "sonarr",
        {
            "name": "qBittorrent",
            "implementation": "QBittorrent",
            "tags": ["TV"],
            "remove_completed_downloads": True,
            "fields": {"host": "qbittorrent", "port": "8080", "tvCategory": "tv"},
            "secret_fields": {"password": PASSWORD},
        },
        {"fields": {"host": "qbittorrent", "port": 8080, "tvCategory": "tv-hd"}, "priority": 2},
        id="sonarr-qbittorrent",
    ),
    pytest.param(
        "lidarr",
        {
            "name": "SABnzbd",
            "implementation": "sabnzbd",
            "fields": {"host": "sabnzbd", "musicCategory": "music"},
            "secret_fields": {"apiKey": API_KEY},
        },
        {"enable": False},
        id="lidarr-sabnzbd",
    ),
    pytest.param(
        "readarr",
        {
            "name": "qBittorrent",
            "implementation": "QBittorrent",
            "fields": {"host": "qbittorrent", "musicCategory": "books"},
            "secret_fields": {"password": PASSWORD},
        },
        {"remove_failed_downloads": False},
        id="readarr-secrets-in-clear",
    ),
    pytest.param(
        "prowlarr",
        {
            "name": "qBittorrent",
            "implementation": "QBittorrent",
            "fields": {"host": "qbittorrent", "category": "prowlarr"},
            "secret_fields": {"password": PASSWORD},
        },
        {"fields": {"host": "qbittorrent", "category": "manual"}},
        id="prowlarr-qbittorrent",
    ),
]


@pytest.mark.parametrize(("app", "create", "change"), DOWNLOAD_CLIENTS, indirect=["app"])
def test_download_client_cycle(app, create, change):
    tag(app, "tv")
    created = full_cycle(
        app, servarr_download_client, create, change, secret=PASSWORD if "password" in str(create) else API_KEY
    )
    after = created["diff"]["after"]
    assert after["enable"] is True
    assert after["fields"] == {
        **after["fields"],
        **{k: int(v) if k == "port" else v for k, v in create["fields"].items()},
    }
    assert after["tags"] == [t.lower() for t in create.get("tags", [])]


INDEXERS = [
    pytest.param(
        "sonarr",
        {
            "name": "Jackett",
            "implementation": "Torznab",
            "secret_fields": {"apiKey": API_KEY},
            "fields": {
                "baseUrl": "http://jackett:9117/api/v2.0/indexers/all/results/torznab",
                "categories": [5030, 5040],
                "minimumSeeders": "5",
            },
        },
        {"enable_rss": False, "priority": 10},
        id="sonarr-torznab",
    ),
    pytest.param(
        "lidarr",
        {
            "name": "Usenet",
            "implementation": "Newznab",
            "secret_fields": {"apiKey": API_KEY},
            "fields": {"baseUrl": "https://indexer.example.com", "categories": [3000, 3010]},
        },
        {"enable_automatic_search": False},
        id="lidarr-newznab",
    ),
    pytest.param(
        "prowlarr",
        {
            "name": "1337x",
            "implementation": "1337x",
            "app_profile": "standard",
            "fields": {"torrentBaseSettings.seedRatio": 2.0},
        },
        {"priority": 10, "enable": False},
        id="prowlarr-cardigann-definition",
    ),
]


@pytest.mark.parametrize(("app", "create", "change"), INDEXERS, indirect=["app"])
def test_indexer_cycle(app, create, change):
    created = full_cycle(app, servarr_indexer, create, change, secret=API_KEY if "secret_fields" in create else None)
    if app.app == "prowlarr":
        assert created["diff"]["after"]["appProfile"] == "Standard"
        assert created["diff"]["after"]["implementation"] == "Cardigann"
    else:
        assert created["diff"]["after"]["fields"].get("minimumSeeders", 5) == 5


NOTIFICATIONS = [
    pytest.param(
        "sonarr",
        {
            "name": "Jellyfin",
            "implementation": "MediaBrowser",
            "secret_fields": {"apiKey": API_KEY},
            "fields": {"host": "jellyfin", "port": 8096, "updateLibrary": True},
            "triggers": ["onDownload", "onUpgrade", "onImportComplete", "onRename"],
        },
        {"triggers": ["onDownload", "onUpgrade", "onImportComplete", "onRename", "onSeriesDelete"]},
        id="sonarr-jellyfin",
    ),
    pytest.param(
        "lidarr",
        {
            "name": "Jellyfin",
            "implementation": "MediaBrowser",
            "secret_fields": {"apiKey": API_KEY},
            "fields": {"host": "jellyfin", "updateLibrary": True},
            "triggers": ["onReleaseImport", "onUpgrade"],
        },
        # Lidarr's MediaBrowser notification has no path mapping (mapFrom, mapTo), unlike Sonarr's.
        {"fields": {"host": "jellyfin", "updateLibrary": True, "urlBase": "/jellyfin", "notify": True}},
        id="lidarr-jellyfin",
    ),
    pytest.param(
        "prowlarr",
        {
            "name": "Alerts",
            "implementation": "Webhook",
            "fields": {"url": "http://ntfy/alerts"},
            "triggers": ["onHealthIssue"],
        },
        {"triggers": ["onHealthIssue", "onApplicationUpdate"]},
        id="prowlarr-webhook",
    ),
]


@pytest.mark.parametrize(("app", "create", "change"), NOTIFICATIONS, indirect=["app"])
def test_notification_cycle(app, create, change):
    created = full_cycle(
        app, servarr_notification, create, change, secret=API_KEY if "secret_fields" in create else None
    )
    after = created["diff"]["after"]
    assert {key for key, value in after.items() if key.startswith("on") and value} == set(create["triggers"])


@pytest.mark.parametrize("app", ["sonarr", "readarr", "prowlarr"], indirect=True)
def test_tag_cycle(app):
    created = full_cycle(app, servarr_tag, {"label": "4K"})
    assert created["diff"]["after"] == {"label": "4k"}


ROOT_FOLDERS = [
    pytest.param("sonarr", {"path": "/data/media/tv/"}, None, id="sonarr-path-only"),
    pytest.param("radarr", {"path": "/data/media/movies"}, None, id="radarr-path-only"),
    pytest.param(
        "lidarr",
        {
            "path": "/data/media/music",
            "name": "Music",
            "quality_profile": "Lossless",
            "metadata_profile": "Standard",
            "tags": ["music"],
        },
        {"quality_profile": "Any", "monitor": "future", "tags": []},
        id="lidarr-named-with-profiles",
    ),
    pytest.param(
        "readarr",
        {"path": "/data/media/books", "name": "Books", "quality_profile": "eBook", "metadata_profile": "Standard"},
        {"name": "eBooks", "new_item_monitor": "new"},
        id="readarr-renamed-in-place",
    ),
]


@pytest.mark.parametrize(("app", "create", "change"), ROOT_FOLDERS, indirect=["app"])
def test_root_folder_cycle(app, create, change):
    tag(app, "music")
    created = full_cycle(app, servarr_root_folder, create, change)
    assert created["diff"]["after"]["path"] == create["path"].rstrip("/")


SETTINGS = [
    pytest.param(
        "sonarr",
        {"section": "mediamanagement", "settings": {"importExtraFiles": True, "extraFileExtensions": "srt,sub"}},
        {"settings": {"copyUsingHardlinks": "yes", "importExtraFiles": True, "extraFileExtensions": "srt"}},
        id="sonarr-media-management",
    ),
    pytest.param(
        "lidarr",
        {"section": "host", "settings": {"authenticationMethod": "external"}},
        {"settings": {"authenticationMethod": "external", "authenticationRequired": "disabledForLocalAddresses"}},
        id="lidarr-auth-external",
    ),
    pytest.param(
        "readarr",
        {"section": "downloadclient", "settings": {"autoRedownloadFailed": False}},
        None,
        id="readarr-download-handling",
    ),
    pytest.param("prowlarr", {"section": "ui", "settings": {"theme": "dark"}}, None, id="prowlarr-ui"),
]


@pytest.mark.parametrize(("app", "create", "change"), SETTINGS, indirect=["app"])
def test_settings_cycle(app, create, change):
    created = full_cycle(app, servarr_settings, create, change, removable=False)
    assert created["id"] == 1
    for key, value in {**create, **(change or {})}["settings"].items():
        assert app.store["config"][create["section"]][key] == (True if value == "yes" else value)


@pytest.mark.parametrize("app", ["sonarr"], indirect=True)
def test_settings_password_is_set_once_then_left_alone(app):
    create = {
        "section": "host",
        "settings": {"authenticationMethod": "forms", "username": "admin"},
        "secret_settings": {"password": PASSWORD},
    }
    full_cycle(app, servarr_settings, create, removable=False, secret=PASSWORD)
    host = app.store["config"]["host"]
    assert (host["password"], host["passwordConfirmation"]) == (PASSWORD, PASSWORD)
    rotated = {**create, "secret_settings": {"password": "new-" + PASSWORD}}
    assert not run(app, servarr_settings, rotated)["changed"], "a masked secret is compared"
    assert run(app, servarr_settings, {**rotated, "update_secrets": True})["changed"]
    assert app.store["config"]["host"]["password"] == "new-" + PASSWORD
    assert app.violations == []


LIDARR_FLAC = {
    "name": "FLAC",
    "includeCustomFormatWhenRenaming": False,
    "specifications": [
        {
            "name": "FLAC",
            "implementation": "ReleaseTitleSpecification",
            "negate": False,
            "required": True,
            "fields": {"value": r"\bFLAC\b"},
        }
    ],
}
LIDARR_PROFILE = {
    "name": "Lossless+",
    "upgradeAllowed": True,
    "cutoff": "Lossless",
    "minFormatScore": 0,
    "cutoffFormatScore": 100,
    "items": [
        {"name": "Lossless", "allowed": True, "items": ["FLAC 24bit", "FLAC", "ALAC"]},
        {"name": "MP3-320", "allowed": True},
    ],
    "formatItems": {"FLAC": "f" * 32},
}


def changed_spec(definition: dict, value: str) -> dict:
    specifications = [dict(spec) for spec in definition["specifications"]]
    specifications[0] = dict(specifications[0], fields={"value": value})
    return {"definition": dict(definition, specifications=specifications)}


@pytest.mark.parametrize(
    ("app", "definition"),
    [pytest.param("sonarr", X265, id="sonarr-trash-x265"), pytest.param("lidarr", LIDARR_FLAC, id="lidarr-flac")],
    indirect=["app"],
)
def test_custom_format_cycle(app, definition):
    created = full_cycle(app, servarr_custom_format, {"definition": definition}, changed_spec(definition, "changed"))
    assert (
        created["diff"]["after"]["specifications"][0]["fields"]["value"]
        == definition["specifications"][0]["fields"]["value"]
    )
    assert app.store.get("customformat") == {}


@pytest.mark.parametrize("app", ["sonarr"], indirect=True)
def test_custom_format_removed_by_name(app):
    run(app, servarr_custom_format, {"definition": REPACK})
    assert run(app, servarr_custom_format, {"name": "Repack/Proper", "state": "absent"})["changed"]
    assert app.violations == []


@pytest.mark.parametrize(
    ("app", "formats", "create", "change"),
    [
        pytest.param(
            "sonarr",
            [X265, REPACK, NO_SCORE],
            {"definition": WEB_1080P, "custom_formats": [X265, REPACK, NO_SCORE]},
            {"scores": {"x265 (HD)": -500}},
            id="sonarr-trash-web-1080p",
        ),
        pytest.param(
            "lidarr",
            [LIDARR_FLAC],
            {"definition": LIDARR_PROFILE, "scores": {"FLAC": 100}},
            {"definition": dict(LIDARR_PROFILE, cutoff="MP3-320")},
            id="lidarr-by-hand",
        ),
    ],
    indirect=["app"],
)
def test_quality_profile_cycle(app, formats, create, change):
    for definition in formats:
        run(app, servarr_custom_format, {"definition": definition})
    created = full_cycle(app, servarr_quality_profile, create, change)
    after = created["diff"]["after"]
    assert after["name"] == create["definition"]["name"]
    assert after["items"][0]["name"] == create["definition"]["items"][0]["name"]
    assert set(after["formatItems"]) == {definition["name"] for definition in formats}


# --- failures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("app", ["sonarr"], indirect=True)
def test_wrong_api_key_fails_at_once_naming_the_app(app):
    result = run(app, servarr_tag, {"label": "x", "api_key": "wrong", "ready_timeout": 100}, ok=False)
    assert "Sonarr" in result["msg"]
    assert "`api_key`" in result["msg"]
    assert "401" in result["msg"]
    assert app.status_calls == 1
    assert app.writes == []


def test_an_app_that_never_becomes_ready_fails_after_the_bounded_wait():
    with ServarrStandIn("radarr", ready_after=None) as stand_in:
        started = time.monotonic()
        result = run(stand_in, servarr_tag, {"label": "x", "ready_timeout": 3}, ok=False)
        waited = time.monotonic() - started
        # Tries at 0, 2 and 3 s: the last wait is cut to the deadline, and none starts after it.
        assert 3 <= waited < 6
        assert stand_in.status_calls == 3
        assert "Radarr was not ready within 3 s (3 tries)" in result["msg"]
        assert "`ready_timeout`" in result["msg"]
        assert stand_in.writes == []


def test_an_app_that_becomes_ready_is_waited_for():
    with ServarrStandIn("readarr", ready_after=2) as stand_in:
        assert run(stand_in, servarr_tag, {"label": "x", "ready_timeout": 10})["changed"]
        assert stand_in.status_calls == 3


def test_the_url_must_answer_as_the_app():
    with ServarrStandIn("radarr") as stand_in:
        result = run(stand_in, servarr_tag, {"label": "x", "app": "sonarr"}, ok=False)
    assert "answers as Radarr, not Sonarr" in result["msg"]


MISSING = [
    pytest.param(
        "sonarr",
        servarr_download_client,
        {"name": "qBittorrent", "implementation": "QBittorrent", "tags": ["tv", "missing"]},
        ['tag "missing" named in `tags` does not exist in Sonarr', 'download client "qBittorrent"'],
        id="tag",
    ),
    pytest.param(
        "lidarr",
        servarr_root_folder,
        {"path": "/data/media/music", "name": "Music", "quality_profile": "HiFi", "metadata_profile": "Standard"},
        ['quality profile "HiFi" named in `quality_profile` does not exist in Lidarr', '"Lossless"'],
        id="quality-profile",
    ),
    pytest.param(
        "readarr",
        servarr_root_folder,
        {"path": "/data/media/books", "name": "Books", "quality_profile": "eBook", "metadata_profile": "Full"},
        ['metadata profile "Full" named in `metadata_profile`'],
        id="metadata-profile",
    ),
    pytest.param(
        "lidarr",
        servarr_root_folder,
        {"path": "/data/media/music", "name": "Music"},
        ["`quality_profile` and `metadata_profile` are required"],
        id="profiles-required",
    ),
    pytest.param(
        "prowlarr",
        servarr_indexer,
        {"name": "1337x", "implementation": "1337x", "app_profile": "Anime"},
        ['app profile "Anime" named in `app_profile`'],
        id="app-profile",
    ),
    pytest.param(
        "prowlarr",
        servarr_indexer,
        {"name": "1337x", "implementation": "1337x"},
        ["`app_profile` is required to create a Prowlarr indexer"],
        id="app-profile-required",
    ),
    pytest.param(
        "sonarr",
        servarr_quality_profile,
        {"definition": WEB_1080P, "custom_formats": [X265]},
        ['custom format "Repack/Proper" named in `definition.formatItems` does not exist in Sonarr'],
        id="custom-format",
    ),
    pytest.param(
        "sonarr",
        servarr_download_client,
        {"name": "q", "implementation": "QBittorrent", "fields": {"host": "q", "category": "tv"}},
        ['"category" in `fields` or `secret_fields` is not a field of QBittorrent download clients'],
        id="unknown-field",
    ),
    pytest.param(
        "sonarr",
        servarr_download_client,
        {"name": "q", "implementation": "uTorrentX"},
        ['implementation "uTorrentX" in `implementation` is not one Sonarr offers (it has: QBittorrent, Sabnzbd)'],
        id="unknown-implementation",
    ),
    pytest.param(
        "prowlarr",
        servarr_download_client,
        {"name": "q", "implementation": "QBittorrent", "remove_completed_downloads": True},
        ["`remove_completed_downloads` does not apply to Prowlarr download clients"],
        id="option-not-for-app",
    ),
    pytest.param(
        "sonarr",
        servarr_notification,
        {"name": "n", "implementation": "Webhook", "triggers": ["onGrabbed"]},
        ['"onGrabbed" in `triggers` is not a trigger of Sonarr'],
        id="unknown-trigger",
    ),
    pytest.param(
        "sonarr",
        servarr_settings,
        {"section": "mediamanagement", "settings": {"copyUsingHardLinks": True}},
        ['Did you mean "copyUsingHardlinks"?'],
        id="unknown-setting",
    ),
    pytest.param(
        "prowlarr",
        servarr_settings,
        {"section": "naming", "settings": {}},
        ["Prowlarr has no naming settings"],
        id="section-not-in-app",
    ),
    pytest.param(
        "prowlarr", servarr_root_folder, {"path": "/data"}, ["Prowlarr has no root folders"], id="endpoint-not-in-app"
    ),
    pytest.param(
        "sonarr",
        servarr_root_folder,
        {"path": "/data/media/tv", "name": "TV"},
        ["`name` applies to Lidarr and Readarr root folders only"],
        id="v1-option-on-v3",
    ),
]


@pytest.mark.parametrize(("app", "module", "given", "messages"), MISSING, indirect=["app"])
def test_names_the_app_does_not_have_fail_naming_the_option_and_write_nothing(app, module, given, messages):
    tag(app, "tv")
    for definition in [X265] if module is servarr_quality_profile else []:
        run(app, servarr_custom_format, {"definition": definition})
    writes = len(app.writes)
    result = run(app, module, given, ok=False)
    for message in messages:
        assert message in result["msg"]
    assert len(app.writes) == writes, "a failing task wrote"
    assert app.violations == []


@pytest.mark.parametrize(("force", "ok"), [(False, False), (True, True)])
def test_the_connection_test_fails_unless_force_save(force, ok):
    with ServarrStandIn("sonarr", unreachable={"qbittorrent"}) as stand_in:
        given = {
            "name": "qBittorrent",
            "implementation": "QBittorrent",
            "fields": {"host": "qbittorrent"},
            "force_save": force,
        }
        result = run(stand_in, servarr_download_client, given, ok=ok)
        if not ok:
            assert 'Sonarr download client "qBittorrent"' in result["msg"]
            assert "Unable to connect to qBittorrent" in result["msg"]
            assert "set `force_save: true`" in result["msg"]
            assert stand_in.items("downloadclient") == []
        # A disabled client is not tested.
        assert run(stand_in, servarr_download_client, dict(given, enable=False, force_save=False))["changed"]
        assert stand_in.violations == []


def stored_password(stand_in) -> str:
    """The ``password`` field of the first download client the stand-in holds."""
    return {f["name"]: f["value"] for f in stand_in.items("downloadclient")[0]["fields"]}["password"]


def test_secrets_masked_are_left_alone_unless_update_secrets():
    with ServarrStandIn("sonarr") as stand_in:
        given = {
            "name": "qBittorrent",
            "implementation": "QBittorrent",
            "fields": {"host": "qbittorrent"},
            "secret_fields": {"password": PASSWORD},
        }
        run(stand_in, servarr_download_client, given)
        rotated = dict(given, secret_fields={"password": "rotated"})
        assert not run(stand_in, servarr_download_client, rotated)["changed"]
        assert stored_password(stand_in) == PASSWORD
        # A change elsewhere sends the masked value back; the app keeps the stored secret.
        assert run(stand_in, servarr_download_client, dict(rotated, priority=3))["changed"]
        assert stored_password(stand_in) == PASSWORD
        result = run(stand_in, servarr_download_client, dict(rotated, priority=3, update_secrets=True))
        assert result["changed"]
        assert "rotated" not in json.dumps(result)
        assert stored_password(stand_in) == "rotated"
        assert stand_in.violations == []


def test_readarr_answers_secrets_in_clear_so_a_change_is_seen():
    with ServarrStandIn("readarr") as stand_in:
        given = {"name": "SAB", "implementation": "Sabnzbd", "secret_fields": {"apiKey": API_KEY}}
        run(stand_in, servarr_download_client, given)
        result = run(stand_in, servarr_download_client, dict(given, secret_fields={"apiKey": "e" * 32}))
        assert result["changed"]
        assert result["diff"]["before"]["fields"]["apiKey"] == MASK
        assert API_KEY not in json.dumps(result)


def test_another_implementation_replaces_the_client():
    with ServarrStandIn("radarr") as stand_in:
        first = run(stand_in, servarr_download_client, {"name": "Downloads", "implementation": "QBittorrent"})
        second = run(stand_in, servarr_download_client, {"name": "Downloads", "implementation": "Sabnzbd"})
        assert second["changed"]
        assert second["id"] != first["id"]
        assert [c["implementation"] for c in stand_in.items("downloadclient")] == ["Sabnzbd"]
        assert not run(stand_in, servarr_download_client, {"name": "Downloads", "implementation": "Sabnzbd"})["changed"]
        assert stand_in.violations == []


def test_the_stand_in_runs_on_its_own():
    port = free_port()
    env = dict(os.environ, STANDIN_API_KEY=API_KEY)
    command = [sys.executable, "-m", "tests.contract.servarr", "--app", "lidarr", "--port", str(port)]
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert "listening" in process.stdout.readline()
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/system/status", headers={"X-Api-Key": API_KEY}
            )
            with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310 - loopback
                assert json.load(answer)["appName"] == "Lidarr"
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/tag", headers={"X-Api-Key": DEFAULT_KEY})
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=5)  # noqa: S310 - loopback
            assert refused.value.code == 401
        finally:
            process.terminate()
    assert process.returncode == 0


@pytest.mark.parametrize(
    ("app", "current"),
    [("sonarr", "v3"), ("radarr", "v3"), ("lidarr", "v1"), ("readarr", "v1"), ("prowlarr", "v1")],
    indirect=["app"],
)
def test_the_stand_in_answers_the_api_information_its_spec_documents(app, current):
    """The entry lets `/api` through the portal; the stand-in answers it as the spec documents."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{app.url}/api", timeout=10) as response:
        assert response.status == 200
        assert json.loads(response.read()) == {"current": current, "deprecated": []}
    assert app.violations == []
