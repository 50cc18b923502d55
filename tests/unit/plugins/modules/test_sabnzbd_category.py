"""sabnzbd_category against a real SABnzbd (Debian's sabnzbdplus 3.7) and the contract stand-in
(modelled on 4.5/5.0; see tests/contract/sabnzbd.py for which upstream rule each part follows).

Both start from the sabnzbd.ini the collection seeds (``_seed.sabnzbd_config``), see conftest.py.
"""

from __future__ import annotations

import pytest

from ansible_collections.newmedia.mediastack.plugins.module_utils._sabnzbd import SabnzbdError, plan_category
from ansible_collections.newmedia.mediastack.plugins.modules.sabnzbd_category import main

from .download_clients import sabnzbd_args
from .harness import run_module

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


def test_category_full_cycle(sabnzbd):
    args = sabnzbd_args(sabnzbd, name="Comics", dir="comics")

    failed, result = run_module(main, args, check_mode=True, diff=True)
    assert (failed, result["changed"], result["action"]) == (False, True, "create"), result
    assert "comics" not in sabnzbd.categories(), "check mode must leave SABnzbd untouched"

    failed, result = run_module(main, args, diff=True)
    assert (failed, result["changed"], result["action"]) == (False, True, "create"), result
    assert result["diff"] == {"before": {}, "after": {"name": "comics", "dir": "comics"}}
    assert sabnzbd.categories()["comics"]["dir"] == "comics"

    failed, again = run_module(main, args, diff=True)
    assert (failed, again["changed"], again["action"]) == (False, False, None)

    failed, moved = run_module(main, dict(args, dir="books/comics", priority=1), diff=True)
    assert (failed, moved["changed"], moved["action"]) == (False, True, "update")
    assert moved["diff"]["before"]["dir"] == "comics"
    assert moved["diff"]["after"] == {"name": "comics", "dir": "books/comics", "priority": 1}
    assert sabnzbd.categories()["comics"]["priority"] == 1
    failed, kept = run_module(main, sabnzbd_args(sabnzbd, name="comics"))
    assert (failed, kept["changed"], kept["category"]["dir"]) == (False, False, "books/comics")

    absent = sabnzbd_args(sabnzbd, name="comics", state="absent")
    failed, removed = run_module(main, absent, check_mode=True, diff=True)
    assert (failed, removed["changed"], removed["action"]) == (False, True, "remove")
    assert "comics" in sabnzbd.categories()
    failed, removed = run_module(main, absent, diff=True)
    assert (failed, removed["changed"]) == (False, True)
    assert removed["diff"]["after"] == {}
    assert "comics" not in sabnzbd.categories()
    failed, removed = run_module(main, absent)
    assert (failed, removed["changed"]) == (False, False)
    assert "diff" not in removed


def test_the_first_category_survives_sabnzbd_listing_its_categories(sabnzbd):
    """SABnzbd adds its default categories (tv among them) when it finds no ``*``; the seed holds one."""
    failed, result = run_module(main, sabnzbd_args(sabnzbd, name="tv", dir="series"))
    assert (failed, result.get("changed")) == (False, True), result
    # What the web UI, a new job and an *arr app's category check all do.
    assert "tv" in sabnzbd.api("get_cats")["categories"]
    assert sabnzbd.categories()["tv"]["dir"] == "series"
    failed, again = run_module(main, sabnzbd_args(sabnzbd, name="tv", dir="series"))
    assert (failed, again["changed"]) == (False, False), again
    assert set(sabnzbd.categories()) == {"*", "tv"}, "no suggested categories appear"


def test_other_categories_are_left_alone(sabnzbd):
    run_module(main, sabnzbd_args(sabnzbd, name="movies", dir="films"))
    before = sabnzbd.categories()
    failed, result = run_module(main, sabnzbd_args(sabnzbd, name="tv", dir="tv"))
    assert (failed, result["changed"]) == (False, True)
    assert {name: entry for name, entry in sabnzbd.categories().items() if name != "tv"} == before


@pytest.mark.parametrize("name", ["[tv]", "tv]", "a[b]"], ids=["bracketed", "trailing", "inside"])
def test_a_name_with_brackets_is_refused_before_anything_is_written(sabnzbd, name):
    before = sabnzbd.categories()
    failed, result = run_module(main, sabnzbd_args(sabnzbd, name=name, dir="tv"))
    assert failed, result
    assert "`name`" in result["msg"]
    assert "[" in result["msg"]
    assert sabnzbd.categories() == before, "nothing may be left behind"


def test_a_wrong_api_key_fails_naming_the_variable(sabnzbd):
    failed, result = run_module(main, dict(sabnzbd_args(sabnzbd, name="tv"), api_key="0" * 32))
    assert failed
    assert "SABnzbd" in result["msg"]
    assert "`api_key`" in result["msg"]
    assert "host_whitelist" not in result["msg"]
