"""sabnzbd_server against a real SABnzbd (Debian's sabnzbdplus 3.7) and the contract stand-in
(modelled on 4.5/5.0; see tests/contract/sabnzbd.py for which upstream rule each part follows).

The real SABnzbd starts paused, so it never connects to the news servers the tests add.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._diff import MASK
from ansible_collections.newmedia.mediastack.plugins.module_utils._sabnzbd import plan_server
from ansible_collections.newmedia.mediastack.plugins.modules.sabnzbd_server import main

from .download_clients import sabnzbd_args
from .harness import run_module

PROVIDER_PASSWORD = "provider-Passw0rd"  # noqa: S105 - a test account's password
NEW_PASSWORD = "new-Passw0rd"  # noqa: S105 - a test account's password


def provider(server, **extra) -> dict:
    args = sabnzbd_args(
        server,
        name="news.example.net",
        host="News.Example.net",
        port=563,
        ssl=True,
        username="reader",
        password=PROVIDER_PASSWORD,
        connections=20,
        enable=True,
    )
    args.update(extra)
    return args


@pytest.mark.parametrize(
    ("current", "wanted", "update_secrets", "expected"),
    [
        (None, {"host": "h", "password": "p"}, False, ("create", {"host": "h", "password": "p"})),
        ({"host": "h", "password": "**********"}, {"host": "h", "password": "p"}, False, (None, {})),
        ({"host": "h", "password": "**********"}, {"password": "p"}, True, ("update", {"password": "p"})),
        ({"host": "h", "password": ""}, {"password": "p"}, False, ("update", {"password": "p"})),
        ({"host": "h", "connections": 8}, {"connections": 20}, False, ("update", {"connections": 20})),
    ],
    ids=["create", "password-not-compared", "password-pushed", "password-missing", "field"],
)
def test_plan_server(current, wanted, update_secrets, expected):
    action, send, _before, _after = plan_server(current, wanted, "present", update_secrets)
    assert (action, send) == expected


def test_server_full_cycle(sabnzbd):
    args = provider(sabnzbd, priority=99)

    failed, result = run_module(main, args, check_mode=True, diff=True)
    assert (failed, result["changed"], result["action"]) == (False, True, "create"), result
    assert sabnzbd.servers() == {}, "check mode must leave SABnzbd untouched"

    failed, result = run_module(main, args, diff=True)
    assert (failed, result["changed"], result["action"]) == (False, True, "create"), result
    server = sabnzbd.servers()["news.example.net"]
    assert (server["host"], server["port"], server["ssl"], server["connections"]) == ("news.example.net", 563, 1, 20)
    assert server["priority"] == 99
    assert sabnzbd.stored_password("servers", "news.example.net") == PROVIDER_PASSWORD
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"]["password"] == MASK
    assert result["server"]["password"] == MASK
    assert PROVIDER_PASSWORD not in json.dumps(result)

    failed, again = run_module(main, args, diff=True)
    assert (failed, again["changed"], again["action"]) == (False, False, None), again
    assert again["diff"]["before"] == again["diff"]["after"]

    failed, pushed = run_module(main, dict(args, password=NEW_PASSWORD, update_secrets=True), diff=True)
    assert (failed, pushed["changed"], pushed["action"]) == (False, True, "update")
    assert sabnzbd.stored_password("servers", "news.example.net") == NEW_PASSWORD
    assert NEW_PASSWORD not in json.dumps(pushed)

    failed, changed = run_module(main, dict(args, connections=8, enable=False), diff=True)
    assert (failed, changed["changed"]) == (False, True)
    assert changed["diff"]["before"]["connections"] == 20
    assert changed["diff"]["after"]["connections"] == 8
    assert sabnzbd.servers()["news.example.net"]["enable"] == 0
    assert sabnzbd.stored_password("servers", "news.example.net") == NEW_PASSWORD, "the password stays"

    absent = sabnzbd_args(sabnzbd, name="news.example.net", state="absent")
    failed, removed = run_module(main, absent, check_mode=True, diff=True)
    assert (failed, removed["changed"], removed["action"]) == (False, True, "remove")
    assert "news.example.net" in sabnzbd.servers()
    failed, removed = run_module(main, absent, diff=True)
    assert (failed, removed["changed"]) == (False, True)
    assert removed["diff"]["after"] == {}
    assert removed["diff"]["before"]["password"] == MASK
    assert sabnzbd.servers() == {}
    failed, removed = run_module(main, absent)
    assert (failed, removed["changed"]) == (False, False)


@pytest.mark.parametrize("priority", [100, -1], ids=["over-99", "negative"])
def test_a_priority_outside_0_to_99_is_refused_before_anything_is_written(sabnzbd, priority):
    failed, result = run_module(main, provider(sabnzbd, priority=priority))
    assert failed, result
    assert "`priority`" in result["msg"]
    assert "99" in result["msg"]
    assert PROVIDER_PASSWORD not in result["msg"]
    assert sabnzbd.servers() == {}, "nothing may be left behind"


@pytest.mark.parametrize("name", ["[news]", "news]", "news[1]"], ids=["bracketed", "trailing", "inside"])
def test_a_name_with_brackets_is_refused_before_anything_is_written(sabnzbd, name):
    failed, result = run_module(main, provider(sabnzbd, name=name))
    assert failed, result
    assert "`name`" in result["msg"]
    assert "[" in result["msg"]
    assert PROVIDER_PASSWORD not in result["msg"]
    assert sabnzbd.servers() == {}, "nothing may be left behind"


def test_adding_a_server_without_a_host_fails_naming_the_variable(sabnzbd):
    failed, result = run_module(main, sabnzbd_args(sabnzbd, name="news.example.net", port=563))
    assert failed
    assert "`host`" in result["msg"]
    assert sabnzbd.servers() == {}


def test_a_wrong_api_key_fails_naming_the_variable(sabnzbd):
    failed, result = run_module(main, dict(provider(sabnzbd), api_key="0" * 32))
    assert failed
    assert "`api_key`" in result["msg"]
    assert PROVIDER_PASSWORD not in result["msg"]
