"""Behaviour of the lab manager against a real engine: brings up `lab1`, checks it, tears it down.

Runs only with MEDIASTACK_LAB=1 (the Makefile's lab stage sets it): it needs a Docker engine,
builds images and starts a host container.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import BIN, ROOT, lab, lab_run

ANSIBLE = BIN / "ansible"
SSH_KEY = ROOT / ".lab" / "ssh" / "id_ed25519"

HOST = "lab1"
CONTAINER = "mediastack-lab-lab1"
ADMIN_ADDRESS = "192.168.60.11"  # its LAN address, where the controller reaches it
# On its own a host is on the LAN only: its segments are its own engine's bridges.
ADDRESSES = {"lan": "192.168.60.11"}
BASE_IMAGE = "mediastack-lab/debian12-base:bookworm"
HOST_IMAGE = "mediastack-lab/host:bookworm"


def docker(*args: str, timeout: float = 60) -> str:
    """Run the docker CLI and return stdout."""
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout, check=False)
    assert result.returncode == 0, f"docker {' '.join(args)} failed: {result.stderr}"
    return result.stdout


def inspect(kind: str, name: str) -> dict:
    """`docker <kind> inspect` of one object."""
    return json.loads(docker(kind, "inspect", name))[0]


def assert_lab_network(segment: str, subnet_prefix: str) -> None:
    """Only send traffic to a lab address after checking the lab created that network."""
    network = inspect("network", f"mediastack-lab-{segment}")
    assert network["Labels"].get("org.newmedia.mediastack.lab") == "network"
    assert [cfg["Subnet"] for cfg in network["IPAM"]["Config"]] == [f"{subnet_prefix}.0/24"]


@pytest.fixture(scope="module")
def lab1() -> dict:
    """`lab1` up through the CLI, its container inspected; removed again afterwards."""
    lab("engine", timeout=300)
    lab("images")
    try:
        lab("up", HOST, timeout=600)
        yield inspect("container", CONTAINER)
    finally:
        lab_run("down", HOST, timeout=300)


def test_systemd_is_running(lab1: dict) -> None:
    state = docker("exec", CONTAINER, "systemctl", "is-system-running").strip()
    assert state == "running"


def test_systemd_is_pid_1(lab1: dict) -> None:
    assert docker("exec", CONTAINER, "cat", "/proc/1/comm").strip() == "systemd"


def test_ansible_ping_over_ssh(lab1: dict, tmp_path: Path) -> None:
    assert_lab_network("lan", "192.168.60")
    inventory = tmp_path / "hosts.ini"
    inventory.write_text(
        "[lab]\n"
        f"{HOST} ansible_host={ADMIN_ADDRESS} ansible_user=root ansible_ssh_private_key_file={SSH_KEY} "
        "ansible_python_interpreter=/usr/bin/python3 "
        "ansible_ssh_common_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'\n"
    )
    env = dict(os.environ, ANSIBLE_HOST_KEY_CHECKING="False", ANSIBLE_NOCOLOR="1")
    result = subprocess.run(
        [str(ANSIBLE), "-i", str(inventory), HOST, "-m", "ansible.builtin.ping"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
        env=env,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"ping": "pong"' in result.stdout


def test_sshd_takes_keys_only(lab1: dict) -> None:
    config = docker("exec", CONTAINER, "sshd", "-T").splitlines()
    assert "permitrootlogin without-password" in config
    assert "passwordauthentication no" in config
    assert "kbdinteractiveauthentication no" in config


@pytest.mark.parametrize(("segment", "address"), ADDRESSES.items(), ids=list(ADDRESSES))
def test_host_has_documented_address(lab1: dict, segment: str, address: str) -> None:
    assert lab1["NetworkSettings"]["Networks"][f"mediastack-lab-{segment}"]["IPAddress"] == address
    inside = docker("exec", CONTAINER, "ip", "-4", "-o", "addr", "show")
    assert f" {address}/24 " in inside


def test_hostname_is_host_name(lab1: dict) -> None:
    assert docker("exec", CONTAINER, "hostname").strip() == HOST


def test_second_images_run_rebuilds_nothing(lab1: dict) -> None:
    before = {name: inspect("image", name)["Id"] for name in (BASE_IMAGE, HOST_IMAGE)}
    output = lab("images", timeout=300)
    after = {name: inspect("image", name)["Id"] for name in (BASE_IMAGE, HOST_IMAGE)}
    assert after == before
    assert "built" not in output
    assert f"reused {BASE_IMAGE}" in output
    assert f"reused {HOST_IMAGE}" in output
    for name in (BASE_IMAGE, HOST_IMAGE):
        assert inspect("image", name)["Config"]["Labels"]["org.newmedia.mediastack.inputs"]


def test_second_up_leaves_host_alone(lab1: dict) -> None:
    output = lab("up", HOST, timeout=300)
    assert f"{HOST} already running" in output
    again = inspect("container", CONTAINER)
    assert again["Id"] == lab1["Id"]
    assert again["State"]["StartedAt"] == lab1["State"]["StartedAt"]


def test_host_is_not_privileged(lab1: dict) -> None:
    host_config = lab1["HostConfig"]
    assert host_config["Privileged"] is False
    expected = ["DAC_READ_SEARCH", "NET_ADMIN", "SYSLOG", "SYS_ADMIN", "SYS_PTRACE"]
    assert sorted(cap.removeprefix("CAP_") for cap in host_config["CapAdd"]) == expected
    assert not host_config.get("CapDrop")
    assert sorted(host_config["SecurityOpt"]) == ["apparmor=unconfined", "seccomp=unconfined"]
    assert host_config["CgroupnsMode"] == "host"
    assert sorted(d["PathOnHost"] for d in host_config["Devices"]) == ["/dev/fuse", "/dev/kmsg", "/dev/net/tun"]


def test_host_mounts(lab1: dict) -> None:
    mounts = {m["Destination"]: m for m in lab1["Mounts"]}
    assert mounts["/var/lib/docker"]["Name"] == "mediastack-lab-lab1-docker"
    assert mounts["/root/.ssh/authorized_keys"]["RW"] is False
    assert mounts["/sys/fs/cgroup"]["RW"] is True
    assert set(lab1["HostConfig"]["Tmpfs"]) == {"/run", "/run/lock"}


def test_status_lists_host_addresses(lab1: dict) -> None:
    output = lab("status", timeout=120)
    row = next(line for line in output.splitlines() if line.startswith(f"{HOST} "))
    assert "running" in row
    for address in ADDRESSES.values():
        assert address in row


def wait_for_system_state(wanted: str, seconds: int = 30) -> str:
    """Poll systemd's overall state inside lab1 until it is `wanted` (bounded)."""
    state = ""
    for _attempt in range(seconds):
        result = subprocess.run(
            ["docker", "exec", CONTAINER, "systemctl", "is-system-running"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        state = result.stdout.strip()
        if state == wanted:
            break
        time.sleep(1)
    return state


def test_degraded_host_is_reported_with_its_failed_units(lab1: dict) -> None:
    docker("exec", CONTAINER, "systemd-run", "--unit=lab-test-fails", "/bin/false")
    try:
        assert wait_for_system_state("degraded") == "degraded"
        result = lab_run("up", HOST, timeout=300)
        assert result.returncode == 1
        assert "Traceback" not in result.stderr
        [line] = result.stderr.strip().splitlines()
        assert line.startswith("lab.py up: lab1 is degraded, failed units: lab-test-fails.service.")
    finally:
        docker("exec", CONTAINER, "systemctl", "reset-failed", "lab-test-fails.service")
    assert wait_for_system_state("running") == "running"


def test_bad_host_name_is_one_clear_line() -> None:
    result = lab_run("up", "lab0", timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == ["lab.py up: bad host name 'lab0': lab hosts are named lab1 to lab9."]
