"""The lab pushes its images only into a registry lab.py started (tests/lab/lab.py registry).

An open registry on port 5000 that lab.py did not start (a user's own, say) would otherwise be
reused and filled with lab images. The process holding the port is found through /proc (a real
listening socket of this test process); whether it is a lab registry is read from its command line
(a /proc of the test's own: docker-registry serving a configuration lab.py wrote, another checkout's
included).
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from ..lab import lab


@pytest.fixture(name="listener")
def fixture_listener():
    """A TCP socket of this process listening on a free loopback port; its port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        yield server.getsockname()[1]


def test_the_process_listening_on_a_port_is_found(listener):
    assert os.getpid() in lab.listening_pids(listener)


def test_a_connected_port_is_not_a_listening_one(listener):
    # The client's end of a connection holds a local port too, in state ESTABLISHED, not LISTEN.
    with socket.create_connection(("127.0.0.1", listener), timeout=5) as client:
        assert lab.listening_pids(client.getsockname()[1]) == []


def fake_proc(tmp_path: Path, pid: int, argv: list[str]) -> Path:
    proc = tmp_path / "proc"
    (proc / str(pid)).mkdir(parents=True)
    (proc / str(pid) / "cmdline").write_bytes(b"\0".join(arg.encode() for arg in argv) + b"\0")
    return proc


def test_a_registry_serving_a_configuration_lab_py_wrote_is_a_lab_registry(tmp_path):
    config = tmp_path / "other-checkout" / "config.yml"
    config.parent.mkdir()
    config.write_text(lab.registry_config(), encoding="utf-8")
    proc = fake_proc(tmp_path, 4242, ["/usr/bin/docker-registry", "serve", str(config)])
    assert lab.lab_registry_config(4242, proc) == config


@pytest.mark.parametrize(
    "argv",
    [
        ["/usr/bin/docker-registry", "serve", "{config}"],
        ["/usr/bin/docker-registry", "serve", "{config}.absent"],
        ["/usr/bin/python3", "-m", "http.server", "5000"],
        ["/usr/bin/docker-registry", "serve"],
    ],
    ids=["a-config-lab-py-did-not-write", "an-absent-config", "another-program", "no-config"],
)
def test_anything_else_is_not_a_lab_registry(tmp_path, argv):
    config = tmp_path / "config.yml"
    config.write_text(lab.registry_config().removeprefix(lab.REGISTRY_HEADER), encoding="utf-8")
    proc = fake_proc(tmp_path, 4242, [arg.format(config=config) for arg in argv])
    assert lab.lab_registry_config(4242, proc) is None


def test_a_missing_process_is_not_a_lab_registry(tmp_path):
    assert lab.lab_registry_config(4242, tmp_path) is None


def test_an_open_registry_lab_py_did_not_start_is_refused(monkeypatch):
    monkeypatch.setattr(lab, "listening_pids", lambda _port: [31337])
    monkeypatch.setattr(lab, "lab_registry_config", lambda _pid: None)
    with pytest.raises(lab.LabError) as refused:
        lab.refuse_unknown_registry()
    assert "pid 31337" in str(refused.value)
    assert "lab.py did not start it" in str(refused.value)


def test_a_registry_whose_holder_cannot_be_seen_is_refused(monkeypatch):
    monkeypatch.setattr(lab, "listening_pids", lambda _port: [])
    with pytest.raises(lab.LabError) as refused:
        lab.refuse_unknown_registry()
    assert "a process this user cannot see" in str(refused.value)


def test_a_lab_registry_is_left_alone(monkeypatch, tmp_path):
    monkeypatch.setattr(lab, "listening_pids", lambda _port: [4242])
    monkeypatch.setattr(lab, "lab_registry_config", lambda _pid: tmp_path / "config.yml")
    assert lab.refuse_unknown_registry() is None
