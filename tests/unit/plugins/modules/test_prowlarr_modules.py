"""Contract tests of the Prowlarr-only modules (applications, app profiles) against the Prowlarr
stand-in, which validates every request and answer against Prowlarr's OpenAPI document."""

from __future__ import annotations

import pytest

from ansible_collections.newmedia.mediastack.plugins.modules import prowlarr_app_profile, prowlarr_application

from ....contract.servarr import ServarrStandIn
from .test_servarr_modules import API_KEY, full_cycle, run

APPLICATIONS = [
    pytest.param(
        {
            "name": "Sonarr",
            "implementation": "Sonarr",
            "secret_fields": {"apiKey": API_KEY},
            "fields": {
                "prowlarrUrl": "http://prowlarr:9696",
                "baseUrl": "http://sonarr:8989",
                "syncCategories": [5000, 5010, 5030, 5040],
            },
        },
        {"sync_level": "addOnly"},
        id="sonarr",
    ),
    pytest.param(
        {
            "name": "Lidarr",
            "implementation": "lidarr",
            "secret_fields": {"apiKey": API_KEY},
            "sync_level": "fullSync",
            "fields": {"prowlarrUrl": "http://prowlarr:9696", "baseUrl": "http://lidarr:8686"},
        },
        {"fields": {"prowlarrUrl": "http://prowlarr:9696", "baseUrl": "http://lidarr:8686", "syncCategories": [3000]}},
        id="lidarr",
    ),
]


@pytest.mark.parametrize(("create", "change"), APPLICATIONS)
def test_application_cycle(create, change):
    with ServarrStandIn("prowlarr") as stand_in:
        created = full_cycle(stand_in, prowlarr_application, create, change, secret=API_KEY)
        assert created["diff"]["after"]["syncLevel"] == "fullSync"
        assert created["diff"]["after"]["fields"]["apiKey"] == "********"


def test_application_waits_for_nothing_with_force_save():
    with ServarrStandIn("prowlarr", unreachable={"sonarr"}) as stand_in:
        given = {"name": "Sonarr", "implementation": "Sonarr", "fields": {"baseUrl": "http://sonarr:8989"}}
        failed = run(stand_in, prowlarr_application, given, ok=False)
        assert 'Prowlarr application "Sonarr"' in failed["msg"]
        assert "force_save" not in stand_in.items("applications")
        assert run(stand_in, prowlarr_application, dict(given, force_save=True))["changed"]
        assert run(stand_in, prowlarr_application, dict(given, sync_level="disabled"))["changed"]
        assert stand_in.violations == []


def test_application_needs_prowlarr():
    with ServarrStandIn("sonarr") as stand_in:
        failed = run(stand_in, prowlarr_application, {"name": "x", "implementation": "Sonarr"}, ok=False)
    assert "Sonarr has no applications: check `app` (sonarr)" in failed["msg"]


def test_app_profile_cycle():
    with ServarrStandIn("prowlarr") as stand_in:
        create = {"name": "Interactive", "enable_rss": False, "enable_automatic_search": False, "minimum_seeders": 5}
        created = full_cycle(stand_in, prowlarr_app_profile, create, {"minimum_seeders": 10})
        assert created["diff"]["after"] == {
            "name": "Interactive",
            "enableRss": False,
            "enableAutomaticSearch": False,
            "enableInteractiveSearch": True,
            "minimumSeeders": 5,
        }
