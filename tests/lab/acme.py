"""A private ACME CA for the lab: pebble (Let's Encrypt's test CA) and its DNS test server.

pebble listens on this machine's LAN address (the controller, 192.168.60.1), resolves every name
through pebble-challtestsrv to the entry's address (--proxy: the edge host's LAN address in bridge
mode, the router's in macvlan mode), and validates HTTP-01 challenges on port 80 there, as the
internet's CA reaches a user's entry. Its own API certificate comes from a throwaway CA made here, which Traefik
trusts through the CA bundle the inventory hands it (mediastack_acme.ca_bundle).

Usage: python3 tests/lab/acme.py start|stop|status|root [--proxy ADDRESS]
Standard library only; traffic stays on the lab's own networks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STATE = ROOT / ".lab" / "acme"
GATEWAY = "192.168.60.1"  # the lab LAN's gateway: this machine
DEFAULT_PROXY = "192.168.60.11"  # lab1's LAN address, where bridge mode publishes the entry
API_PORT = 14000
MANAGEMENT_PORT = 15000
DNS_PORT = 8053
WAIT_S = 30


class AcmeError(Exception):
    """An expected failure: one line, exit status 1."""


def run(*args: str) -> None:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise AcmeError(f"{' '.join(args[:2])} failed: {result.stderr.strip()[:300]}")


def ensure_packages() -> None:
    if shutil.which("pebble") and shutil.which("pebble-challtestsrv") and shutil.which("openssl"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for args in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "pebble", "openssl"]):
        if subprocess.run(args, env=env, capture_output=True, check=False).returncode != 0:
            raise AcmeError("installing pebble failed. Run `apt-get install pebble openssl` as root.")


def ensure_certificates() -> None:
    """A throwaway CA and a certificate for pebble's own API on the gateway address."""
    names = f"subjectAltName=IP:{GATEWAY},IP:127.0.0.1,DNS:localhost\n"
    extensions = STATE / "api.ext"
    current = extensions.is_file() and extensions.read_text(encoding="utf-8") == names
    if current and (STATE / "ca.pem").is_file() and (STATE / "api-cert.pem").is_file():
        return
    STATE.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (
        STATE / name for name in ("ca-key.pem", "ca.pem", "api-key.pem", "api.csr", "api-cert.pem")
    )
    run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3650",
        "-subj", "/CN=mediastack lab ACME API CA", "-keyout", str(ca_key), "-out", str(ca))  # fmt: skip
    run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=pebble", "-keyout", str(key), "-out", str(csr))
    extensions.write_text(names, encoding="utf-8")
    run("openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
        "-days", "3650", "-extfile", str(extensions), "-out", str(cert))  # fmt: skip


def answering(port: int) -> bool:
    try:
        with socket.create_connection((GATEWAY, port), timeout=1):
            return True
    except OSError:
        return False


def require_gateway() -> None:
    addresses = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True, check=False).stdout
    if f" {GATEWAY}/" not in addresses:
        raise AcmeError(f"{GATEWAY} is not on this machine: start the lab first (`tests/lab/lab.py up`).")


def start(proxy: str) -> None:
    require_gateway()
    ensure_packages()
    ensure_certificates()
    config = {
        "pebble": {
            "listenAddress": f"{GATEWAY}:{API_PORT}",
            "managementListenAddress": f"{GATEWAY}:{MANAGEMENT_PORT}",
            "certificate": str(STATE / "api-cert.pem"),
            "privateKey": str(STATE / "api-key.pem"),
            "httpPort": 80,
            "tlsPort": 443,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": False,
        }
    }
    (STATE / "pebble.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    ensure(
        "challtestsrv",
        DNS_PORT + 2,
        ["pebble-challtestsrv", "-defaultIPv4", proxy, "-defaultIPv6", "", "-dns01", f"{GATEWAY}:{DNS_PORT}",
         "-http01", "", "-https01", "", "-tlsalpn01", "", "-management", f"{GATEWAY}:{DNS_PORT + 2}"],
        {},
    )  # fmt: skip
    ensure(
        "pebble",
        API_PORT,
        ["pebble", "-config", str(STATE / "pebble.json"), "-dnsserver", f"{GATEWAY}:{DNS_PORT}"],
        {"PEBBLE_VA_NOSLEEP": "1"},
    )
    deadline = time.monotonic() + WAIT_S
    while not (answering(API_PORT) and answering(DNS_PORT + 2)):
        if time.monotonic() > deadline:
            raise AcmeError(f"pebble did not answer on {GATEWAY}:{API_PORT} in {WAIT_S} s. See {STATE}/*.log.")
        time.sleep(0.5)
    print(f"acme: pebble at https://{GATEWAY}:{API_PORT}/dir, names resolve to {proxy}, CA bundle {STATE / 'ca.pem'}")


def own_process(name: str) -> int | None:
    """The pid of the `name` this script started and that still runs with the same command, else None."""
    try:
        pid = int((STATE / f"{name}.pid").read_text(encoding="utf-8"))
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
        recorded = (STATE / f"{name}.cmd").read_bytes()
    except (OSError, ValueError):
        return None
    return pid if command == recorded else None


def ensure(name: str, port: int, args: list[str], env: dict[str, str]) -> None:
    """Start `name` unless the one this script started already runs with these arguments.

    Whatever else answers on the port (a server left by another checkout, or ours started with other
    arguments, say another --proxy) is not reused: its CA or its answers would not be this run's.
    """
    pid = own_process(name)
    if pid is not None and Path(f"/proc/{pid}/cmdline").read_bytes() == command_line(args):
        return
    if pid is not None:
        terminate(name)
    if answering(port):
        raise AcmeError(
            f"{GATEWAY}:{port} already answers, but not a {name} this script started (no live {STATE / name}.pid):"
            f" stop whatever listens there (`ss -ltnp 'sport = :{port}'` names it), then start again."
        )
    spawn(name, args, env)


def command_line(args: list[str]) -> bytes:
    """The command as /proc/PID/cmdline holds it."""
    return b"".join(arg.encode() + b"\0" for arg in [shutil.which(args[0]) or args[0], *args[1:]])


def spawn(name: str, args: list[str], env: dict[str, str]) -> None:
    log = (STATE / f"{name}.log").open("ab")
    process = subprocess.Popen(
        [shutil.which(args[0]) or args[0], *args[1:]],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=dict(os.environ, **env),
        start_new_session=True,
    )
    # /proc/PID/cmdline reads empty for a moment after exec: record the process once it shows the command.
    deadline = time.monotonic() + WAIT_S
    while Path(f"/proc/{process.pid}/cmdline").read_bytes() != command_line(args):
        if process.poll() is not None or time.monotonic() > deadline:
            raise AcmeError(f"{name} did not start. See {STATE / name}.log.")
        time.sleep(0.01)
    (STATE / f"{name}.cmd").write_bytes(command_line(args))
    (STATE / f"{name}.pid").write_text(str(process.pid), encoding="utf-8")


def terminate(name: str) -> None:
    """Stop the `name` this script started and wait (bounded) until it has gone, freeing its ports."""
    pid = own_process(name)
    if pid is not None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + WAIT_S
        while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.1)
        if Path(f"/proc/{pid}").exists():
            raise AcmeError(f"{name} (pid {pid}) did not stop in {WAIT_S} s.")
    for suffix in ("pid", "cmd"):
        (STATE / f"{name}.{suffix}").unlink(missing_ok=True)


def stop() -> None:
    for name in ("pebble", "challtestsrv"):
        terminate(name)
    print("acme: stopped")


def root() -> Path:
    """Fetch the root that signs the certificates pebble issues (a new one at every start)."""
    context = ssl.create_default_context(cafile=str(STATE / "ca.pem"))
    url = f"https://{GATEWAY}:{MANAGEMENT_PORT}/roots/0"
    try:
        with urllib.request.urlopen(url, context=context, timeout=10) as answer:
            pem = answer.read()
    except OSError as error:
        raise AcmeError(f"reading pebble's root from {url} failed: {error}") from None
    target = STATE / "pebble-root.pem"
    target.write_bytes(pem)
    print(f"acme: pebble's root in {target}")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("command", choices=["start", "stop", "status", "root"])
    parser.add_argument("--proxy", default=DEFAULT_PROXY, help="the address every name resolves to")
    args = parser.parse_args()
    try:
        if args.command == "start":
            start(args.proxy)
        elif args.command == "stop":
            stop()
        elif args.command == "root":
            root()
        else:
            api, dns = answering(API_PORT), answering(DNS_PORT + 2)
            print(f"acme: api {'up' if api else 'down'}, dns {'up' if dns else 'down'}")
    except AcmeError as error:
        print(f"acme.py {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
