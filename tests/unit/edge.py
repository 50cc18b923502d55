"""The rendered entry run for real: Traefik's own binary with the files the collection writes.

The plan is built from the shipped catalog with every segment on a loopback range (127.N.x.0/24, N picked per process),
so each planned address is a loopback address this machine can bind. Traefik listens where the
entry listens (its dmz address) and every address its configuration names is served by a small
program of this module:

* Authelia's address: the lab's Authelia stand-in (``tests/lab/standins/authelia.py``), which
  evaluates the rendered ``access_control`` as Authelia documents it, in this process;
* CrowdSec's local API, which the bouncer plugin asks about each client: a recorder that answers
  "no decision" (``null``) unless the address asked about is in its ``banned`` set. The plugin is
  the lab's stand-in (``tests/lab/standins/crowdsec-bouncer-plugin``, the real plugin's module
  name), handed over as ``mediastack_crowdsec_bouncer_plugin_source`` hands a source over and
  loaded by Traefik from its local plugins folder (Traefik runs in this module's folder);
* every backend: a recorder that answers 200 and keeps the headers each request carried.

Only what cannot run on loopback as written is changed in Traefik's files, and each change is
listed in ``loopback_static``: the entry points' bind addresses, the paths of files, and the ACME
CA (none is reachable; the routes carry a certificate of this module's own instead); and the
bouncer's key file, which ``Edge.start`` writes here (``BOUNCER_KEY``) and names in its place.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import http.client
import json
import os
import socket
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._catalog import load_catalog
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.authelia import authelia_configuration
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.traefik import (
    BOUNCER_PLUGIN,
    PLUGINS_LOCAL,
    bouncer_plugin_files,
    traefik_dynamic,
    traefik_static,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._sources import source_files

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "lab"))
sys.path.insert(0, str(ROOT / "tests" / "lab" / "standins"))
import authelia as authelia_standin  # noqa: E402
import lab  # noqa: E402

DOMAIN = "edge.mediastack.test"
SEGMENT_INDEX = {"proxy": 0, "media": 1, "admin": 2, "data": 3, "dmz": 4}


#: This process's second loopback octet, so that two checkouts' suites run on one machine side by
#: side (each binds the planned addresses and ports); the octet after it is free for a second edge.
SECOND_OCTET = 64 + os.getpid() % 128


def loopback_segments(second_octet: int = SECOND_OCTET) -> dict[str, str]:
    """Every segment on its own loopback range (127.<second_octet>.<n>.0/24): each planned address
    can be bound here, and two edges with different octets run side by side."""
    return {name: f"127.{second_octet}.{index}.0/24" for name, index in SEGMENT_INDEX.items()}


SEGMENTS = loopback_segments()
#: A LAN client, on no segment.
LAN_CLIENT = "127.0.0.1"
#: A container of the proxy segment (Homepage is one) or a machine on that VLAN.
PROXY_SEGMENT_CLIENT = f"127.{SECOND_OCTET}.0.250"
#: A machine of the admin segment.
ADMIN_SEGMENT_CLIENT = f"127.{SECOND_OCTET}.2.250"
USER, PASSWORD = "alice", "alice-password"
#: The key CrowdSec would have registered for the bouncer (the store's crowdsec.bouncer_key).
BOUNCER_KEY = "edge-bouncer-key"
BOUNCER_PLUGIN_SOURCE = ROOT / "tests" / "lab" / "standins" / "crowdsec-bouncer-plugin"
START_TIMEOUT = 30.0


def plan_and_catalog(
    settings: Mapping | None = None, sources: Mapping | None = None, **inventory_changes
) -> tuple[dict, dict]:
    """The single-host plan of the shipped catalog, every layer on one host, loopback segments,
    with the rendering ``settings`` and ``sources`` the plays hand the planner."""
    catalog = load_catalog(ROOT / "catalog/services")
    inventory = {
        "hosts": {
            "media1": [
                "mediastack",
                "mediastack_edge",
                "mediastack_media",
                "mediastack_content",
                "mediastack_data",
                "mediastack_observability",
            ]
        },
        "domain": DOMAIN,
        "segments": loopback_segments(),
        "features": {"plex": False, "vpn": True},
        "services": {},
        "auth_groups": ["admins", "users"],
        "cookie_domain": "",
        "settings": dict(settings or {}),
        "sources": dict(sources or {}),
    }
    inventory.update(inventory_changes)
    return build_plan(catalog, inventory), catalog


@dataclass
class Recorder:
    """An HTTP server answering 200 to everything and keeping each request's headers."""

    name: str
    address: tuple[str, int]
    seen: list[dict] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    def answer(self, _path: str) -> tuple[int, bytes]:
        return 200, json.dumps({"backend": self.name}).encode()

    def start(self) -> None:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                recorder.seen.append({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
                status, body = recorder.answer(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = _answer

            def log_message(self, *_args) -> None:
                return

        self.server = ThreadingHTTPServer(self.address, Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


@dataclass
class LocalApi(Recorder):
    """CrowdSec's local API as the bouncer asks it: ``GET /v1/decisions?ip=<client>`` with the
    bouncer's key; ``null`` (no decision) or a ban for an address in ``banned``. With ``refuse``,
    it answers every request 403, as CrowdSec does to a key it does not know."""

    banned: set[str] = field(default_factory=set)
    refuse: bool = False

    def answer(self, path: str) -> tuple[int, bytes]:
        if self.refuse:
            return 403, b'{"message":"access forbidden"}'
        asked = parse_qs(urlsplit(path).query).get("ip", [""])[0]
        if urlsplit(path).path == "/v1/decisions" and asked in self.banned:
            decision = {"id": 1, "origin": "cscli", "type": "ban", "scope": "Ip", "value": asked, "duration": "1h"}
            return 200, json.dumps([decision]).encode()
        return 200, b"null"

    def asked(self) -> list[str]:
        """The client addresses the bouncer asked about, in order."""
        return [parse_qs(urlsplit(item["path"]).query).get("ip", [""])[0] for item in self.seen]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


def _certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for ``*.DOMAIN`` and ``DOMAIN`` (the routes' names)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"*.{DOMAIN}")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(f"*.{DOMAIN}"), x509.DNSName(DOMAIN)]), False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "edge.crt", folder / "edge.key"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


def loopback_static(static: Mapping, entry_address: str, folder: Path) -> dict:
    """The rendered static configuration with only what loopback needs changed (see module doc)."""
    document = copy.deepcopy(dict(static))
    for entry_point in document["entryPoints"].values():
        entry_point["address"] = f"{entry_address}{entry_point['address']}"
    document["providers"]["file"]["directory"] = str(folder / "dynamic")
    document["accessLog"]["filePath"] = str(folder / "access.log")
    for resolver in document["certificatesResolvers"].values():
        resolver["acme"]["storage"] = str(folder / "acme.json")
        resolver["acme"]["caServer"] = "https://127.0.0.1:9/dir"  # nothing answers: no certificate is asked for
    return document


class Edge:
    """Traefik with the rendered files, and everything they name, on loopback."""

    def __init__(self, folder: Path, settings: Mapping | None = None, **inventory_changes):
        self.folder = folder
        plugin = source_files(BOUNCER_PLUGIN_SOURCE, "the stand-in", [], 1 << 20)
        self.plan, self.catalog = plan_and_catalog(settings, {"crowdsec_bouncer_plugin": plugin}, **inventory_changes)
        services = self.plan["services"]
        self.entry = services["traefik"]["addresses"]["dmz"]
        self.static = traefik_static(self.plan)
        self.dynamic = traefik_dynamic(self.plan)
        self.recorders: dict[str, Recorder] = {}
        self.process: subprocess.Popen | None = None
        self.portal = None
        self.log = folder / "traefik.log"

    def backend(self, route_service: str) -> Recorder:
        """The recorder behind a route's service."""
        url = self.dynamic["routes"]["http"]["services"][route_service]["loadBalancer"]["servers"][0]["url"]
        parts = urlsplit(url)
        key = f"{parts.hostname}:{parts.port}"
        assert key in self.recorders, f"nothing serves {route_service}'s backend {key} (port taken on this machine)"
        return self.recorders[key]

    @property
    def bouncer_options(self) -> dict:
        return self.dynamic["middlewares"]["http"]["middlewares"]["crowdsec"]["plugin"][BOUNCER_PLUGIN]

    @property
    def local_api(self) -> LocalApi:
        """CrowdSec's local API, as the bouncer plugin's options name it."""
        return self.recorders[self.bouncer_options["crowdsecLapiHost"]]

    def _serve_portal(self) -> None:
        parts = urlsplit(self.dynamic["middlewares"]["http"]["middlewares"]["authelia"]["forwardAuth"]["address"])
        document = yaml.safe_load(yaml.safe_dump(authelia_configuration(self.plan)))
        users = {"users": {USER: {"displayname": "Alice", "password": f"$plaintext${PASSWORD}", "groups": ["admins"]}}}
        app = authelia_standin.App(
            authelia_standin.parse_configuration(document),
            authelia_standin.parse_users(users),
            allow_plain=True,
            log=lambda _line: None,
        )
        self.portal = authelia_standin.make_server(app, parts.hostname, parts.port)
        threading.Thread(target=self.portal.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def _serve_backends(self) -> None:
        host, _colon, port = self.bouncer_options["crowdsecLapiHost"].rpartition(":")
        local_api = LocalApi(f"{host}:{port}", (host, int(port)))
        local_api.start()
        self.recorders[local_api.name] = local_api
        urls = []
        for service in self.dynamic["routes"]["http"]["services"].values():
            urls += [server["url"] for server in service["loadBalancer"]["servers"]]
        portal = "{}:{}".format(*self.portal.server_address[:2])
        for url in urls:
            parts = urlsplit(url)
            key = f"{parts.hostname}:{parts.port}"
            if key not in self.recorders and key != portal:
                recorder = Recorder(key, (parts.hostname, parts.port))
                # A port another program holds on every address (a registry on :5000, say) leaves
                # that one backend unserved; backend() then names it.
                with contextlib.suppress(OSError):
                    recorder.start()
                    self.recorders[key] = recorder

    def start(self) -> None:
        binary = lab.traefik_binary(self.catalog["traefik"]["version"])
        dynamic = self.folder / "dynamic"
        dynamic.mkdir(parents=True)
        cert, key = _certificate(self.folder)
        # The bouncer's key, where the plugin's options name it (in the container, Traefik's secrets).
        (self.folder / "bouncer_key").write_text(f"{BOUNCER_KEY}\n")
        self.bouncer_options["crowdsecLapiKeyFile"] = str(self.folder / "bouncer_key")
        # The plugin's source, in the local plugins folder of Traefik's working directory.
        local = f"config/traefik-{PLUGINS_LOCAL.strip('/')}/"
        for path, text in bouncer_plugin_files(self.plan).items():
            target = self.folder / PLUGINS_LOCAL.strip("/") / path.removeprefix(local)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        for name, document in self.dynamic.items():
            (dynamic / f"{name}.yaml").write_text(yaml.safe_dump(document))
        # The certificate the routes are served with, in place of one from ACME.
        certificates = {"tls": {"certificates": [{"certFile": str(cert), "keyFile": str(key)}]}}
        (dynamic / "loopback-certificate.yaml").write_text(yaml.safe_dump(certificates))
        static = self.folder / "traefik.yaml"
        static.write_text(yaml.safe_dump(loopback_static(self.static, self.entry, self.folder)))
        self._serve_portal()
        self._serve_backends()
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [str(binary), f"--configfile={static}"], stdout=log, stderr=subprocess.STDOUT, cwd=self.folder
            )
        self._wait_until_routed()

    def _wait_until_routed(self) -> None:
        """Until the portal's route answers through Traefik (its files are loaded), at most START_TIMEOUT."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"traefik exited: {self.log.read_text()[-3000:]}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.get(f"auth.{DOMAIN}", "/api/health").status == 200:
                    return
            time.sleep(0.2)
        raise AssertionError(f"traefik did not route within {START_TIMEOUT} s: {self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.portal is not None:
            self.portal.shutdown()
            self.portal.server_close()
        for recorder in self.recorders.values():
            recorder.stop()

    def get(self, fqdn: str, path: str, headers: Mapping[str, str] | None = None, source: str = LAN_CLIENT) -> Reply:
        """A browser's GET of ``https://fqdn/path`` from ``source``; redirects are not followed."""
        context = ssl.create_default_context(cafile=str(self.folder / "edge.crt"))
        connection = http.client.HTTPSConnection(
            self.entry, 443, timeout=10, context=context, source_address=(source, 0)
        )
        # SNI and certificate checks are for the route's name, while the connection goes to the entry.
        connection.sock = context.wrap_socket(
            socket.create_connection((self.entry, 443), timeout=10, source_address=(source, 0)),
            server_hostname=fqdn,
        )
        try:
            request_headers = {"Host": fqdn, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
            request_headers.update(headers or {})
            connection.request("GET", path, headers=request_headers)
            response = connection.getresponse()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
        finally:
            connection.close()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@contextlib.contextmanager
def running_edge(folder: Path, settings: Mapping | None = None, **inventory_changes) -> Iterator[Edge]:
    edge = Edge(folder, settings, **inventory_changes)
    try:
        edge.start()
        yield edge
    finally:
        edge.stop()
