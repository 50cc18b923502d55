"""sabnzbd_category against the SABnzbd stand-in (contract test; see test_sabnzbd_config.py for what
the stand-in is checked against)."""

from __future__ import annotations

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._sabnzbd import SabnzbdError, plan_category
from ansible_collections.newmedia.mediastack.plugins.modules.sabnzbd_category import main
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._seed import sabnzbd_config
from tests.contract.sabnzbd import SabnzbdStandIn, SabnzbdState

from .download_clients import SABNZBD_API_KEY, SABNZBD_NZB_KEY, sabnzbd_args
from .harness import run_module


@pytest.fixture
def sabnzbd():
    seeded = sabnzbd_config(8085, SABNZBD_API_KEY, SABNZBD_NZB_KEY, ["sabnzbd"])
    with SabnzbdStandIn(SabnzbdState.from_ini(seeded)) as stand_in:
        yield stand_in
        assert stand_in.violations == []


TV = {"name": "tv", "dir": "tv", "priority": -100, "order": 2}


@pytest.mark.parametrize(
    ("current", "wanted", "state", "expected"),
    [
        (None, {"dir": "tv/"}, "present", ("create", {"dir": "tv"})),
        (TV, {"dir": "tv", "priority": None}, "present", (None, {})),
        (TV, {"dir": "series"}, "present", ("update", {"dir": "series"})),
        (TV, {"priority": 1}, "present", ("update", {"priority": 1})),
        (TV, {}, "absent", ("remove", {})),
        (None, {}, "absent", (None, {})),
    ],
    ids=["create", "same", "new-dir", "new-priority", "remove", "absent-already"],
)
def test_plan_category(current, wanted, state, expected):
    action, send, _after = plan_category(current, "tv", wanted, state)
    assert (action, send) == expected


def test_the_default_category_cannot_be_removed():
    with pytest.raises(SabnzbdError, match="`name`"):
        plan_category({"name": "*"}, "*", {}, "absent")


def test_contract_category_full_cycle(sabnzbd):
    args = sabnzbd_args(sabnzbd, name="Comics", dir="comics")

    failed, result = run_module(main, args, check_mode=True, diff=True)
    assert (failed, result["changed"], result["action"]) == (False, True, "create"), result
    assert "comics" not in sabnzbd.state.categories, "check mode must leave SABnzbd untouched"

    failed, result = run_module(main, args, diff=True)
    assert (failed, result["changed"], result["action"]) == (False, True, "create"), result
    assert result["diff"] == {"before": {}, "after": {"name": "comics", "dir": "comics"}}
    assert sabnzbd.state.categories["comics"]["dir"] == "comics"

    failed, again = run_module(main, args, diff=True)
    assert (failed, again["changed"], again["action"]) == (False, False, None)

    failed, moved = run_module(main, dict(args, dir="books/comics", priority=1), diff=True)
    assert (failed, moved["changed"], moved["action"]) == (False, True, "update")
    assert moved["diff"]["before"]["dir"] == "comics"
    assert moved["diff"]["after"] == {"name": "comics", "dir": "books/comics", "priority": 1}
    assert sabnzbd.state.categories["comics"]["priority"] == 1
    failed, kept = run_module(main, sabnzbd_args(sabnzbd, name="comics"))
    assert (failed, kept["changed"], kept["category"]["dir"]) == (False, False, "books/comics")

    absent = sabnzbd_args(sabnzbd, name="comics", state="absent")
    failed, removed = run_module(main, absent, check_mode=True, diff=True)
    assert (failed, removed["changed"], removed["action"]) == (False, True, "remove")
    assert "comics" in sabnzbd.state.categories
    failed, removed = run_module(main, absent, diff=True)
    assert (failed, removed["changed"]) == (False, True)
    assert removed["diff"]["after"] == {}
    assert "comics" not in sabnzbd.state.categories
    failed, removed = run_module(main, absent)
    assert (failed, removed["changed"]) == (False, False)
    assert "diff" not in removed


def test_contract_other_categories_are_left_alone(sabnzbd):
    before = {name: dict(entry) for name, entry in sabnzbd.state.categories.items()}
    failed, result = run_module(main, sabnzbd_args(sabnzbd, name="tv", dir="tv"))
    assert (failed, result["changed"]) == (False, True)
    assert {name: entry for name, entry in sabnzbd.state.categories.items() if name != "tv"} == {
        name: entry for name, entry in before.items() if name != "tv"
    }


def test_contract_a_wrong_api_key_fails_naming_the_variable(sabnzbd):
    failed, result = run_module(main, dict(sabnzbd_args(sabnzbd, name="tv"), api_key="0" * 32))
    assert failed
    assert "SABnzbd" in result["msg"]
    assert "`api_key`" in result["msg"]
