"""The contract stand-ins' OpenAPI validator (tests/contract/openapi.py), one rule at a time.

A small OpenAPI 3.0 document written here stands for an application's spec; each test sends a
request that breaks one rule and the request that keeps to it, so a rule that stopped recording
fails its test, and a rule that records too much fails its control.
"""

from __future__ import annotations

import json

import pytest

from tests.contract.openapi import FORMATS, Spec

DOCUMENT = {
    "openapi": "3.0.1",
    "info": {"title": "app", "version": "1"},
    "paths": {
        "/api/v3/series": {
            "get": {
                "parameters": [
                    {"name": "tvdbId", "in": "query", "schema": {"type": "integer", "format": "int32"}},
                    {"name": "X-Api-Key", "in": "header", "schema": {"type": "string"}},
                ],
                "responses": {"200": {"description": "OK"}},
            },
            "post": {
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Series"}}}},
                "responses": {"201": {"description": "Created"}},
            },
        },
        "/api/v3/series/{id}": {
            "delete": {
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                "responses": {"200": {"description": "OK"}},
            }
        },
    },
    "components": {
        "schemas": {
            "Series": {
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "format": "int32"},
                    "size": {"type": "integer", "format": "int64"},
                    "added": {"type": "string", "format": "date-time"},
                    "firstAired": {"type": "string", "format": "date", "nullable": True},
                    "guid": {"type": "string", "format": "uuid"},
                    "address": {"type": "string", "format": "ipv4"},
                    "password": {"type": "string", "format": "password"},
                },
            }
        }
    },
}
GOOD = {
    "id": 7,
    "size": 2**40,
    "added": "2026-12-03T12:00:00.123Z",
    "firstAired": None,
    "guid": "0f8fad5b-d9cb-469f-a165-70867728950e",
    "address": "10.10.1.63",
    "password": "anything",
}


@pytest.fixture(name="spec", scope="module")
def fixture_spec(tmp_path_factory) -> Spec:
    path = tmp_path_factory.mktemp("spec") / "app.openapi.json"
    path.write_text(json.dumps(DOCUMENT), encoding="utf-8")
    return Spec(path)


def test_a_request_that_keeps_to_the_spec_has_no_violation(spec):
    assert spec.check_request("GET", "/api/v3/series", {"tvdbId": ["81189"]}, None) == []
    assert spec.check_request("POST", "/api/v3/series", {}, GOOD) == []
    assert spec.check_request("DELETE", "/api/v3/series/7", {}, None) == []


def test_an_undeclared_query_parameter_is_a_violation(spec):
    problems = spec.check_request("GET", "/api/v3/series", {"tvdbId": ["1"], "apikey": ["k"]}, None)
    assert problems == ["GET /api/v3/series: query parameter apikey is not declared"]


def test_a_header_parameter_is_no_query_parameter(spec):
    problems = spec.check_request("GET", "/api/v3/series", {"X-Api-Key": ["k"]}, None)
    assert problems == ["GET /api/v3/series: query parameter X-Api-Key is not declared"]


@pytest.mark.parametrize("method", ["GET", "DELETE"])
def test_a_body_sent_to_an_operation_that_takes_none_is_a_violation(spec, method):
    path = "/api/v3/series" if method == "GET" else "/api/v3/series/7"
    template = "/api/v3/series" if method == "GET" else "/api/v3/series/{id}"
    problems = spec.check_request(method, path, {}, {"id": 7})
    assert problems == [f"{method} {template}: a body was sent, but the operation takes none"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("id", 2**31),
        ("size", 2**63),
        ("added", "2026-12-03 12:00:00"),
        ("added", "2026-13-03T12:00:00Z"),
        ("firstAired", "03/12/2026"),
        ("guid", "not-a-uuid"),
        ("address", "10.10.1.300"),
    ],
    ids=["int32-overflow", "int64-overflow", "date-time-no-T", "date-time-month-13", "date-us", "uuid", "ipv4"],
)
def test_a_value_that_breaks_its_format_is_a_violation(spec, field, value):
    problems = spec.check_request("POST", "/api/v3/series", {}, {**GOOD, field: value})
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"POST /api/v3/series body {field}: ")
    assert "is not a" in problems[0]


def test_a_query_value_that_breaks_its_format_is_a_violation(spec):
    problems = spec.check_request("GET", "/api/v3/series", {"tvdbId": [str(2**31)]}, None)
    assert problems == [f"GET /api/v3/series ?tvdbId: <body>: {2**31} is not a 'int32'"]


def test_the_validator_checks_the_formats_the_specs_use():
    assert set(FORMATS) == {"date", "date-time", "int32", "int64", "ipv4", "uuid"}


def test_an_answer_that_breaks_its_format_is_a_violation(tmp_path):
    document = json.loads(json.dumps(DOCUMENT))
    document["paths"]["/api/v3/series"]["get"]["responses"]["200"]["content"] = {
        "application/json": {"schema": {"$ref": "#/components/schemas/Series"}}
    }
    path = tmp_path / "app.openapi.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    spec = Spec(path)
    assert spec.check_response("GET", "/api/v3/series", 200, GOOD) == []
    problems = spec.check_response("GET", "/api/v3/series", 200, {**GOOD, "added": "yesterday"})
    assert problems == ["GET /api/v3/series answer added: 'yesterday' is not a 'date-time'"]
