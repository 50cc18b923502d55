"""Print what runs where in the lab: each host's segment addresses and what the roles applied.

Read-only: it inspects the host containers and asks each host over SSH, as Ansible reaches it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SEGMENTS = ("dmz", "proxy", "media", "admin", "data")
PROBE = r"""
set -u
user=$(getent passwd media | cut -d: -f3,4 || true)
kinds=$(ls /data/media 2>/dev/null | wc -l)
engine=$(docker version --format '{{.Server.Version}}' 2>/dev/null || true)
compose=$(docker compose version --short 2>/dev/null || true)
live=$(docker info --format '{{.LiveRestoreEnabled}}' 2>/dev/null || true)
pools=$(docker network inspect bridge --format '{{range .IPAM.Config}}{{.Subnet}}{{end}}' 2>/dev/null || true)
printf '{"user":"%s","kinds":"%s","engine":"%s","compose":"%s","live":"%s","pools":"%s"}\n' \
  "$user" "$kinds" "$engine" "$compose" "$live" "$pools"
"""


def inventory_hosts(inventory: Path) -> dict[str, str]:
    """Host name to SSH address, from the lab inventory."""
    data = yaml.safe_load((inventory / "hosts.yml").read_text(encoding="utf-8"))
    return {name: values["ansible_host"] for name, values in data["mediastack"]["hosts"].items()}


def segment_addresses(host: str) -> dict[str, str]:
    result = subprocess.run(
        ["docker", "inspect", f"mediastack-lab-{host}", "--format", "{{json .NetworkSettings.Networks}}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return {}
    networks = json.loads(result.stdout)
    return {name.removeprefix("mediastack-lab-"): net["IPAddress"] for name, net in networks.items()}


def applied(address: str) -> dict[str, str]:
    key = ROOT / ".lab/ssh/id_ed25519"
    options = ["-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR"]
    result = subprocess.run(
        ["ssh", "-i", str(key), *options, "-o", "BatchMode=yes", f"root@{address}", PROBE],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if result.returncode != 0:
        return {}
    return json.loads(result.stdout.strip().splitlines()[-1])


def describe(state: dict[str, str]) -> list[tuple[str, str]]:
    if not state:
        return [("-", "host not reachable")]
    base = f"media user {state['user'] or 'missing'} (uid:gid), /data tree with {state['kinds']} media kinds"
    docker = (
        f"engine {state['engine'] or 'missing'}, compose {state['compose'] or 'missing'}, "
        f"live-restore {state['live'] or '-'}, bridge subnet {state['pools'] or '-'}"
    )
    return [("base", base), ("docker", docker)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inventory", type=Path, default=ROOT / "inventories/lab")
    parser.add_argument("--limit", default="lab1", help="hosts separated by ':' or ','")
    args = parser.parse_args()
    hosts = inventory_hosts(args.inventory)
    wanted = [name for name in args.limit.replace(",", ":").split(":") if name]
    unknown = [name for name in wanted if name not in hosts]
    if unknown:
        print(f"Unknown lab host(s) {', '.join(unknown)}: use names from {args.inventory}/hosts.yml", file=sys.stderr)
        return 2

    print("\nHosts and segments")
    print(f"{'host':<8} " + " ".join(f"{segment:<12}" for segment in SEGMENTS))
    for host in wanted:
        addresses = segment_addresses(host)
        print(f"{host:<8} " + " ".join(f"{addresses.get(segment, '-'):<12}" for segment in SEGMENTS))

    print("\nWhat was applied")
    print(f"{'host':<8} {'role':<8} state")
    for host in wanted:
        for role, text in describe(applied(hosts[host])):
            print(f"{host:<8} {role:<8} {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
