"""sabnzbd_config against a real SABnzbd (Debian's sabnzbdplus 3.7) and the contract stand-in.

SABnzbd publishes no OpenAPI document; tests/contract/sabnzbd.py is checked against SABnzbd's API
reference (sabnzbd.org wiki) and its source (which rule follows which function is in its
docstring), and records every request they do not allow. Both start from the sabnzbd.ini that
``_seed.sabnzbd_config`` writes (conftest.py), so these tests also prove that the seeded API key is
the one the API then takes.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK
from ansible_collections.newmedia.mediastack.plugins.module_utils._sabnzbd import SabnzbdError, as_like, plan_misc
from ansible_collections.newmedia.mediastack.plugins.modules.sabnzbd_config import main
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._seed import sabnzbd_config
from tests.contract.sabnzbd import parse_ini

from .download_clients import SABNZBD_API_KEY, SABNZBD_NZB_KEY, sabnzbd_args
from .harness import free_port, run_module

ROOT = Path(__file__).resolve().parents[4]
UI_PASSWORD = "ui-Passw0rd"  # noqa: S105 - a test server's own password
#: Names the tests resolve to 127.0.0.1 themselves (no lookup leaves the process).
LOOPBACK_NAMES = {"sabnzbd", "sabnzbd.test"}
STANDIN_ONLY = pytest.mark.parametrize("sabnzbd", ["standin"], indirect=True)


def test_the_seeded_ini_carries_keys_port_and_whitelist():
    seeded = parse_ini(sabnzbd_config(8085, SABNZBD_API_KEY, SABNZBD_NZB_KEY, ["sabnzbd"]))
    assert seeded["misc"]["api_key"] == SABNZBD_API_KEY
    assert seeded["misc"]["nzb_key"] == SABNZBD_NZB_KEY
    assert seeded["misc"]["port"] == "8085"
    assert seeded["misc"]["host_whitelist"] == ["sabnzbd"]


def test_the_seed_holds_the_default_category_and_no_outside_name():
    text = sabnzbd_config(8085, SABNZBD_API_KEY, SABNZBD_NZB_KEY, ["sabnzbd"])
    seeded = parse_ini(text)
    assert seeded["misc"]["selftest_host"] == ""
    assert list(seeded["categories"]) == ["*"], "SABnzbd adds its suggested categories when * is missing"
    assert seeded["categories"]["*"]["pp"] == "3"
    assert text == sabnzbd_config(8085, SABNZBD_API_KEY, SABNZBD_NZB_KEY, ["sabnzbd"]), "the seed is deterministic"


def test_the_seeded_server_answers_with_the_seed_kept(sabnzbd):
    assert sabnzbd.misc()["selftest_host"] == ""
    assert list(sabnzbd.categories()) == ["*"]


@pytest.mark.parametrize(
    ("current", "wanted", "expected"),
    [
        (0, True, 1),
        (1, "false", 0),
        (5, "7", 7),
        ("8080", 8085, "8085"),
        ([], "a, b", ["a", "b"]),
        ([], ["a", "b"], ["a", "b"]),
        ("", " /data/usenet/complete ", "/data/usenet/complete"),
    ],
    ids=["flag-bool", "flag-word", "int-text", "str-int", "list-text", "list", "str-strip"],
)
def test_values_take_the_type_sabnzbd_returns(current, wanted, expected):
    assert as_like(current, wanted) == expected


@pytest.mark.parametrize(
    ("wanted", "match"),
    [
        ({"complete_folder": "/x"}, r"Unknown \[misc\] setting.*complete_folder.*`misc`"),
        ({"dirscan_speed": "fast"}, r"`misc\.dirscan_speed`"),
        ({"api_key": "x"}, r"api_key.*sabnzbd\.ini.*`misc`"),
        ({"inet_exposure": 4}, r"inet_exposure.*`misc`"),
    ],
    ids=["unknown", "wrong-type", "api-key", "protected"],
)
def test_bad_settings_fail_naming_the_variable(wanted, match):
    current = {"complete_dir": "", "dirscan_speed": 5, "api_key": "k", "inet_exposure": 0}
    with pytest.raises(SabnzbdError, match=match):
        plan_misc(current, wanted, update_secrets=False)


def test_config_full_cycle(sabnzbd):
    wanted = {
        "download_dir": "/data/usenet/incomplete",
        "complete_dir": "/data/usenet/complete",
        "host_whitelist": ["sabnzbd", "sabnzbd.example.org", "SABnzbd.Lab"],
        "pre_check": True,
        "password": UI_PASSWORD,
    }
    if sabnzbd.kind == "real":
        # Folders SABnzbd can create (it refuses, and keeps, one it cannot).
        data = sabnzbd.home / "data"
        wanted.update(download_dir=f"{data}/usenet/incomplete", complete_dir=f"{data}/usenet/complete")
    args = sabnzbd_args(sabnzbd, misc=wanted)
    before = sabnzbd.misc()

    failed, result = run_module(main, args, check_mode=True, diff=True)
    assert not failed, result
    assert result["changed"] is True
    assert result["changed_keys"] == ["complete_dir", "download_dir", "host_whitelist", "password", "pre_check"]
    assert sabnzbd.misc() == before, "check mode must leave SABnzbd untouched"

    failed, result = run_module(main, args, diff=True)
    assert not failed, result
    assert result["changed"] is True
    misc = sabnzbd.misc()
    assert misc["complete_dir"] == wanted["complete_dir"]
    assert misc["download_dir"] == wanted["download_dir"]
    assert misc["host_whitelist"] == ["sabnzbd", "sabnzbd.example.org", "sabnzbd.lab"]
    assert misc["pre_check"] == 1
    assert sabnzbd.stored_password("misc", "password") == UI_PASSWORD
    assert result["diff"]["after"]["password"] == MASK
    assert result["misc"]["password"] == MASK
    assert UI_PASSWORD not in json.dumps(result)

    failed, again = run_module(
        main, dict(args, misc=dict(wanted, host_whitelist="sabnzbd, sabnzbd.example.org, sabnzbd.lab")), diff=True
    )
    assert not failed, again
    assert again["changed"] is False
    assert again["diff"]["before"] == again["diff"]["after"]

    failed, pushed = run_module(main, dict(args, update_secrets=True), diff=True)
    assert (failed, pushed["changed"], pushed["changed_keys"]) == (False, True, ["password"])


# SABnzbd 3.7 has no folder rule; 4.2 added it (sabnzbd/cfg.py validate_download_vs_complete_dir).
@STANDIN_ONLY
def test_contract_a_complete_folder_inside_the_download_folder_fails_saying_what_sabnzbd_kept(sabnzbd):
    folders = {"download_dir": "/data/usenet", "complete_dir": "/data/usenet/complete"}
    failed, result = run_module(main, sabnzbd_args(sabnzbd, misc=folders))
    assert failed, result
    assert "download_dir" in result["msg"]
    assert "`misc`" in result["msg"]
    assert "complete folder" in result["msg"]


@STANDIN_ONLY
def test_contract_a_download_folder_inside_the_complete_folder_is_taken(sabnzbd):
    folders = {"complete_dir": "/data/usenet", "download_dir": "/data/usenet/incomplete"}
    failed, result = run_module(main, sabnzbd_args(sabnzbd, misc=folders))
    assert not failed, result
    assert {key: sabnzbd.misc()[key] for key in folders} == folders


@STANDIN_ONLY
def test_contract_folders_are_sent_in_the_order_sabnzbd_takes_them(sabnzbd):
    """Moving both folders where the new complete folder lies inside the old download folder."""
    run_module(main, sabnzbd_args(sabnzbd, misc={"download_dir": "/data/a", "complete_dir": "/data/b"}))
    folders = {"download_dir": "/data/c", "complete_dir": "/data/a/complete"}
    failed, result = run_module(main, sabnzbd_args(sabnzbd, misc=folders))
    assert not failed, result
    assert {key: sabnzbd.misc()[key] for key in folders} == folders


@pytest.fixture
def loopback_names(monkeypatch):
    """Resolve LOOPBACK_NAMES to 127.0.0.1 inside this process, so no name is looked up outside."""
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):
        return resolve("127.0.0.1" if host in LOOPBACK_NAMES else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for proxy in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
        monkeypatch.delenv(proxy, raising=False)


def test_a_host_name_sabnzbd_does_not_list_fails_naming_the_whitelist(sabnzbd, loopback_names):
    port = sabnzbd.url.rsplit(":", 1)[1]
    listed = dict(sabnzbd_args(sabnzbd, misc={"pre_check": True}), url=f"http://sabnzbd:{port}")
    failed, result = run_module(main, listed)
    assert not failed, result  # the positive control: a name in host_whitelist is answered

    unlisted = dict(listed, url=f"http://sabnzbd.test:{port}")
    failed, result = run_module(main, unlisted)
    assert failed, result
    assert "sabnzbd.test" in result["msg"]
    assert "host_whitelist" in result["msg"]
    assert "`url`" in result["msg"]
    assert "`api_key`" not in result["msg"], "the key was never looked at"
    assert SABNZBD_API_KEY not in result["msg"]


def test_an_unknown_setting_fails_naming_the_variable(sabnzbd):
    failed, result = run_module(main, sabnzbd_args(sabnzbd, misc={"complete_folder": "/data"}))
    assert failed
    assert "`misc`" in result["msg"]
    assert "complete_dir" in result["msg"]


def test_a_wrong_api_key_fails_naming_the_app_and_the_variable(sabnzbd):
    failed, result = run_module(main, dict(sabnzbd_args(sabnzbd, misc={}), api_key="f" * 32))
    assert failed
    assert "SABnzbd" in result["msg"]
    assert "`api_key`" in result["msg"]
    assert "host_whitelist" not in result["msg"]
    assert "f" * 32 not in result["msg"]


def test_a_sabnzbd_that_never_answers_fails_within_the_ready_timeout():
    url = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    failed, result = run_module(main, {"url": url, "api_key": SABNZBD_API_KEY, "ready_timeout": 2, "misc": {}})
    assert failed
    assert time.monotonic() - started < 15
    assert f"Waiting for SABnzbd at {url} failed" in result["msg"]
    assert "`ready_timeout`" in result["msg"]


@STANDIN_ONLY
def test_contract_the_stand_in_refuses_what_the_api_does_not_document(sabnzbd):
    def get(query: str):
        url = f"{sabnzbd.url}/api?{query}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    assert get("mode=version&output=json") == (200, '{"version": "4.5.5"}')
    assert get("mode=get_config&output=json") == (403, "API Key Required")
    assert get(f"mode=get_config&output=json&apikey={SABNZBD_NZB_KEY}") == (403, "API Key Incorrect")
    status, body = get(f"mode=set_config&section=misc&keyword=complete_dir&val=x&apikey={SABNZBD_API_KEY}")
    assert (status, json.loads(body)["status"]) == (200, False)
    assert sabnzbd.violations == ["mode=set_config: unknown parameter(s) val"]
    sabnzbd.violations.clear()


@pytest.mark.parametrize("sabnzbd", ["real", "standin"], indirect=True)
def test_the_stand_in_answers_the_refusals_as_sabnzbd_does(sabnzbd):
    """The bodies of SABnzbd's 403 answers, which the module tells apart (both servers must agree)."""

    def get(query: str, host: str):
        request = urllib.request.Request(f"{sabnzbd.url}/api?{query}", headers={"Host": host})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    refused = "Access denied - Hostname verification failed: https://sabnzbd.org/hostname-check"
    assert get("mode=version&output=json", "sabnzbd.test:8085") == (403, refused)
    assert get("mode=get_config&output=json&apikey=x", "sabnzbd.test") == (403, refused)
    for host in ("127.0.0.1", "localhost:8085", "SABnzbd.Example.org", "box.local"):
        assert get("mode=version&output=json", host)[0] == 200, host
    assert get("mode=get_config&output=json&apikey=x", "localhost") == (403, "API Key Incorrect")
    assert get("mode=get_config&output=json", "localhost") == (403, "API Key Required")


def test_contract_the_stand_in_runs_on_its_own(tmp_path):
    port = free_port()
    ini = tmp_path / "sabnzbd.ini"
    ini.write_text(sabnzbd_config(port, SABNZBD_API_KEY, SABNZBD_NZB_KEY, []))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.contract.sabnzbd",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--config",
            str(ini),
        ],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/sabnzbd/api?mode=get_config&section=misc&keyword=port&output=json&apikey={SABNZBD_API_KEY}"
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    answer = json.loads(response.read())
                break
            except OSError:
                assert time.monotonic() < deadline, "the stand-in did not answer"
                time.sleep(0.2)
        assert answer == {"config": {"misc": {"port": str(port)}}}
    finally:
        process.terminate()
        process.wait(timeout=10)
