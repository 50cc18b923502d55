"""The Jellyfin notification (MediaBrowser) the configure role gives each *arr app exists in that
app, with the fields and value types the app's /schema template has.

tests/fixtures/servarr-notification-fields.yml holds each app's MediaBrowser fields, read from
the apps' source. Bookshelf (run as readarr) has no such notification: asking it for one fails the
configure run, so the catalog gives readarr no import triggers and the wiring no Jellyfin to tell.
"""

from __future__ import annotations

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.modules import servarr_notification

from ....contract.servarr import ServarrStandIn, notification_templates
from ...shipped import CATALOG, INVENTORIES, ROOT, shipped
from .harness import run_module
from .test_servarr_download_client_fields import held_as

FIXTURE = yaml.safe_load((ROOT / "tests/fixtures/servarr-notification-fields.yml").read_text(encoding="utf-8"))
SERVARR = sorted(name for name, entry in CATALOG.items() if (entry.get("configure") or {}).get("role") == "servarr")
TASK = next(
    task
    for task in yaml.safe_load((ROOT / "roles/configure/tasks/servarr.yml").read_text(encoding="utf-8"))
    if task.get("newmedia.mediastack.servarr_notification", {}).get("implementation") == "MediaBrowser"
)["newmedia.mediastack.servarr_notification"]
DEFAULTS = {"string": "", "int": 0, "bool": False}


def declared(app: str) -> dict:
    """field -> (property type, input type, a new template's value), or {} without MediaBrowser."""
    fields = (FIXTURE[app] or {}).get("MediaBrowser") or {}
    parsed = {}
    for name, text in fields.items():
        held, kind, *value = text.split()
        default = yaml.safe_load(value[0]) if value else DEFAULTS[held]
        parsed[name] = (held, kind, default)
    return parsed


@pytest.mark.parametrize("app", SERVARR)
def test_the_stand_in_offers_the_notification_only_where_the_app_has_it(app):
    templates = {template["implementation"]: template for template in notification_templates(app)}
    fields = declared(app)
    if not fields:
        assert "MediaBrowser" not in templates
        return
    offered = templates["MediaBrowser"]["fields"]
    assert [entry["name"] for entry in offered] == list(fields)
    assert {entry["name"]: (held_as(entry["value"]), entry["type"]) for entry in offered} == {
        name: (held, kind) for name, (held, kind, _default) in fields.items()
    }
    # The values a new template holds, where the app's constructor sets one (host aside: none is set).
    assert {entry["name"]: entry["value"] for entry in offered if entry["name"] != "host"} == {
        name: default for name, (_held, _kind, default) in fields.items() if name != "host"
    }


@pytest.mark.parametrize("app", SERVARR)
def test_only_an_app_with_the_notification_has_import_triggers(app):
    assert bool(CATALOG[app]["configure"]["import_triggers"]) == bool(declared(app))


@pytest.mark.parametrize("inventory_name", INVENTORIES)
def test_the_wiring_tells_jellyfin_only_through_apps_that_can(inventory_name):
    inventory = shipped(inventory_name)
    wired = inventory.wiring(inventory.edge)
    if wired["jellyfin"] is None:
        pytest.skip(f"{inventory_name} plans no Jellyfin")
    told = sorted(app["service"] for app in wired["servarr"] if app["jellyfin"] is not None)
    assert told == sorted(app["service"] for app in wired["servarr"] if declared(app["service"]))


def test_the_role_sends_only_fields_of_the_apps_template_with_its_types():
    names = {*TASK["fields"], *TASK["secret_fields"]}
    for app in SERVARR:
        fields = declared(app)
        if fields:
            assert sorted(names - set(fields)) == [], app
            assert fields["updateLibrary"][0] == fields["notify"][0] == "bool"


def test_asking_bookshelf_for_a_jellyfin_notification_fails():
    """What the configure run met before readarr lost its import triggers: the app refuses it."""
    with ServarrStandIn("readarr") as stand_in:
        args = {
            "app": "readarr",
            "url": stand_in.url,
            "api_key": stand_in.api_key,
            "name": "Jellyfin",
            "implementation": "MediaBrowser",
            "fields": {"host": "10.0.0.1", "port": 8096, "updateLibrary": True, "notify": False},
            "secret_fields": {"apiKey": "key"},
            "triggers": ["onReleaseImport"],
            "ready_timeout": 2,
        }
        failed, result = run_module(servarr_notification.main, args)
        assert failed
        assert "MediaBrowser" in result["msg"]
        assert stand_in.items("notification") == []
