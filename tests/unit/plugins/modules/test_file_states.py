"""newmedia.mediastack.file_states on a temporary folder: what each path is, who owns it, its mode
and checksum, never following a link, and bad arguments refused."""

from __future__ import annotations

import hashlib
import os

import pytest

from ansible_collections.newmedia.mediastack.plugins.modules import file_states

from .harness import run_module


def test_each_path_is_reported_as_the_disk_holds_it(tmp_path):
    folder = tmp_path / "config"
    folder.mkdir(mode=0o750)
    folder.chmod(0o750)
    document = folder / "app.yaml"
    document.write_text("port: 8080\n", encoding="utf-8")
    document.chmod(0o640)
    link = tmp_path / "link"
    link.symlink_to(document)
    paths = [str(folder), str(document), str(link), str(tmp_path / "absent"), str(document / "below-a-file")]

    failed, result = run_module(file_states.main, {"paths": paths, "checksum": [str(document), str(link)]})

    assert not failed
    assert result["changed"] is False
    states = result["states"]
    me = (os.getuid(), os.getgid())
    assert states[str(folder)]["type"] == "directory"
    assert (states[str(folder)]["uid"], states[str(folder)]["gid"], states[str(folder)]["mode"]) == (*me, "0750")
    assert "checksum" not in states[str(folder)]
    assert states[str(document)]["type"] == "file"
    assert states[str(document)]["mode"] == "0640"
    assert states[str(document)]["checksum"] == hashlib.sha1(b"port: 8080\n", usedforsecurity=False).hexdigest()
    assert states[str(link)]["type"] == "link"
    assert "checksum" not in states[str(link)]
    assert states[str(tmp_path / "absent")] == {"exists": False}
    assert states[str(document / "below-a-file")] == {"exists": False}


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to an id no account has")
def test_an_unknown_id_has_no_name(tmp_path):
    document = tmp_path / "orphan"
    document.write_text("", encoding="utf-8")
    os.chown(document, 54321, 54321)
    _failed, result = run_module(file_states.main, {"paths": [str(document)]})
    state = result["states"][str(document)]
    assert (state["uid"], state["gid"], state["owner"], state["group"]) == (54321, 54321, None, None)


def test_a_checksum_of_a_path_not_asked_for_is_refused(tmp_path):
    failed, result = run_module(file_states.main, {"paths": [str(tmp_path)], "checksum": [str(tmp_path / "x")]})
    assert failed
    assert result["msg"] == f"checksum names paths that paths does not: {tmp_path / 'x'}"


def test_a_relative_path_is_refused():
    failed, result = run_module(file_states.main, {"paths": ["opt/mediastack"]})
    assert failed
    assert result["msg"] == "paths must be absolute: opt/mediastack"
