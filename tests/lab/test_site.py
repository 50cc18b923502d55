"""site.yml against a real lab host: bad inventories are stopped before any change. (A good one
converges in test_stack.py, which deploys the whole platform.)"""

from __future__ import annotations

import json

import pytest

from .conftest import LAB_INVENTORY, fresh_lab_host, recap, run_playbook, ssh

HOST = "lab1"
ADDRESS = "192.168.60.11"


@pytest.fixture(scope="module", name="host")
def fixture_host():
    with fresh_lab_host(HOST) as name:
        yield name


def site(*extra: str):
    return run_playbook("-i", str(LAB_INVENTORY), "--limit", HOST, "site.yml", *extra)


@pytest.mark.parametrize(
    ("extra_vars", "variable"),
    [
        ({"mediastack_puid": "abc"}, "mediastack_puid"),
        ({"mediastack_data_root": "data"}, "mediastack_data_root"),
        ({"docker_default_address_pools": [{"base": "10.10.0.0/16", "size": 24}]}, "docker_default_address_pools[0]"),
        ({"mediastack_segments": {"data": "10.10.0.0/23"}}, "mediastack_segments.proxy"),
    ],
    ids=["puid-not-integer", "data-root-relative", "pool-overlaps-segment", "segments-overlap"],
)
def test_an_unsound_inventory_is_rejected_before_any_change(host, extra_vars, variable):
    result = site("--extra-vars", json.dumps(extra_vars))
    assert result.returncode != 0
    assert f"Invalid inventory variable {variable} for host {host}" in result.stdout
    assert recap(result.stdout)[host]["changed"] == 0
    # Nothing of the provision play ran: the host has neither the media user nor the data tree.
    probe = ssh(ADDRESS, "getent passwd media || true; test -e /data && echo data-exists || true")
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == ""
