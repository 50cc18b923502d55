"""The configure role shows why a task failed, never shows a secret, and calls each app from the
Docker host that runs it.

``no_log`` hides a failing task's message along with its secrets, so the role uses it only where
a task's result or loop item holds a secret value itself. Everywhere else secrets travel only
through module options that are marked ``no_log`` (masked by Ansible wherever they would appear),
and loops over inventory entries that hold secrets go by position, so no item carries one.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from ansible.parsing.dataloader import DataLoader
from ansible.template import Templar, trust_as_template

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._wiring import wiring

ROOT = Path(__file__).resolve().parents[2]
TASKS = ROOT / "roles" / "configure" / "tasks"
#: Tasks whose result or input is itself a secret value, and why.
HIDDEN = {
    "Create a Jellyfin API key for each *arr app's library refresh": "the result holds the keys",
    "Create the Jellyfin API key of Homepage's widget": "the result holds the key",
    "Give Homepage the Jellyfin key for its widget": "the file's content is the key",
    "Point Mylar3 at the comics library and the download clients": "config.ini settings carry keys",
}


def tasks() -> dict[str, dict]:
    found = {}
    for path in sorted(TASKS.glob("*.yml")):
        for task in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            found[task["name"]] = task
    return found


def test_only_tasks_holding_a_secret_value_hide_their_output():
    hidden = {name for name, task in tasks().items() if task.get("no_log")}
    assert hidden == set(HIDDEN)


def test_loops_over_inventory_entries_with_secrets_go_by_position():
    for name, task in tasks().items():
        loop = str(task.get("loop", ""))
        if "configure_usenet_servers" in loop or "configure_indexers" in loop:
            assert loop.startswith("{{ range("), name
            assert task["loop_control"]["loop_var"] == "configure_index", name


# -- where each call runs --------------------------------------------------------------------
CATALOG = load_catalog(ROOT / "catalog" / "services")
LAYERS = ["mediastack_edge", "mediastack_data", "mediastack_media", "mediastack_content", "mediastack_observability"]
TOPOLOGIES = {
    "one-host": ({"one": LAYERS}, {}),
    # Apps spread over three hosts, some pinned away from the layer's host.
    "three-hosts": (
        {"edge": ["mediastack_edge"], "media": LAYERS[2:4], "data": ["mediastack_data", LAYERS[4]]},
        {"jellyfin": {"host": "data"}, "seerr": {"host": "edge"}, "prowlarr": {"host": "edge"}},
    ),
}


def api_calls(path: Path) -> list[dict]:
    """The tasks of a task file that call an app's API (their module takes the app's ``url``)."""
    return [
        task
        for task in yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if any(key.startswith("newmedia.mediastack.") and "url" in (value or {}) for key, value in task.items())
    ]


def rendered(text: str, variables: dict) -> str:
    """``text`` templated as Ansible templates a task's arguments."""
    return Templar(loader=DataLoader(), variables=variables).template(trust_as_template(text))


def calls(topology: str, api_host: str = "") -> list[tuple[str, str, str]]:
    """(task, the address its url names, the host delegate_to runs it on) for every API call."""
    hosts, pins = TOPOLOGIES[topology]
    driver = "macvlan" if len(hosts) > 1 else "bridge"  # several hosts share segments through macvlan only
    inventory = {"hosts": hosts, "domain": "example.com", "features": {"vpn": True}, "services": pins}
    plan = build_plan(CATALOG, {**inventory, "segment_driver": driver})
    wired = wiring(plan)
    common = {
        "configure_api_host": api_host,
        "__configure_wiring": wired,
        "__configure_clients": {client["service"]: client for client in wired["download_clients"]},
    }
    scopes = {path.name: [common] for path in TASKS.glob("*.yml")}
    # servarr.yml runs once per *arr app, with that app as configure_app.
    scopes["servarr.yml"] = [{**common, "configure_app": app} for app in wired["servarr"]]
    found = []
    for name, variables in scopes.items():
        for scope in variables:
            for task in api_calls(TASKS / name):
                module = next(value for key, value in task.items() if key.startswith("newmedia.mediastack."))
                assert task.get("run_once") is True, f"{task['name']}: one call per app per run"
                url = urlsplit(rendered(module["url"], scope))
                found.append((task["name"], url.hostname, rendered(task["delegate_to"], scope)))
    return found


def owners(topology: str) -> dict[str, str]:
    """Address -> the inventory host whose containers hold it."""
    hosts, pins = TOPOLOGIES[topology]
    driver = "macvlan" if len(hosts) > 1 else "bridge"  # several hosts share segments through macvlan only
    inventory = {"hosts": hosts, "domain": "example.com", "features": {"vpn": True}, "services": pins}
    plan = build_plan(CATALOG, {**inventory, "segment_driver": driver})
    services = plan["services"].values()
    return {address: service["host"] for service in services for address in service["addresses"].values()}


@pytest.mark.parametrize("topology", list(TOPOLOGIES))
def test_each_api_call_runs_on_the_docker_host_that_holds_the_address_it_calls(topology):
    found = calls(topology)
    assert len(found) > 20
    held_by = owners(topology)
    for task, address, host in found:
        assert host == held_by[address], f"{task}: calls {address} on {held_by[address]} but runs on {host}"


def test_three_hosts_spread_the_calls_over_the_hosts_that_run_the_apps():
    ran_on = {}
    for task, _address, host in calls("three-hosts"):
        ran_on.setdefault(host, set()).add(task)
    assert set(ran_on) == {"edge", "media", "data"}
    assert "Send requests to Sonarr and Radarr" in ran_on["edge"]
    assert "Complete Jellyfin's startup wizard with the platform's administrator" in ran_on["data"]
    assert "Give each downloading app its qBittorrent category" in ran_on["media"]


def test_configure_api_host_sends_every_call_from_that_one_host():
    assert {host for _task, _address, host in calls("three-hosts", api_host="localhost")} == {"localhost"}


def test_the_secrets_are_read_on_the_controller():
    task = tasks()["Generate the secrets the wiring needs that the store lacks"]
    assert (task["delegate_to"], task["run_once"]) == ("localhost", True)
