"""qbittorrent_preferences against a real qBittorrent (Debian's qbittorrent-nox on loopback).

The server starts from a qBittorrent.conf written before its first start, with the WebUI password
hashed by ``_seed.qbittorrent_password``: signing in proves that pre-seeding works. Without the
binary these tests skip.
"""

from __future__ import annotations

import json
import time

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK
from ansible_collections.newmedia.mediastack.plugins.module_utils._qbittorrent import (
    QbittorrentError,
    normalise,
    plan_preferences,
)
from ansible_collections.newmedia.mediastack.plugins.modules.qbittorrent_preferences import main

from .download_clients import OTHER_PASSWORD, WRONG_PASSWORD, QbittorrentServer
from .harness import free_port, run_module


@pytest.fixture(scope="module")
def qbittorrent(tmp_path_factory):
    server = QbittorrentServer(tmp_path_factory.mktemp("qbittorrent"))
    try:
        yield server.start()
    finally:
        server.stop()


def preferences(server: QbittorrentServer) -> dict:
    return server.api("GET", "/api/v2/app/preferences")


@pytest.mark.parametrize(
    ("key", "current", "wanted", "expected"),
    [
        ("auto_tmm_enabled", False, "true", True),
        ("auto_tmm_enabled", True, "no", False),
        ("listen_port", 6881, "6882", 6882),
        ("max_ratio", 1.0, "2.5", 2.5),
        ("save_path", "/x", "/data/torrents/", "/data/torrents"),
        ("bypass_auth_subnet_whitelist", "", ["10.0.0.0/8", "172.16.0.0/12"], "10.0.0.0/8\n172.16.0.0/12"),
        ("bypass_auth_subnet_whitelist", "", "10.0.0.0/8, 172.16.0.0/12", "10.0.0.0/8\n172.16.0.0/12"),
        ("current_network_interface", "", "tun0", "tun0"),
    ],
    ids=["bool-word-true", "bool-word-false", "int-text", "float-text", "path", "list", "comma-list", "text"],
)
def test_values_take_the_type_qbittorrent_returns(key, current, wanted, expected):
    assert normalise(key, current, wanted) == expected


@pytest.mark.parametrize(
    ("key", "current", "wanted"),
    [("auto_tmm_enabled", False, "maybe"), ("listen_port", 6881, "high"), ("save_path", "/x", {"a": 1})],
    ids=["bool", "int", "str"],
)
def test_values_of_the_wrong_type_fail_naming_the_key(key, current, wanted):
    with pytest.raises(QbittorrentError, match=rf"`preferences\.{key}`"):
        plan_preferences({key: current}, {key: wanted}, update_secrets=False)


def test_the_password_is_compared_only_when_secrets_are_pushed():
    current = {"web_ui_username": "admin"}
    assert plan_preferences(current, {"web_ui_password": "x"}, update_secrets=False)[0] == {}
    changes, before, after = plan_preferences(current, {"web_ui_password": "x"}, update_secrets=True)
    assert changes == {"web_ui_password": "x"}
    assert before == {}
    assert after == {"web_ui_password": "x"}


def test_the_seeded_password_signs_in(qbittorrent):
    version = qbittorrent.api("GET", "/api/v2/app/version")
    assert str(version).startswith("v")
    assert preferences(qbittorrent)["web_ui_username"] == qbittorrent.username


def test_preferences_full_cycle(qbittorrent, tmp_path):
    wanted = {
        "save_path": str(tmp_path / "torrents") + "/",
        "temp_path_enabled": True,
        "temp_path": str(tmp_path / "incomplete"),
        "auto_tmm_enabled": "true",
        "torrent_changed_tmm_enabled": True,
        "save_path_changed_tmm_enabled": True,
        "category_changed_tmm_enabled": True,
        "current_network_interface": "lo",
        "current_interface_address": "127.0.0.1",
        "bypass_auth_subnet_whitelist_enabled": True,
        "bypass_auth_subnet_whitelist": ["10.0.0.0/8", "192.168.0.0/16"],
        "max_ratio_enabled": True,
        "max_ratio": 2,
    }
    untouched = preferences(qbittorrent)

    failed, result = run_module(main, qbittorrent.args(preferences=wanted), check_mode=True, diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert "save_path" in result["changed_keys"]
    assert result["diff"]["before"]["save_path"] == untouched["save_path"]
    assert result["diff"]["after"]["save_path"] == str(tmp_path / "torrents")
    assert preferences(qbittorrent) == untouched, "check mode must leave qBittorrent untouched"

    failed, result = run_module(main, qbittorrent.args(preferences=wanted), diff=True)
    assert not failed, result
    assert result["changed"] is True
    now = preferences(qbittorrent)
    assert now["save_path"] == str(tmp_path / "torrents")
    assert now["temp_path"] == str(tmp_path / "incomplete")
    assert now["auto_tmm_enabled"] is True
    assert now["current_network_interface"] == "lo"
    assert now["current_interface_address"] == "127.0.0.1"
    assert now["bypass_auth_subnet_whitelist"].split("\n") == ["10.0.0.0/8", "192.168.0.0/16"]
    assert now["max_ratio"] == 2
    assert result["preferences"]["save_path"] == now["save_path"]

    failed, again = run_module(main, qbittorrent.args(preferences=wanted), diff=True)
    assert not failed, again
    assert again["changed"] is False
    assert again["changed_keys"] == []
    assert again["diff"]["before"] == again["diff"]["after"]

    failed, checked = run_module(main, qbittorrent.args(preferences=wanted), check_mode=True)
    assert (failed, checked["changed"]) == (False, False)
    assert "diff" not in checked


def test_the_webui_password_is_pushed_only_on_request_and_masked(qbittorrent):
    new_password = OTHER_PASSWORD
    args = qbittorrent.args(preferences={"web_ui_password": new_password})

    failed, result = run_module(main, args, diff=True)
    assert (failed, result["changed"]) == (False, False), "without update_secrets the password is left alone"

    failed, result = run_module(main, dict(args, update_secrets=True), diff=True)
    try:
        assert not failed, result
        assert result["changed"] is True
        assert result["diff"]["after"]["web_ui_password"] == MASK
        assert result["preferences"]["web_ui_password"] == MASK
        assert new_password not in json.dumps(result)
        failed, signed_in = run_module(main, dict(qbittorrent.args(preferences={}), password=new_password), diff=True)
        assert (failed, signed_in["changed"]) == (False, False), signed_in
    finally:
        failed, restored = run_module(
            main,
            dict(
                qbittorrent.args(preferences={"web_ui_password": qbittorrent.password}),
                password=new_password,
                update_secrets=True,
            ),
        )
    assert not failed, restored
    assert qbittorrent.password not in json.dumps(restored)


def test_an_unknown_preference_fails_naming_the_variable(qbittorrent):
    failed, result = run_module(main, qbittorrent.args(preferences={"save_pth": "/data"}))
    assert failed
    assert "save_pth" in result["msg"]
    assert "`preferences`" in result["msg"]
    assert "save_path" in result["msg"], "the message lists the keys qBittorrent knows"


def test_a_wrong_value_fails_naming_the_key(qbittorrent):
    failed, result = run_module(main, qbittorrent.args(preferences={"listen_port": "high"}))
    assert failed
    assert "`preferences.listen_port`" in result["msg"]


def test_a_wrong_password_fails_naming_the_app_and_the_variable(qbittorrent):
    failed, result = run_module(main, dict(qbittorrent.args(preferences={}), password=WRONG_PASSWORD))
    assert failed
    assert "qBittorrent" in result["msg"]
    assert "`password`" in result["msg"]
    assert WRONG_PASSWORD not in result["msg"]


def test_a_banned_address_fails_saying_so(tmp_path):
    server = QbittorrentServer(tmp_path, extra_conf="WebUI\\MaxAuthenticationFailCount=1\n").start()
    try:
        failed, first = run_module(main, dict(server.args(preferences={}), password=WRONG_PASSWORD))
        assert failed
        assert "`password`" in first["msg"]
        failed, second = run_module(main, server.args(preferences={}))
        assert failed
        assert "banned" in second["msg"]
        assert "qBittorrent" in second["msg"]
        assert "`password`" in second["msg"]
    finally:
        server.stop()


def test_a_webui_that_never_answers_fails_within_the_ready_timeout():
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    failed, result = run_module(
        main, {"url": url, "password": "x", "ready_timeout": 2, "preferences": {"save_path": "/data"}}
    )
    assert failed
    assert time.monotonic() - started < 15
    assert "qBittorrent" in result["msg"]
    assert url in result["msg"]
    assert "`ready_timeout`" in result["msg"]
