"""The VPN gateway's port forwarding command sets a real qBittorrent's listen port.

Gluetun runs ``VPN_PORT_FORWARDING_UP_COMMAND`` once the provider has forwarded a port: it puts the
port in place of ``{{PORT}}``, splits the command as a POSIX shell would and runs it with its own
environment, which holds the WebUI password from its env file. This test does the same with
Debian's ``qbittorrent-nox`` (4.5, seeded like the deployed one) and GNU wget, which the Gluetun
image installs; it stands in for Gluetun only in running the command.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess

import pytest

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._renderings.compose import port_forwarding_command
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import TORRENT_WEBUI_VARIABLE

from .download_clients import WRONG_PASSWORD, QbittorrentServer

FORWARDED = 51413


@pytest.fixture(scope="module", name="server")
def fixture_server(tmp_path_factory):
    if not shutil.which("wget"):
        pytest.skip("wget is missing: apt-get install wget")
    server = QbittorrentServer(tmp_path_factory.mktemp("qbittorrent"))
    try:
        yield server.start()
    finally:
        server.stop()


def run_as_gluetun(command: str, port: int, password: str) -> subprocess.CompletedProcess:
    """What Gluetun does with the up command: the port in, split like a shell, run with its env."""
    args = shlex.split(command.replace("{{PORT}}", str(port)))
    env = {"PATH": "/usr/bin:/bin", TORRENT_WEBUI_VARIABLE: password}
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=60, check=False)


def listen_port(server: QbittorrentServer) -> int:
    return int(server.api("GET", "/api/v2/app/preferences")["listen_port"])


def test_the_forwarded_port_becomes_qbittorrents_listen_port(server):
    assert listen_port(server) != FORWARDED
    result = run_as_gluetun(port_forwarding_command(server.url, server.username), FORWARDED, server.password)
    assert result.returncode == 0, result.stdout + result.stderr
    assert listen_port(server) == FORWARDED
    # Gluetun forwards another port after a reconnect: the command follows.
    result = run_as_gluetun(port_forwarding_command(server.url, server.username), FORWARDED + 1, server.password)
    assert result.returncode == 0, result.stdout + result.stderr
    assert listen_port(server) == FORWARDED + 1


def test_a_wrong_password_fails_the_command_and_changes_nothing(server):
    before = listen_port(server)
    result = run_as_gluetun(port_forwarding_command(server.url, server.username), FORWARDED + 7, WRONG_PASSWORD)
    assert result.returncode != 0
    assert listen_port(server) == before
    assert WRONG_PASSWORD not in result.stdout + result.stderr
