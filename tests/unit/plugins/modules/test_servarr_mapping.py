"""The Servarr modules' pure helpers: fields as a mapping and as the API's list, values coerced to
the type the app holds, secrets and names."""

from __future__ import annotations

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._servarr import (
    ServarrError,
    coerce,
    fields_to_dict,
    fields_to_list,
    find_named,
    lookup,
    secret_fields,
    unknown_keys,
    without,
)

FIELD_TABLE = [
    pytest.param({}, [], id="empty"),
    pytest.param({"host": "qbittorrent"}, [{"name": "host", "value": "qbittorrent"}], id="one"),
    pytest.param(
        {"host": "sab", "port": 8080, "useSsl": False, "categories": [5030, 5040]},
        [
            {"name": "host", "value": "sab"},
            {"name": "port", "value": 8080},
            {"name": "useSsl", "value": False},
            {"name": "categories", "value": [5030, 5040]},
        ],
        id="order-and-types-kept",
    ),
    pytest.param(
        {"seedCriteria.seedRatio": 1.5, "urlBase": None},
        [{"name": "seedCriteria.seedRatio", "value": 1.5}, {"name": "urlBase", "value": None}],
        id="dotted-names-and-null",
    ),
]


@pytest.mark.parametrize(("mapping", "listed"), FIELD_TABLE)
def test_fields_map_to_the_api_list_and_back(mapping, listed):
    assert fields_to_list(mapping) == listed
    assert fields_to_dict(listed) == mapping


def test_fields_from_the_api_keep_only_name_and_value():
    answered = [
        {"order": 0, "name": "host", "label": "Host", "value": "localhost", "type": "textbox", "privacy": "normal"},
        {"order": 1, "name": "urlBase", "label": "Url Base", "type": "textbox"},
    ]
    assert fields_to_dict(answered) == {"host": "localhost", "urlBase": None}
    assert fields_to_dict(None) == {}


@pytest.mark.parametrize(
    ("like", "value", "expected"),
    [
        pytest.param(8080, "8080", 8080, id="int-from-text"),
        pytest.param(8080, 9090, 9090, id="int-kept"),
        pytest.param(False, "true", True, id="bool-true"),
        pytest.param(True, "no", False, id="bool-no"),
        pytest.param(True, "maybe", "maybe", id="bool-unknown-word-kept"),
        pytest.param(1.0, "2.5", 2.5, id="float"),
        pytest.param(0, "abc", "abc", id="not-a-number-kept"),
        pytest.param("tv", 5, 5, id="string-like-untouched"),
        pytest.param(None, "8080", "8080", id="unknown-type-untouched"),
        pytest.param([5030], "5030", "5030", id="list-untouched"),
    ],
)
def test_coerce_turns_templated_text_into_the_apps_type(like, value, expected):
    assert coerce(like, value) == expected
    assert type(coerce(like, value)) is type(expected)


@pytest.mark.parametrize(
    ("fields", "secret"),
    [
        pytest.param([{"name": "password", "privacy": "password", "value": ""}], {"password"}, id="privacy-password"),
        pytest.param([{"name": "apiKey", "privacy": "apiKey", "value": "x"}], {"apiKey"}, id="privacy-apikey"),
        pytest.param([{"name": "username", "privacy": "userName", "value": "me"}], set(), id="username-is-not"),
        pytest.param([{"name": "token", "value": "********"}], {"token"}, id="answered-masked"),
        pytest.param([{"name": "pass", "type": "password", "value": "x"}], {"pass"}, id="password-type"),
        pytest.param([{"name": "apiKey", "value": "clear"}], {"apiKey"}, id="readarr-no-privacy"),
        pytest.param([{"name": "host", "value": "sab"}], set(), id="plain"),
    ],
)
def test_secret_fields(fields, secret):
    assert secret_fields(fields) == secret


def test_unknown_keys_names_the_option_and_hints_at_the_spelling():
    with pytest.raises(ServarrError) as error:
        unknown_keys({"TvCategory": "tv"}, ["host", "tvCategory"], 'Sonarr download client "q"', "fields", "field")
    assert '"TvCategory" in `fields`' in str(error.value)
    assert 'Did you mean "tvCategory"?' in str(error.value)
    assert str(error.value).startswith('Sonarr download client "q"')
    unknown_keys({"host": 1}, ["host"], "x", "fields", "field")


def test_find_named_prefers_an_exact_match_then_ignores_case():
    items = [{"id": 1, "name": "qBittorrent"}, {"id": 2, "name": "QBITTORRENT "}, {"id": 3, "name": "SAB"}]
    assert find_named(items, "qBittorrent")["id"] == 1
    assert find_named(items, "qbittorrent")["id"] == 1
    assert find_named(items, "sab")["id"] == 3
    assert find_named(items, "nzbget") is None


@pytest.mark.parametrize(
    ("data", "path", "value", "rest"),
    [
        pytest.param({"fields": {"password": "x"}}, "fields.password", "x", {"fields": {}}, id="nested"),
        pytest.param({"apiKey": "k", "port": 1}, "apiKey", "k", {"port": 1}, id="top"),
        pytest.param({"fields": {"a.b": 1, "a": 2}}, "fields.a.b", 1, {"fields": {"a": 2}}, id="dotted-key"),
        pytest.param({"fields": {}}, "fields.apiKey", None, {"fields": {}}, id="absent"),
    ],
)
def test_lookup_and_without_follow_dotted_paths(data, path, value, rest):
    assert lookup(data, path) == value
    assert without(data, [path]) == rest
