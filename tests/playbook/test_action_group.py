"""The ``api`` action group: it holds exactly the modules that wait for an app (``ready_timeout``),
and ``module_defaults`` on it reaches tasks included below the block, as the configure role uses it."""

from __future__ import annotations

import json
import socket
import subprocess

import yaml

from tests.playbook.play import BIN, ENV, ROOT, run_local_play

GROUP = "group/newmedia.mediastack.api"


def group() -> list[str]:
    return yaml.safe_load((ROOT / "meta/runtime.yml").read_text(encoding="utf-8"))["action_groups"]["api"]


def test_the_group_holds_exactly_the_modules_that_wait_for_an_app():
    modules = sorted(path.stem for path in (ROOT / "plugins/modules").glob("*.py"))
    result = subprocess.run(
        [str(BIN / "ansible-doc"), "--json", "-t", "module", *(f"newmedia.mediastack.{name}" for name in modules)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        env=ENV,
    )
    docs = json.loads(result.stdout)
    waiting = sorted(
        name.rpartition(".")[2] for name, doc in docs.items() if "ready_timeout" in doc["doc"].get("options", {})
    )
    assert len(docs) == len(modules)
    assert sorted(group()) == waiting


def test_the_configure_role_passes_the_wait_through_the_group():
    tasks = yaml.safe_load((ROOT / "roles/configure/tasks/main.yml").read_text(encoding="utf-8"))
    blocks = [task for task in tasks if "block" in task]
    assert [block["module_defaults"] for block in blocks] == [
        {GROUP: {"ready_timeout": "{{ configure_ready_timeout }}"}}
    ]
    assert {task["ansible.builtin.include_tasks"]["file"] for task in blocks[0]["block"]} >= {
        "jellyfin.yml",
        "prowlarr.yml",
        "qbittorrent.yml",
        "sabnzbd.yml",
        "seerr.yml",
        "servarr.yml",
    }


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_module_defaults_on_the_group_reach_an_included_task(tmp_path):
    """ready_timeout 0 from the group's defaults: one try at a closed port, then the module gives up."""
    included = [
        {
            "name": "Ask for a tag",
            "newmedia.mediastack.servarr_tag": {
                "app": "sonarr",
                "url": f"http://127.0.0.1:{closed_port()}",
                "api_key": "k" * 32,
                "label": "4k",
            },
            "register": "tag_result",
            "failed_when": False,
        },
        {
            "name": "Keep the answer",
            "ansible.builtin.copy": {"content": "{{ tag_result.msg }}", "dest": str(tmp_path / "msg"), "mode": "0600"},
        },
    ]
    play = [
        {
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [
                {
                    "name": "Wait once",
                    "module_defaults": {GROUP: {"ready_timeout": 0}},
                    "block": [{"name": "Include", "ansible.builtin.include_tasks": {"file": "included.yml"}}],
                }
            ],
        }
    ]
    (tmp_path / "included.yml").write_text(yaml.safe_dump(included))
    (tmp_path / "play.yml").write_text(yaml.safe_dump(play))
    result = run_local_play(tmp_path)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "was not ready within 0 s (1 tries)" in (tmp_path / "msg").read_text()
