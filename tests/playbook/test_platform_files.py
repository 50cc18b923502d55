"""newmedia.mediastack.platform_files, the one path by which the deploy and the render playbook write
the platform's files, run by ansible-playbook on localhost into a temporary configuration root.

Checked on disk: every folder and file of the host's layout, with the store's secret values, owner
and mode; nothing changes on a second run; a changed configuration file is put back and its
service named for a restart; a seed file the app rewrote is left alone; check mode writes nothing;
and no secret value appears in the task's result or in ansible-playbook's output.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
import yaml

from ansible_collections.newmedia.mediastack.plugins.plugin_utils._layout import host_layout
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._plan import build_plan
from ansible_collections.newmedia.mediastack.plugins.plugin_utils._secrets import required_secrets

from ..unit.shipped import CATALOG, shipped
from .play import run_local_play

HOST = "media1"
pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="the deploy gives files to the services' users: needs root")


def play(folder: Path, check: bool = False) -> tuple[dict, str]:
    """Run platform_files once with the vars in ``folder``; (its result, ansible-playbook's output)."""
    (folder / "play.yml").write_text(
        yaml.safe_dump(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "vars_files": ["vars.json"],
                    "tasks": [
                        {
                            "name": "Write the host's files",
                            "newmedia.mediastack.platform_files": {
                                "plan": "{{ plan }}",
                                "secrets": "{{ settings }}",
                                "host": HOST,
                                "secrets_path": str(folder / "store.yml"),
                            },
                            "check_mode": check,
                            "diff": True,
                            "register": "written",
                        },
                        {
                            "name": "Keep the result",
                            "ansible.builtin.copy": {
                                "content": "{{ written | to_json }}",
                                "dest": str(folder / "result.json"),
                            },
                            "check_mode": False,
                        },
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    run = run_local_play(folder)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads((folder / "result.json").read_text(encoding="utf-8")), run.stdout + run.stderr


@pytest.fixture(name="platform")
def fixture_platform(tmp_path):
    box = shipped("single-host")
    root = tmp_path / "root"
    settings = {**box.settings[HOST], "config_root": str(root), "puid": os.getuid(), "pgid": os.getgid()}
    plan = build_plan(CATALOG, {**box.planner, "settings": settings})
    store = {name: f"known-{index:03d}-value" for index, name in enumerate(required_secrets(plan))}
    (tmp_path / "store.yml").write_text(yaml.safe_dump(store), encoding="utf-8")
    variables = {"plan": plan, "settings": settings}
    (tmp_path / "vars.json").write_text(json.dumps(variables), encoding="utf-8")
    layout = host_layout(plan, HOST, store, settings)
    return tmp_path, root, store, layout


def on_disk(path: str) -> tuple[str, str, str]:
    info = Path(path).stat()
    return str(info.st_uid), str(info.st_gid), f"{stat.S_IMODE(info.st_mode):04o}"


def test_the_deploy_writes_the_layout_once_and_puts_back_what_changed(platform):
    folder, root, store, layout = platform
    result, output = play(folder)
    assert result["changed"] is True
    assert sorted(result["changed_files"]) == sorted(item["path"] for item in layout["files"])
    assert (result["files"], result["directories"]) == (len(layout["files"]), len(layout["directories"]))
    for item in layout["files"]:
        assert Path(item["path"]).read_text(encoding="utf-8") == item["content"], item["path"]
        assert on_disk(item["path"]) == (item["owner"], item["group"], item["mode"]), item["path"]
    for directory in layout["directories"]:
        owner, group, mode = on_disk(directory["path"])
        assert (owner, group) == (directory["owner"], directory["group"]), directory["path"]
        assert not directory["mode"] or mode == directory["mode"], directory["path"]
    # The store's values are in the files (a sample), and in neither the result nor the output.
    env_files = [item for item in layout["files"] if item["path"].startswith(f"{root}/env/")]
    assert env_files and any(value in item["content"] for item in env_files for value in store.values())
    shown = json.dumps(result) + output
    assert [name for name, value in store.items() if value in shown] == []

    # A second run changes nothing; a changed file is put back (each run takes tens of seconds,
    # so one deployed root serves every step).
    again, _output = play(folder)
    assert (again["changed"], again["changed_files"], again["changed_directories"], again["changed_services"]) == (
        False,
        [],
        [],
        [],
    )

    # Out of band: a configuration file's content and another's mode, a secret file's owner, the
    # environment folder's mode and a service folder's group; a seed the app rewrote.
    static = root / "traefik" / "traefik.yaml"
    seeded = next(item for item in layout["files"] if item.get("seed"))
    plain_files = [item for item in layout["files"] if not item.get("seed") and not item["secret"]]
    moded = next(item for item in plain_files if item["path"] != str(static))
    owned = next(item for item in layout["files"] if item["secret"])
    service_folder = next(directory for directory in layout["directories"] if not directory["mode"])
    static.write_text("edited by hand\n", encoding="utf-8")
    Path(moded["path"]).chmod(0o666)
    os.chown(owned["path"], 12345, -1)
    (root / "env").chmod(0o755)  # the folder of the environment files is the deploy's 0700
    os.chown(service_folder["path"], -1, 12345)
    Path(seeded["path"]).write_text("rewritten by the app\n", encoding="utf-8")
    files = sorted([str(static), moded["path"], owned["path"]])
    folders = sorted([str(root / "env"), service_folder["path"]])

    checked, _output = play(folder, check=True)
    assert (sorted(checked["changed_files"]), sorted(checked["changed_directories"])) == (files, folders)
    assert static.read_text(encoding="utf-8") == "edited by hand\n"

    fixed, _output = play(folder)
    assert (sorted(fixed["changed_files"]), sorted(fixed["changed_directories"])) == (files, folders)
    assert fixed["changed_services"] == sorted({"traefik", moded["service"]} - {"", None})
    expected = next(item["content"] for item in layout["files"] if item["path"] == str(static))
    assert static.read_text(encoding="utf-8") == expected
    for item in (moded, owned):
        assert on_disk(item["path"]) == (item["owner"], item["group"], item["mode"]), item["path"]
    assert on_disk(str(root / "env"))[2] == "0700"
    assert on_disk(service_folder["path"])[:2] == (service_folder["owner"], service_folder["group"])
    assert Path(seeded["path"]).read_text(encoding="utf-8") == "rewritten by the app\n"


def test_check_mode_on_a_new_host_with_an_empty_store_writes_nothing(platform):
    """The first run of a user who looks before deploying: no secret is generated yet (check mode),
    so the store's missing values read as a placeholder, every file would be written, none is."""
    folder, root, _store, layout = platform
    (folder / "store.yml").write_text("{}\n", encoding="utf-8")
    result, _output = play(folder, check=True)
    assert result["changed"] is True
    assert sorted(result["changed_files"]) == sorted(item["path"] for item in layout["files"])
    assert not root.exists()
