"""A lab stand-in for a service whose upstream image cannot be had here.

It listens where the real service listens and answers its health endpoints, its metrics endpoint
and `GET /` with 200 and a small JSON body that names the service and says it is a stand-in;
every other path is a 404. Every request is logged on stdout. It writes nothing, so it runs on a
read-only root, as any user, with every capability dropped.

Configured by environment variables that `lab.py stack-images` sets when it builds the image, from
the service catalog:

    STANDIN_SERVICE   the catalog name, e.g. sonarr
    STANDIN_UPSTREAM  the upstream image it stands in for, e.g. lscr.io/linuxserver/sonarr:4.0.19...
    STANDIN_PORTS     the ports to listen on, comma-separated (the catalog's port, ports, metrics)
    STANDIN_PATHS     the health paths answered 200, comma-separated (from the catalog's check)
    STANDIN_METRICS   the metrics path, answered in Prometheus text format ('' for none)

Started as root with PUID and PGID set (the LinuxServer.io convention: runs_as puid), it first
becomes that user, as those images do. Arguments (a compose `command`) are logged and ignored.

It opens, at start and on every health request, each connection its environment names (the
variables the plan fills with another service's address: a database's or Redis's host and port,
an upstream URL; see `named_connections`), and its health paths answer 503, naming what it could
not reach, while any of them fails: a wrong address anywhere leaves the stand-in unhealthy, as it
would leave the real service failing.

`standin.py --probe` is the health check of images whose upstream check is a program of its own
(/healthchecker, /gluetun-entrypoint healthcheck, ...): it asks the first health path (or `/`)
on the first port over loopback and exits 0 on a 200. In an image whose program is another one
(STANDIN_PROGRAM, next to this file: api.py, gluetun.py), it runs that program's `--probe`
instead, so a stand-in of its own decides its health (gluetun.py also checks its firewall).
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROBE_TIMEOUT_S = 5
#: How long one connection attempt of the health check may take.
CONNECT_TIMEOUT_S = 1.0
#: Variable name endings that name another service's address.
ADDRESS_SUFFIXES = ("_HOST", "_HOSTNAME", "_IP", "_ADDRESS", "_ADDR", "_SERVER", "_URL", "_URI")
#: Variables that name addresses but no connection the service opens: the names clients may use
#: for it (HOMEPAGE_ALLOWED_HOSTS), and the VPN's endpoint, which WireGuard reaches over UDP.
NOT_CONNECTIONS = re.compile(r"ALLOWED|^VPN_|^STANDIN_|SUBNETS")
#: The port a bare host is reached on, by the first word of its variable, when no <PREFIX>_PORT says.
DEFAULT_PORTS = {"DB": 5432, "POSTGRES": 5432, "PG": 5432, "REDIS": 6379, "MYSQL": 3306}
SCHEME_PORTS = {"http": 80, "https": 443, "postgres": 5432, "postgresql": 5432, "redis": 6379, "rediss": 6379}
HOST_PATTERN = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$")


def setting(name: str) -> str:
    """An environment setting ('' when unset)."""
    return os.environ.get(name, "").strip()


def listed(name: str) -> list[str]:
    """A comma-separated setting as a list."""
    return [item.strip() for item in setting(name).split(",") if item.strip()]


SERVICE = setting("STANDIN_SERVICE") or "unknown"
UPSTREAM = setting("STANDIN_UPSTREAM")
PORTS = [int(port) for port in listed("STANDIN_PORTS")]
HEALTH_PATHS = listed("STANDIN_PATHS")
METRICS_PATH = setting("STANDIN_METRICS")


def log(message: str) -> None:
    """One line on stdout, flushed, prefixed with the service."""
    print(f"standin[{SERVICE}] {message}", flush=True)


def _host(text: str) -> str | None:
    """`text` as a host name or address (brackets of an IPv6 address removed), or None."""
    text = text.strip().removeprefix("[").removesuffix("]")
    with contextlib.suppress(ValueError):
        return str(ipaddress.ip_address(text))
    return text if HOST_PATTERN.match(text) and not text.replace(".", "").isdigit() else None


def _host_port(text: str) -> tuple[str, int] | None:
    """`HOST:PORT` (or `[V6]:PORT`) as a pair, or None."""
    host, colon, port = text.strip().rpartition(":")
    if not colon or not port.isdigit() or not 0 < int(port) < 65536:
        return None
    found = _host(host)
    return (found, int(port)) if found else None


def _url(text: str) -> tuple[str, int] | None:
    """A URL's host and port (the scheme's port when it names none), or None."""
    parts = urllib.parse.urlsplit(text.strip())
    if parts.scheme not in SCHEME_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port or SCHEME_PORTS[parts.scheme]
    except ValueError:
        return None
    found = _host(parts.hostname)
    return (found, port) if found else None


def named_connections(environ: Mapping[str, str]) -> list[tuple[str, str, int]]:
    """The connections an environment names, as (variable, host, port), sorted by variable.

    A variable counts when its name ends like an address (`_HOST`, `_HOSTNAME`, `_IP`, `_URL`,
    ...) and its value is a URL, `HOST:PORT`, or a bare host whose port `<PREFIX>_PORT` gives (or
    the default port of its first word: `DB_`, `POSTGRES_` 5432, `REDIS_` 6379). Values that are
    lists, paths or anything else name no connection; so do the names in NOT_CONNECTIONS.
    """
    found = []
    for name, value in sorted(environ.items()):
        if not name.endswith(ADDRESS_SUFFIXES) or NOT_CONNECTIONS.search(name) or not value.strip():
            continue
        pair = _url(value) if "://" in value else _host_port(value)
        if pair is None and "://" not in value and _host(value):
            prefix = name.rsplit("_", 1)[0]
            port = environ.get(f"{prefix}_PORT", "").strip()
            if port.isdigit() and 0 < int(port) < 65536:
                pair = (_host(value), int(port))
            elif prefix.split("_", 1)[0] in DEFAULT_PORTS:
                pair = (_host(value), DEFAULT_PORTS[prefix.split("_", 1)[0]])
        if pair:
            found.append((name, *pair))
    return found


def unreachable(connections: Iterable[tuple[str, str, int]], timeout: float = CONNECT_TIMEOUT_S) -> list[str]:
    """Open each connection over TCP (at most `timeout` seconds each), closing it at once; one line
    per connection that could not be opened, naming its variable."""
    problems = []
    for name, host, port in connections:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                pass
        except OSError as error:
            problems.append(f"{name} names {host}:{port}, which cannot be reached: {error}")
    return problems


CONNECTIONS = named_connections(os.environ)


class Handler(BaseHTTPRequestHandler):
    """Answers the health paths, the metrics path and `/`; 404 elsewhere."""

    server_version = "mediastack-lab-standin"
    protocol_version = "HTTP/1.1"

    def answer(self, *, body_wanted: bool) -> None:
        path = self.path.split("?", 1)[0]
        if METRICS_PATH and path == METRICS_PATH:
            status, content_type = 200, "text/plain; version=0.0.4"
            body = (
                "# HELP standin_up 1 while the lab stand-in answers.\n"
                "# TYPE standin_up gauge\n"
                f'standin_up{{service="{SERVICE}"}} 1\n'
            ).encode()
        else:
            status = 200 if path == "/" or path in HEALTH_PATHS else 404
            document = {"service": SERVICE, "standin": True, "upstream": UPSTREAM, "path": path}
            if status == 404:
                document["error"] = "not found: a stand-in answers only its health, metrics and / paths"
            elif path in HEALTH_PATHS:
                problems = unreachable(CONNECTIONS)
                if problems:
                    status, document["unreachable"] = 503, problems
            body, content_type = json.dumps(document).encode() + b"\n", "application/json"
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body_wanted:
            self.wfile.write(body)

    def do_GET(self) -> None:
        self.answer(body_wanted=True)

    def do_HEAD(self) -> None:
        self.answer(body_wanted=False)

    def log_message(self, fmt: str, *args: object) -> None:
        log(f"{self.client_address[0]} port {self.server.server_address[1]}: {fmt % args}")


class DualStackServer(ThreadingHTTPServer):
    """Listens on IPv6 and IPv4 where the container has IPv6, else on IPv4 only."""

    daemon_threads = True
    address_family = socket.AF_INET6

    def server_bind(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


def listen(port: int) -> ThreadingHTTPServer:
    """A server on every address of `port`."""
    try:
        return DualStackServer(("::", port), Handler)
    except OSError:
        server = ThreadingHTTPServer(("0.0.0.0", port), Handler)  # noqa: S104 - a container's own listener
        server.daemon_threads = True
        return server


def become_puid_user() -> None:
    """Started as root with PUID/PGID: become that user, as the LinuxServer.io images do."""
    if os.getuid() != 0 or not setting("PUID"):
        return
    uid, gid = int(setting("PUID")), int(setting("PGID") or setting("PUID"))
    try:
        os.setgroups([gid])
        os.setgid(gid)
        os.setuid(uid)
    except PermissionError:
        log(f"cannot become PUID {uid} / PGID {gid}: the container lacks SETUID/SETGID")
        sys.exit(1)
    log(f"running as PUID {uid} / PGID {gid}")


def log_connections(connections: list[tuple[str, str, int]]) -> list[str]:
    """Try the connections the environment names and log each outcome (at start); the problems."""
    problems = []
    for connection in connections:
        failed = unreachable([connection])
        name, host, port = connection
        log(f"{name} names {host}:{port}: {'unhealthy until it can be reached' if failed else 'reached'}")
        problems += failed
    for problem in problems:
        log(problem)
    if not connections:
        log("its environment names no connection to check")
    return problems


def serve() -> int:
    """Listen on every port until SIGTERM or SIGINT."""
    if not PORTS:
        log("no STANDIN_PORTS: nothing to listen on")
        return 1
    become_puid_user()
    if sys.argv[1:]:
        log(f"ignoring arguments {' '.join(sys.argv[1:])}")
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    servers = [listen(port) for port in PORTS]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    log(
        f"stand-in for {UPSTREAM or SERVICE} as uid {os.getuid()}: ports {', '.join(map(str, PORTS))}, "
        f"health {', '.join(HEALTH_PATHS) or '/'}" + (f", metrics {METRICS_PATH}" if METRICS_PATH else "")
    )
    log_connections(CONNECTIONS)
    stop.wait()
    for server in servers:
        server.shutdown()
    log("stopped")
    return 0


def probe() -> int:
    """Ask the first health path on the first port over loopback: 0 on a 200, else 1."""
    if not PORTS:
        return 1
    url = f"http://127.0.0.1:{PORTS[0]}{HEALTH_PATHS[0] if HEALTH_PATHS else '/'}"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=PROBE_TIMEOUT_S) as response:
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


def own_program() -> Path | None:
    """The image's own stand-in program (STANDIN_PROGRAM next to this file), unless it is this one."""
    here = Path(__file__).resolve()
    program = here.with_name(setting("STANDIN_PROGRAM") or here.name)
    return program if program.name != here.name and program.is_file() else None


if __name__ == "__main__":
    OWN = own_program() if sys.argv[1:] == ["--probe"] else None
    if OWN:
        sys.exit(subprocess.call([sys.executable, str(OWN), "--probe"], timeout=4 * PROBE_TIMEOUT_S))
    sys.exit(probe() if sys.argv[1:] == ["--probe"] else serve())
