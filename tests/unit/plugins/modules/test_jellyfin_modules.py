"""Contract tests of the Jellyfin modules (startup wizard, API keys, libraries, encoding): each
module's ``main()`` runs in-process against the Jellyfin stand-in, which rejects any request that
Jellyfin's OpenAPI document (jellyfin.openapi.json) does not allow, and any legacy token header."""

from __future__ import annotations

import time
from functools import partial
from unittest import mock

import pytest

from ansible_collections.newmedia.mediastack.plugins.modules import (
    jellyfin_api_key,
    jellyfin_encoding,
    jellyfin_library,
    jellyfin_startup,
)
from tests.contract.jellyfin import JellyfinSpec, JellyfinStandIn
from tests.contract.openapi import spec_path

from .harness import run_module

ADMIN = ("admin", "correct horse battery staple")
MASK = "********"
WRONG = ADMIN[1][::-1]


run = partial(run_module, diff=True)


@pytest.fixture(name="spec", scope="module")
def fixture_spec():
    return JellyfinSpec(spec_path("jellyfin.openapi.json"))


@pytest.fixture(name="fresh")
def fixture_fresh(spec):
    """A Jellyfin whose startup wizard has not run."""
    with JellyfinStandIn(spec) as stand_in:
        yield stand_in


@pytest.fixture(name="jellyfin")
def fixture_jellyfin(spec):
    """A Jellyfin set up with an admin, seeing the shared media tree."""
    paths = ["/data/media/movies", "/data/media/tv", "/data/media/tv-kids", "/data/media/music"]
    with JellyfinStandIn(spec, admin=ADMIN, existing_paths=paths) as stand_in:
        yield stand_in


def admin_args(stand_in) -> dict:
    return {"url": stand_in.url, "username": ADMIN[0], "password": ADMIN[1], "ready_timeout": 2}


def writes(stand_in) -> list[tuple[str, str]]:
    harmless = {"/Users/AuthenticateByName", "/Environment/ValidatePath"}
    return [(m, p) for m, p in stand_in.requests if m != "GET" and p not in harmless]


# --- jellyfin_startup ----------------------------------------------------------------------------


def startup_args(stand_in, password: str = ADMIN[1]) -> dict:
    return {
        "url": stand_in.url,
        "server_name": "Media",
        "admin_username": ADMIN[0],
        "admin_password": password,
        "ready_timeout": 2,
    }


def test_contract_startup_runs_the_wizard_once(fresh):
    failed, result = run(jellyfin_startup.main, startup_args(fresh))
    assert not failed, result
    assert result["changed"] is True
    assert result["diff"]["before"]["startup_wizard_completed"] is False
    assert result["diff"]["after"]["admin_password"] == MASK
    assert ADMIN[1] not in str(result)
    assert fresh.completed
    assert fresh.startup["ServerName"] == "Media"
    assert fresh.users[0]["Name"] == ADMIN[0]
    failed, again = run(jellyfin_startup.main, startup_args(fresh))
    assert not failed, again
    assert again["changed"] is False
    assert ("POST", "/Users/AuthenticateByName") in fresh.requests
    assert fresh.violations == []


def test_contract_startup_check_mode_reports_and_leaves_the_wizard(fresh):
    failed, result = run(jellyfin_startup.main, startup_args(fresh), check_mode=True)
    assert not failed, result
    assert result["changed"] is True
    assert not fresh.completed
    assert writes(fresh) == []
    assert fresh.violations == []


def test_contract_startup_wrong_admin_password_names_the_option(jellyfin):
    failed, result = run(jellyfin_startup.main, startup_args(jellyfin, password=WRONG))
    assert failed
    assert "Jellyfin user 'admin'" in result["msg"]
    assert "admin_password" in result["msg"]
    assert WRONG not in result["msg"]
    assert jellyfin.violations == []


def test_contract_startup_never_ready_gives_up_after_bounded_tries(spec):
    class Starting(JellyfinStandIn):
        def handle(self, method, path, query, body, headers):
            return 503, None

    with Starting(spec) as starting:
        started = time.monotonic()
        failed, result = run(jellyfin_startup.main, dict(startup_args(starting), ready_timeout=2))
        waited = time.monotonic() - started
    assert failed
    assert "Waiting for Jellyfin failed" in result["msg"]
    # Tries at 0 and 2 s: ready_timeout is honoured, not rounded to a count of tries.
    assert "not ready within 2 s (2 tries)" in result["msg"]
    assert "`ready_timeout`" in result["msg"]
    assert starting.requests == [("GET", "/System/Info/Public")] * 2
    assert 2 <= waited < 5


def test_contract_startup_unreachable_server_fails_at_once():
    failed, result = run(
        jellyfin_startup.main, {**startup_args(mock.Mock(url="http://127.0.0.1:9")), "ready_timeout": 1}
    )
    assert failed
    assert "Waiting for Jellyfin failed for http://127.0.0.1:9" in result["msg"]


# --- jellyfin_api_key ----------------------------------------------------------------------------


def test_contract_api_key_is_created_once_and_returned(jellyfin):
    args = dict(admin_args(jellyfin), app="seerr")
    failed, created = run(jellyfin_api_key.main, args)
    assert not failed, created
    assert created["changed"] is True
    token = created["api_key"]
    assert token
    assert token not in str(created["diff"])
    assert created["diff"] == {"before": {"app": "seerr", "exists": False}, "after": {"app": "seerr", "exists": True}}
    failed, again = run(jellyfin_api_key.main, args)
    assert (failed, again["changed"], again["api_key"]) == (False, False, token)
    assert [key["AppName"] for key in jellyfin.keys] == ["seerr"]
    assert jellyfin.violations == []


def test_contract_api_key_check_mode_creates_nothing(jellyfin):
    failed, result = run(jellyfin_api_key.main, dict(admin_args(jellyfin), app="seerr"), check_mode=True)
    assert (failed, result["changed"], result["api_key"]) == (False, True, None)
    assert jellyfin.keys == []
    assert jellyfin.violations == []


def test_contract_api_key_absent_revokes_it_and_is_then_unchanged(jellyfin):
    run(jellyfin_api_key.main, dict(admin_args(jellyfin), app="homepage"))
    args = dict(admin_args(jellyfin), app="homepage", state="absent")
    failed, removed = run(jellyfin_api_key.main, args)
    assert (failed, removed["changed"], removed["api_key"]) == (False, True, None)
    assert jellyfin.keys == []
    failed, again = run(jellyfin_api_key.main, args)
    assert (failed, again["changed"]) == (False, False)
    assert jellyfin.violations == []


def test_contract_api_key_wrong_admin_password_names_the_option(jellyfin):
    failed, result = run(jellyfin_api_key.main, dict(admin_args(jellyfin), password=WRONG, app="seerr"))
    assert failed
    assert "Signing in failed for Jellyfin user 'admin'" in result["msg"]
    assert "`password`" in result["msg"]
    assert jellyfin.keys == []
    assert jellyfin.violations == []


# --- jellyfin_library ----------------------------------------------------------------------------


def library_args(stand_in, **extra) -> dict:
    args = dict(admin_args(stand_in), name="Shows", collection_type="tvshows", paths=["/data/media/tv"])
    args.update(extra)
    return args


def test_contract_library_create_repeat_change_and_remove(jellyfin):
    failed, created = run(jellyfin_library.main, library_args(jellyfin, realtime_monitor=False))
    assert not failed, created
    assert created["changed"] is True
    assert created["diff"]["before"] == {}
    assert created["library"]["paths"] == ["/data/media/tv"]
    (folder,) = jellyfin.folders
    assert (folder["Name"], folder["CollectionType"], folder["Locations"]) == ("Shows", "tvshows", ["/data/media/tv"])
    assert folder["LibraryOptions"]["EnableRealtimeMonitor"] is False

    failed, again = run(jellyfin_library.main, library_args(jellyfin, realtime_monitor=False))
    assert (failed, again["changed"]) == (False, False)

    args = library_args(jellyfin, paths=["/data/media/tv-kids/"], metadata_language="de")
    failed, changed = run(jellyfin_library.main, args)
    assert (failed, changed["changed"]) == (False, True)
    assert changed["diff"]["before"]["paths"] == ["/data/media/tv"]
    assert changed["diff"]["after"]["paths"] == ["/data/media/tv-kids"]
    assert jellyfin.folders[0]["Locations"] == ["/data/media/tv-kids"]
    assert jellyfin.folders[0]["LibraryOptions"]["PreferredMetadataLanguage"] == "de"
    assert jellyfin.folders[0]["LibraryOptions"]["EnableRealtimeMonitor"] is False

    absent = dict(admin_args(jellyfin), name="Shows", state="absent")
    failed, removed = run(jellyfin_library.main, absent)
    assert (failed, removed["changed"], jellyfin.folders) == (False, True, [])
    failed, removed_again = run(jellyfin_library.main, absent)
    assert (failed, removed_again["changed"]) == (False, False)
    assert jellyfin.violations == []


def test_contract_library_check_mode_leaves_the_server(jellyfin):
    failed, result = run(jellyfin_library.main, library_args(jellyfin), check_mode=True)
    assert (failed, result["changed"]) == (False, True)
    assert jellyfin.folders == []
    assert writes(jellyfin) == []
    assert jellyfin.violations == []


def test_contract_library_with_an_api_key(jellyfin):
    jellyfin.keys.clear()
    run(jellyfin_api_key.main, dict(admin_args(jellyfin), app="ansible"))
    token = jellyfin.keys[0]["AccessToken"]
    args = {"url": jellyfin.url, "api_key": token, "name": "Films", "collection_type": "movies"}
    failed, result = run(jellyfin_library.main, dict(args, paths=["/data/media/movies"]))
    assert (failed, result["changed"]) == (False, True)
    failed, again = run(jellyfin_library.main, dict(args, paths=["/data/media/movies"]))
    assert (failed, again["changed"]) == (False, False)
    assert jellyfin.violations == []


def test_contract_library_path_not_present_fails_before_any_write(jellyfin):
    failed, result = run(jellyfin_library.main, library_args(jellyfin, paths=["/data/media/tv", "/data/media/nope"]))
    assert failed
    assert "'/data/media/nope'" in result["msg"]
    assert "`paths`" in result["msg"]
    assert writes(jellyfin) == []
    assert jellyfin.folders == []
    assert jellyfin.violations == []


def test_contract_library_type_cannot_change(jellyfin):
    run(jellyfin_library.main, library_args(jellyfin))
    failed, result = run(jellyfin_library.main, library_args(jellyfin, collection_type="movies"))
    assert failed
    assert "`collection_type`" in result["msg"]
    assert jellyfin.folders[0]["CollectionType"] == "tvshows"
    assert jellyfin.violations == []


def test_contract_library_wrong_api_key_names_the_option(jellyfin):
    args = {"url": jellyfin.url, "api_key": "0" * 32, "name": "Films", "collection_type": "movies", "paths": ["/x"]}
    failed, result = run(jellyfin_library.main, args)
    assert failed
    assert "Jellyfin refused the API key" in result["msg"]
    assert "`api_key`" in result["msg"]
    assert jellyfin.violations == []


# --- jellyfin_encoding ---------------------------------------------------------------------------


def encoding_args(stand_in, **extra) -> dict:
    args = dict(
        admin_args(stand_in),
        hardware_acceleration="qsv",
        vaapi_device="/dev/dri/renderD129",
        hardware_decoding_codecs=["hevc", "h264", "av1"],
        enable_tonemapping=True,
    )
    args.update(extra)
    return args


def test_contract_encoding_set_repeat_and_back_to_software(jellyfin):
    failed, result = run(jellyfin_encoding.main, encoding_args(jellyfin, extra_options={"EnableThrottling": True}))
    assert not failed, result
    assert result["changed"] is True
    assert result["diff"]["before"]["hardware_acceleration"] == "none"
    assert result["diff"]["after"]["hardware_acceleration"] == "qsv"
    assert jellyfin.encoding["HardwareAccelerationType"] == "qsv"
    assert jellyfin.encoding["VaapiDevice"] == "/dev/dri/renderD129"
    assert jellyfin.encoding["EnableThrottling"] is True
    assert jellyfin.encoding["H264Crf"] == 23

    reordered = encoding_args(jellyfin, hardware_decoding_codecs=["av1", "h264", "hevc"])
    failed, again = run(jellyfin_encoding.main, dict(reordered, extra_options={"EnableThrottling": True}))
    assert (failed, again["changed"]) == (False, False)

    failed, software = run(jellyfin_encoding.main, dict(admin_args(jellyfin), hardware_acceleration="none"))
    assert (failed, software["changed"]) == (False, True)
    assert jellyfin.encoding["HardwareAccelerationType"] == "none"
    failed, software_again = run(jellyfin_encoding.main, dict(admin_args(jellyfin), hardware_acceleration="none"))
    assert (failed, software_again["changed"]) == (False, False)
    assert jellyfin.violations == []


def test_contract_encoding_check_mode_leaves_the_server(jellyfin):
    failed, result = run(jellyfin_encoding.main, encoding_args(jellyfin), check_mode=True)
    assert (failed, result["changed"]) == (False, True)
    assert jellyfin.encoding["HardwareAccelerationType"] == "none"
    assert writes(jellyfin) == []
    assert jellyfin.violations == []


def test_contract_encoding_wrong_admin_password_names_the_option(jellyfin):
    failed, result = run(jellyfin_encoding.main, encoding_args(jellyfin, password=WRONG))
    assert failed
    assert "`password`" in result["msg"]
    assert jellyfin.encoding["HardwareAccelerationType"] == "none"
    assert jellyfin.violations == []
