"""The lab stand-in of a service the configure playbook wires over its API.

Where standin.py answers only health and metrics paths, this program serves the service's contract
stand-in (tests/contract/: the Servarr apps, Jellyfin, Seerr, SABnzbd): an in-memory application
that answers the API like the real one and checks every request against the upstream OpenAPI
document. It finds the API key where the real application does:

    sonarr, radarr, lidarr, prowlarr  env <APP>__AUTH__APIKEY, else <ApiKey> in config.xml
    readarr                           <ApiKey> in config.xml (the deploy seeds it before the first start)
    seerr                             env API_KEY
    sabnzbd                           api_key under [misc] in sabnzbd.ini (with the rest of the file)
    jellyfin                          none: the startup wizard makes the first user

and, when none is there, makes one up (as the applications do on a first start, without saving it).
The health paths and the metrics path the contract stand-in does not serve itself are answered 200
without validation (Jellyfin's /health, the Servarr apps' /ping). Every request is logged on stdout,
and every violation of the spec as it happens. Like standin.py, it opens the connections its
environment names at start (logged) and on every health request, whose answer is 503 while one
fails. It writes nothing, so it runs on a read-only root
with every capability dropped, as any user.

Configured by environment variables that `lab.py stack-images` bakes into the image (those of
standin.py, plus the contract stand-in from lab.py's API_STANDINS):

    STANDIN_SERVICE        the catalog name, e.g. sonarr
    STANDIN_PORTS          the ports, comma-separated: the API on the first, standin.py's answers on the rest
    STANDIN_PATHS          the health paths, comma-separated
    STANDIN_METRICS        the metrics path ('' for none), answered in Prometheus text format
    STANDIN_CONTRACT       the module of tests/contract/: servarr, jellyfin, seerr or sabnzbd
    STANDIN_CONTRACT_ARGS  its options, shell-quoted: --app APP (servarr), --library NAME (seerr)
    STANDIN_SPEC           the spec file: a name in STANDIN_SPECS_DIR or an absolute path ('' for none)
    STANDIN_SPECS_DIR      default: specs/ next to this program, else the repository's tests/specs
    STANDIN_CONFIG_DIR     where config.xml and sabnzbd.ini are read (default /config)
    STANDIN_BIND           the address to listen on (default 0.0.0.0)

Started as root with PUID and PGID set, it first becomes that user (standin.py's
become_puid_user), then reads the key. `api.py --probe` is standin.py's probe.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import secrets
import shlex
import signal
import sys
import threading
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

import standin
from standin import HEALTH_PATHS, METRICS_PATH, PORTS, SERVICE, log, setting

HERE = Path(__file__).resolve().parent
# In an image the contract package lies next to this program (tests/contract/); in the repository
# this file is tests/lab/standins/api.py.
ROOT = HERE if (HERE / "tests" / "contract" / "openapi.py").is_file() else HERE.parents[2]
CONTRACTS = ("servarr", "jellyfin", "seerr", "sabnzbd")
SERVARR_ENV_KEYS = ("sonarr", "radarr", "lidarr", "prowlarr")
# Health paths a contract stand-in answers itself, as the application does; every other health
# or metrics path is answered 200 unchecked.
OWN_PATHS = {"seerr": {"/api/v1/status"}, "sabnzbd": {"/api", "/sabnzbd/api"}}
DEFAULT_LIBRARIES = ["Movies", "Shows"]


def config_dir() -> Path:
    return Path(setting("STANDIN_CONFIG_DIR") or "/config")


def specs_dir() -> Path:
    if setting("STANDIN_SPECS_DIR"):
        return Path(setting("STANDIN_SPECS_DIR"))
    return HERE / "specs" if (HERE / "specs").is_dir() else ROOT / "tests" / "specs"


def spec_path() -> Path | None:
    """The spec file STANDIN_SPEC names (None when it names none)."""
    name = setting("STANDIN_SPEC")
    if not name:
        return None
    path = Path(name)
    return path if path.is_absolute() else specs_dir() / name


def config_xml_key() -> str:
    """<ApiKey> of the Servarr config.xml ('' when the file or the key is missing)."""
    path = config_dir() / "config.xml"
    try:
        root = ET.parse(path).getroot()  # noqa: S314 - the application's own settings file
    except (OSError, ET.ParseError) as error:
        log(f"no API key from {path}: {error}")
        return ""
    return (root.findtext("ApiKey") or "").strip()


def api_key(service: str) -> tuple[str, str]:
    """The service's API key and where it came from ('' and 'none' when it has none)."""
    if service in SERVARR_ENV_KEYS and setting(f"{service.upper()}__AUTH__APIKEY"):
        return setting(f"{service.upper()}__AUTH__APIKEY"), f"from env {service.upper()}__AUTH__APIKEY"
    if service in (*SERVARR_ENV_KEYS, "readarr"):
        key = config_xml_key()
        if key:
            return key, f"from {config_dir() / 'config.xml'}"
    elif service == "seerr" and setting("API_KEY"):
        return setting("API_KEY"), "from env API_KEY"
    elif service == "jellyfin":
        return "", "none (the startup wizard)"
    return secrets.token_hex(16), "made up at start (none configured)"


def prometheus_text() -> bytes:
    return (
        "# HELP standin_up 1 while the lab stand-in answers.\n"
        "# TYPE standin_up gauge\n"
        f'standin_up{{service="{SERVICE}"}} 1\n'
    ).encode()


def health_problems(path: str) -> list[str]:
    """On a health path, the connections the environment names that cannot be opened now."""
    return standin.unreachable(standin.CONNECTIONS) if path in HEALTH_PATHS else []


def unchecked_status(path: str) -> int:
    """200, or 503 on a health path while a connection the environment names cannot be opened."""
    return 503 if health_problems(path) else 200


def unchecked_answer(path: str) -> tuple[str, bytes]:
    """What an unchecked path answers: Prometheus text on the metrics path, else a tiny JSON body
    (naming what cannot be reached, on a health path that answers 503)."""
    if METRICS_PATH and path == METRICS_PATH:
        return "text/plain; version=0.0.4", prometheus_text()
    problems = health_problems(path)
    if problems:
        return "application/json", json.dumps({"status": "UNHEALTHY", "unreachable": problems}).encode()
    return "application/json", b'{"status": "OK"}'


def lab_class(base: type) -> type:
    """A contract stand-in class that logs each request and each new violation, and answers
    unchecked paths as the lab wants."""

    class Lab(base):
        reported = 0

        def unchecked_status(self, path: str) -> int:
            return unchecked_status(path)

        def unchecked_answer(self, path: str) -> tuple[str, bytes]:
            return unchecked_answer(path)

        def log_message(self, client: str, line: str) -> None:
            log(f"{client}: {line}")
            violations = self.violations
            for violation in violations[self.reported :]:
                log(f"violation: {violation}")
            self.reported = len(violations)

    Lab.__name__ = Lab.__qualname__ = f"Lab{base.__name__}"
    return Lab


def lab_sabnzbd(base: type, unchecked: frozenset) -> type:
    """SABnzbd's stand-in (no OpenAPI base class) with the same logging and unchecked paths."""

    class LabSabnzbd(lab_class(base)):
        def handler(self):
            stand_in, served = self, super().handler()

            class Handler(served):
                def _serve(self):
                    path = urllib.parse.urlsplit(self.path).path
                    if path not in unchecked:
                        super()._serve()
                        return
                    status, (content_type, payload) = unchecked_status(path), unchecked_answer(path)
                    self.send_response(status)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)

                do_GET = do_POST = _serve

                def log_message(self, fmt, *args):
                    stand_in.log_message(self.client_address[0], fmt % args)

            return Handler

    return LabSabnzbd


def contract_options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="STANDIN_CONTRACT_ARGS", add_help=False)
    parser.add_argument("--app", default=SERVICE)
    parser.add_argument("--library", action="append", default=[])
    return parser.parse_args(shlex.split(setting("STANDIN_CONTRACT_ARGS")))


def contract_standin(contract: str, options: argparse.Namespace, spec: Path | None, unchecked: frozenset):
    """The contract stand-in object (not yet listening), with the key found as the app finds it."""
    sys.path.insert(0, str(ROOT))
    module = importlib.import_module(f"tests.contract.{contract}")
    if contract == "sabnzbd":
        ini = config_dir() / "sabnzbd.ini"
        if ini.is_file():
            state = module.SabnzbdState.from_ini(ini.read_text(encoding="utf-8"))
            where = f"from {ini}"
        else:
            state, where = module.SabnzbdState(""), "made up at start (no sabnzbd.ini)"
        if not state.misc["api_key"]:
            state.misc["api_key"] = secrets.token_hex(16)
        log(f"API key {where}")
        return lab_sabnzbd(module.SabnzbdStandIn, unchecked)(state)
    if spec is None or not spec.is_file():
        raise SystemExit(f"standin[{SERVICE}] the spec {spec} of the {contract} stand-in is missing")
    key, where = api_key(options.app if contract == "servarr" else SERVICE)
    log(f"API key {where}")
    if contract == "servarr":
        stand_in = lab_class(module.ServarrStandIn)(options.app, api_key=key, spec=module.Spec(spec))
    elif contract == "jellyfin":
        stand_in = lab_class(module.JellyfinStandIn)(module.JellyfinSpec(spec))
        # Jellyfin's WebSocket endpoint, which its OpenAPI document does not describe (the entry
        # lets it through the portal): answered, not checked.
        unchecked = frozenset(unchecked) | {"/socket"}
    else:
        user = setting("SEERR_STANDIN_JELLYFIN_USER")
        stand_in = lab_class(module.SeerrStandIn)(
            module.seerr_spec(spec),
            api_key=key,
            jellyfin_admin=(user, setting("SEERR_STANDIN_JELLYFIN_PASSWORD")) if user else None,
            jellyfin_libraries=options.library or DEFAULT_LIBRARIES,
        )
    stand_in.unchecked_paths = unchecked
    return stand_in


def serve() -> int:
    """Serve the contract stand-in on the first port (standin.py's answers on the others) until
    SIGTERM or SIGINT."""
    contract = setting("STANDIN_CONTRACT")
    if not PORTS or contract not in CONTRACTS:
        log(f"STANDIN_PORTS is needed and STANDIN_CONTRACT one of {', '.join(CONTRACTS)} (not {contract!r})")
        return 1
    standin.become_puid_user()
    if sys.argv[1:]:
        log(f"ignoring arguments {' '.join(sys.argv[1:])}")
    own = OWN_PATHS.get(contract, set())
    unchecked = frozenset(path for path in [*HEALTH_PATHS, METRICS_PATH] if path and path not in own)
    stand_in = contract_standin(contract, contract_options(), spec_path(), unchecked)
    stand_in.address = (setting("STANDIN_BIND") or "0.0.0.0", PORTS[0])  # noqa: S104 - a container's own listener
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    others = [standin.listen(port) for port in PORTS[1:]]
    for server in others:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    with stand_in:
        log(
            f"{contract} contract stand-in as uid {os.getuid()} on {stand_in.url} "
            f"(spec {spec_path() or 'none'}), unchecked {', '.join(sorted(unchecked)) or 'none'}"
            + (f"; standin.py on {', '.join(map(str, PORTS[1:]))}" if others else "")
        )
        standin.log_connections(standin.CONNECTIONS)
        stop.wait()
    for server in others:
        server.shutdown()
    log(f"stopped with {len(stand_in.violations)} violation(s)")
    return 0


if __name__ == "__main__":
    sys.exit(standin.probe() if sys.argv[1:] == ["--probe"] else serve())
