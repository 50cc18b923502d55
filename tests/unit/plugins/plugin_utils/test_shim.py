"""The host side of macvlan segments: which shim links and routes each host gets, and that they work."""

from __future__ import annotations

import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.newmedia.mediastack.plugins.filter.macvlan_shim import FilterModule
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._shim import macvlan_shim, shim_name

CATALOG = load_catalog(Path(__file__).resolve().parents[4] / "catalog" / "services")
LAYERS = ["mediastack_edge", "mediastack_data", "mediastack_media", "mediastack_content", "mediastack_observability"]
THREE_HOSTS = {"lab1": ["mediastack_edge"], "lab2": LAYERS[2:4], "lab3": ["mediastack_data", LAYERS[4]]}
#: Third octet of each segment's default CIDR, and the interface that carries it on every host.
SEGMENT_OCTETS = {"proxy": 0, "media": 1, "admin": 2, "data": 3, "dmz": 4}
DEVICES = {"dmz": "eth1", "proxy": "eth2", "media": "eth3", "admin": "eth4", "data": "eth5"}


def plan(hosts=None, **services):
    inventory = {"hosts": hosts or THREE_HOSTS, "domain": "example.com", "features": {"vpn": True}}
    inventory["segment_driver"] = "macvlan" if len(inventory["hosts"]) > 1 else "bridge"
    return build_plan(CATALOG, {**inventory, "services": services})


def interfaces(number: int, segments=tuple(DEVICES)) -> list[dict]:
    """Facts of host labN: the LAN on eth0, and .(10+N) on each segment's interface."""
    lan = [{"device": "eth0", "ipv4": {"address": f"192.168.60.{10 + number}"}}]
    return lan + [
        {"device": DEVICES[segment], "ipv4": {"address": f"10.10.{SEGMENT_OCTETS[segment]}.{10 + number}"}}
        for segment in segments
    ]


def links(planned, host, facts, parents=None):
    return {link["name"]: link for link in macvlan_shim(planned, host, facts, parents)["links"]}


def test_each_host_of_three_gets_a_shim_on_each_segment_its_services_join():
    planned = plan()
    found = {host: links(planned, host, interfaces(number)) for number, host in enumerate(THREE_HOSTS, 1)}
    assert {host: sorted(shims) for host, shims in found.items()} == {
        "lab1": ["ms-admin", "ms-data", "ms-dmz", "ms-media", "ms-proxy"],
        "lab2": ["ms-data", "ms-dmz", "ms-media"],
        "lab3": ["ms-admin", "ms-data", "ms-proxy"],
    }
    media = found["lab2"]["ms-media"]
    assert (media["parent"], media["address"], media["present_as"]) == ("eth3", "10.10.1.12", "ms-media@eth3")
    # Every container of lab2 on media, and no other host's: Jellyfin, the *arr apps, Seerr.
    expected = sorted(
        (service["addresses"]["media"] for name, service in planned["services"].items()
         if service["host"] == "lab2" and "media" in service["addresses"] and name not in ("qbittorrent", "sabnzbd")),
        key=lambda address: int(address.rsplit(".", 1)[1]),
    )  # fmt: skip
    assert media["routes"] == expected
    assert "10.10.1.40" in media["routes"]  # Jellyfin
    assert "10.10.1.20" not in media["routes"]  # Traefik runs on lab1
    assert found["lab1"]["ms-media"]["routes"] == ["10.10.1.20", "10.10.1.24"]  # Traefik, HAProxy


def test_services_in_the_vpn_gateways_namespace_are_reached_at_the_gateway():
    media = links(plan(), "lab2", interfaces(2))["ms-media"]["routes"]
    gateway = plan()["services"]["gluetun"]["addresses"]["media"]
    assert gateway in media
    for client in ("qbittorrent", "sabnzbd"):
        assert plan()["services"][client]["addresses"]["media"] not in media, client


def test_every_copy_of_a_replicated_service_is_routed():
    planned = plan(homepage={"replicas": 3})
    admin = links(planned, "lab3", interfaces(3))["ms-admin"]["routes"]
    assert {copy["admin"] for copy in planned["services"]["homepage"]["replica_addresses"]} <= set(admin)
    assert len(planned["services"]["homepage"]["replica_addresses"]) == 3


def test_the_script_creates_exactly_the_planned_links_and_routes():
    shim = macvlan_shim(plan(), "lab3", interfaces(3))
    script = shim["script"]
    assert script.startswith("#!/bin/sh\n")
    assert "ip link delete" in script.split("# admin:", maxsplit=1)[0], "earlier shim links are removed first"
    commands = [line for line in script.splitlines() if line.startswith("ip ")]
    assert commands[:4] == [
        "ip link add ms-admin link eth4 type macvlan mode bridge",
        "ip address add 10.10.2.13/32 dev ms-admin",
        "ip link set dev ms-admin up",
        "ip route add 10.10.2.80/32 dev ms-admin",  # Prometheus
    ]
    routes = [line for line in commands if line.startswith("ip route add")]
    assert len(routes) == sum(len(link["routes"]) for link in shim["links"])
    assert "ip route add 10.10.0.89/32 dev ms-proxy" in commands  # Homepage on proxy
    assert not [line for line in commands if "10.10.1." in line], "lab3 runs nothing on media"


def test_parents_come_from_the_inventory_or_the_interface_holding_an_address_in_the_segment():
    facts = [*interfaces(2, segments=("dmz", "data")), {"device": "bond0.11", "ipv4": {"address": "10.10.1.12"}}]
    shim = macvlan_shim(plan(), "lab2", facts, {"data": "eth9"})
    assert shim["parents"] == {"data": "eth9", "dmz": "eth1", "media": "bond0.11"}
    # eth9 holds no address of the host's in data: the host reaches that segment through the router.
    assert sorted(link["name"] for link in shim["links"]) == ["ms-dmz", "ms-media"]


def test_a_second_run_which_sees_the_shim_links_plans_the_same_links():
    """After the first run the shim links hold the host's addresses too; they are not parents."""
    first = macvlan_shim(plan(), "lab2", interfaces(2))
    shims = [
        {"device": link["name"], "ipv4": {"address": link["address"], "netmask": "255.255.255.255"}}
        for link in first["links"]
    ]
    again = macvlan_shim(plan(), "lab2", [*shims, *interfaces(2)])
    assert again == first
    assert {link["parent"] for link in again["links"]} == {"eth1", "eth3", "eth5"}


def test_a_secondary_address_in_the_segment_counts():
    facts = [{"device": "eth3", "ipv4": {"address": "192.0.2.5"}, "ipv4_secondaries": [{"address": "10.10.1.12"}]}]
    shim = macvlan_shim(plan(), "lab2", facts)
    assert [(link["name"], link["address"]) for link in shim["links"]] == [("ms-media", "10.10.1.12")]


def test_a_host_with_no_service_gets_no_link():
    assert macvlan_shim(plan(), "spare", interfaces(4))["links"] == []


def test_a_link_name_longer_than_linux_allows_is_refused():
    assert shim_name("media") == "ms-media"
    with pytest.raises(ValueError, match="longer than 15 characters"):
        shim_name("a-very-long-name")


def test_the_filter_names_itself_and_the_host_in_its_errors():
    macvlan = FilterModule().filters()["macvlan_shim"]
    with pytest.raises(AnsibleFilterError, match=r"^macvlan_shim: cannot lay out the shim links of lab2"):
        # A plan without its segments.
        macvlan({"services": {"jellyfin": plan()["services"]["jellyfin"]}}, "lab2", [], {})


def _netns_available() -> bool:
    if os.geteuid() != 0 or not all(shutil.which(tool) for tool in ("unshare", "ip", "curl")):
        return False
    return subprocess.run(["unshare", "-nm", "true"], check=False, capture_output=True).returncode == 0


@pytest.mark.skipif(not _netns_available(), reason="needs root, unshare, ip and curl for a private network namespace")
def test_the_rendered_script_lets_the_host_reach_its_own_macvlan_container(tmp_path):
    """In a private network namespace standing in for lab2: a container's macvlan link on the media
    parent answers HTTP; the host reaches it only once the rendered script ran."""
    planned = plan({"lab2": LAYERS})
    shim = macvlan_shim(planned, "lab2", [{"device": "eth3", "ipv4": {"address": "10.10.1.12"}}])
    jellyfin = planned["services"]["jellyfin"]["addresses"]["media"]
    assert [link["name"] for link in shim["links"]] == ["ms-media"]
    script = tmp_path / "shim.sh"
    script.write_text(shim["script"])
    probe = f"curl -s -o /dev/null -w '%{{http_code}}' --max-time 3 http://{jellyfin}:8096/ || true"
    scenario = textwrap.dedent(f"""\
        set -e
        mount -t tmpfs none /run && mkdir -p /run/netns
        ip link add eth3 type veth peer name wire3
        ip address add 10.10.1.12/24 dev eth3 && ip link set eth3 up && ip link set wire3 up
        ip netns add jellyfin
        ip link add c0 link eth3 type macvlan mode bridge && ip link set c0 netns jellyfin
        ip -n jellyfin address add {jellyfin}/24 dev c0
        ip -n jellyfin link set c0 up && ip -n jellyfin link set lo up
        ip netns exec jellyfin timeout 20 python3 -m http.server --bind {jellyfin} 8096 >/dev/null 2>&1 &
        server=$!
        ready=no
        for attempt in 1 2 3 4 5 6 7 8 9 10; do
          if ip netns exec jellyfin curl -s -o /dev/null --max-time 1 http://{jellyfin}:8096/; then ready=yes; break; fi
          sleep 0.5
        done
        test "$ready" = yes
        echo "before=$({probe})"
        sh {script}
        sh {script}
        echo "after=$({probe})"
        ip -o link show type macvlan | grep -c '^[0-9]*: ms-'
        kill $server
        """)
    command = ["unshare", "-nm", "sh", "-c", scenario]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split()
    assert lines[:2] == ["before=000", "after=200"], result.stdout
    assert lines[2] == "1", "run twice, the script leaves one shim link"
