"""Every module that talks to an app stands on one base (module_utils/_api.py): the same connection
options (``connection_spec``, documented once in the ``connection`` doc fragment), and one runner
(``run``) that reports a family's error as the task's failure and returns the diff only on request.

The modules are those of the ``api`` action group (meta/runtime.yml), which the configure role
gives its ``ready_timeout`` through ``module_defaults``."""

from __future__ import annotations

import importlib
from unittest import mock

import pytest
import yaml
from ansible.module_utils import basic

from ansible_collections.newmedia.mediastack.plugins.module_utils import (
    _api,
    _jellyfin,
    _qbittorrent,
    _sabnzbd,
    _seerr,
    _servarr,
)

from ...shipped import ROOT
from ..modules.harness import free_port, run_module

API_MODULES = yaml.safe_load((ROOT / "meta/runtime.yml").read_text(encoding="utf-8"))["action_groups"]["api"]
PACKAGE = "ansible_collections.newmedia.mediastack.plugins.modules"
#: The smallest arguments each family's modules accept besides their own required options.
REQUIRED = {
    "jellyfin": {"username": "admin", "password": "pw"},
    "qbittorrent": {"password": "pw"},
    "sabnzbd": {"api_key": "key"},
    "seerr": {"api_key": "key"},
    "servarr": {"app": "sonarr", "api_key": "key"},
    "prowlarr": {"app": "prowlarr", "api_key": "key"},
}


class Captured(Exception):
    """Raised in place of AnsibleModule's constructor: ``spec`` is the argument spec it was given."""

    def __init__(self, spec: dict):
        super().__init__("captured")
        self.spec = spec


def argument_spec(name: str) -> dict:
    def construct(_self, argument_spec, **_kwargs):
        raise Captured(argument_spec)

    module = importlib.import_module(f"{PACKAGE}.{name}")
    with mock.patch.object(basic.AnsibleModule, "__init__", construct), pytest.raises(Captured) as captured:
        module.main()
    return captured.value.spec


def test_the_api_group_lists_every_module_of_the_five_families():
    families = ("jellyfin_", "qbittorrent_", "sabnzbd_", "seerr_", "servarr_", "prowlarr_")
    modules = sorted(path.stem for path in (ROOT / "plugins/modules").glob("*.py") if path.stem.startswith(families))
    assert sorted(API_MODULES) == modules
    assert len(modules) == 21


@pytest.mark.parametrize("name", API_MODULES)
def test_each_api_module_takes_the_shared_connection_options(name):
    spec = argument_spec(name)
    assert {key: spec[key] for key in _api.CONNECTION_SPEC} == _api.CONNECTION_SPEC


@pytest.mark.parametrize("name", API_MODULES)
def test_each_api_module_documents_them_through_the_connection_fragment(name):
    module = importlib.import_module(f"{PACKAGE}.{name}")
    documentation = yaml.safe_load(module.DOCUMENTATION)
    assert "newmedia.mediastack.connection" in documentation["extends_documentation_fragment"]
    # The module's own options do not restate them (the fragment is the one description).
    assert not set(documentation.get("options") or {}) & {"validate_certs", "timeout", "ready_timeout"}


def test_connection_spec_hands_out_a_copy():
    spec = _api.connection_spec(api_key={"type": "str", "no_log": True})
    spec["url"]["required"] = False
    assert _api.CONNECTION_SPEC["url"] == {"type": "str", "required": True}
    assert spec["api_key"] == {"type": "str", "no_log": True}


@pytest.mark.parametrize(
    "error",
    [_api.ApiError, _jellyfin.JellyfinError, _qbittorrent.QbittorrentError, _sabnzbd.SabnzbdError,
     _seerr.SeerrError, _servarr.ServarrError],
    ids=lambda error: error.__name__,
)  # fmt: skip
def test_each_familys_error_is_reported_by_the_runner(error):
    assert issubclass(error, _api.AppError)


class FakeModule:
    def __init__(self, diff: bool):
        self.params, self.check_mode, self._diff = {"url": "http://127.0.0.1:9"}, True, diff
        self.exited = self.failed = None

    def exit_json(self, **result):
        self.exited = result
        raise SystemExit(0)

    def fail_json(self, msg):
        self.failed = msg
        raise SystemExit(1)


@pytest.mark.parametrize("diff", [True, False])
def test_the_runner_returns_the_diff_only_when_asked(diff):
    module = FakeModule(diff)
    seen = []

    def work(params, check_mode):
        seen.append((params["url"], check_mode))
        return {"changed": True, "diff": {"before": {}, "after": {"a": 1}}, "id": 3}

    with pytest.raises(SystemExit):
        _api.run(module, work)
    assert seen == [("http://127.0.0.1:9", True)]
    assert module.exited == (
        {"changed": True, "diff": {"before": {}, "after": {"a": 1}}, "id": 3} if diff else {"changed": True, "id": 3}
    )


def test_the_runner_fails_the_task_with_an_expected_errors_message_and_lets_a_bug_through():
    module = FakeModule(False)

    def refused(_params, _check_mode):
        raise _sabnzbd.SabnzbdError("SABnzbd refused the API key. Check `api_key`")

    with pytest.raises(SystemExit):
        _api.run(module, refused)
    assert module.failed == "SABnzbd refused the API key. Check `api_key`"

    def broken(_params, _check_mode):
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        _api.run(FakeModule(False), broken)


@pytest.mark.parametrize("name", API_MODULES)
def test_each_api_module_fails_through_the_runner_when_the_app_does_not_answer(name):
    """Nothing listens at the URL, and ready_timeout 0 tries once: every module fails the task with
    the readiness error (no traceback, no hang), whichever family it belongs to."""
    family = "prowlarr" if name.startswith("prowlarr_") else name.split("_", 1)[0]
    spec = argument_spec(name)
    args = {key: value for key, value in REQUIRED[family].items() if key in spec}
    args.update(url=f"http://127.0.0.1:{free_port()}", ready_timeout=0)
    blank = {"str": "x", "dict": {}, "list": [], "int": 0, "bool": False}
    for key, option in spec.items():
        if option.get("required") and key not in args:
            args[key] = option["choices"][0] if option.get("choices") else blank[option["type"]]
    # Removing asks for the least: no definition, implementation or fields to build.
    args.update({"state": "absent"} if "state" in spec else {})
    args.update({"name": "x"} if "name" in spec else {})
    module = importlib.import_module(f"{PACKAGE}.{name}")
    failed, result = run_module(module.main, args)
    assert failed
    assert "did not answer" in result["msg"] or "not ready within 0 s" in result["msg"], result["msg"]
