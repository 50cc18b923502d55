"""A lab stand-in for Gluetun that applies Gluetun's firewall, its kill switch, and brings up no tunnel.

Gluetun cannot be had on the lab machines. The download clients share its network namespace, so what
the lab must prove of them (their traffic leaves only through the VPN) is decided by Gluetun's
firewall. This program reads the environment the collection renders for Gluetun, loads the ruleset
Gluetun's firewall documents into its own network namespace with ``nft -f -`` (one table,
``inet gluetun_standin``), then serves what the shared stand-in (standin.py) serves: the control
server's port answers its health and ``/`` paths. Needs CAP_NET_ADMIN and Debian's ``nftables``.

What Gluetun's firewall allows (wiki: faq/firewall.md, setup/options/firewall.md), and so this one:

* everything is dropped by default, in, out and forwarded, for IPv4 and IPv6;
* loopback, and what belongs to a connection already allowed (established, related);
* out to the VPN server only: its address, protocol and port (``VPN_ENDPOINT_IP``/``_PORT``, or
  ``WIREGUARD_ENDPOINT_IP``/``_PORT``; ``OPENVPN_ENDPOINT_IP``/``_PORT`` and ``OPENVPN_PROTOCOL``
  with ``VPN_TYPE=openvpn``), and anything through the tunnel's interface (``VPN_INTERFACE``,
  default wg0 for WireGuard, tun0 for OpenVPN);
* out and in on the namespace's own networks (each gateway-less route of an Ethernet link: the
  Docker networks it joins): out through that link to that network, in through it from any source;
* out to ``FIREWALL_OUTBOUND_SUBNETS``;
* in on ``FIREWALL_INPUT_PORTS`` (TCP and UDP) from any interface but the tunnel's, and on
  ``FIREWALL_VPN_INPUT_PORTS`` through the tunnel.

Where it differs from Gluetun, and why: what it does not allow out is rejected (ICMP
administratively prohibited), not dropped, so a denied connection fails at once and a lab proof
never has to read a timeout as a denial; the endpoint and outbound-subnet rules name no interface,
because the stand-in leaves the default route where Docker put it (Gluetun moves it to the tunnel
and matches the default route's interface). Named counters count what is refused
(``nft list counters table inet gluetun_standin``), and the stand-in logs them when they change.

Gluetun refuses to start a custom provider without its endpoint; a named provider's endpoint comes
from Gluetun's server list, which the stand-in does not have, so it needs the endpoint in every case
and refuses to start without it, naming the variables. It never logs the environment (it holds the
WireGuard keys).

    gluetun.py            load the firewall, then serve (arguments are logged and ignored)
    gluetun.py --probe    the health check: 1 unless the table is loaded with its drop policies
                          and standin.py's probe answers
    gluetun.py --ruleset  print the ruleset it would load here, and load nothing
"""

from __future__ import annotations

import ipaddress
import json
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

try:  # beside this program, in the image and when it runs as a script
    import standin
except ImportError:  # imported as a module of tests/lab/standins
    from . import standin

TABLE = "gluetun_standin"
FAMILY = "inet"
NFT_TIMEOUT_S = 10
COUNTER_LOG_S = 10
#: Named counters: what each refuses.
COUNTERS = {
    "output_rejected": "out, refused with ICMP administratively prohibited",
    "input_dropped": "in, dropped",
    "forward_dropped": "forwarded, dropped",
}
#: Gluetun's variables for the endpoint, the newest name first (its retro keys after it).
ENDPOINT_VARIABLES = {
    "wireguard": (("WIREGUARD_ENDPOINT_IP", "VPN_ENDPOINT_IP"), ("WIREGUARD_ENDPOINT_PORT", "VPN_ENDPOINT_PORT")),
    "openvpn": (
        ("OPENVPN_ENDPOINT_IP", "OPENVPN_TARGET_IP", "VPN_ENDPOINT_IP"),
        ("OPENVPN_ENDPOINT_PORT", "PORT", "OPENVPN_PORT", "VPN_ENDPOINT_PORT"),
    ),
}
TUNNEL_INTERFACES = {"wireguard": ("WIREGUARD_INTERFACE", "wg0"), "openvpn": ("OPENVPN_INTERFACE", "tun0")}
FIREWALL_SWITCH = "FIREWALL_ENABLED_DISABLING_IT_SHOOTS_YOU_IN_YOUR_FOOT"
#: Gluetun's IPv6 multicast output on its own links: neighbour solicitation, which IPv6 needs.
SOLICITED_NODES = ipaddress.ip_network("ff02::1:ff00:0/104")
ARPHRD_ETHER = "1"
RTF_UP, RTF_REJECT, RTF_LOCAL = 0x0001, 0x0200, 0x80000000
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class SettingError(ValueError):
    """The environment asks for something Gluetun (or this stand-in) refuses."""


@dataclass(frozen=True)
class Firewall:
    """What the firewall allows, from Gluetun's variables."""

    vpn_type: str
    endpoint_ip: Address
    endpoint_port: int
    protocol: str
    tunnel: str
    outbound_subnets: tuple[Network, ...] = ()
    input_ports: tuple[int, ...] = ()
    vpn_input_ports: tuple[int, ...] = ()


@dataclass(frozen=True)
class OwnNetwork:
    """A network the namespace is on: a gateway-less route of one of its Ethernet links."""

    interface: str
    network: Network


def _first(env: Mapping[str, str], names: Sequence[str]) -> tuple[str, str]:
    """(name, value) of the first of `names` set in `env`, else (names[0], '')."""
    for name in names:
        if env.get(name, "").strip():
            return name, env[name].strip()
    return names[0], ""


def _port(name: str, value: str) -> int:
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise SettingError(f"{name}={value!r} is not a port: give a number from 1 to 65535")
    return int(value)


def _ports(env: Mapping[str, str], name: str) -> tuple[int, ...]:
    return tuple(sorted({_port(name, item.strip()) for item in env.get(name, "").split(",") if item.strip()}))


def _subnets(env: Mapping[str, str], name: str) -> tuple[Network, ...]:
    subnets = []
    for item in (part.strip() for part in env.get(name, "").split(",")):
        if not item:
            continue
        try:
            subnets.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise SettingError(f"{name}: {item!r} is not a subnet: give address/prefix, e.g. 10.10.5.0/24") from None
    return tuple(sorted(set(subnets), key=lambda subnet: (subnet.version, subnet)))


def firewall_settings(env: Mapping[str, str]) -> Firewall:
    """The firewall Gluetun builds from `env`; SettingError where it (or this stand-in) refuses."""
    switch = env.get(FIREWALL_SWITCH, "").strip().lower()
    if switch in ("off", "no", "false", "disabled"):
        raise SettingError(f"{FIREWALL_SWITCH}={switch}: this stand-in exists to apply the firewall; unset it")
    vpn_type = env.get("VPN_TYPE", "").strip().lower() or "openvpn"
    if vpn_type not in ENDPOINT_VARIABLES:
        raise SettingError(f"VPN_TYPE={vpn_type!r}: the stand-in models wireguard and openvpn")
    ip_names, port_names = ENDPOINT_VARIABLES[vpn_type]
    (ip_name, ip_value), (port_name, port_value) = _first(env, ip_names), _first(env, port_names)
    if not ip_value or not port_value:
        provider = env.get("VPN_SERVICE_PROVIDER", "").strip() or "unset"
        raise SettingError(
            f"no VPN endpoint (VPN_SERVICE_PROVIDER={provider}): set {' or '.join(ip_names)} and "
            f"{' or '.join(port_names)}. Gluetun refuses a custom provider without them; a named provider's "
            "endpoint comes from Gluetun's server list, which this stand-in does not have"
        )
    try:
        endpoint_ip = ipaddress.ip_address(ip_value)
    except ValueError:
        raise SettingError(f"{ip_name}={ip_value!r} is not an IP address: give the VPN server's address") from None
    protocol = "udp"
    if vpn_type == "openvpn":
        protocol = _first(env, ("OPENVPN_PROTOCOL", "PROTOCOL"))[1].lower() or "udp"
        if protocol not in ("udp", "tcp"):
            raise SettingError(f"OPENVPN_PROTOCOL={protocol!r}: give udp or tcp")
    retro, default = TUNNEL_INTERFACES[vpn_type]
    tunnel = _first(env, ("VPN_INTERFACE", retro))[1] or default
    return Firewall(
        vpn_type=vpn_type,
        endpoint_ip=endpoint_ip,
        endpoint_port=_port(port_name, port_value),
        protocol=protocol,
        tunnel=tunnel,
        outbound_subnets=_subnets(env, "FIREWALL_OUTBOUND_SUBNETS"),
        input_ports=_ports(env, "FIREWALL_INPUT_PORTS"),
        vpn_input_ports=_ports(env, "FIREWALL_VPN_INPUT_PORTS"),
    )


def _ip(version: int) -> str:
    return "ip" if version == 4 else "ip6"


def _set(items: Iterable[object]) -> str:
    return "{ " + ", ".join(map(str, items)) + " }"


def _quoted(name: str) -> str:
    return json.dumps(name)


def ruleset(firewall: Firewall, own: Sequence[OwnNetwork] = ()) -> str:
    """The nft script that replaces the table with `firewall`, on the namespace's `own` networks."""
    output = [
        'oifname "lo" accept',
        "ct state established,related accept",
        f"{_ip(firewall.endpoint_ip.version)} daddr {firewall.endpoint_ip} {firewall.protocol} dport "
        f'{firewall.endpoint_port} accept comment "the VPN server"',
        f'oifname {_quoted(firewall.tunnel)} accept comment "the tunnel"',
    ]
    inputs = ['iifname "lo" accept', "ct state established,related accept"]
    for item in own:
        version, interface = item.network.version, _quoted(item.interface)
        output.append(f'oifname {interface} {_ip(version)} daddr {item.network} accept comment "own network"')
        inputs.append(f'iifname {interface} {_ip(version)} daddr {item.network} accept comment "own network"')
    for interface in sorted({item.interface for item in own if item.network.version == 6}):
        output.append(f'oifname {_quoted(interface)} ip6 daddr {SOLICITED_NODES} accept comment "IPv6 neighbours"')
    for version in (4, 6):
        subnets = [subnet for subnet in firewall.outbound_subnets if subnet.version == version]
        if subnets:
            output.append(f'{_ip(version)} daddr {_set(subnets)} accept comment "FIREWALL_OUTBOUND_SUBNETS"')
    if firewall.input_ports:
        inputs.append(
            f"iifname != {_quoted(firewall.tunnel)} meta l4proto {{ tcp, udp }} th dport "
            f'{_set(firewall.input_ports)} accept comment "FIREWALL_INPUT_PORTS"'
        )
    if firewall.vpn_input_ports:
        inputs.append(
            f"iifname {_quoted(firewall.tunnel)} meta l4proto {{ tcp, udp }} th dport "
            f'{_set(firewall.vpn_input_ports)} accept comment "FIREWALL_VPN_INPUT_PORTS"'
        )
    output.append('counter name "output_rejected" reject with icmpx type admin-prohibited')
    inputs.append('counter name "input_dropped" drop')
    chains = {"input": inputs, "forward": ['counter name "forward_dropped" drop'], "output": output}
    lines = [f"add table {FAMILY} {TABLE}", f"delete table {FAMILY} {TABLE}", f"table {FAMILY} {TABLE} {{"]
    lines += [f"\tcounter {name} {{\n\t\tcomment {_quoted(text)}\n\t}}" for name, text in COUNTERS.items()]
    for chain, rules in chains.items():
        lines.append(f"\tchain {chain} {{\n\t\ttype filter hook {chain} priority filter; policy drop;")
        lines += [f"\t\t{rule}" for rule in rules]
        lines.append("\t}")
    return "\n".join([*lines, "}", ""])


def _hex_ipv4(text: str) -> ipaddress.IPv4Address:
    """An address of /proc/net/route: hex, in host (little-endian) byte order."""
    return ipaddress.IPv4Address(bytes.fromhex(text)[::-1])


def own_networks(route: str, ipv6_route: str, ethernet: Iterable[str]) -> list[OwnNetwork]:
    """The gateway-less routes of the `ethernet` links, from /proc/net/route and /proc/net/ipv6_route.

    As Gluetun's local networks: main-table routes with no gateway and a destination that is not
    the default, on an Ethernet link (not loopback, not a tunnel); IPv6's local, rejecting and
    multicast routes are not networks.
    """
    links, networks = set(ethernet), set()
    for line in route.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 8 or fields[0] not in links:
            continue
        flags, mask = int(fields[3], 16), _hex_ipv4(fields[7])
        if flags & RTF_UP and int(fields[2], 16) == 0 and int(mask):
            network = ipaddress.IPv4Network(f"{_hex_ipv4(fields[1])}/{mask}", strict=False)
            networks.add(OwnNetwork(fields[0], network))
    for line in ipv6_route.splitlines():
        fields = line.split()
        if len(fields) < 10 or fields[9] not in links:
            continue
        prefix, nexthop, flags = int(fields[1], 16), int(fields[4], 16), int(fields[8], 16)
        network = ipaddress.IPv6Network((int(fields[0], 16), prefix), strict=False)
        if prefix and not nexthop and not flags & (RTF_LOCAL | RTF_REJECT) and not network.is_multicast:
            networks.add(OwnNetwork(fields[9], network))
    return sorted(networks, key=lambda item: (item.network.version, item.interface, item.network))


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def namespace_networks() -> list[OwnNetwork]:
    """The own networks of the network namespace this process runs in."""
    net = Path("/sys/class/net")
    ethernet = [link.name for link in net.iterdir() if _read(link / "type").strip() == ARPHRD_ETHER]
    return own_networks(_read(Path("/proc/net/route")), _read(Path("/proc/net/ipv6_route")), ethernet)


def nft(*args: str, script: str | None = None) -> subprocess.CompletedProcess:
    """Run nft; a missing nft is a failed run."""
    program = shutil.which("nft")
    if program is None:
        return subprocess.CompletedProcess(["nft", *args], 127, "", "nft is missing: install Debian's nftables")
    return subprocess.run(
        [program, *args], input=script, capture_output=True, text=True, timeout=NFT_TIMEOUT_S, check=False
    )


def table_problem(listing: Mapping) -> str | None:
    """What is wrong with `nft -j list table` output for the firewall (None when it stands)."""
    chains = {
        item["chain"].get("hook"): item["chain"].get("policy")
        for item in listing.get("nftables", [])
        if "chain" in item and item["chain"].get("table") == TABLE
    }
    for hook in ("input", "forward", "output"):
        if chains.get(hook) != "drop":
            state = "missing" if hook not in chains else f"policy {chains[hook]}"
            return f"table {FAMILY} {TABLE}: the {hook} chain is {state}, not policy drop"
    return None


def firewall_problem() -> str | None:
    """Why the firewall is not in place in this namespace (None when it is)."""
    listed = nft("-j", "list", "table", FAMILY, TABLE)
    if listed.returncode != 0:
        return f"table {FAMILY} {TABLE} is not loaded: {listed.stderr.strip()}"
    try:
        return table_problem(json.loads(listed.stdout))
    except (ValueError, KeyError, AttributeError) as error:
        return f"cannot read nft's listing of table {FAMILY} {TABLE}: {error}"


def counters() -> dict[str, int]:
    """Packets each named counter has counted ({} when nft cannot list them)."""
    listed = nft("-j", "list", "counters", "table", FAMILY, TABLE)
    try:
        items = json.loads(listed.stdout).get("nftables", []) if listed.returncode == 0 else []
    except ValueError:
        return {}
    return {item["counter"]["name"]: item["counter"]["packets"] for item in items if "counter" in item}


def describe(firewall: Firewall, own: Sequence[OwnNetwork]) -> str:
    """One line on what the firewall lets through (no secrets: the keys are not in Firewall)."""
    parts = [
        f"out to the VPN server {firewall.endpoint_ip} {firewall.protocol}/{firewall.endpoint_port}",
        f"through {firewall.tunnel}",
        "own networks " + (", ".join(f"{item.network} on {item.interface}" for item in own) or "none"),
        "FIREWALL_OUTBOUND_SUBNETS " + (", ".join(map(str, firewall.outbound_subnets)) or "none"),
    ]
    if firewall.input_ports:
        parts.append(f"in on FIREWALL_INPUT_PORTS {', '.join(map(str, firewall.input_ports))}")
    if firewall.vpn_input_ports:
        parts.append(f"in through the tunnel on {', '.join(map(str, firewall.vpn_input_ports))}")
    return "; ".join(parts) + "; everything else out rejected, in and forwarded dropped"


def watch_counters(stop: threading.Event) -> None:
    """Log the counters whenever they change, and a vanished table once, until `stop`."""
    seen: dict[str, int] = {}
    missing = False
    while not stop.wait(COUNTER_LOG_S):
        problem = firewall_problem()
        if problem and not missing:
            standin.log(f"firewall: {problem}")
        missing = bool(problem)
        now = counters()
        if now and now != seen:
            standin.log("firewall refused so far: " + ", ".join(f"{name} {now[name]}" for name in sorted(now)))
            seen = now


def serve() -> int:
    """Load the firewall, then serve as standin.py does until SIGTERM or SIGINT."""
    try:
        firewall = firewall_settings(os.environ)
    except SettingError as error:
        standin.log(f"refusing to start: {error}")
        return 2
    own = namespace_networks()
    loaded = nft("-f", "-", script=ruleset(firewall, own))
    if loaded.returncode != 0:
        standin.log(f"refusing to start: nft could not load table {FAMILY} {TABLE}: {loaded.stderr.strip()}")
        return 1
    standin.log(f"firewall: table {FAMILY} {TABLE} loaded: {describe(firewall, own)}")
    stop = threading.Event()
    threading.Thread(target=watch_counters, args=(stop,), daemon=True).start()
    status = standin.serve()
    stop.set()
    standin.log("firewall refused: " + ", ".join(f"{name} {count}" for name, count in sorted(counters().items())))
    return status


def probe() -> int:
    """The health check: the firewall stands and standin.py's probe answers."""
    problem = firewall_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    return standin.probe()


def print_ruleset() -> int:
    try:
        print(ruleset(firewall_settings(os.environ), namespace_networks()), end="")
    except SettingError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    ACTION = {"--probe": probe, "--ruleset": print_ruleset}.get(sys.argv[1]) if len(sys.argv) == 2 else None
    sys.exit(ACTION() if ACTION else serve())
