"""Choosing Jellyfin's hardware acceleration from GPU facts: the pure rule table and the filter."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.filter.jellyfin_hwaccel import FilterModule
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._hwaccel import (
    HwaccelError,
    hwaccel_settings,
    software,
)

NODE = "/dev/dri/renderD128"


@pytest.mark.parametrize(
    ("facts", "kind", "device"),
    [
        pytest.param({"nvidia": True, "render_nodes": [], "vendor": "nvidia"}, "nvenc", "", id="nvidia"),
        pytest.param({"nvidia": True, "render_nodes": [NODE], "vendor": "intel"}, "nvenc", "", id="nvidia-beats-igpu"),
        pytest.param({"nvidia": False, "render_nodes": [NODE], "vendor": "intel"}, "qsv", NODE, id="intel"),
        pytest.param({"render_nodes": [NODE], "vendor": "0x8086"}, "qsv", NODE, id="intel-pci-id"),
        pytest.param({"render_nodes": [NODE], "vendor": " Intel "}, "qsv", NODE, id="intel-spelling"),
        pytest.param({"render_nodes": [NODE], "vendor": "intel", "qsv": False}, "vaapi", NODE, id="intel-legacy"),
        pytest.param({"nvidia": False, "render_nodes": [NODE], "vendor": "amd"}, "vaapi", NODE, id="amd"),
        pytest.param({"render_nodes": [NODE], "vendor": "0x1002"}, "vaapi", NODE, id="amd-pci-id"),
        pytest.param(
            {"render_nodes": ["/dev/dri/renderD129", NODE], "vendor": "amd"},
            "vaapi",
            "/dev/dri/renderD129",
            id="first-node",
        ),
        pytest.param({"nvidia": False, "render_nodes": [], "vendor": "intel"}, "none", "", id="intel-without-node"),
        pytest.param({"nvidia": False, "render_nodes": [NODE], "vendor": "nvidia"}, "none", "", id="nvidia-no-runtime"),
        pytest.param({"render_nodes": [NODE], "vendor": "matrox"}, "none", "", id="other-vendor"),
        pytest.param({"nvidia": False, "render_nodes": [], "vendor": None}, "none", "", id="no-gpu"),
        pytest.param({}, "none", "", id="empty"),
    ],
)
def test_choice_follows_the_gpu(facts, kind, device):
    settings = hwaccel_settings(facts)
    assert settings["hardware_acceleration"] == kind
    assert settings["vaapi_device"] == device
    assert settings["enable_hardware_encoding"] is (kind != "none")
    assert settings["enable_tonemapping"] is (kind != "none")
    assert bool(settings["hardware_decoding_codecs"]) is (kind != "none")


@pytest.mark.parametrize(
    ("facts", "vpp", "ten_bit"),
    [
        pytest.param({"render_nodes": [NODE], "vendor": "intel"}, True, True, id="qsv"),
        pytest.param({"render_nodes": [NODE], "vendor": "intel", "qsv": False}, False, False, id="old-intel"),
        pytest.param({"render_nodes": [NODE], "vendor": "amd"}, False, True, id="amd"),
        pytest.param({"nvidia": True}, False, True, id="nvidia"),
    ],
)
def test_tone_mapping_and_ten_bit_decoding(facts, vpp, ten_bit):
    settings = hwaccel_settings(facts)
    assert settings["enable_vpp_tonemapping"] is vpp
    assert settings["enable_decoding_10bit_hevc"] is ten_bit
    assert settings["enable_decoding_10bit_vp9"] is ten_bit


def test_software_settings_turn_every_gpu_feature_off():
    assert software() == hwaccel_settings({"vendor": ""})
    assert not any(value for key, value in software().items() if key != "hardware_acceleration")


def test_settings_name_only_jellyfin_encoding_options():
    from ansible_collections.newmedia.mediastack.plugins.module_utils._jellyfin import ENCODING_OPTIONS  # noqa: PLC0415

    assert set(hwaccel_settings({"nvidia": True})) <= set(ENCODING_OPTIONS)


@pytest.mark.parametrize(
    ("facts", "message"),
    [
        pytest.param(["intel"], "expected a mapping", id="not-a-mapping"),
        pytest.param({"nvidia": "yes"}, "'nvidia' must be true or false", id="nvidia-not-bool"),
        pytest.param({"render_nodes": NODE}, "'render_nodes' must be a list", id="nodes-a-string"),
        pytest.param({"render_nodes": [128]}, "'render_nodes' must be a list", id="nodes-not-paths"),
        pytest.param({"vendor": 32902}, "'vendor' must be a string", id="vendor-not-str"),
        pytest.param({"qsv": "no"}, "'qsv' must be true or false", id="qsv-not-bool"),
    ],
)
def test_malformed_facts_are_refused(facts, message):
    with pytest.raises(HwaccelError, match=message):
        hwaccel_settings(facts)


def test_filter_wraps_the_rules_and_names_itself_in_errors():
    jellyfin_hwaccel = FilterModule().filters()["jellyfin_hwaccel"]
    assert jellyfin_hwaccel({"render_nodes": [NODE], "vendor": "amd"})["hardware_acceleration"] == "vaapi"
    with pytest.raises(AnsibleFilterError, match=r"^jellyfin_hwaccel: 'nvidia' must be true or false"):
        jellyfin_hwaccel({"nvidia": "maybe"})
