"""mylar3_config: Mylar3's API cannot change its configuration, so the module edits config.ini;
these tests run it on files (the format as Mylar3's configparser writes and reads it)."""

from __future__ import annotations

import base64
import configparser
import json
import stat

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK
from ansible_collections.newmedia.mediastack.plugins.module_utils._mylar3 import (
    CONFIG_VERSION,
    Mylar3Error,
    edit_ini,
    plan_settings,
    read_settings,
)
from ansible_collections.newmedia.mediastack.plugins.modules.mylar3_config import main

from .harness import run_module

API_KEY = "0123456789abcdef0123456789abcdef"
SAB_KEY = "fedcba9876543210fedcba9876543210"
QBIT_PASSWORD = "qbit-Passw0rd%x"  # noqa: S105 - a test account's password

EXISTING = """[General]
config_version = 14
# kept as it is
destination_dir = None
launch_browser = True

[Interface]
http_port = 8090
http_host = 0.0.0.0

[API]
api_enabled = False
api_key = None

[CV]
comicvine_api = None
"""

WANTED = {
    "comic_dir": "/data/media/comics",
    "destination_dir": "/data/media/comics",
    "api_enabled": True,
    "api_key": API_KEY,
    "nzb_downloader": "sabnzbd",
    "sab_host": "http://gluetun:8085",
    "sab_apikey": SAB_KEY,
    "sab_category": "comics",
    "enable_torrents": "yes",
    "torrent_downloader": "qbittorrent",
    "qbittorrent_host": "http://gluetun:8080",
    "qbittorrent_username": "admin",
    "qbittorrent_password": QBIT_PASSWORD,
    "qbittorrent_label": "comics",
}


def mylar_reads(text: str) -> configparser.ConfigParser:
    """The file as Mylar3 reads it (configparser with interpolation)."""
    parser = configparser.ConfigParser()
    parser.read_string(text)
    return parser


def test_edit_keeps_other_lines_and_adds_missing_keys_and_sections():
    changes, _before, _after = plan_settings(EXISTING, WANTED)
    text = edit_ini(EXISTING, changes)
    assert "# kept as it is" in text
    assert "launch_browser = True" in text
    assert "http_port = 8090" in text
    parsed = mylar_reads(text)
    assert parsed.get("General", "destination_dir") == "/data/media/comics"
    assert parsed.get("Import", "comic_dir") == "/data/media/comics"
    assert parsed.get("API", "api_enabled") == "True"
    assert parsed.get("API", "api_key") == API_KEY
    assert parsed.get("Client", "nzb_downloader") == "0"
    assert parsed.get("Client", "torrent_downloader") == "5"
    assert parsed.get("Torrents", "enable_torrents") == "True"
    assert parsed.get("qBittorrent", "qbittorrent_password") == QBIT_PASSWORD, "% is doubled for configparser"
    assert plan_settings(text, WANTED)[0] == {}, "the edited file holds every wanted value"


def test_a_new_file_starts_with_the_config_version():
    text = edit_ini("", {"api_key": API_KEY}, new_file=True)
    parsed = mylar_reads(text)
    assert parsed.getint("General", "config_version") == CONFIG_VERSION
    assert parsed.get("API", "api_key") == API_KEY


def test_secrets_mylar3_obfuscated_are_compared_decoded():
    hidden = "^~$z$" + base64.b64encode(SAB_KEY.encode() + b"12345678").decode()
    text = f"[SABnzbd]\nsab_apikey = {hidden}\n"
    assert read_settings(text)["sab_apikey"] == SAB_KEY
    assert plan_settings(text, {"sab_apikey": SAB_KEY})[0] == {}


@pytest.mark.parametrize(
    ("wanted", "match"),
    [
        ({"comics_dir": "/x"}, r"Unknown Mylar3 setting: comics_dir.*`settings`"),
        ({"http_port": "high"}, r"`settings\.http_port`"),
        ({"api_enabled": "maybe"}, r"`settings\.api_enabled`"),
        ({"nzb_downloader": "newsbin"}, r"sabnzbd.*`settings\.nzb_downloader`"),
    ],
    ids=["unknown", "int", "bool", "choice"],
)
def test_bad_settings_fail_naming_the_variable(wanted, match):
    with pytest.raises(Mylar3Error, match=match):
        plan_settings(EXISTING, wanted)


def test_config_full_cycle(tmp_path):
    path = tmp_path / "config.ini"
    path.write_text(EXISTING)
    path.chmod(0o640)
    args = {"path": str(path), "settings": WANTED}

    failed, result = run_module(main, args, check_mode=True, diff=True)
    assert (failed, result["changed"]) == (False, True), result
    assert path.read_text() == EXISTING, "check mode must leave the file untouched"

    failed, result = run_module(main, args, diff=True)
    assert (failed, result["changed"]) == (False, True), result
    assert "comic_dir" in result["changed_keys"]
    assert result["diff"]["before"]["api_key"] is None
    assert result["diff"]["after"]["api_key"] == MASK
    assert result["settings"]["qbittorrent_password"] == MASK
    dumped = json.dumps(result)
    assert API_KEY not in dumped
    assert SAB_KEY not in dumped
    assert QBIT_PASSWORD not in dumped
    assert mylar_reads(path.read_text()).get("Import", "comic_dir") == "/data/media/comics"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640, "the file keeps its mode"

    written = path.read_text()
    failed, again = run_module(main, args, diff=True)
    assert (failed, again["changed"], again["changed_keys"]) == (False, False, [])
    assert again["diff"]["before"] == again["diff"]["after"]
    assert path.read_text() == written

    reset = {"path": str(path), "settings": {"sab_host": None}}
    failed, cleared = run_module(main, reset, diff=True)
    assert (failed, cleared["changed"]) == (False, True)
    assert mylar_reads(path.read_text()).get("SABnzbd", "sab_host") == "None"
    failed, cleared = run_module(main, reset)
    assert (failed, cleared["changed"]) == (False, False)


def test_a_missing_file_is_created_owner_only(tmp_path):
    path = tmp_path / "config.ini"
    args = {"path": str(path), "settings": {"api_enabled": True, "api_key": API_KEY}}
    failed, result = run_module(main, args, check_mode=True)
    assert (failed, result["changed"]) == (False, True)
    assert not path.exists()
    failed, result = run_module(main, args)
    assert (failed, result["changed"]) == (False, True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert mylar_reads(path.read_text()).get("API", "api_key") == API_KEY
    failed, result = run_module(main, args)
    assert (failed, result["changed"]) == (False, False)


def test_a_missing_file_without_create_fails_naming_the_variable(tmp_path):
    failed, result = run_module(main, {"path": str(tmp_path / "config.ini"), "settings": {}, "create": False})
    assert failed
    assert "`create`" in result["msg"]


def test_an_unknown_setting_fails_naming_the_variable(tmp_path):
    path = tmp_path / "config.ini"
    path.write_text(EXISTING)
    failed, result = run_module(main, {"path": str(path), "settings": {"comics_dir": "/x"}})
    assert failed
    assert "`settings`" in result["msg"]
    assert path.read_text() == EXISTING
