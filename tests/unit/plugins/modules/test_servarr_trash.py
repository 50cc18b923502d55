"""TRaSH Guides JSON to the Servarr API and back: custom formats (fields mapping -> list) and quality
profiles (qualities, cutoff and custom formats by name, display order -> API order, scores from
``trash_scores``). The samples follow the shape of TRaSH-Guides/Guides ``docs/json/{sonarr,radarr}``."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._trash import (
    Catalog,
    Scoring,
    TrashError,
    custom_format_body,
    custom_format_view,
    fill_specifications,
    quality_profile_body,
    quality_profile_view,
    score,
)

from ....contract.servarr import QUALITIES

X265 = {
    "trash_id": "a" * 32,
    "trash_scores": {"default": -10000, "anime-sonarr": -5000},
    "trash_regex": "https://regex101.com/r/example/1",
    "name": "x265 (HD)",
    "includeCustomFormatWhenRenaming": False,
    "specifications": [
        {
            "name": "x265",
            "implementation": "ReleaseTitleSpecification",
            "negate": False,
            "required": True,
            "fields": {"value": r"[xh][ ._-]?265|\bHEVC(\b|\d)"},
        },
        {
            "name": "Not 2160p",
            "implementation": "ResolutionSpecification",
            "negate": True,
            "required": True,
            "fields": {"value": 2160},
        },
    ],
}
REPACK = {
    "trash_id": "b" * 32,
    "trash_scores": {"default": 5},
    "name": "Repack/Proper",
    "specifications": [
        {
            "name": "Repack",
            "implementation": "ReleaseTitleSpecification",
            "negate": False,
            "required": False,
            "fields": {"value": r"\b(repack|proper)\b"},
        },
    ],
}
NO_SCORE = {
    "trash_id": "c" * 32,
    "name": "10bit",
    "specifications": [
        {
            "name": "10bit",
            "implementation": "ReleaseTitleSpecification",
            "negate": False,
            "required": False,
            "fields": {"value": "10[.-]?bit"},
        },
    ],
}
WEB_1080P = {
    "trash_id": "d" * 32,
    "name": "WEB-1080p",
    "trash_description": "Quality Profile that covers WEBDL 1080p",
    "group": 1,
    "upgradeAllowed": True,
    "cutoff": "WEB 1080p",
    "minFormatScore": 0,
    "cutoffFormatScore": 10000,
    "minUpgradeFormatScore": 1,
    "items": [
        {"name": "WEB 1080p", "allowed": True, "items": ["WEBRip-1080p", "WEBDL-1080p"]},
        {"name": "HDTV-1080p", "allowed": True},
        {"name": "Bluray-720p", "allowed": False},
        {"name": "WEB 720p", "allowed": False, "items": ["WEBRip-720p", "WEBDL-720p"]},
    ],
    "formatItems": {"Repack/Proper": "b" * 32, "x265 (HD)": "a" * 32, "10bit": "c" * 32},
}


def sonarr_schema() -> dict:
    """The shape of Sonarr's GET qualityprofile/schema: every quality, worst first, none allowed."""
    items = [
        {"quality": {"id": q[0], "name": q[1], "source": q[2], "resolution": q[3]}, "items": [], "allowed": False}
        for q in QUALITIES["sonarr"]
    ]
    return {
        "name": "",
        "upgradeAllowed": False,
        "cutoff": 0,
        "items": items,
        "minFormatScore": 0,
        "cutoffFormatScore": 0,
        "minUpgradeFormatScore": 1,
        "formatItems": [],
    }


FORMATS = {"x265 (HD)": 11, "Repack/Proper": 12, "10bit": 13, "Unrelated": 14}
SONARR = Catalog("Sonarr", sonarr_schema(), FORMATS)
SCORING = Scoring(custom_formats=[X265, REPACK, NO_SCORE])


# --- custom formats ----------------------------------------------------------------------------


def test_custom_format_drops_trash_keys_and_lists_fields():
    body = custom_format_body(X265)
    assert body == {
        "name": "x265 (HD)",
        "includeCustomFormatWhenRenaming": False,
        "specifications": [
            {
                "name": "x265",
                "implementation": "ReleaseTitleSpecification",
                "negate": False,
                "required": True,
                "fields": [{"name": "value", "value": r"[xh][ ._-]?265|\bHEVC(\b|\d)"}],
            },
            {
                "name": "Not 2160p",
                "implementation": "ResolutionSpecification",
                "negate": True,
                "required": True,
                "fields": [{"name": "value", "value": 2160}],
            },
        ],
    }
    assert not any(key.startswith("trash_") for key in body)


@pytest.mark.parametrize(
    ("fields", "listed"),
    [
        pytest.param({"value": 8}, [{"name": "value", "value": 8}], id="one-field"),
        pytest.param({"min": 1, "max": 9}, [{"name": "min", "value": 1}, {"name": "max", "value": 9}], id="two"),
        pytest.param([{"name": "value", "value": "x"}], [{"name": "value", "value": "x"}], id="api-list-accepted"),
        pytest.param({}, [], id="none"),
    ],
)
def test_custom_format_specification_fields(fields, listed):
    definition = {
        "name": "n",
        "specifications": [{"name": "s", "implementation": "SizeSpecification", "fields": fields}],
    }
    spec = custom_format_body(definition)["specifications"][0]
    assert spec["fields"] == listed
    assert (spec["negate"], spec["required"]) == (False, False)


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        pytest.param([], "`definition` must be a mapping", id="not-a-mapping"),
        pytest.param({"specifications": [{}]}, "`definition` has no name", id="no-name"),
        pytest.param({"name": "n", "specifications": []}, "`definition.specifications` must be a non-empty", id="none"),
        pytest.param(
            {"name": "n", "specifications": [{"name": "s"}]}, "`definition.specifications[0]` needs", id="impl"
        ),
        pytest.param(
            {"name": "n", "specifications": [{"name": "s", "implementation": "X", "fields": "v"}]},
            "`definition.specifications[0].fields` must be a mapping",
            id="fields-type",
        ),
    ],
)
def test_custom_format_errors_name_the_option(definition, message):
    with pytest.raises(TrashError, match=message.replace("[", r"\[").replace("]", r"\]")):
        custom_format_body(definition)


def test_custom_format_name_override_and_view_round_trip():
    body = custom_format_body(X265, name="x265 (720/1080p)")
    view = custom_format_view(body)
    assert view["name"] == "x265 (720/1080p)"
    assert view["specifications"][1]["fields"] == {"value": 2160}


def test_fill_specifications_keeps_the_apps_other_fields_so_only_real_changes_show():
    current = {
        "name": "German",
        "specifications": [
            {
                "name": "German",
                "implementation": "LanguageSpecification",
                "negate": False,
                "required": True,
                "fields": [{"name": "value", "value": 4}, {"name": "exceptLanguage", "value": False}],
            },
        ],
    }
    wanted = custom_format_body(
        {
            "name": "German",
            "specifications": [
                {
                    "name": "German",
                    "implementation": "LanguageSpecification",
                    "negate": False,
                    "required": True,
                    "fields": {"value": 4},
                }
            ],
        }
    )
    filled = fill_specifications(wanted, current)
    assert custom_format_view(filled) == custom_format_view(current)
    assert fill_specifications(wanted, None) == wanted


@pytest.mark.parametrize(
    ("definition", "score_set", "expected"),
    [
        pytest.param(X265, None, -10000, id="default"),
        pytest.param(X265, "anime-sonarr", -5000, id="score-set"),
        pytest.param(X265, "french", -10000, id="unknown-set-falls-back"),
        pytest.param(NO_SCORE, None, 0, id="trash-cf-without-scores-is-zero"),
        pytest.param({"name": "hand-made"}, None, None, id="no-trash-data"),
    ],
)
def test_score(definition, score_set, expected):
    assert score(definition, score_set) == expected


# --- quality profiles --------------------------------------------------------------------------


def test_quality_profile_api_order_groups_cutoff_and_scores():
    body = quality_profile_body(WEB_1080P, SONARR, SCORING)
    items = body["items"]
    # API order is worst first: qualities the profile leaves out, then the profile's list reversed.
    assert items[-1] == {
        "id": 1000,
        "name": "WEB 1080p",
        "allowed": True,
        "items": [
            {
                "quality": {"id": 3, "name": "WEBDL-1080p", "source": "web", "resolution": 1080},
                "items": [],
                "allowed": True,
            },
            {
                "quality": {"id": 15, "name": "WEBRip-1080p", "source": "webRip", "resolution": 1080},
                "items": [],
                "allowed": True,
            },
        ],
    }
    assert items[-2]["quality"]["name"] == "HDTV-1080p"
    assert items[-4]["id"] == 1001
    assert items[-4]["name"] == "WEB 720p"
    assert items[0] == {
        "quality": {"id": 0, "name": "Unknown", "source": "unknown", "resolution": 0},
        "items": [],
        "allowed": False,
    }
    names = [member["quality"]["name"] for item in items for member in (item["items"] or [item])]
    assert sorted(names) == sorted(q[1] for q in QUALITIES["sonarr"])
    assert body["cutoff"] == 1000
    assert (body["minUpgradeFormatScore"], body["cutoffFormatScore"]) == (1, 10000)
    assert body["formatItems"] == [
        {"format": 13, "name": "10bit", "score": 0},
        {"format": 12, "name": "Repack/Proper", "score": 5},
        {"format": 14, "name": "Unrelated", "score": 0},
        {"format": 11, "name": "x265 (HD)", "score": -10000},
    ]


def test_quality_profile_view_reads_back_what_the_definition_says():
    body = quality_profile_body(WEB_1080P, SONARR, SCORING)
    view = quality_profile_view(dict(body, id=7), {ident: name for name, ident in FORMATS.items()})
    assert view["cutoff"] == "WEB 1080p"
    assert view["items"][:4] == [
        {"name": "WEB 1080p", "allowed": True, "items": ["WEBRip-1080p", "WEBDL-1080p"]},
        {"name": "HDTV-1080p", "allowed": True},
        {"name": "Bluray-720p", "allowed": False},
        {"name": "WEB 720p", "allowed": False, "items": ["WEBRip-720p", "WEBDL-720p"]},
    ]
    assert view["items"][-1] == {"name": "Unknown", "allowed": False}
    assert view["formatItems"] == {"x265 (HD)": -10000, "Repack/Proper": 5, "10bit": 0, "Unrelated": 0}
    # The same definition gives the same view: nothing to change on a second run.
    assert (
        quality_profile_view(quality_profile_body(WEB_1080P, SONARR, SCORING), {v: k for k, v in FORMATS.items()})
        == view
    )


@pytest.mark.parametrize(
    ("scoring", "expected"),
    [
        pytest.param(Scoring([X265, REPACK, NO_SCORE], "anime-sonarr"), {"x265 (HD)": -5000}, id="score-set-option"),
        pytest.param(Scoring([X265, REPACK, NO_SCORE], scores={"x265 (HD)": -1}), {"x265 (HD)": -1}, id="by-name"),
        pytest.param(Scoring([X265, REPACK, NO_SCORE], scores={"b" * 32: 50}), {"Repack/Proper": 50}, id="by-trash-id"),
        pytest.param(Scoring([X265, REPACK, NO_SCORE], scores={"Unrelated": 3}), {"Unrelated": 3}, id="extra-format"),
        pytest.param(Scoring([], scores={"x265 (HD)": 1, "Repack/Proper": 2, "10bit": 3}), {"10bit": 3}, id="no-trash"),
    ],
)
def test_quality_profile_scores(scoring, expected):
    body = quality_profile_body(WEB_1080P, SONARR, scoring)
    scores = {entry["name"]: entry["score"] for entry in body["formatItems"]}
    assert {name: scores[name] for name in expected} == expected


def test_quality_profile_score_set_from_the_definition():
    definition = dict(WEB_1080P, trash_score_set="anime-sonarr")
    body = quality_profile_body(definition, SONARR, SCORING)
    assert {entry["name"]: entry["score"] for entry in body["formatItems"]}["x265 (HD)"] == -5000


def test_quality_profile_finds_a_renamed_custom_format_by_trash_id():
    catalog = Catalog("Sonarr", sonarr_schema(), {"x265": 11, "Repack/Proper": 12, "10bit": 13})
    renamed = dict(X265, name="x265")
    body = quality_profile_body(WEB_1080P, catalog, Scoring([renamed, REPACK, NO_SCORE]))
    assert {entry["name"]: entry["score"] for entry in body["formatItems"]}["x265"] == -10000


def test_radarr_language_by_name():
    schema = dict(sonarr_schema(), language={"id": 1, "name": "English"})
    catalog = Catalog("Radarr", schema, FORMATS, {"Original": {"id": -2, "name": "Original"}})
    body = quality_profile_body(dict(WEB_1080P, language="original"), catalog, SCORING)
    assert body["language"] == {"id": -2, "name": "Original"}
    assert quality_profile_view(body, {})["language"] == "Original"


def broken(**changes) -> dict:
    definition = copy.deepcopy(WEB_1080P)
    definition.update(changes)
    return definition


PROFILE_ERRORS = [
    pytest.param(
        broken(items=[{"name": "WEB 1080p", "allowed": True, "items": ["WEBDL-1080p", "WEBDL-1080"]}]),
        SCORING,
        r'quality "WEBDL-1080" in `definition.items\[0\].items` is not a Sonarr quality',
        id="unknown-quality",
    ),
    pytest.param(
        broken(items=[{"name": "HDTV-1080p", "allowed": True}, {"name": "HDTV-1080p", "allowed": False}]),
        SCORING,
        'quality "HDTV-1080p" appears twice',
        id="duplicate",
    ),
    pytest.param(
        broken(cutoff="Remux"), SCORING, r'cutoff "Remux" in `definition.cutoff` is not an item', id="cutoff-unknown"
    ),
    pytest.param(broken(cutoff="Bluray-720p"), SCORING, "is not allowed", id="cutoff-not-allowed"),
    pytest.param(broken(items=[{"name": "SDTV", "allowed": False}]), SCORING, "allows no quality", id="none-allowed"),
    pytest.param(
        broken(formatItems={"DV (WEBDL)": "e" * 32}),
        SCORING,
        r'custom format "DV \(WEBDL\)" named in `definition.formatItems` does not exist in Sonarr',
        id="custom-format-missing",
    ),
    pytest.param(WEB_1080P, Scoring([X265]), 'no score for custom format "Repack/Proper"', id="score-unknown"),
    pytest.param(
        WEB_1080P,
        Scoring([X265, REPACK, NO_SCORE], scores={"HDR": 5}),
        'custom format "HDR" named in `scores` does not exist',
        id="scores-names-missing-format",
    ),
    pytest.param(broken(language="Original"), SCORING, "is a Radarr setting", id="language-on-sonarr"),
    pytest.param(broken(name=""), SCORING, "has no name", id="no-name"),
]


@pytest.mark.parametrize(("definition", "scoring", "message"), PROFILE_ERRORS)
def test_quality_profile_errors_name_the_option(definition, scoring, message):
    with pytest.raises(TrashError, match=message):
        quality_profile_body(definition, SONARR, scoring)


def test_radarr_unknown_language():
    catalog = Catalog("Radarr", dict(sonarr_schema(), language={}), FORMATS, {"English": {"id": 1, "name": "English"}})
    with pytest.raises(TrashError, match=r'language "Klingon" in `definition.language` is not a Radarr language'):
        quality_profile_body(broken(language="Klingon"), catalog, SCORING)


def test_lidarr_has_no_upgrade_score_increment():
    schema = {
        "name": "",
        "cutoff": 0,
        "items": [{"quality": {"id": 6, "name": "FLAC"}, "items": [], "allowed": False}],
        "formatItems": [],
    }
    definition = {
        "name": "Lossless",
        "items": [{"name": "FLAC", "allowed": True}],
        "minUpgradeFormatScore": 1,
        "formatItems": {},
    }
    with pytest.raises(TrashError, match=r"`definition.minUpgradeFormatScore` is not a setting of Lidarr"):
        quality_profile_body(definition, Catalog("Lidarr", schema, {}))
    del definition["minUpgradeFormatScore"]
    assert quality_profile_body(definition, Catalog("Lidarr", schema, {}))["cutoff"] == 6
