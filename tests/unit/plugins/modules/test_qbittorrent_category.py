"""qbittorrent_category against a real qBittorrent (Debian's qbittorrent-nox on loopback).

The server starts from a pre-seeded qBittorrent.conf (see download_clients.py). Without the binary
these tests skip.
"""

from __future__ import annotations

import time

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._qbittorrent import plan_category
from ansible_collections.newmedia.mediastack.plugins.modules.qbittorrent_category import main

from .download_clients import WRONG_PASSWORD, QbittorrentServer
from .harness import free_port, run_module


@pytest.fixture(scope="module")
def qbittorrent(tmp_path_factory):
    server = QbittorrentServer(tmp_path_factory.mktemp("qbittorrent"))
    try:
        yield server.start()
    finally:
        server.stop()


def categories(server: QbittorrentServer) -> dict:
    return server.api("GET", "/api/v2/torrents/categories")


TV = {"name": "c", "save_path": "/data/tv"}
FILMS = {"name": "c", "save_path": "/data/films"}


@pytest.mark.parametrize(
    ("current", "save_path", "state", "expected"),
    [
        (None, "/data/tv", "present", ("create", TV)),
        (None, None, "present", ("create", {"name": "c", "save_path": ""})),
        (TV, "/data/tv/", "present", (None, TV)),
        (TV, None, "present", (None, TV)),
        (TV, "/data/films", "present", ("edit", FILMS)),
        (TV, None, "absent", ("remove", {})),
        (None, None, "absent", (None, {})),
    ],
    ids=["create", "create-default-path", "same-path", "keep-path", "edit", "remove", "absent-already"],
)
def test_plan_category(current, save_path, state, expected):
    assert plan_category(current, "c", save_path, state) == expected


def test_category_full_cycle(qbittorrent, tmp_path):
    tv = str(tmp_path / "tv")
    args = qbittorrent.args(name="tv-sonarr", save_path=tv)

    failed, result = run_module(main, args, check_mode=True, diff=True)
    assert not failed, result
    assert (result["changed"], result["action"]) == (True, "create")
    assert "tv-sonarr" not in categories(qbittorrent), "check mode must leave qBittorrent untouched"

    failed, result = run_module(main, args, diff=True)
    assert not failed, result
    assert (result["changed"], result["action"]) == (True, "create")
    assert result["diff"] == {"before": {}, "after": {"name": "tv-sonarr", "save_path": tv}}
    assert categories(qbittorrent)["tv-sonarr"]["savePath"] == tv

    failed, again = run_module(main, args, diff=True)
    assert (failed, again["changed"], again["action"]) == (False, False, None)

    films = str(tmp_path / "films")
    failed, edited = run_module(main, dict(args, save_path=films), check_mode=True, diff=True)
    assert (failed, edited["changed"], edited["action"]) == (False, True, "edit")
    assert categories(qbittorrent)["tv-sonarr"]["savePath"] == tv
    failed, edited = run_module(main, dict(args, save_path=films), diff=True)
    assert (failed, edited["changed"], edited["action"]) == (False, True, "edit")
    assert edited["diff"]["before"]["save_path"] == tv
    assert edited["diff"]["after"]["save_path"] == films
    assert categories(qbittorrent)["tv-sonarr"]["savePath"] == films

    absent = qbittorrent.args(name="tv-sonarr", state="absent")
    failed, removed = run_module(main, absent, check_mode=True, diff=True)
    assert (failed, removed["changed"], removed["action"]) == (False, True, "remove")
    assert "tv-sonarr" in categories(qbittorrent)
    failed, removed = run_module(main, absent, diff=True)
    assert (failed, removed["changed"], removed["action"]) == (False, True, "remove")
    assert removed["diff"]["after"] == {}
    assert "tv-sonarr" not in categories(qbittorrent)
    failed, removed = run_module(main, absent)
    assert (failed, removed["changed"]) == (False, False)
    assert "diff" not in removed


def test_the_password_never_appears_in_the_result(qbittorrent):
    failed, result = run_module(main, qbittorrent.args(name="music-lidarr", save_path="music"), diff=True)
    assert not failed, result
    assert qbittorrent.password not in repr(result)
    assert categories(qbittorrent)["music-lidarr"]["savePath"] == "music"
    failed, result = run_module(main, qbittorrent.args(name="music-lidarr", state="absent"))
    assert (failed, result["changed"]) == (False, True)


def test_an_invalid_name_fails_naming_the_variable(qbittorrent):
    failed, result = run_module(main, qbittorrent.args(name="/tv"))
    assert failed
    assert "`name`" in result["msg"]


def test_a_wrong_password_fails_naming_the_app_and_the_variable(qbittorrent):
    failed, result = run_module(main, dict(qbittorrent.args(name="tv"), password=WRONG_PASSWORD))
    assert failed
    assert "qBittorrent" in result["msg"]
    assert "`password`" in result["msg"]
    assert WRONG_PASSWORD not in result["msg"]


def test_a_webui_that_never_answers_fails_within_the_ready_timeout():
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    failed, result = run_module(main, {"url": url, "password": "x", "ready_timeout": 2, "name": "tv"})
    assert failed
    assert time.monotonic() - started < 15
    assert f"Waiting for qBittorrent at {url} failed" in result["msg"]
