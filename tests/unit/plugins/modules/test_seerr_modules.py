"""Contract tests of the Seerr modules (setup with Jellyfin, Sonarr and Radarr servers): each
module's ``main()`` runs in-process against the Seerr stand-in, once as Seerr (seerr.openapi.yml)
and once as Jellyseerr (jellyseerr.openapi.yml); the stand-in rejects any request the spec does not
allow."""

from __future__ import annotations

import time
from functools import partial

import pytest

from ansible_collections.newmedia.mediastack.plugins.modules import seerr_arr_server, seerr_setup
from tests.contract.openapi import spec_path
from tests.contract.seerr import SeerrStandIn, seerr_spec

from .harness import run_module

API_KEY = "0123456789abcdef0123456789abcdef"
JELLYFIN_ADMIN = ("admin", "jellyfin admin secret")
SONARR_KEY = "sonarr-key-sonarr-key-sonarr-key"
MASK = "********"


run = partial(run_module, diff=True)


@pytest.fixture(name="spec", scope="module", params=["seerr.openapi.yml", "jellyseerr.openapi.yml"])
def fixture_spec(request):
    return seerr_spec(spec_path(request.param))


def stand_in_for(spec) -> SeerrStandIn:
    return SeerrStandIn(
        spec,
        api_key=API_KEY,
        jellyfin_admin=JELLYFIN_ADMIN,
        jellyfin_libraries=["Movies", "Shows", "Music"],
        arr={"sonarr": {"apiKey": SONARR_KEY}},
    )


@pytest.fixture(name="fresh")
def fixture_fresh(spec):
    """A Seerr nobody signed in to yet."""
    with stand_in_for(spec) as stand_in:
        yield stand_in


@pytest.fixture(name="seerr")
def fixture_seerr(spec):
    """A Seerr set up with Jellyfin."""
    with stand_in_for(spec) as stand_in:
        failed, result = run(seerr_setup.main, setup_args(stand_in))
        assert not failed, result
        yield stand_in


def writes(stand_in) -> list[tuple[str, str]]:
    reads = {"/api/v1/settings/sonarr/test", "/api/v1/settings/radarr/test"}
    return [(m, p) for m, p in stand_in.requests if m != "GET" and p not in reads]


# --- seerr_setup ---------------------------------------------------------------------------------


def setup_args(stand_in, **extra) -> dict:
    args = {
        "url": stand_in.url,
        "api_key": API_KEY,
        "ready_timeout": 2,
        "jellyfin_url": "http://jellyfin:8096",
        "jellyfin_username": JELLYFIN_ADMIN[0],
        "jellyfin_password": JELLYFIN_ADMIN[1],
        "libraries": ["Movies", "Shows"],
        "application_url": "https://requests.example.com",
    }
    args.update(extra)
    return args


def test_contract_setup_signs_in_enables_libraries_and_initializes(fresh):
    failed, result = run(seerr_setup.main, setup_args(fresh, scan=True))
    assert not failed, result
    assert result["changed"] is True
    assert result["diff"]["before"]["initialized"] is False
    assert result["diff"]["after"]["libraries"] == ["Movies", "Shows"]
    assert JELLYFIN_ADMIN[1] not in str(result)
    assert fresh.initialized
    assert fresh.users[0]["username"] == JELLYFIN_ADMIN[0]
    assert (fresh.jellyfin["hostname"], fresh.jellyfin["port"]) == ("jellyfin", 8096)
    assert fresh.main["mediaServerType"] == 2
    assert [lib["name"] for lib in fresh.jellyfin["libraries"] if lib["enabled"]] == ["Movies", "Shows"]
    assert fresh.main["applicationUrl"] == "https://requests.example.com"
    assert fresh.scans == 1

    failed, again = run(seerr_setup.main, setup_args(fresh, scan=True))
    assert (failed, again["changed"]) == (False, False)
    assert ("POST", "/api/v1/auth/jellyfin") in fresh.requests
    assert fresh.requests.count(("POST", "/api/v1/auth/jellyfin")) == 1
    assert fresh.scans == 1
    assert fresh.violations == []


def test_contract_setup_changes_libraries_and_settings_later(seerr):
    args = setup_args(seerr, libraries=["Music"], application_title="Requests", main_settings={"hideAvailable": True})
    title = seerr.main["applicationTitle"]
    assert title in ("Seerr", "Jellyseerr")
    failed, result = run(seerr_setup.main, args)
    assert (failed, result["changed"]) == (False, True)
    assert result["diff"]["before"]["libraries"] == ["Movies", "Shows"]
    assert result["diff"]["after"]["libraries"] == ["Music"]
    assert result["diff"]["before"]["main"]["applicationTitle"] == title
    assert [lib["name"] for lib in seerr.jellyfin["libraries"] if lib["enabled"]] == ["Music"]
    assert (seerr.main["applicationTitle"], seerr.main["hideAvailable"]) == ("Requests", True)
    failed, again = run(seerr_setup.main, args)
    assert (failed, again["changed"]) == (False, False)
    assert seerr.violations == []


def test_contract_setup_check_mode_on_a_fresh_instance_writes_nothing(fresh):
    failed, result = run(seerr_setup.main, setup_args(fresh), check_mode=True)
    assert (failed, result["changed"]) == (False, True)
    assert result["diff"]["after"]["initialized"] is True
    assert not fresh.initialized
    assert fresh.users == []
    assert writes(fresh) == []
    assert fresh.violations == []


def test_contract_setup_check_mode_when_set_up_writes_nothing(seerr):
    seerr.requests.clear()
    failed, result = run(seerr_setup.main, setup_args(seerr, libraries=["Shows"]), check_mode=True)
    assert (failed, result["changed"]) == (False, True)
    assert [lib["name"] for lib in seerr.jellyfin["libraries"] if lib["enabled"]] == ["Movies", "Shows"]
    assert writes(seerr) == []
    assert seerr.violations == []


def test_contract_setup_unknown_library_fails_naming_the_option(fresh):
    failed, result = run(seerr_setup.main, setup_args(fresh, libraries=["Movies", "Anime"]))
    assert failed
    assert "no library named Anime" in result["msg"]
    assert "`libraries`" in result["msg"]
    assert not any(lib["enabled"] for lib in fresh.jellyfin["libraries"])
    assert ("POST", "/api/v1/settings/initialize") not in fresh.requests
    assert fresh.violations == []


def test_contract_setup_wrong_api_key_names_the_secret(seerr):
    failed, result = run(seerr_setup.main, setup_args(seerr, api_key="f" * 32))
    assert failed
    assert "Seerr refused the API key" in result["msg"]
    assert "mediastack_secrets['seerr.api_key']" in result["msg"]
    assert seerr.violations == []


def test_contract_setup_wrong_jellyfin_password_names_the_option(fresh):
    failed, result = run(seerr_setup.main, setup_args(fresh, jellyfin_password=JELLYFIN_ADMIN[1][::-1]))
    assert failed
    assert "Signing in to Seerr with Jellyfin failed for user 'admin'" in result["msg"]
    assert "`jellyfin_password`" in result["msg"]
    assert fresh.users == []
    assert fresh.violations == []


def test_contract_setup_never_ready_gives_up_after_bounded_tries(spec):
    class Starting(SeerrStandIn):
        def handle(self, method, path, query, body, headers):
            return 503, None

    with Starting(spec, api_key=API_KEY) as starting:
        started = time.monotonic()
        failed, result = run(seerr_setup.main, setup_args(starting, ready_timeout=2))
        waited = time.monotonic() - started
    assert failed
    assert "Waiting for Seerr failed" in result["msg"]
    assert "not ready within 2 s (2 tries)" in result["msg"]
    assert "`ready_timeout`" in result["msg"]
    assert starting.requests == [("GET", "/api/v1/status")] * 2
    assert 2 <= waited < 5


# --- seerr_arr_server ----------------------------------------------------------------------------


def sonarr_args(stand_in, **extra) -> dict:
    args = {
        "url": stand_in.url,
        "api_key": API_KEY,
        "ready_timeout": 2,
        "kind": "sonarr",
        "name": "Sonarr",
        "arr_url": "http://sonarr:8989",
        "arr_api_key": SONARR_KEY,
        "quality_profile": "HD-1080p",
        "root_folder": "/data/media/tv/",
    }
    args.update(extra)
    return args


def test_contract_arr_server_create_repeat_update_and_remove(seerr):
    failed, created = run(seerr_arr_server.main, sonarr_args(seerr))
    assert not failed, created
    assert created["changed"] is True
    assert created["diff"]["before"] == {}
    assert created["diff"]["after"]["apiKey"] == MASK
    assert created["server"]["apiKey"] == MASK
    assert SONARR_KEY not in str(created)
    (server,) = seerr.servers["sonarr"]
    assert (server["activeProfileId"], server["activeProfileName"]) == (4, "HD-1080p")
    assert (server["activeDirectory"], server["hostname"], server["port"]) == ("/data/media/tv", "sonarr", 8989)
    assert server["apiKey"] == SONARR_KEY

    failed, again = run(seerr_arr_server.main, sonarr_args(seerr))
    assert (failed, again["changed"]) == (False, False)

    failed, updated = run(seerr_arr_server.main, sonarr_args(seerr, quality_profile="Ultra-HD"))
    assert (failed, updated["changed"]) == (False, True)
    assert updated["diff"]["before"]["activeProfileName"] == "HD-1080p"
    assert updated["diff"]["after"]["activeProfileName"] == "Ultra-HD"
    assert seerr.servers["sonarr"][0]["activeProfileId"] == 6

    absent = {"url": seerr.url, "api_key": API_KEY, "kind": "sonarr", "name": "Sonarr", "state": "absent"}
    failed, removed = run(seerr_arr_server.main, absent)
    assert (failed, removed["changed"], seerr.servers["sonarr"]) == (False, True, [])
    failed, removed_again = run(seerr_arr_server.main, absent)
    assert (failed, removed_again["changed"]) == (False, False)
    assert seerr.violations == []


def test_contract_arr_server_api_key_pushed_only_with_update_secrets(seerr):
    run(seerr_arr_server.main, sonarr_args(seerr))
    seerr.servers["sonarr"][0]["apiKey"] = "stale"
    failed, kept = run(seerr_arr_server.main, sonarr_args(seerr))
    assert (failed, kept["changed"], seerr.servers["sonarr"][0]["apiKey"]) == (False, False, "stale")
    failed, pushed = run(seerr_arr_server.main, sonarr_args(seerr, update_secrets=True))
    assert (failed, pushed["changed"], seerr.servers["sonarr"][0]["apiKey"]) == (False, True, SONARR_KEY)
    assert pushed["diff"]["before"]["apiKey"] == pushed["diff"]["after"]["apiKey"] == MASK
    assert seerr.violations == []


def test_contract_arr_server_radarr(seerr):
    args = dict(sonarr_args(seerr), kind="radarr", name="Radarr", arr_url="https://radarr.example/radarr")
    args.update(root_folder="/data/media/movies", minimum_availability="inCinemas")
    failed, created = run(seerr_arr_server.main, args)
    assert (failed, created["changed"]) == (False, True)
    (server,) = seerr.servers["radarr"]
    assert (server["hostname"], server["port"], server["useSsl"], server["baseUrl"]) == (
        "radarr.example",
        443,
        True,
        "/radarr",
    )
    assert server["minimumAvailability"] == "inCinemas"
    failed, again = run(seerr_arr_server.main, args)
    assert (failed, again["changed"]) == (False, False)
    assert seerr.violations == []


def test_contract_arr_server_check_mode_writes_nothing(seerr):
    seerr.requests.clear()
    failed, result = run(seerr_arr_server.main, sonarr_args(seerr), check_mode=True)
    assert (failed, result["changed"]) == (False, True)
    assert seerr.servers["sonarr"] == []
    assert writes(seerr) == []
    assert seerr.violations == []


@pytest.mark.parametrize(
    ("extra", "option"),
    [
        pytest.param({"quality_profile": "Best"}, "`quality_profile`", id="profile"),
        pytest.param({"root_folder": "/data/media/anime"}, "`root_folder`", id="root-folder"),
        pytest.param({"anime_quality_profile": "Anime"}, "`anime_quality_profile`", id="anime-profile"),
    ],
)
def test_contract_arr_server_unknown_name_fails_before_any_write(seerr, extra, option):
    seerr.requests.clear()
    failed, result = run(seerr_arr_server.main, sonarr_args(seerr, **extra))
    assert failed
    assert option in result["msg"]
    assert "Seerr server 'Sonarr'" in result["msg"]
    assert "nothing was changed" in result["msg"]
    assert writes(seerr) == []
    assert seerr.violations == []


def test_contract_arr_server_wrong_arr_key_names_the_option(seerr):
    failed, result = run(seerr_arr_server.main, sonarr_args(seerr, arr_api_key="wrong"))
    assert failed
    assert "Testing the connection to Sonarr failed" in result["msg"]
    assert "`arr_api_key`" in result["msg"]
    assert seerr.servers["sonarr"] == []
    assert seerr.violations == []


def test_contract_arr_server_wrong_api_key_names_the_secret(seerr):
    failed, result = run(seerr_arr_server.main, sonarr_args(seerr, api_key="e" * 32))
    assert failed
    assert "Seerr refused the API key" in result["msg"]
    assert "`api_key`" in result["msg"]
    assert seerr.violations == []
