"""The lab's ACME CA (tests/lab/acme.py) reuses only the servers it started itself.

A pebble left on the lab's port by another checkout or an interrupted run signs with another CA:
reusing it made `acme.py root` hand the client a root that did not verify the entry's certificate.
These tests stand `sleep` in for pebble (the same bookkeeping: a pid file and the recorded command)
and fake the port check, so nothing listens on the lab's addresses.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..lab import acme

SLEEP = ["sleep", "60"]


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(acme, "STATE", tmp_path)
    yield tmp_path
    acme.terminate("pebble")


def alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def test_a_port_answered_by_a_server_it_did_not_start_is_refused(state, monkeypatch):
    monkeypatch.setattr(acme, "answering", lambda port: True)
    with pytest.raises(acme.AcmeError, match=r"192\.168\.60\.1:14000 already answers, but not a pebble"):
        acme.ensure("pebble", acme.API_PORT, SLEEP, {})
    assert not (state / "pebble.pid").exists()


def test_its_own_server_with_the_same_arguments_is_reused(state, monkeypatch):
    monkeypatch.setattr(acme, "answering", lambda port: False)
    acme.ensure("pebble", acme.API_PORT, SLEEP, {})
    first = int((state / "pebble.pid").read_text(encoding="utf-8"))
    monkeypatch.setattr(acme, "answering", lambda port: True)
    acme.ensure("pebble", acme.API_PORT, SLEEP, {})
    assert int((state / "pebble.pid").read_text(encoding="utf-8")) == first
    assert alive(first)


def test_its_own_server_with_other_arguments_is_replaced(state, monkeypatch):
    monkeypatch.setattr(acme, "answering", lambda port: False)
    acme.ensure("pebble", acme.API_PORT, SLEEP, {})
    first = int((state / "pebble.pid").read_text(encoding="utf-8"))
    acme.ensure("pebble", acme.API_PORT, ["sleep", "61"], {})
    second = int((state / "pebble.pid").read_text(encoding="utf-8"))
    assert second != first
    assert not alive(first)
    assert alive(second)


def test_a_pid_file_naming_another_program_is_not_trusted(state, monkeypatch):
    """A pid reused by an unrelated process after a reboot is neither reused nor killed."""
    monkeypatch.setattr(acme, "answering", lambda port: True)
    (state / "pebble.pid").write_text("1", encoding="utf-8")
    (state / "pebble.cmd").write_bytes(acme.command_line(SLEEP))
    with pytest.raises(acme.AcmeError, match="already answers"):
        acme.ensure("pebble", acme.API_PORT, SLEEP, {})
    assert alive(1)


def test_stop_waits_until_the_server_has_gone(state, monkeypatch):
    monkeypatch.setattr(acme, "answering", lambda port: False)
    acme.ensure("pebble", acme.API_PORT, SLEEP, {})
    pid = int((state / "pebble.pid").read_text(encoding="utf-8"))
    acme.terminate("pebble")
    assert not alive(pid)
    assert not (state / "pebble.pid").exists()
    assert not (state / "pebble.cmd").exists()
