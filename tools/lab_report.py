"""Print what runs where in the lab: each host's segment addresses, what the roles applied, and
every route of the platform with the host that serves it and its health.

Read-only: it inspects the host containers, asks each host over SSH as Ansible reaches it, and
sends one HTTPS request per route to the lab's Traefik. The plan comes from the render playbook's
output (`plan.yaml`).
"""

from __future__ import annotations

import argparse
import json
import socket
import ssl
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "lab"))
from lab import ssh_command  # noqa: E402

SEGMENTS = ("dmz", "proxy", "media", "admin", "data")
PROXY = "192.168.60.11"  # the entry: Traefik's ports, published on lab1's LAN address (bridge mode)
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
CONTAINERS = "docker ps --all --filter label=com.docker.compose.project --format '{{.Names}}\t{{.Status}}'"


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


def remote(address: str, command: str) -> str | None:
    result = subprocess.run(ssh_command(address, command), capture_output=True, text=True, check=False, timeout=60)
    return result.stdout if result.returncode == 0 else None


def applied(address: str) -> dict[str, str]:
    output = remote(address, PROBE)
    return json.loads(output.strip().splitlines()[-1]) if output else {}


def describe(state: dict[str, str]) -> list[tuple[str, str]]:
    if not state:
        return [("-", "host not reachable")]
    base = f"media user {state['user'] or 'missing'} (uid:gid), /data tree with {state['kinds']} media kinds"
    docker = (
        f"engine {state['engine'] or 'missing'}, compose {state['compose'] or 'missing'}, "
        f"live-restore {state['live'] or '-'}, bridge subnet {state['pools'] or '-'}"
    )
    return [("base", base), ("docker", docker)]


def container_states(address: str) -> dict[str, str]:
    output = remote(address, CONTAINERS) or ""
    rows = (line.split("\t", 1) for line in output.splitlines() if "\t" in line)
    return {name.removeprefix("mediastack-"): status for name, status in rows}


def https_status(fqdn: str) -> str:
    """The status of GET https://fqdn/ through the lab's Traefik, or why there is none."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((PROXY, 443), timeout=5) as raw,
            context.wrap_socket(raw, server_hostname=fqdn) as tls,
        ):
            # As a browser asks: the portal redirects it (302) where it answers an API client 401.
            request = f"GET / HTTP/1.1\r\nHost: {fqdn}\r\nAccept: text/html\r\nConnection: close\r\n\r\n"
            tls.sendall(request.encode())
            head = tls.recv(4096).decode("latin-1").split("\r\n", 1)[0]
    except OSError as error:
        return f"no answer ({error.__class__.__name__})"
    return head.split(" ", 2)[1] if head.startswith("HTTP/") else "no HTTP answer"


def print_routes(plan: dict, hosts: dict[str, str]) -> None:
    states = {host: container_states(address) for host, address in hosts.items() if host in plan["hosts"]}
    print("\nRoutes (HTTPS through Traefik; 302 = sent to the sign-in portal, 403 = admin segment only)")
    print(f"{'route':<36} {'service':<16} {'host':<6} {'https':<6} container")
    for route in plan["routes"]:
        service = route["service"]
        host = plan["services"][service]["host"]
        state = states.get(host, {}).get(service, "not found")
        print(f"{route['fqdn']:<36} {service:<16} {host:<6} {https_status(route['fqdn']):<6} {state}")
    unrouted = sorted(name for name in plan["services"] if plan["services"][name]["route"] is None)
    print("\nServices without a route")
    for service in unrouted:
        host = plan["services"][service]["host"]
        print(f"{service:<24} {host:<6} {states.get(host, {}).get(service, 'not found')}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--inventory", type=Path, default=ROOT / "inventories/lab")
    parser.add_argument("--limit", default="lab1", help="hosts separated by ':' or ','")
    parser.add_argument("--plan", type=Path, help="plan.yaml from the render playbook; routes are listed when given")
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

    if args.plan:
        plan = yaml.safe_load(args.plan.read_text(encoding="utf-8"))
        print_routes(plan, {host: hosts[host] for host in wanted})
    return 0


if __name__ == "__main__":
    sys.exit(main())
