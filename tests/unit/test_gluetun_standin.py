"""The lab's Gluetun stand-in (tests/lab/standins/gluetun.py) applies Gluetun's documented firewall.

It is a stand-in: Gluetun itself cannot be had here, and the lab's proof that the download clients'
traffic leaves only through the VPN rests on this firewall. Its ruleset is a pure function of the
environment the collection renders for Gluetun and of the namespace's own networks; `nft -c` judges
each one. The namespace tests (root, `ip` and `nft`) run the stand-in as the image runs it, in a
network namespace of their own joined by a veth to a second one that listens on two TCP ports and
echoes UDP: what the firewall refuses fails at once with an error (never a bare timeout), beside a
connection it allows. Both namespaces are removed at the end.
"""

from __future__ import annotations

import errno
import functools
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import required_secrets

from ..lab.standins import gluetun
from .edge import plan_and_catalog

ROOT = Path(__file__).resolve().parents[2]
STANDINS = ROOT / "tests" / "lab" / "standins"
PROGRAM = STANDINS / "gluetun.py"
IN_CI = os.environ.get("CI") == "true"
START_WAIT_S = 20
STOP_WAIT_S = 10
LISTEN_S = 120
CONNECT_TIMEOUT_S = 5
#: A refused connection fails this fast; a drop would only end at CONNECT_TIMEOUT_S.
FAST_S = 1.0
SECRET = "lab-test-private-key-never-logged"  # noqa: S105 - a marker, not a key
BASE = {
    "VPN_TYPE": "wireguard",
    "VPN_SERVICE_PROVIDER": "custom",
    "VPN_ENDPOINT_IP": "192.0.2.1",
    "VPN_ENDPOINT_PORT": "51820",
}
ETH0 = [gluetun.OwnNetwork("eth0", ipaddress.ip_network("172.18.0.0/16"))]


def settings(**changes: str) -> gluetun.Firewall:
    return gluetun.firewall_settings({**BASE, **changes})


# --- what Gluetun's variables mean --------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        (BASE, ("wireguard", "192.0.2.1", 51820, "udp", "wg0")),
        (
            {"VPN_TYPE": "wireguard", "WIREGUARD_ENDPOINT_IP": "2001:db8::1", "WIREGUARD_ENDPOINT_PORT": "4500"},
            ("wireguard", "2001:db8::1", 4500, "udp", "wg0"),
        ),
        (
            {**BASE, "WIREGUARD_ENDPOINT_IP": "198.51.100.7", "VPN_INTERFACE": "tun9"},
            ("wireguard", "198.51.100.7", 51820, "udp", "tun9"),
        ),
        (
            {"VPN_TYPE": "openvpn", "OPENVPN_ENDPOINT_IP": "203.0.113.9", "OPENVPN_ENDPOINT_PORT": "443",
             "OPENVPN_PROTOCOL": "TCP"},
            ("openvpn", "203.0.113.9", 443, "tcp", "tun0"),
        ),
        (
            {"VPN_ENDPOINT_IP": "203.0.113.9", "VPN_ENDPOINT_PORT": "1194"},
            ("openvpn", "203.0.113.9", 1194, "udp", "tun0"),
        ),
    ],
    ids=["retro-keys", "wireguard-keys-ipv6", "newest-name-wins", "openvpn-tcp", "default-type-openvpn"],
)  # fmt: skip
def test_the_endpoint_comes_from_gluetuns_variables(env, expected):
    firewall = gluetun.firewall_settings(env)
    assert (
        firewall.vpn_type,
        str(firewall.endpoint_ip),
        firewall.endpoint_port,
        firewall.protocol,
        firewall.tunnel,
    ) == expected


def test_lists_are_parsed_sorted_and_deduplicated():
    firewall = settings(
        FIREWALL_OUTBOUND_SUBNETS="10.10.5.0/24, fd00:5::/64,10.10.1.7/24,192.168.1.10,10.10.5.0/24",
        FIREWALL_INPUT_PORTS="8888,8000,8888",
        FIREWALL_VPN_INPUT_PORTS="6881",
    )
    assert [str(subnet) for subnet in firewall.outbound_subnets] == [
        "10.10.1.0/24",
        "10.10.5.0/24",
        "192.168.1.10/32",
        "fd00:5::/64",
    ]
    assert firewall.input_ports == (8000, 8888)
    assert firewall.vpn_input_ports == (6881,)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"VPN_TYPE": "wireguard", "VPN_SERVICE_PROVIDER": "mullvad"},
         "no VPN endpoint (VPN_SERVICE_PROVIDER=mullvad): set WIREGUARD_ENDPOINT_IP or VPN_ENDPOINT_IP and "
         "WIREGUARD_ENDPOINT_PORT or VPN_ENDPOINT_PORT"),
        ({**BASE, "VPN_ENDPOINT_PORT": ""}, "no VPN endpoint (VPN_SERVICE_PROVIDER=custom)"),
        ({**BASE, "VPN_ENDPOINT_IP": "vpn.example.com"}, "VPN_ENDPOINT_IP='vpn.example.com' is not an IP address"),
        ({**BASE, "VPN_ENDPOINT_PORT": "70000"}, "VPN_ENDPOINT_PORT='70000' is not a port"),
        ({**BASE, "FIREWALL_OUTBOUND_SUBNETS": "10.10.5.0/33"}, "FIREWALL_OUTBOUND_SUBNETS: '10.10.5.0/33' is not"),
        ({**BASE, "FIREWALL_INPUT_PORTS": "8000,http"}, "FIREWALL_INPUT_PORTS='http' is not a port"),
        ({**BASE, "VPN_TYPE": "ipsec"}, "VPN_TYPE='ipsec': the stand-in models wireguard and openvpn"),
        ({**BASE, "VPN_TYPE": "openvpn", "OPENVPN_PROTOCOL": "sctp"}, "OPENVPN_PROTOCOL='sctp': give udp or tcp"),
        ({**BASE, "FIREWALL_ENABLED_DISABLING_IT_SHOOTS_YOU_IN_YOUR_FOOT": "off"},
         "FIREWALL_ENABLED_DISABLING_IT_SHOOTS_YOU_IN_YOUR_FOOT=off: this stand-in exists to apply the firewall"),
    ],
    ids=["no-endpoint", "no-port", "hostname", "port-range", "subnet", "input-port", "type", "protocol",
         "firewall-off"],
)  # fmt: skip
def test_what_gluetun_refuses_is_refused_by_name(env, message):
    with pytest.raises(gluetun.SettingError) as raised:
        gluetun.firewall_settings(env)
    assert str(raised.value).startswith(message), raised.value


def test_the_stand_in_refuses_to_start_without_the_endpoint_and_never_shows_the_key():
    env = {"PATH": os.environ["PATH"], "STANDIN_SERVICE": "gluetun", "STANDIN_PORTS": "8000", "VPN_TYPE": "wireguard",
           "VPN_SERVICE_PROVIDER": "custom", "WIREGUARD_PRIVATE_KEY": SECRET}  # fmt: skip
    started = subprocess.run(
        [sys.executable, str(PROGRAM)], env=env, capture_output=True, text=True, timeout=30, check=False
    )
    assert started.returncode == 2
    assert "standin[gluetun] refusing to start: no VPN endpoint (VPN_SERVICE_PROVIDER=custom)" in started.stdout
    assert SECRET not in started.stdout + started.stderr


# --- the ruleset, as text ------------------------------------------------------------------------


def chain(text: str, name: str) -> list[str]:
    """The rules of one chain of a ruleset, stripped, in order (its type line first)."""
    lines = text.splitlines()
    start = lines.index(f"\tchain {name} {{")
    end = lines.index("\t}", start)
    return [line.strip() for line in lines[start + 1 : end]]


def test_every_chain_drops_by_default_and_output_ends_in_a_counted_reject():
    text = gluetun.ruleset(settings(), ETH0)
    assert text.startswith("add table inet gluetun_standin\ndelete table inet gluetun_standin\n")
    assert text.count("table inet gluetun_standin {") == 1
    for name in ("input", "forward", "output"):
        assert chain(text, name)[0] == f"type filter hook {name} priority filter; policy drop;"
    assert chain(text, "output")[-1] == 'counter name "output_rejected" reject with icmpx type admin-prohibited'
    assert chain(text, "input")[-1] == 'counter name "input_dropped" drop'
    assert chain(text, "forward")[1:] == ['counter name "forward_dropped" drop']
    assert "accept" not in " ".join(chain(text, "forward"))


def test_output_allows_loopback_replies_the_vpn_server_the_tunnel_own_networks_and_outbound_subnets():
    firewall = settings(FIREWALL_OUTBOUND_SUBNETS="10.10.5.0/24,10.10.1.0/24,fd00:5::/64")
    own = [*ETH0, gluetun.OwnNetwork("eth1", ipaddress.ip_network("fd00:1::/64"))]
    assert chain(gluetun.ruleset(firewall, own), "output")[1:] == [
        'oifname "lo" accept',
        "ct state established,related accept",
        'ip daddr 192.0.2.1 udp dport 51820 accept comment "the VPN server"',
        'oifname "wg0" accept comment "the tunnel"',
        'oifname "eth0" ip daddr 172.18.0.0/16 accept comment "own network"',
        'oifname "eth1" ip6 daddr fd00:1::/64 accept comment "own network"',
        'oifname "eth1" ip6 daddr ff02::1:ff00:0/104 accept comment "IPv6 neighbours"',
        'ip daddr { 10.10.1.0/24, 10.10.5.0/24 } accept comment "FIREWALL_OUTBOUND_SUBNETS"',
        'ip6 daddr { fd00:5::/64 } accept comment "FIREWALL_OUTBOUND_SUBNETS"',
        'counter name "output_rejected" reject with icmpx type admin-prohibited',
    ]


def test_input_allows_loopback_replies_own_networks_and_the_input_ports():
    firewall = settings(FIREWALL_INPUT_PORTS="8000", FIREWALL_VPN_INPUT_PORTS="6881,6882")
    assert chain(gluetun.ruleset(firewall, ETH0), "input")[1:] == [
        'iifname "lo" accept',
        "ct state established,related accept",
        'iifname "eth0" ip daddr 172.18.0.0/16 accept comment "own network"',
        'iifname != "wg0" meta l4proto { tcp, udp } th dport { 8000 } accept comment "FIREWALL_INPUT_PORTS"',
        'iifname "wg0" meta l4proto { tcp, udp } th dport { 6881, 6882 } accept comment "FIREWALL_VPN_INPUT_PORTS"',
        'counter name "input_dropped" drop',
    ]


def test_without_subnets_or_networks_only_the_vpn_server_and_the_tunnel_are_open():
    output = chain(gluetun.ruleset(settings(VPN_ENDPOINT_IP="2001:db8::1"), []), "output")
    assert [rule for rule in output if "accept" in rule] == [
        'oifname "lo" accept',
        "ct state established,related accept",
        'ip6 daddr 2001:db8::1 udp dport 51820 accept comment "the VPN server"',
        'oifname "wg0" accept comment "the tunnel"',
    ]


def test_the_ruleset_is_a_function_of_its_inputs_alone():
    firewall = settings(FIREWALL_OUTBOUND_SUBNETS="10.10.5.0/24")
    assert gluetun.ruleset(firewall, ETH0) == gluetun.ruleset(settings(FIREWALL_OUTBOUND_SUBNETS="10.10.5.0/24"), ETH0)
    assert gluetun.ruleset(firewall, ETH0) != gluetun.ruleset(settings(FIREWALL_OUTBOUND_SUBNETS="10.10.6.0/24"), ETH0)


VPN_SETTINGS = {
    "custom": {"provider": "custom", "private_key": SECRET, "addresses": ["10.64.0.2/32"], "public_key": "server-key",
               "endpoint_ip": "203.0.113.5", "endpoint_port": 51820},
    "mullvad": {"provider": "mullvad", "private_key": SECRET, "addresses": ["10.64.0.2/32"]},
}  # fmt: skip


@functools.cache
def rendered_gluetun(provider: str = "custom") -> tuple[dict, dict]:
    """The compose service and the environment (compose plus env file) the collection renders for Gluetun."""
    settings = {"config_root": "/srv/ms", "vpn": VPN_SETTINGS[provider]}
    plan, _catalog = plan_and_catalog(settings)
    store = dict.fromkeys(required_secrets(plan), "generated")
    layout = host_layout(plan, "media1", store, settings)
    files = {item["path"]: item for item in layout["files"]}
    service = yaml.safe_load(files["/srv/ms/compose/content/compose.yaml"]["content"])["services"]["gluetun"]
    env_file = dict(line.split("=", 1) for line in files["/srv/ms/env/gluetun.env"]["content"].splitlines())
    return service, {**service["environment"], **env_file}


def test_the_collections_gluetun_service_gives_the_stand_in_what_it_needs():
    service, env = rendered_gluetun()
    assert "NET_ADMIN" in service["cap_add"], "nft needs CAP_NET_ADMIN"
    assert "/dev/net/tun" in service["devices"]
    firewall = gluetun.firewall_settings(env)
    assert (str(firewall.endpoint_ip), firewall.endpoint_port, firewall.protocol) == ("203.0.113.5", 51820, "udp")
    assert [str(subnet) for subnet in firewall.outbound_subnets] == env["FIREWALL_OUTBOUND_SUBNETS"].split(",")
    assert firewall.outbound_subnets, "the plan gives the download clients' segments"
    assert SECRET not in gluetun.ruleset(firewall, ETH0) + gluetun.describe(firewall, ETH0)


def test_a_named_provider_as_rendered_is_refused_by_the_stand_in():
    _service, env = rendered_gluetun("mullvad")
    assert "VPN_ENDPOINT_IP" not in env
    with pytest.raises(gluetun.SettingError, match=r"no VPN endpoint \(VPN_SERVICE_PROVIDER=mullvad\)"):
        gluetun.firewall_settings(env)


# --- the namespace's own networks ----------------------------------------------------------------

ROUTE = """Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
eth0\t00000000\t010012AC\t0003\t0\t0\t0\t00000000\t0\t0\t0
eth0\t000012AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
eth1\t00050A0A\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0
eth1\t00070A0A\t01050A0A\t0003\t0\t0\t0\t00FFFFFF\t0\t0\t0
wg0\t0000400A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0
"""
IPV6_ROUTE = """\
fd000005000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 \
00000001 00000000 00000001     eth1
fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 \
00000001 00000000 00000001     eth1
00000000000000000000000000000000 00 00000000000000000000000000000000 00 fd000005000000000000000000000001 00000400 \
00000003 00000000 00000003     eth1
fd000005000000000000000000000002 80 00000000000000000000000000000000 00 00000000000000000000000000000000 00000000 \
00000003 00000000 80200001     eth1
ff000000000000000000000000000000 08 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 \
00000001 00000000 00000001     eth1
00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff \
00000001 00000000 00200200       lo
"""


def test_own_networks_are_the_gateway_less_routes_of_ethernet_links():
    networks = gluetun.own_networks(ROUTE, IPV6_ROUTE, ["eth0", "eth1"])
    assert [(item.interface, str(item.network)) for item in networks] == [
        ("eth0", "172.18.0.0/16"),
        ("eth1", "10.10.5.0/24"),
        ("eth1", "fd00:5::/64"),
        ("eth1", "fe80::/64"),
    ]


# --- the health check ----------------------------------------------------------------------------


def listing(**policies: str) -> dict:
    chains = [{"chain": {"family": "inet", "table": "gluetun_standin", "name": hook, "hook": hook, "policy": policy}}
              for hook, policy in policies.items()]  # fmt: skip
    return {"nftables": [{"metainfo": {"json_schema_version": 1}}, {"table": {"name": "gluetun_standin"}}, *chains]}


@pytest.mark.parametrize(
    ("policies", "problem"),
    [
        ({"input": "drop", "forward": "drop", "output": "drop"}, None),
        ({"input": "drop", "forward": "drop", "output": "accept"}, "the output chain is policy accept"),
        ({"input": "drop", "output": "drop"}, "the forward chain is missing"),
        ({}, "the input chain is missing"),
    ],
    ids=["standing", "output-accepts", "no-forward", "empty-table"],
)
def test_the_probe_judges_the_tables_chains(policies, problem):
    found = gluetun.table_problem(listing(**policies))
    assert found == (None if problem is None else f"table inet gluetun_standin: {problem}, not policy drop")


def test_standin_py_probe_runs_the_images_own_program(tmp_path):
    """The catalog's /gluetun-entrypoint shim runs standin.py --probe: in the Gluetun image that is gluetun.py's."""
    shutil.copy2(STANDINS / "standin.py", tmp_path / "standin.py")
    (tmp_path / "own.py").write_text("import sys\nsys.exit(7 if sys.argv[1:] == ['--probe'] else 0)\n")
    base = {"PATH": os.environ["PATH"], "STANDIN_PORTS": ""}

    def probe(program: str) -> int:
        env = {**base, "STANDIN_PROGRAM": program}
        command = [sys.executable, str(tmp_path / "standin.py"), "--probe"]
        return subprocess.run(command, env=env, capture_output=True, timeout=60, check=False).returncode

    assert probe("own.py") == 7
    assert probe("standin.py") == 1, "its own probe: no port to ask"
    assert probe("absent.py") == 1


# --- nft itself ----------------------------------------------------------------------------------


def root_tools_reason() -> str | None:
    """Why the tests that need the kernel cannot run here (None when they can)."""
    if os.geteuid() != 0:
        return "not root: nft and network namespaces need root (CAP_NET_ADMIN)"
    missing = [tool for tool in ("ip", "nft") if shutil.which(tool) is None]
    return f"{' and '.join(missing)} missing: apt-get install iproute2 nftables" if missing else None


@pytest.fixture(name="root_tools")
def fixture_root_tools() -> None:
    reason = root_tools_reason()
    if reason and IN_CI:
        pytest.fail(reason)
    if reason:
        pytest.skip(reason)


@pytest.mark.parametrize(
    "env",
    [
        BASE,
        {**BASE, "VPN_ENDPOINT_IP": "2001:db8::1", "FIREWALL_OUTBOUND_SUBNETS": "10.10.5.0/24,fd00:5::/64",
         "FIREWALL_INPUT_PORTS": "8000,8888", "FIREWALL_VPN_INPUT_PORTS": "6881"},
        {"VPN_TYPE": "openvpn", "VPN_ENDPOINT_IP": "203.0.113.9", "VPN_ENDPOINT_PORT": "443",
         "OPENVPN_PROTOCOL": "tcp"},
        "rendered",
    ],
    ids=["minimal", "everything-ipv6", "openvpn-tcp", "as-the-collection-renders-it"],
)  # fmt: skip
def test_nft_accepts_the_ruleset(root_tools, env):
    env = rendered_gluetun()[1] if env == "rendered" else env
    own = [*ETH0, gluetun.OwnNetwork("eth1", ipaddress.ip_network("fd00:1::/64"))]
    checked = subprocess.run(
        ["nft", "-c", "-f", "-"],
        input=gluetun.ruleset(gluetun.firewall_settings(env), own),
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr


# --- in network namespaces -----------------------------------------------------------------------

PEER_PORTS = (7001, 7002)
GLUETUN_PORT = 8000
#: Addresses: the veth's network (the stand-in's own), and two more behind the peer.
A_ADDRESS, PEER_ADDRESS = "10.231.0.2", "10.231.0.1"
OUTBOUND, OUTBOUND_SUBNET = "10.232.0.1", "10.232.0.0/24"
ELSEWHERE = "10.233.0.1"
#: The VPN server sits elsewhere, on the peer's second port, over UDP.
ENDPOINT_PORT = PEER_PORTS[1]

PEER = f"""
import selectors, socket, time
deadline = time.monotonic() + {LISTEN_S}
selector = selectors.DefaultSelector()
for port in {PEER_PORTS!r}:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("0.0.0.0", port))
    listener.listen()
    selector.register(listener, selectors.EVENT_READ, "tcp")
    # One UDP socket per address, so each answer comes from the address that was asked.
    for address in {(PEER_ADDRESS, OUTBOUND, ELSEWHERE)!r}:
        echo = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        echo.bind((address, port))
        selector.register(echo, selectors.EVENT_READ, "udp")
print("listening", flush=True)
while time.monotonic() < deadline:
    for key, _ in selector.select(timeout=1):
        if key.data == "tcp":
            connection, _ = key.fileobj.accept()
            connection.sendall(b"peer\\n")
            connection.close()
        else:
            data, source = key.fileobj.recvfrom(512)
            key.fileobj.sendto(data, source)
"""
CLIENT = f"""
import json, socket, sys, time
protocol, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
started = time.monotonic()
try:
    if protocol == "tcp":
        with socket.create_connection((host, port), timeout={CONNECT_TIMEOUT_S}) as connection:
            connection.settimeout({CONNECT_TIMEOUT_S})
            answer = connection.recv(64).decode()
    else:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as connection:
            connection.settimeout({CONNECT_TIMEOUT_S})
            connection.connect((host, port))
            connection.send(b"knock")
            answer = connection.recv(64).decode()
    result = {{"ok": True, "answer": answer}}
except OSError as error:
    result = {{"ok": False, "errno": error.errno, "error": f"{{type(error).__name__}}: {{error}}"}}
result["seconds"] = round(time.monotonic() - started, 3)
print(json.dumps(result))
"""


def run(*command: str, check: bool = True, timeout: int = 30) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(command)}: {result.stderr.strip()}")
    return result


@dataclass
class Namespaces:
    gluetun: str
    peer: str
    env: dict

    def inside(self, namespace: str, *command: str, timeout: int = 30) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["ip", "netns", "exec", namespace, *command],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def connect(self, protocol: str, host: str, port: int, source: str | None = None) -> dict:
        result = self.inside(source or self.gluetun, sys.executable, "-c", CLIENT, protocol, host, str(port))
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def probe(self, program: Path = PROGRAM) -> subprocess.CompletedProcess:
        return self.inside(self.gluetun, sys.executable, str(program), "--probe")


def stop(process: subprocess.Popen) -> str:
    """Stop a process (SIGTERM, then SIGKILL) and return what it wrote."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_WAIT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_WAIT_S)
    return process.stdout.read() if process.stdout else ""


@contextmanager
def namespaces(env_changes: dict) -> Iterator[tuple[Namespaces, subprocess.Popen]]:
    """Two namespaces joined by a veth, the peer listening, the stand-in started in the first."""
    tag = f"gts{os.getpid() % 10_000_000}"
    names = Namespaces(f"{tag}-gluetun", f"{tag}-peer", {})
    names.env = {
        "PATH": os.environ["PATH"],
        "STANDIN_PROGRAM": PROGRAM.name,
        "STANDIN_SERVICE": "gluetun",
        "STANDIN_UPSTREAM": "docker.io/qmcgaw/gluetun:v3.41.1",
        "STANDIN_PORTS": str(GLUETUN_PORT),
        "STANDIN_PATHS": "",
        "WIREGUARD_PRIVATE_KEY": SECRET,
        **env_changes,
    }
    processes: list[subprocess.Popen] = []
    try:
        run("ip", "netns", "add", names.gluetun)
        run("ip", "netns", "add", names.peer)
        run("ip", "link", "add", f"{tag}a", "netns", names.gluetun, "type", "veth", "peer", "name", f"{tag}b",
            "netns", names.peer)  # fmt: skip
        for namespace, link, address in ((names.gluetun, f"{tag}a", A_ADDRESS), (names.peer, f"{tag}b", PEER_ADDRESS)):
            run("ip", "-n", namespace, "link", "set", "lo", "up")
            run("ip", "-n", namespace, "address", "add", f"{address}/24", "dev", link)
            run("ip", "-n", namespace, "link", "set", link, "up")
        for address in (OUTBOUND, ELSEWHERE):
            run("ip", "-n", names.peer, "address", "add", f"{address}/32", "dev", "lo")
        run("ip", "-n", names.gluetun, "route", "add", "default", "via", PEER_ADDRESS)
        peer = subprocess.Popen(
            ["ip", "netns", "exec", names.peer, sys.executable, "-c", PEER],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(peer)
        assert peer.stdout is not None
        assert peer.stdout.readline().strip() == "listening", stop(peer)
        standin = subprocess.Popen(
            ["ip", "netns", "exec", names.gluetun, sys.executable, str(PROGRAM)],
            env=names.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        processes.append(standin)
        deadline = time.monotonic() + START_WAIT_S
        while names.probe().returncode != 0:
            assert standin.poll() is None, f"the stand-in stopped:\n{stop(standin)}"
            assert time.monotonic() < deadline, f"the stand-in never got healthy:\n{stop(standin)}"
            time.sleep(0.2)
        yield names, standin
    finally:
        for process in processes:
            stop(process)
        for namespace in (names.gluetun, names.peer):
            run("ip", "netns", "delete", namespace, check=False)


NAMESPACE_ENV = {"VPN_TYPE": "wireguard", "VPN_SERVICE_PROVIDER": "custom", "VPN_ENDPOINT_IP": ELSEWHERE,
                 "VPN_ENDPOINT_PORT": str(ENDPOINT_PORT), "FIREWALL_OUTBOUND_SUBNETS": OUTBOUND_SUBNET}  # fmt: skip


def assert_refused(result: dict, what: str) -> None:
    assert not result["ok"], f"{what} was let through: {result}"
    assert result["errno"] in (errno.EHOSTUNREACH, errno.EACCES, errno.EPERM, errno.ECONNREFUSED), result
    assert result["seconds"] < FAST_S, f"{what} was not refused at once (a drop, not a reject?): {result}"


def test_the_firewall_refuses_what_gluetun_refuses_beside_what_it_allows(root_tools):
    with namespaces(NAMESPACE_ENV) as (names, standin):
        allowed = {
            "tcp to FIREWALL_OUTBOUND_SUBNETS": names.connect("tcp", OUTBOUND, PEER_PORTS[0]),
            "tcp to its own network": names.connect("tcp", PEER_ADDRESS, PEER_PORTS[1]),
            "udp to the VPN server": names.connect("udp", ELSEWHERE, ENDPOINT_PORT),
        }
        refused = {
            "tcp elsewhere": names.connect("tcp", ELSEWHERE, PEER_PORTS[0]),
            "tcp to the VPN server's port": names.connect("tcp", ELSEWHERE, ENDPOINT_PORT),
            "udp to another port of the VPN server": names.connect("udp", ELSEWHERE, PEER_PORTS[0]),
        }
        counted = gluetun_counters(names)
        logs = stop(standin)
    assert {what: result.get("answer") for what, result in allowed.items()} == {
        "tcp to FIREWALL_OUTBOUND_SUBNETS": "peer\n",
        "tcp to its own network": "peer\n",
        "udp to the VPN server": "knock",
    }, allowed
    for what, result in refused.items():
        assert_refused(result, what)
    assert counted["output_rejected"] >= len(refused)
    assert "firewall: table inet gluetun_standin loaded: out to the VPN server 10.233.0.1 udp/7002" in logs
    assert SECRET not in logs


def gluetun_counters(names: Namespaces) -> dict[str, int]:
    listed = names.inside(names.gluetun, "nft", "-j", "list", "counters", "table", "inet", "gluetun_standin")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)["nftables"]
    return {item["counter"]["name"]: item["counter"]["packets"] for item in items if "counter" in item}


def test_its_own_network_reaches_the_control_server_and_the_probe_fails_without_the_table(root_tools):
    with namespaces(NAMESPACE_ENV) as (names, _standin):
        http = names.inside(names.peer, "curl", "-fsS", "--max-time", "5", f"http://{A_ADDRESS}:{GLUETUN_PORT}/")
        assert http.returncode == 0, http.stderr
        assert json.loads(http.stdout)["service"] == "gluetun"
        # The image's health check, /gluetun-entrypoint healthcheck, is a shim running standin.py --probe.
        shim = STANDINS / "standin.py"
        assert (names.probe().returncode, names.probe(shim).returncode) == (0, 0)
        deleted = names.inside(names.gluetun, "nft", "delete", "table", "inet", "gluetun_standin")
        assert deleted.returncode == 0, deleted.stderr
        for probed in (names.probe(), names.probe(shim)):
            assert probed.returncode == 1
            assert "table inet gluetun_standin is not loaded" in probed.stderr
        # The control: with the table gone, what was refused goes through.
        assert names.connect("tcp", ELSEWHERE, PEER_PORTS[0])["ok"]
