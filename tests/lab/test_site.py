"""site.yml against a real lab host: bad inventories are stopped before any change, a good one
converges, and converging again (or in check mode) changes nothing."""

from __future__ import annotations

import json

import pytest

from .conftest import LAB_INVENTORY, fresh_lab_host, recap, run_playbook, ssh

HOST = "lab1"
ADDRESS = "10.10.2.11"


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


@pytest.fixture(scope="module", name="converged")
def fixture_converged(host):
    result = site()
    assert result.returncode == 0, "site.yml failed on a fresh lab host"
    return result


def test_site_converges_a_fresh_host(converged, host):
    assert recap(converged.stdout)[host]["changed"] > 0
    assert recap(converged.stdout)[host]["failed"] == 0


def test_the_host_carries_what_was_applied(converged):
    probe = ssh(
        ADDRESS,
        "id -u media; id -g media; stat -c '%a %U:%G' /data/media/movies /data/usenet/complete/tv;"
        " docker info --format '{{.LiveRestoreEnabled}} {{.LoggingDriver}}'; docker compose version --short;"
        " docker network inspect bridge --format '{{range .IPAM.Config}}{{.Subnet}}{{end}}'",
    )
    assert probe.returncode == 0, probe.stderr
    lines = probe.stdout.split("\n")
    assert lines[:4] == ["1000", "1000", "2775 media:media", "2775 media:media"]
    assert lines[4] == "true json-file"
    assert lines[5].lstrip("v").startswith("2.")
    # docker0 sits in the first address pool, clear of the segments.
    assert lines[6] == "172.30.0.0/24"


def test_a_second_run_changes_nothing(converged, host):
    result = site()
    assert result.returncode == 0
    assert recap(result.stdout)[host]["changed"] == 0


def test_check_mode_with_diff_on_the_converged_host_changes_nothing(converged, host):
    result = site("--check", "--diff")
    assert result.returncode == 0
    assert recap(result.stdout)[host]["changed"] == 0


def test_verify_alone_by_tag(converged, host):
    result = site("--tags", "verify")
    assert result.returncode == 0
    assert "Assert that downloads and the library share one filesystem" in result.stdout
    assert recap(result.stdout)[host]["failed"] == 0
