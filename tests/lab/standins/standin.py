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

`standin.py --probe` is the health check of images whose upstream check is a program of its own
(/healthchecker, /gluetun-entrypoint healthcheck, ...): it asks the first health path (or `/`)
on the first port over loopback and exits 0 on a 200. In an image whose program is another one
(STANDIN_PROGRAM, next to this file: api.py, gluetun.py), it runs that program's `--probe`
instead, so a stand-in of its own decides its health (gluetun.py also checks its firewall).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PROBE_TIMEOUT_S = 5


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
