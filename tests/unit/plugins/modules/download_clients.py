"""Helpers for the download-client module tests: a real qBittorrent (Debian's ``qbittorrent-nox``)
and a real SABnzbd (Debian's ``sabnzbdplus``) on loopback with pre-seeded configs, and the SABnzbd
stand-in behind the same reading interface as the real SABnzbd."""

from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._seed import (
    derived_salt,
    qbittorrent_password,
)
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._seed import qbittorrent_conf as seed_qbittorrent_conf
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._seed import sabnzbd_config as seed_sabnzbd_config
from tests.contract.sabnzbd import parse_ini

from .harness import free_port


def qbittorrent_conf(username: str, password: str, port: int, extra: str = "") -> str:
    """The deployed qBittorrent.conf seed (``_seed.qbittorrent_conf``) plus what a test server needs.

    Everything but the WebUI stays off or on loopback: the WebUI and the BitTorrent session bind to
    127.0.0.1, and DHT, peer discovery, port forwarding and the GeoIP download are off.
    """
    hashed = qbittorrent_password(password, derived_salt(password, "test-platform", "qbittorrent"))
    seeded = seed_qbittorrent_conf(username, hashed)
    local = (
        "Connection\\ResolvePeerCountries=false\n"
        "WebUI\\Address=127.0.0.1\n"
        f"WebUI\\Port={port}\n"
        "WebUI\\UseUPnP=false\n" + extra
    )
    assert seeded.count("[Preferences]\n") == 1, seeded
    return (
        seeded.replace("[Preferences]\n", "[Preferences]\n" + local) + "\n[BitTorrent]\n"
        "Session\\DHTEnabled=false\n"
        "Session\\LSDEnabled=false\n"
        "Session\\PeXEnabled=false\n"
        "Session\\InterfaceAddress=127.0.0.1\n"
        "\n[Network]\nPortForwardingEnabled=false\n"
    )


#: Throw-away credentials of the test servers.
PASSWORD = "Test-Passw0rd-for-the-WebUI"  # noqa: S105 - a test server's own password
OTHER_PASSWORD = "An0ther-WebUI-password"  # noqa: S105 - a test server's own password
WRONG_PASSWORD = "not-the-password"  # noqa: S105 - deliberately wrong


class QbittorrentServer:
    """``qbittorrent-nox`` with a throw-away profile, on a free loopback port."""

    username = "mediastack"
    password = PASSWORD

    def __init__(self, profile: Path, extra_conf: str = ""):
        binary = shutil.which("qbittorrent-nox")
        if not binary:
            pytest.skip(
                "qbittorrent-nox is not installed (apt-get install qbittorrent-nox, as tools/host-deps.sh does)"
            )
        self.binary = binary
        self.profile = profile
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = profile / "qBittorrent" / "config"
        config.mkdir(parents=True)
        (config / "qBittorrent.conf").write_text(qbittorrent_conf(self.username, self.password, self.port, extra_conf))
        self.log = profile / "qbittorrent.log"
        self.process = None
        self.cookies = http.cookiejar.CookieJar()

    def start(self, wait_s: float = 30.0) -> QbittorrentServer:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [self.binary, f"--profile={self.profile}", f"--webui-port={self.port}"],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env={"HOME": str(self.profile), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            )
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"qbittorrent-nox exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                urllib.request.urlopen(self.url + "/api/v2/app/version", timeout=2)  # noqa: S310 - loopback
            except urllib.error.HTTPError:
                return self  # 403 before signing in: the WebUI is up
            except OSError:
                time.sleep(0.2)
                continue
            return self
        self.stop()
        pytest.fail(f"qbittorrent-nox did not answer on {self.url} within {wait_s:g} s: {self.log.read_text()}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def request(self, method: str, path: str, form: dict | None = None):
        """One WebUI call outside the module under test (to check what the server holds)."""
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.url + path, data=data, method=method, headers={"Referer": self.url, "Origin": self.url}
        )
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        with opener.open(request, timeout=10) as response:
            raw = response.read().decode()
        try:
            return json.loads(raw)
        except ValueError:
            return raw

    def api(self, method: str, path: str, form: dict | None = None):
        if not any(cookie.name == "SID" for cookie in self.cookies):
            answer = self.request("POST", "/api/v2/auth/login", {"username": self.username, "password": self.password})
            assert answer == "Ok.", answer
        return self.request(method, path, form)

    def args(self, **extra) -> dict:
        return dict(url=self.url, username=self.username, password=self.password, ready_timeout=10, **extra)


# --- SABnzbd ---------------------------------------------------------------------------------

SABNZBD_API_KEY = "0123456789abcdef0123456789abcdef"
SABNZBD_NZB_KEY = "fedcba9876543210fedcba9876543210"
#: The host names the test servers answer to besides addresses (``host_whitelist`` of the seed).
SABNZBD_HOSTS = ["sabnzbd", "sabnzbd.example.org"]
#: What only a test server adds to the seed: no check for a newer release and no announcements on
#: the LAN (the seed itself already leaves ``selftest_host`` empty).
SABNZBD_TEST_MISC = "check_new_rel = 0\nenable_broadcast = 0\n"
SABNZBD_HINT = "apt-get install sabnzbdplus (Debian contrib, with unrar from non-free), as tools/host-deps.sh does"


def sabnzbd_seed(port: int) -> str:
    """The deployed sabnzbd.ini seed (``_seed.sabnzbd_config``) plus what a test server needs."""
    seeded = seed_sabnzbd_config(port, SABNZBD_API_KEY, SABNZBD_NZB_KEY, SABNZBD_HOSTS)
    assert seeded.count("[misc]\n") == 1, seeded
    return seeded.replace("[misc]\n", "[misc]\n" + SABNZBD_TEST_MISC, 1)


def missing_binary(name: str, hint: str) -> None:
    """Skip without the program, but fail under CI, where a missing server means a broken setup."""
    message = f"{name} is not installed ({hint})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message + "; CI must run these tests against the real server")
    pytest.skip(message)


class SabnzbdReader:
    """Reads what a SABnzbd holds through its API, outside the module under test."""

    kind = ""
    url = ""

    def api(self, mode: str, **params):
        query = urllib.parse.urlencode(dict(params, mode=mode, output="json", apikey=SABNZBD_API_KEY))
        with urllib.request.urlopen(f"{self.url}/api?{query}", timeout=10) as response:  # noqa: S310 - loopback
            return json.loads(response.read())

    def section(self, section: str):
        return self.api("get_config", section=section).get("config", {}).get(section, [])

    def misc(self) -> dict:
        return self.section("misc") or {}

    def servers(self) -> dict:
        return {entry["name"]: entry for entry in self.section("servers")}

    def categories(self) -> dict:
        return {entry["name"]: entry for entry in self.section("categories")}

    def stored_password(self, section: str, name: str) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


class SabnzbdServer(SabnzbdReader):
    """Debian's ``sabnzbdplus`` (SABnzbd 3.7) with a throw-away config folder, on a free loopback port.

    It starts paused (no news server is ever contacted) from ``sabnzbd_seed``; everything it writes
    stays below ``home``.
    """

    kind = "real"

    def __init__(self, home: Path):
        binary = shutil.which("sabnzbdplus")
        if not binary:
            missing_binary("sabnzbdplus", SABNZBD_HINT)
        self.binary = binary
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ini = home / "config" / "sabnzbd.ini"
        self.ini.parent.mkdir(parents=True)
        self.ini.write_text(sabnzbd_seed(self.port))
        self.log = home / "sabnzbd.log"
        self.process = None
        self.version = ""

    def start(self, wait_s: float = 60.0) -> SabnzbdServer:
        command = [self.binary, "--config-file", str(self.ini), "--server", f"127.0.0.1:{self.port}"]
        command += ["--browser", "0", "--pause", "--console"]
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                command,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                cwd=self.home,
                env={"HOME": str(self.home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            )
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"sabnzbdplus exited with {self.process.returncode}: {self.log.read_text()}")
            try:
                self.version = self.api("version")["version"]
            except (OSError, ValueError):
                time.sleep(0.2)
                continue
            return self
        self.stop()
        pytest.fail(f"sabnzbdplus did not answer on {self.url} within {wait_s:g} s: {self.log.read_text()}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)

    def stored_password(self, section: str, name: str) -> str:
        """The password as sabnzbd.ini holds it (SABnzbd answers it as asterisks)."""
        sections = parse_ini(self.ini.read_text(encoding="utf-8"))
        stored = sections["misc"][name] if section == "misc" else sections[section][name]["password"]
        prefix = "!!!encoded!!!"
        if stored.startswith(prefix):
            stored = bytes.fromhex(stored[len(prefix) :]).decode()
        return stored


class SabnzbdStandInReader(SabnzbdReader):
    """The contract stand-in (``tests/contract/sabnzbd.py``) behind the same reading interface."""

    kind = "standin"

    def __init__(self, stand_in):
        self.stand_in = stand_in
        self.url = stand_in.url
        self.version = stand_in.api.mode_version({})["version"]

    @property
    def violations(self) -> list[str]:
        return self.stand_in.violations

    def stored_password(self, section: str, name: str) -> str:
        if section == "misc":
            return self.stand_in.state.misc[name]
        return self.stand_in.state.servers[name]["password"]


def sabnzbd_args(server, **extra) -> dict:
    return dict(url=server.url, api_key=SABNZBD_API_KEY, ready_timeout=5, **extra)
