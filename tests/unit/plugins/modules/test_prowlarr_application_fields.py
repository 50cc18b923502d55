"""The Prowlarr application fields the collection sends are Prowlarr's own field names, with values
of the types Prowlarr reads.

Prowlarr's OpenAPI document describes an application's settings only as a generic ``fields``
array, so tests/fixtures/prowlarr-application-fields.yml holds each application's fields as its
``/schema`` template lists them (name, property type, input type, a new template's value), read
from Prowlarr's source (its header names the repository, path and commit). Prowlarr drops a field
name it does not know without a word: a misspelt ``baseUrl`` would leave the application on
``http://localhost:<port>``, where Prowlarr's sync reaches nothing. Checked here: the contract
stand-in's templates against the fixture, and what the configure role sends against it.
"""

from __future__ import annotations

import pytest
import yaml

from ....contract.servarr import application_templates
from ...shipped import CATALOG, ROOT
from .test_servarr_download_client_fields import held_as

FIXTURE = yaml.safe_load((ROOT / "tests/fixtures/prowlarr-application-fields.yml").read_text(encoding="utf-8"))
SERVARR = sorted(name for name, entry in CATALOG.items() if (entry.get("configure") or {}).get("role") == "servarr")
TASK = next(
    task
    for task in yaml.safe_load((ROOT / "roles/configure/tasks/prowlarr.yml").read_text(encoding="utf-8"))
    if "newmedia.mediastack.prowlarr_application" in task
)["newmedia.mediastack.prowlarr_application"]


def declared(application: str) -> dict:
    """field -> (property type, input type, a new template's value or None where none is set)."""
    parsed = {}
    for name, text in FIXTURE[application].items():
        held, kind, *value = text.split(None, 2)
        parsed[name] = (held, kind, yaml.safe_load(value[0]) if value else None)
    return parsed


def property_type(value) -> str:
    """The C# property type a template value fills, with int[] for a list of integers."""
    if isinstance(value, list) and all(isinstance(item, int) and not isinstance(item, bool) for item in value):
        return "int[]"
    return held_as(value)


@pytest.mark.parametrize("application", sorted(FIXTURE))
def test_the_stand_in_offers_each_application_as_prowlarr_does(application):
    templates = {template["implementation"]: template for template in application_templates()}
    offered = templates[application]["fields"]
    fields = declared(application)
    assert [entry["name"] for entry in offered] == list(fields)
    assert {entry["name"]: entry["type"] for entry in offered} == {
        name: kind for name, (_h, kind, _d) in fields.items()
    }
    for entry in offered:
        held, _kind, default = fields[entry["name"]]
        if default is not None:
            assert entry["value"] == default, entry["name"]
            assert property_type(entry["value"]) == held, entry["name"]
    assert next(entry for entry in offered if entry["name"] == "apiKey")["privacy"] == "apiKey"


def test_every_app_the_catalog_wires_is_a_prowlarr_application():
    implementations = {CATALOG[name]["configure"]["implementation"] for name in SERVARR}
    assert sorted(implementations - set(FIXTURE)) == []


def test_the_role_sends_only_fields_every_application_has_as_strings():
    sent = {**TASK["fields"], **TASK["secret_fields"]}
    assert sorted(sent) == ["apiKey", "baseUrl", "prowlarrUrl"]
    for application in FIXTURE:
        fields = declared(application)
        assert sorted(set(sent) - set(fields)) == [], application
        assert {name: fields[name][0] for name in sent} == dict.fromkeys(sent, "string"), application
        # Each is one Jinja expression, rendered as text (a URL, an API key).
        assert all(isinstance(value, str) and value.startswith("{{") for value in sent.values())
