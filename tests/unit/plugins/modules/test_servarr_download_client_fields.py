"""The download-client fields the collection sends each *arr app are that app's own field names,
with values of the types the app reads.

The apps' OpenAPI documents describe a provider's settings only as a generic ``fields`` array, so
tests/fixtures/servarr-download-client-fields.yml holds each app's qBittorrent and SABnzbd fields
as its ``/schema`` template lists them (name, property type, input type), read from the apps'
source (its header names the repository, path and commit). An app drops a field name it does not
know without a word: a misspelt category field would leave the client on the app's default
category and mix the apps' downloads; a port sent as words would be read as 0. Checked here: the
catalog, what the configure role sends for each shipped inventory, the contract stand-in's
templates (which refuse any other name, and read values as the apps do), and what the stand-in
holds after the module ran with those fields.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.modules import servarr_download_client

from ....contract.openapi import SPECS
from ....contract.servarr import APPS, ServarrStandIn, download_client_templates
from ...shipped import CATALOG, INVENTORIES, ROOT, shipped
from .harness import run_module

#: app -> implementation -> field -> (property type, input type), in the template's order.
FIELDS = {
    app: {
        implementation: {name: tuple(declared.split()) for name, declared in fields.items()}
        for implementation, fields in clients.items()
    }
    for app, clients in yaml.safe_load(
        (ROOT / "tests/fixtures/servarr-download-client-fields.yml").read_text(encoding="utf-8")
    ).items()
}
#: The C# property type whose values decode from JSON as each Python type (bool before int: a
#: Python bool is an int).
HELD_AS = {bool: "bool", int: "int", str: "string"}


def held_as(value) -> str:
    """The C# property type a JSON value of this kind fills: bool, int, string (else the Python type)."""
    return next((name for kind, name in HELD_AS.items() if isinstance(value, kind)), type(value).__name__)


SERVARR = sorted(name for name, entry in CATALOG.items() if (entry.get("configure") or {}).get("role") == "servarr")
CLIENTS = sorted(
    name for name, entry in CATALOG.items() if (entry.get("configure") or {}).get("role") == "download_client"
)
TASK = next(
    task
    for task in yaml.safe_load((ROOT / "roles/configure/tasks/servarr.yml").read_text(encoding="utf-8"))
    if "newmedia.mediastack.servarr_download_client" in task
)


def implementation(client: str) -> str:
    return CATALOG[client]["configure"]["implementation"]


def category_field(app: str, client_implementation: str) -> str:
    """The field the app files a client's downloads under (not its category for imported ones)."""
    names = FIELDS[app][client_implementation]
    (name,) = (name for name in names if name.endswith("Category") and "Imported" not in name)
    return name


def sent(inventory_name: str) -> list[tuple[dict, dict, dict]]:
    """(app, client, fields with secret fields) the configure role sends for every *arr app and client."""
    inventory = shipped(inventory_name)
    host = inventory.edge
    module = TASK["newmedia.mediastack.servarr_download_client"]
    found = []
    for app in inventory.wiring(host)["servarr"]:
        for client in app["download_clients"]:
            store = {name: f"secret of {name}" for name in client["secret_fields"].values()}
            scope = {"configure_app": app, "configure_item": client, "__configure_secrets": store}
            fields = inventory.template(host, module["fields"], **scope)
            secrets = inventory.template(host, module["secret_fields"], **scope)
            found.append((app, client, {**fields, **secrets}))
    return found


def test_the_fixture_covers_every_arr_app_and_download_client():
    assert sorted(FIELDS) == SERVARR
    assert {app: sorted(FIELDS[app]) for app in FIELDS} == dict.fromkeys(FIELDS, sorted(map(implementation, CLIENTS)))


@pytest.mark.parametrize("app", SERVARR)
def test_the_catalog_names_the_apps_own_category_field(app):
    for client in CLIENTS:
        assert CATALOG[app]["configure"]["category_field"] == category_field(app, implementation(client)), client


@pytest.mark.parametrize("client", CLIENTS)
def test_the_catalog_signs_in_to_each_client_with_field_names_every_app_knows(client):
    configure = CATALOG[client]["configure"]
    names = {*(configure.get("fields") or {}), *(configure.get("secret_fields") or {})}
    assert names
    for app in SERVARR:
        assert sorted(names - set(FIELDS[app][implementation(client)])) == [], app


@pytest.mark.parametrize("inventory_name", INVENTORIES)
def test_the_configure_role_sends_only_the_apps_own_field_names(inventory_name):
    found = sent(inventory_name)
    assert sorted({(app["service"], client["implementation"]) for app, client, _fields in found}) == sorted(
        (app, implementation(client)) for app in SERVARR for client in CLIENTS
    )
    for app, client, fields in found:
        known = FIELDS[app["service"]][client["implementation"]]
        assert sorted(set(fields) - set(known)) == [], (app["service"], client["implementation"])
        assert fields[category_field(app["service"], client["implementation"])] == app["category"]


@pytest.mark.parametrize("app", SERVARR)
def test_the_stand_in_offers_the_apps_own_fields_with_their_types(app):
    offered = {
        template["implementation"]: [
            (entry["name"], held_as(entry["value"]), entry["type"]) for entry in template["fields"]
        ]
        for template in download_client_templates(app)
    }
    assert offered == {
        implementation: [(name, held, kind) for name, (held, kind) in fields.items()]
        for implementation, fields in FIELDS[app].items()
    }


@pytest.mark.parametrize("client", CLIENTS)
def test_the_catalog_gives_each_client_field_a_value_of_the_apps_type(client):
    configure = CATALOG[client]["configure"]
    for app in SERVARR:
        declared = FIELDS[app][implementation(client)]
        for name, value in (configure.get("fields") or {}).items():
            assert held_as(value) == declared[name][0], (app, name, value)
        # A secret field's value is a secret of the store, which holds text.
        for name in configure.get("secret_fields") or {}:
            assert declared[name][0] == "string", (app, name)


def save(stand_in, changes: dict, extra_fields: tuple = ()):
    """POST a qBittorrent client made from the stand-in's template with ``changes`` to its fields,
    and ``extra_fields`` added; (status, answer)."""
    headers = {"X-Api-Key": stand_in.api_key, "Content-Type": "application/json"}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    api = f"{stand_in.url}{stand_in.base}/downloadclient"
    schema = urllib.request.Request(f"{api}/schema", headers=headers)  # noqa: S310 - loopback
    with opener.open(schema, timeout=10) as answer:
        template = next(entry for entry in json.loads(answer.read()) if entry["implementation"] == "QBittorrent")
    fields = [dict(entry, value=changes.get(entry["name"], entry["value"])) for entry in template["fields"]]
    body = dict(template, name="qBittorrent", fields=[*fields, *extra_fields])
    request = urllib.request.Request(f"{api}?forceSave=true", data=json.dumps(body).encode(), headers=headers)  # noqa: S310 - loopback
    try:
        with opener.open(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


@pytest.mark.parametrize(
    ("changes", "held"),
    [
        pytest.param({"port": "8081"}, {"port": 8081}, id="a-number-as-text-is-read-as-the-number"),
        pytest.param({"port": " -5 "}, {"port": -5}, id="spaces-and-a-sign-parse"),
        pytest.param({"port": "eighty"}, {"port": 0}, id="text-that-is-no-number-is-read-as-0"),
        pytest.param({"port": True}, {"port": 0}, id="true-for-a-number-is-read-as-0"),
        pytest.param({"port": "99999999999"}, {"port": 0}, id="beyond-int32-is-read-as-0"),
        pytest.param({"port": None}, {"port": 0}, id="null-for-a-number-is-read-as-0"),
        pytest.param({"useSsl": True, "host": "qb"}, {"useSsl": True, "host": "qb"}, id="values-of-their-own-type"),
    ],
)
def test_the_stand_in_reads_a_sent_value_as_the_app_does(changes, held):
    with ServarrStandIn("sonarr") as stand_in:
        status, _answer = save(stand_in, changes)
        assert 200 <= status < 300
        (stored,) = stand_in.items("downloadclient")
        values = {entry["name"]: entry["value"] for entry in stored["fields"]}
        assert {name: values[name] for name in held} == held
        assert {name: held_as(values[name]) for name in held} == {name: held_as(value) for name, value in held.items()}


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"useSsl": "true"}, id="text-for-a-bool"),
        pytest.param({"tvCategory": 5}, id="a-number-for-text"),
        pytest.param({"host": ["qb"]}, id="a-list-for-text"),
    ],
)
def test_the_stand_in_refuses_a_value_the_apps_json_reader_cannot_read(changes):
    with ServarrStandIn("sonarr") as stand_in:
        status, answer = save(stand_in, changes)
        assert status == 400
        assert answer[0]["propertyName"] == next(iter(changes))
        assert stand_in.items("downloadclient") == []


@pytest.mark.parametrize("app", SERVARR)
def test_the_stand_in_refuses_a_field_the_app_does_not_know(app):
    with ServarrStandIn(app) as stand_in:
        misspelt = category_field(app, "QBittorrent").replace("Category", "Catgory")
        status, answer = save(stand_in, {}, ({"name": misspelt, "value": "x"},))
        assert status == 400
        assert answer[0]["propertyName"] == misspelt
        assert stand_in.items("downloadclient") == []


@pytest.mark.parametrize("inventory_name", INVENTORIES)
def test_the_module_files_each_apps_downloads_under_its_category(inventory_name):
    for app, client, fields in sent(inventory_name):
        secret_names = set(client["secret_fields"])
        with ServarrStandIn(app["service"]) as stand_in:
            args = {
                "app": app["service"],
                "url": stand_in.url,
                "api_key": stand_in.api_key,
                "name": client["implementation"],
                "implementation": client["implementation"],
                "fields": {name: value for name, value in fields.items() if name not in secret_names},
                "secret_fields": {name: value for name, value in fields.items() if name in secret_names},
                "ready_timeout": 2,
            }
            failed, result = run_module(servarr_download_client.main, args)
            assert not failed, result["msg"]
            (stored,) = stand_in.items("downloadclient")
            values = {entry["name"]: entry["value"] for entry in stored["fields"]}
            assert values[category_field(app["service"], client["implementation"])] == app["category"]
            # What the app holds: every field sent, with the value sent, of the property's type.
            declared = FIELDS[app["service"]][client["implementation"]]
            sent_plain = {name: value for name, value in fields.items() if name not in secret_names}
            assert {name: values[name] for name in sent_plain} == sent_plain
            assert {name: held_as(values[name]) for name in fields} == {name: declared[name][0] for name in fields}
            assert stand_in.violations == []


@pytest.mark.parametrize("app", SERVARR)
def test_the_catalog_import_triggers_are_notification_events_the_app_knows(app):
    # An app drops a notification event it does not know without a word, as it drops a field
    # name: a misspelt trigger would leave Jellyfin unaware of that app's imports.
    spec = json.loads((SPECS / APPS[app][2]).read_text(encoding="utf-8"))
    events = {
        name
        for name, schema in spec["components"]["schemas"]["NotificationResource"]["properties"].items()
        if name.startswith("on") and schema.get("type") == "boolean"
    }
    triggers = CATALOG[app]["configure"]["import_triggers"]
    assert set(triggers) <= events, sorted(set(triggers) - events)
