"""The configure role shows why a task failed, and still never shows a secret.

``no_log`` hides a failing task's message along with its secrets, so the role uses it only where
a task's result or loop item holds a secret value itself. Everywhere else secrets travel only
through module options that are marked ``no_log`` (masked by Ansible wherever they would appear),
and loops over inventory entries that hold secrets go by position, so no item carries one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

TASKS = Path(__file__).resolve().parents[2] / "roles" / "configure" / "tasks"
#: Tasks whose result or input is itself a secret value, and why.
HIDDEN = {
    "Read the platform's secrets": "the result is the secrets store",
    "Create a Jellyfin API key for each *arr app's library refresh": "the result holds the keys",
    "Create the Jellyfin API key of Homepage's widget": "the result holds the key",
    "Give Homepage the Jellyfin key for its widget": "the file's content is the key",
    "Point Mylar3 at the comics library and the download clients": "config.ini settings carry keys",
}


def tasks() -> dict[str, dict]:
    found = {}
    for path in sorted(TASKS.glob("*.yml")):
        for task in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            found[task["name"]] = task
    return found


def test_only_tasks_holding_a_secret_value_hide_their_output():
    hidden = {name for name, task in tasks().items() if task.get("no_log")}
    assert hidden == set(HIDDEN)


def test_loops_over_inventory_entries_with_secrets_go_by_position():
    for name, task in tasks().items():
        loop = str(task.get("loop", ""))
        if "configure_usenet_servers" in loop or "configure_indexers" in loop:
            assert loop.startswith("{{ range("), name
            assert task["loop_control"]["loop_var"] == "configure_index", name
